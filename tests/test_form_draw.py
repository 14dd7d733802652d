"""The form engine's Painter writes PDF operators itself, through reportlab internals (font
subsetting, form XObjects), because that is several times faster than reportlab's public
canvas calls (benchmarks/painter.py). Its pages must be what the public calls draw
(tests/public_painter.py, the reference): the same pixels within the reference outputs'
tolerance (tests/refcheck.py) and the same text, page by page."""
from __future__ import annotations

import io

import pypdfium2 as pdfium
import pytest

import refcheck
from form_batches import batches, draw
from generator.form.draw import Painter
from public_painter import PublicPainter

DPI = 100
HOSTILE = refcheck.INPUTS / "hostile"
BATCHES = batches() + [("hostile " + name, layout, records, fonts) for name, layout, records, fonts
                       in batches(HOSTILE / "work_orders.yaml", HOSTILE / "staff.yaml")[:2]]


def pages(pdf: bytes):
    document = pdfium.PdfDocument(io.BytesIO(pdf))
    try:
        for page in document:
            textpage = page.get_textpage()
            text = "".join(textpage.get_text_range().split())
            textpage.close()
            yield text, refcheck.grey(page.render(scale=DPI / 72).to_pil())
            page.close()
    finally:
        document.close()


@pytest.mark.parametrize("name, layout, records, fonts", BATCHES,
                         ids=[b[0] for b in BATCHES])
def test_the_painter_draws_what_the_public_api_draws(name, layout, records, fonts, tmp_path):
    ours = list(pages(draw(Painter, layout, records, fonts)))
    public = list(pages(draw(PublicPainter, layout, records, fonts)))
    assert len(ours) == len(public) > 1
    for number, ((text, image), (ref_text, ref_image)) in enumerate(zip(ours, public), 1):
        assert text == ref_text, f"{name} page {number}"
        count, mask = refcheck.differing_pixels(ref_image, image)
        if count > refcheck.PIXEL_COUNT:
            image.save(tmp_path / "painter.png")
            ref_image.save(tmp_path / "public.png")
            mask.save(tmp_path / "diff.png")
        assert count <= refcheck.PIXEL_COUNT, (
            f"{name} page {number}: {count} pixels differ; see {tmp_path}")
