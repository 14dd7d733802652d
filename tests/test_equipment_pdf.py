"""The printed equipment report: layout (positions, no drawing), then the PDF itself."""
from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest

from generator.equipment import Report, assess
from generator.equipment import pdf as eqpdf
from generator.data.models import EquipmentItem, Person

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


def rows_of(report):
    docs = list(eqpdf.form_contexts(report))
    assert docs[0]["team"] is None                      # the summary comes first
    return [(d["team"]["team"], row) for d in docs[1:] for row in d["team"]["rows"]]


# ------------------------------------------------------------------------------- context
def test_every_item_once_grouped_by_team_and_holder_urgent_first():
    report = make_report()
    rows = rows_of(report)
    ids = [row["id"] for _, row in rows]
    assert sorted(ids) == sorted(s.id for s in report.statuses)
    by_id = {s.id: s for s in report.statuses}
    teams, holders = [], []
    for team, row in rows:
        s = by_id[row["id"]]
        assert team == report.team(s)
        if not teams or teams[-1] != team:
            assert team not in teams
            teams.append(team)
        if not holders or holders[-1] != s.holder:
            assert s.holder not in holders
            holders.append(s.holder)
        # every row names its holder: a blank cell on a posted sheet reads as 'no holder'
        assert row["holder"] == f"{report.holder_name(s)}（{s.holder}）"
    for a, b in zip(ids, ids[1:]):
        if by_id[a].holder == by_id[b].holder:
            assert by_id[a].sort_key() <= by_id[b].sort_key()
    firsts = [min(by_id[i].sort_key() for i in ids if report.team(by_id[i]) == t) for t in teams]
    assert firsts == sorted(firsts)                      # teams: most urgent first


def test_context_values_are_text():
    """The form engine prints text directly; anything else costs a template render."""
    docs = list(eqpdf.form_contexts(make_report()))
    report = docs[0]["report"]
    for row in ([r for d in docs[1:] for r in d["team"]["rows"]] + report["teams"]
                + report["summary"]):
        assert all(isinstance(v, str) for v in row.values()), row
    for d in docs[1:]:
        assert all(isinstance(v, str) for k, v in d["team"].items() if k != "rows")


def test_summary_and_team_counts():
    report = make_report()
    ctx = next(eqpdf.form_contexts(report))["report"]
    assert ctx["total"] == str(len(report.statuses))
    assert [e["status"] for e in ctx["summary"]] == \
        ["overdue", "due_today", "due_soon", "invalid", "scrapped", "ok", "not_in_service",
         "in_stock"]
    assert ctx["teams"][-1]["team"] == "合计" and ctx["teams"][-1]["total"] == ctx["total"]
    assert sum(int(t["total"]) for t in ctx["teams"][:-1]) == len(report.statuses)
    overdue = next(e for e in ctx["summary"] if e["status"] == "overdue")
    assert overdue["fill"] == "#" + eqpdf.STATUS_FILL["overdue"][0]


def test_unassigned_items_have_their_own_group():
    extra = [EquipmentItem(id="SPARE-1", kind="helmet", manufactured="2026-01")]
    rows = rows_of(make_report(extra=extra))
    team, row = next((t, r) for t, r in rows if r["id"] == "SPARE-1")
    assert team == "（未分班组）" and row["holder"] == "（未发放）"


def test_form_layout_documents():
    """A summary document, then one per team with the team in its header and its pages."""
    from generator.form import Record, layout_record, load_form
    from generator.fonts import font_set
    report = make_report(n_people=160)
    layout, fonts = load_form(eqpdf.FORM), font_set()
    docs = [layout_record(layout, Record(ctx), fonts) for ctx in eqpdf.form_contexts(report)]
    assert len(docs) == 1 + 4 and not any(d.problems for d in docs)
    texts = lambda ops: [op[3] for op in ops if op[0] == "text"]  # noqa: E731
    summary = [t for page in docs[0].pages for t in texts(page)]
    assert "一、按状态汇总" in summary and "二、按班组汇总（4 个班组）" in summary
    assert not any(t.startswith("E0") for t in summary)          # no items in the summary
    for number, doc in enumerate(docs[1:], start=1):
        assert len(doc.pages) >= 2                                 # 120 items: pages break
        for page in doc.pages:
            words = texts(page)
            assert "持有人" in words and "说明" in words             # the header row repeats
            assert any(f"EQ-20261121-{number}" in w for w in words)
        first = texts(doc.pages[0])
        assert any(w.startswith("第") and "班" in w and "件" in w for w in first)


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
    assert n >= 4
    w, h = doc[0].get_size()
    assert round(w / 72 * 25.4) == 297 and round(h / 72 * 25.4) == 210
    assert "统计日：2026年11月21日" in doc[0].get_textpage().get_text_range()
    expected, documents = 1, 0
    for i in range(n):  # every document (the summary, each team) counts its own pages
        text = doc[i].get_textpage().get_text_range()
        page, total = map(int, re.search(r"第 (\d+) 页 / 共 (\d+) 页", text).groups())
        assert page == expected and page <= total
        expected = 1 if page == total else page + 1
        documents += page == total
        assert "EQ-20261121" in text
    assert expected == 1 and documents == 1 + len({p.team for p in report.people.values()})


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
    problems = eqpdf.unprintable(report)
    assert [p.path for p in problems] == ["staff P000.name"]
    assert "U+F0000" in problems[0].message


