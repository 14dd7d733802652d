"""The fast form painter (generator/form/draw.py: PDF operators written directly, shared
content as form XObjects) draws the same pixels as the general path, reportlab's public canvas
API one call per op (generator/form/plain_draw.py), on generated pages and on the built-in
work order."""
from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops

from generator.fonts import font_set
from generator.form.draw import Painter, code128_pattern
from generator.form.ops import BARS, BOX, LINE, QR, RECT, TEXT
from generator.form.plain_draw import PlainPainter
from generator.form.values import Fixed
from generator.pdf import new_canvas

pytestmark = pytest.mark.property

FONTS = font_set()
PAGE = (210.0, 297.0)   # A4, mm
DPI = 100


def _pdf(painter_class, pages: list[list[tuple]]) -> bytes:
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, PAGE, font=FONTS.pdf_font(), title="t")
    painter = painter_class(canvas, FONTS, PAGE[1])
    for ops in pages:
        painter.page(ops)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _pixels(pdf: bytes) -> list[Image.Image]:
    document = pdfium.PdfDocument(pdf)
    try:
        return [page.render(scale=DPI / 72).to_pil().convert("L") for page in document]
    finally:
        document.close()


def assert_same_pixels(pages: list[list[tuple]]) -> None:
    fast, plain = _pixels(_pdf(Painter, pages)), _pixels(_pdf(PlainPainter, pages))
    assert len(fast) == len(plain)
    for number, (a, b) in enumerate(zip(fast, plain), 1):
        histogram = ImageChops.difference(a, b).histogram()
        # the same drawing: positions rounded differently (two decimals of a point here, more
        # there) and grid lines merged there move anti-aliased edges by a shade (a full page:
        # ~13,000 pixels by 32-64 of 255, none by more than 96); a string, a line or a module
        # missing or misplaced makes many pixels differ by far more
        far = sum(histogram[97:])
        mean = sum(i * n for i, n in enumerate(histogram)) / (a.width * a.height)
        assert far <= 2, f"page {number}: {far} pixels differ by more than 96"
        assert mean < 2.0, f"page {number}: mean difference {mean:.3f}"


COLOURS = st.sampled_from(["#000000", "#1f3864", "#c00000", "#7f7f7f", "#2e75b6"])
TEXT_CHARS = st.sampled_from(list("ABCxyz0129 -:/()（）工单装维服务确认书回访安全帽绝缘鞋，。")
                             + ["ئۇيغۇر", "é", "Ω"])
X = st.floats(10, 190)
Y = st.floats(15, 280)


@st.composite
def text_ops(draw):
    text = "".join(draw(st.lists(TEXT_CHARS, min_size=1, max_size=12)))
    fixed = draw(st.booleans())
    return (TEXT, draw(X), draw(Y), Fixed(text) if fixed else text,
            draw(st.sampled_from([6.5, 8.0, 9.5, 12.0, 18.0])), draw(st.booleans()),
            draw(COLOURS), draw(st.sampled_from("lcr")), draw(st.sampled_from([0.0, 0.3])))


@st.composite
def line_ops(draw):
    x1, y1 = draw(X), draw(Y)
    kind = draw(st.sampled_from(["h", "v", "d"]))
    x2 = x1 if kind == "v" else draw(X)
    y2 = y1 if kind == "h" else draw(Y)
    return (LINE, x1, y1, x2, y2, draw(st.sampled_from([0.35, 0.5, 1.0])), draw(COLOURS))


@st.composite
def rect_ops(draw):
    fill = draw(st.one_of(st.none(), st.sampled_from(["#f2f2f2", "#dde7f3", "#fff2cc"])))
    stroke = draw(COLOURS) if fill is None else draw(st.one_of(st.none(), COLOURS))
    return (RECT, draw(X), draw(Y), draw(st.floats(2, 60)), draw(st.floats(2, 30)), fill,
            stroke, draw(st.sampled_from([0.35, 0.5])))


@st.composite
def code_ops(draw):
    kind = draw(st.sampled_from([BOX, QR, BARS]))
    x, y = draw(st.floats(10, 150)), draw(st.floats(15, 240))
    if kind == BOX:
        return (BOX, x, y, 3.0, draw(st.booleans()), draw(COLOURS))
    value = draw(st.text("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=20))
    if kind == QR:
        return (QR, x, y, draw(st.floats(15, 30)), value)
    return (BARS, x, y, 0.25, 8.0, code128_pattern(value))


PAGES = st.lists(st.one_of(text_ops(), line_ops(), rect_ops(), code_ops()), min_size=1,
                 max_size=25)


@settings(deadline=None, max_examples=25)
@given(ops=PAGES)
def test_the_fast_painter_draws_what_the_general_path_draws(ops):
    # twice: the second page names the form XObjects the first one made
    assert_same_pixels([ops, ops])


def test_the_built_in_work_order_looks_the_same_either_way(tmp_path):
    from conftest import EXAMPLES
    from generator.commands.common import load
    from generator.orders import order_shape
    from generator.form import Record, layout_record, load_form
    from generator.orders import WorkingCalendar, iter_contexts
    dataset = load((EXAMPLES / "work_orders.yaml", EXAMPLES / "staff.yaml",
                    EXAMPLES / "company.yaml"))
    layout = load_form("work-order", order_shape())
    calendar = WorkingCalendar.for_company(dataset.company)
    orders = dataset.work_orders[:3]
    pages = [ops for o, ctx in zip(orders, iter_contexts(dataset, orders, calendar))
             for ops in layout_record(layout, Record(ctx, o.id), FONTS).pages]
    assert len(pages) >= 3
    assert_same_pixels(pages)
