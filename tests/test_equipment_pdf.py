"""The printed equipment report: layout (positions, no drawing), then the PDF itself."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest

from generator.equipment import Report, assess
from generator.equipment import pdf as eqpdf
from generator.models import EquipmentItem, Person

AS_OF = dt.date(2026, 11, 21)
FAILURES = Path(__file__).resolve().parent / "failures"   # git-ignored: images of failures


def make_report(n_people=40, per_person=3, extra=()):
    people = {f"P{i:03d}": Person(id=f"P{i:03d}", name=f"员工{i}", team=f"第{i % 4}班")
              for i in range(n_people)}
    items = []
    for i, pid in enumerate(people):
        for j in range(per_person):
            kind = "helmet" if j % 2 == 0 else "insulated_shoes"
            start = AS_OF - dt.timedelta(days=30 * ((i + j) % 40))
            items.append(EquipmentItem(id=f"E{i:03d}-{j}", kind=kind, holder=pid,
                                       batch=f"B{i % 7}", manufactured=start, in_service=start))
    items.extend(extra)
    return Report(AS_OF, assess(items, AS_OF), people=people)


def item_rows(pages):
    for number, ops in enumerate(pages, start=1):
        for op in ops:
            if op.kind == "row" and op.cols is eqpdf.ITEM_COLS:
                yield number, op


def text_of(cell) -> str:
    return cell if isinstance(cell, str) else cell.text


# ------------------------------------------------------------------------------- layout
def test_ops_stay_inside_the_body_and_never_overlap():
    pages = eqpdf.layout(make_report())
    assert len(pages) >= 4
    for ops in pages:
        y = eqpdf.BODY_TOP
        for op in ops:
            assert op.y >= y - 1e-6, (op.kind, op.y, y)
            y = op.y + op.height
        assert y <= eqpdf.BODY_BOTTOM + 1e-6


def test_every_item_once_grouped_by_team_and_holder_urgent_first():
    report = make_report()
    pages = eqpdf.layout(report)
    rows = [op for _, op in item_rows(pages)]
    ids = [text_of(op.cells[1]) for op in rows]
    assert sorted(ids) == sorted(s.id for s in report.statuses)
    by_id = {s.id: s for s in report.statuses}
    # teams and holders come in contiguous runs; within a holder, most urgent first
    teams, holders = [], []
    for i in ids:
        team, holder = report.team(by_id[i]), by_id[i].holder
        if not teams or teams[-1] != team:
            assert team not in teams
            teams.append(team)
        if not holders or holders[-1] != holder:
            assert holder not in holders
            holders.append(holder)
    for a, b in zip(ids, ids[1:]):
        if by_id[a].holder == by_id[b].holder:
            assert by_id[a].sort_key() <= by_id[b].sort_key()
    # teams are ordered by their most urgent item
    firsts = [min(by_id[i].sort_key() for i in ids if report.team(by_id[i]) == t) for t in teams]
    assert firsts == sorted(firsts)


def test_items_pages_repeat_band_and_header():
    pages = eqpdf.layout(make_report(n_people=60))
    item_pages = sorted({n for n, _ in item_rows(pages)})
    for number in item_pages:
        kinds = [op.kind for op in pages[number - 1]]
        assert kinds[:2] == ["band", "thead"]
        assert kinds.count("thead") == kinds.count("band")


def test_holder_named_on_first_row_and_again_on_a_new_page():
    pages = eqpdf.layout(make_report(n_people=60))
    seen_first_row_of_page = set()
    for number, op in item_rows(pages):
        who = text_of(op.cells[0])
        first_on_page = number not in seen_first_row_of_page
        seen_first_row_of_page.add(number)
        if op.rule or first_on_page:
            assert who.startswith("员工"), (number, who)
        else:
            assert who == ""


def test_long_reason_wraps_into_a_taller_row():
    long = EquipmentItem(id="X-1", kind="insulated_shoes", holder="P000", manufactured="2027-03",
                         in_service="2026-11-10", retired="2026-11-01")
    pages = eqpdf.layout(make_report(extra=[long]))
    row = next(op for _, op in item_rows(pages) if text_of(op.cells[1]) == "X-1")
    assert row.height > eqpdf.ROW_H
    assert len(row.cells[-1].lines) == 2


def test_summary_counts_on_page_one():
    report = make_report()
    ctx = eqpdf.report_context(report)
    assert ctx["total"] == len(report.statuses)
    assert sum(e["count"] for e in ctx["summary"]) == ctx["total"]
    assert sum(t["total"] for t in ctx["teams"]) == ctx["total"]
    titles = [op.text for op in eqpdf.layout(report)[0] if op.kind == "title"]
    assert titles[0].startswith("一、按状态汇总") and titles[1].startswith("二、按班组汇总")


# ------------------------------------------------------------------------------- the PDF
@pytest.fixture(scope="module")
def rendered():
    odd = EquipmentItem(id="H-(1)\\", kind="helmet", holder="ODD", manufactured="2024-01")
    report = make_report(extra=[odd])
    report.people["ODD"] = Person(id="ODD", name="<b>&{{x}}", team="第1班")
    return report, eqpdf.to_pdf(report)


def test_pdf_is_a4_landscape_with_page_numbers(rendered):
    import pypdfium2 as pdfium
    report, data = rendered
    doc = pdfium.PdfDocument(data)
    n = len(doc)
    assert n == len(eqpdf.layout(report))
    w, h = doc[0].get_size()
    assert round(w / 72 * 25.4) == 297 and round(h / 72 * 25.4) == 210
    for i in range(n):
        text = doc[i].get_textpage().get_text_range()
        assert f"第 {i + 1} 页 / 共 {n} 页" in text
        assert "统计日：2026年11月21日" in text


def test_pdf_prints_data_as_typed(rendered):
    import pypdfium2 as pdfium
    _, data = rendered
    doc = pdfium.PdfDocument(data)
    text = "".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    assert "<b>&{{x}}（ODD）" in text
    assert "H-(1)\\" in text
    assert "已超期" in text and "抽检" in text and "预防性试验" in text


def test_pdf_embeds_every_font(rendered):
    from pypdf import PdfReader
    _, data = rendered
    reader = PdfReader(io.BytesIO(data))
    fonts = {}
    for page in reader.pages:
        for name, ref in page["/Resources"]["/Font"].items():
            fonts[name] = ref.get_object()
    assert fonts
    for font in fonts.values():
        assert "Helvetica" not in str(font["/BaseFont"])
        descriptor = font.get("/FontDescriptor") or \
            font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
        assert "/FontFile2" in descriptor.get_object()


def test_pdf_same_bytes_for_same_input(rendered):
    report, data = rendered
    assert eqpdf.to_pdf(report) == data


def test_pdf_status_cells_are_coloured(rendered):
    """Rasterise the first items page and find the overdue red and the ok green."""
    import pypdfium2 as pdfium
    _, data = rendered
    image = pdfium.PdfDocument(data)[1].render(scale=1).to_pil().convert("RGB")
    colours = {c for _, c in image.getcolors(maxcolors=1 << 24)}
    try:
        for hex_ in (eqpdf.STATUS_FILL["overdue"][0], eqpdf.STATUS_FILL["ok"][0]):
            rgb = tuple(int(hex_[i:i + 2], 16) for i in (0, 2, 4))
            assert any(all(abs(a - b) <= 2 for a, b in zip(rgb, c)) for c in colours), hex_
    except AssertionError:
        FAILURES.mkdir(exist_ok=True)
        image.save(FAILURES / "equipment-page2.png")
        raise


def test_glyph_check_names_item_and_field():
    report = make_report(n_people=2, per_person=1)
    report.people["P000"] = Person(id="P000", name="王\U000F0000", team="第0班")
    problems = eqpdf.check_glyphs(report)
    assert [p.path for p in problems] == ["equipment E000-0.holder"]
    assert "U+F0000" in problems[0].message