# ------------------------------------------------------------------------ the footer
TEAM_NAMES = ["甲班", "（未分班组）", "园区装维二班", "苏州工业园区综合装维第十二班组",
              "苏州工业园区综合装维第十二班组" * 5]


def _team_report(names, per_team=3):
    people = {f"T{i}": Person(id=f"T{i}", name=f"员工{i}", team=name)
              for i, name in enumerate(names)}
    items = [EquipmentItem(id=f"H-{i}-{j}", kind="helmet", holder=f"T{i}", batch="B1",
                           manufactured=AS_OF - dt.timedelta(days=200 * j))
             for i in range(len(names)) for j in range(per_team)]
    items.append(EquipmentItem(id="SPARE", kind="helmet", manufactured="2026-01"))
    return Report(AS_OF, assess(items, AS_OF), people=people)


def test_footer_text_and_page_numbers_never_overlap_nor_leave_the_page():
    """The posted sheet's footer: the rules beside the section's page numbers. A team's name
    in the numbers as long as （未分班组） cut the rules' last words, or broke them onto two
    lines on that team's pages only (a new user's trial, 2026-11-30). The rules are printed
    whole, below the rule line, inside the margins, beside the numbers, and the same on
    every page, whatever the teams' names: one line, at the same place."""
    from generator.fonts import font_set
    from generator.form import Record, layout_record, load_form
    from generator.form.text import metrics
    report = _team_report(TEAM_NAMES)
    layout, fonts = load_form(eqpdf.FORM), font_set()
    measure = metrics(fonts.regular)
    page_w, page_h = layout.page.size_mm
    margins = layout.page.margins
    body_bottom = page_h - margins.bottom
    contexts = list(eqpdf.form_contexts(report))
    rules = contexts[0]["report"]["rules"]
    footers = set()
    for ctx in contexts:
        doc = layout_record(layout, Record(ctx), fonts)
        for page in doc.pages:
            footer = [op for op in page if op[0] in ("text", "line")
                      and op[2] > body_bottom - 1e-6]
            (rule,) = [op for op in footer if op[0] == "line"]
            texts = [op for op in footer if op[0] == "text"]
            assert rule[1] == margins.left and rule[3] == page_w - margins.right
            boxes = []
            for _, x, y, text, size, *_rest, align, _sp in texts:
                w = measure.width(text, size)
                left = x - w if align == "r" else x
                assert margins.left - 1e-6 <= left and left + w <= page_w - margins.right + 1e-6
                assert y - size / 72 * 25.4 * 0.9 > rule[2]             # below the rule
                assert y < page_h - 3.5                                  # inside the paper
                boxes.append((round(y, 3), left, left + w, text))
            for a in boxes:                                              # no two overlap
                for b in boxes:
                    if a is not b and a[0] == b[0]:
                        assert a[2] + 2 <= b[1] or b[2] + 2 <= a[1], (a, b)
            numbers = [t for t in boxes if "第" in t[3] and "页" in t[3]]
            assert len(numbers) == 1
            words = "".join(t[3] for t in sorted(boxes) if t is not numbers[0])
            assert words == rules.replace(" ", "") or \
                words.replace(" ", "") == rules.replace(" ", ""), words   # whole, not cut
            assert rule[2] > body_bottom                                 # under the body
            footers.add((rule[2], tuple(t[:3] for t in boxes if t is not numbers[0])))
            assert numbers[0][3].startswith("汇总" if ctx["team"] is None
                                            else f"分册 {ctx['team']['number']}　第")
    (footer,) = footers                     # the rules: the same on every page
    assert len({y for y, *_ in footer[1]}) == 1                          # on one line


def test_footer_of_a_long_team_name_is_whole_in_the_pixels():
    """The same, seen: the footer's rule is one unbroken line, the footer's text below it
    and inside the paper, and every word of the rules in the text of the page."""
    import pypdfium2 as pdfium
    data = eqpdf.to_pdf(_team_report(TEAM_NAMES[:4], per_team=60))
    doc = pdfium.PdfDocument(data)
    for i in range(len(doc)):
        text = doc[i].get_textpage().get_text_range()
        assert "提前 30 天预警。" in text.replace("\r\n", "").replace("\n", "")
        image = doc[i].render(scale=150 / 72).to_pil().convert("L")
        w, h = image.size
        px = image.load()
        left, right = round(12 / 25.4 * 150), round((297 - 12) / 25.4 * 150)
        # the footer's rule: the lowest rows (in the lower margin) dark across the width
        rows = [y for y in range(h - 1, round((210 - 12 - 3) / 25.4 * 150), -1)
                if sum(px[x, y] < 235 for x in range(left, right)) > 0.95 * (right - left)]
        try:
            assert rows, "no footer rule"
            rule = rows[0]
            ink = [y for y in range(rule + 1, h) if any(px[x, y] < 200 for x in range(w))]
            assert ink and max(ink) < h - round(3.5 / 25.4 * 150)   # the text: in the paper
            assert min(ink) >= rule + 3, (rule, min(ink))           # not touching the rule
            # the rule is whole: not broken by text drawn over it
            assert all(px[x, rule] < 235 for x in range(left + 2, right - 2))
        except AssertionError:
            FAILURES.mkdir(exist_ok=True)
            image.save(FAILURES / f"equipment-footer-{i + 1}.png")
            raise
