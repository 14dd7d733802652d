"""`fieldprint badges`, checked the way a user checks a print: page sizes, embedded fonts, the
names and IDs in the text, QR codes that scan, counts of sheets, duplex alignment, exit codes."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from card_helpers import (assert_fonts_embedded, decode_qr, make_data, make_photo, page_sizes_mm,
                          person, render, text, trim_boxes_mm)
from conftest import EXAMPLES

A4 = (210.0, 297.0)
LAYOUTS = {"badge": (75, 100), "badge-insert": (55, 90), "badge-insert-landscape": (90, 55)}


@pytest.fixture(scope="module")
def example_badges(tmp_path_factory):
    """The examples, every built-in layout, card pages (--sheet none), both sides."""
    from conftest import run_cli
    out = tmp_path_factory.mktemp("badges")
    results = {}
    for name in LAYOUTS:
        pdf = out / f"{name}.pdf"
        result = run_cli("badges", EXAMPLES / "staff.yaml", "--layout", name, "--sheet", "none",
                         "-o", pdf)
        assert result.code == 0, result
        results[name] = pdf
    return results


def _staff():
    import yaml
    return yaml.safe_load((EXAMPLES / "staff.yaml").read_text(encoding="utf-8"))["staff"]


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_card_pages_are_exactly_the_card_size(example_badges, name):
    pdf = example_badges[name]
    n = len(_staff())
    assert page_sizes_mm(pdf) == [LAYOUTS[name]] * (2 * n)
    w, h = LAYOUTS[name]
    assert set(trim_boxes_mm(pdf)) == {(0.0, 0.0, w, h)}


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_fonts_embedded_and_every_name_and_id_printed(example_badges, name):
    pdf = example_badges[name]
    assert_fonts_embedded(pdf)
    printed = text(pdf)
    for record in _staff():
        assert record["name"] in printed
        assert record["id"] in printed


@pytest.mark.parametrize("name", list(LAYOUTS))
def test_every_qr_code_scans_to_its_payload(example_badges, name):
    import yaml
    pdf = example_badges[name]
    company = yaml.safe_load((EXAMPLES / "company.yaml").read_text(encoding="utf-8"))["company"]
    backs = sorted(code["data"] for code in company["qr_codes"])
    staff = _staff()
    for i, record in enumerate(staff):   # every front, then every back (separate cards)
        front = decode_qr(render(pdf, i))
        expected = [record["qr"]] if record.get("qr") else []
        assert front == expected, record["id"]
        if i < 2:  # the backs are all the same card
            assert decode_qr(render(pdf, len(staff) + i)) == backs


def test_a4_sheets_with_crop_marks_and_the_default_output(tmp_path, cli, monkeypatch):
    staff = make_data(tmp_path / "data", 5)
    monkeypatch.chdir(tmp_path)
    result = cli("badges", staff)
    assert result.code == 0, result
    pdf = tmp_path / "badges.pdf"
    assert page_sizes_mm(pdf) == [A4] * 4          # 5 badges, 4 a sheet: 2 sheets, both sides
    assert "4 A4 sheets" in result.out and "single-sided" in result.out
    assert "flip on long edge" not in result.out
    sheet = render(pdf, 0, dpi=100).convert("L")
    # crop marks: dark pixels in the top-left margin outside the first card
    from generator.card.impose import grid
    from generator.card.layout import load_card_layout
    layout = load_card_layout("badge")
    g = grid(layout.size, layout.model.bleed, layout.model.sheet)
    margin = sheet.crop((0, 0, round((g.left - layout.model.bleed) / 25.4 * 100) - 1,
                         round(g.top / 25.4 * 100) + 5))
    assert margin.getextrema()[0] < 128


@pytest.mark.parametrize("n, sheets", [(1, 1), (7, 2), (13, 4)])
def test_sheet_counts(tmp_path, cli, n, sheets):
    staff = make_data(tmp_path, n)
    result = cli("badges", staff, "-o", tmp_path / "b.pdf")
    assert result.code == 0, result
    assert len(page_sizes_mm(tmp_path / "b.pdf")) == 2 * sheets
    front_only = cli("badges", staff, "--side", "front", "-o", tmp_path / "f.pdf")
    assert front_only.code == 0
    assert len(page_sizes_mm(tmp_path / "f.pdf")) == sheets


def test_hostile_name_prints_exactly_as_typed(tmp_path, cli):
    hostile = "<b>&{{ 7*7 }}</b>"
    staff = make_data(tmp_path, people=[person(1, name=hostile, unit="A&B <i>x</i> %(x)s {% if %}")])
    pdf = tmp_path / "h.pdf"
    result = cli("badges", staff, "--sheet", "none", "-o", pdf)
    assert result.code == 0, result
    printed = text(pdf)
    assert hostile in printed.replace("\n", "")
    assert "49" not in printed
    assert "A&B <i>x</i> %(x)s {% if %}" in printed.replace("\n", "")


def test_a_40_character_unit_fits_by_shrinking_or_wrapping(tmp_path, cli):
    unit = "苏州吴韵通信工程有限公司苏州工业园区分公司湖东片区智慧家庭装维服务中心第二营业部"
    assert len(unit) == 40
    staff = make_data(tmp_path, people=[person(1, unit=unit)])
    for layout in LAYOUTS:
        pdf = tmp_path / f"{layout}.pdf"
        result = cli("badges", staff, "--layout", layout, "--side", "front", "-o", pdf)
        assert result.code == 0, result
        assert unit in text(pdf).replace("\n", "")


def test_a_unit_too_long_for_any_size_is_reported_not_clipped(tmp_path, cli):
    staff = make_data(tmp_path, people=[person(1, unit="很长的单位名称" * 20)])
    result = cli("badges", staff, "-o", tmp_path / "x.pdf")
    assert result.code == 2
    # the staff record's key as the user wrote it (unit), not the layout's person.unit
    assert "T00001" in result.err and ": unit (front)" in result.err and "does not fit" in result.err
    assert not (tmp_path / "x.pdf").exists()


def test_a_character_the_font_lacks_is_reported_with_person_and_field(tmp_path, cli):
    staff = make_data(tmp_path, people=[person(1), person(2, name="𪚥田")])
    result = cli("badges", staff, "-o", tmp_path / "x.pdf")
    assert result.code == 2, result
    assert "T00002" in result.err and "𪚥田" in result.err and "name" in result.err
    assert "U+2A6A5" in result.err
    assert "Traceback" not in result.err
    assert not (tmp_path / "x.pdf").exists()


def test_missing_photo_is_an_error_unless_allowed(tmp_path, cli):
    staff = make_data(tmp_path, people=[person(1), person(2, photo="photos/nobody.jpg"),
                                        person(3, photo=None)])
    (tmp_path / "photos" / "nobody.jpg").unlink()
    result = cli("badges", staff, "-o", tmp_path / "x.pdf")
    assert result.code == 2
    assert "T00002" in result.err and "nobody.jpg" in result.err
    assert "T00003" in result.err and "no photo given" in result.err
    assert "--allow-missing-photos" in result.err
    allowed = cli("badges", staff, "-o", tmp_path / "x.pdf", "--allow-missing-photos")
    assert allowed.code == 0, allowed
    assert "warning:" in allowed.err and "T00002" in allowed.err and "placeholder" in allowed.err


@pytest.mark.parametrize("content", [b"", b"GIF89a not really", b"\xff\xd8\xff\xe0 truncated"])
def test_unreadable_photos_name_the_person(tmp_path, cli, content):
    staff = make_data(tmp_path, people=[person(1), person(2)])
    (tmp_path / "photos" / "T00002.jpg").write_bytes(content)
    result = cli("badges", staff, "-o", tmp_path / "x.pdf")
    assert result.code == 2, result
    assert "T00002" in result.err and "T00002.jpg" in result.err
    assert "Traceback" not in result.err


def test_a_truncated_photo_found_while_drawing_leaves_no_pdf(tmp_path, cli):
    staff = make_data(tmp_path, people=[person(1), person(2)])
    photo = make_photo(tmp_path / "photos" / "T00002.jpg", size=(1200, 1600))
    photo.write_bytes(photo.read_bytes()[:5000])
    result = cli("badges", staff, "-o", tmp_path / "x.pdf")
    assert result.code == 2, result
    assert "T00002" in result.err and ("truncated" in result.err or "damaged" in result.err)
    assert not (tmp_path / "x.pdf").exists()
    assert list(tmp_path.glob(".x.pdf*")) == []


def test_only_prints_a_subset_and_rejects_unknown_ids(tmp_path, cli):
    staff = make_data(tmp_path, 4)
    pdf = tmp_path / "o.pdf"
    result = cli("badges", staff, "--only", "T00003", "--sheet", "none", "-o", pdf)
    assert result.code == 0, result
    assert len(page_sizes_mm(pdf)) == 2
    assert "T00003" in text(pdf) and "T00002" not in text(pdf)
    bad = cli("badges", staff, "--only", "T0003", "-o", pdf)
    assert bad.code == 2 and "T0003" in bad.err and "did you mean 'T00003'" in bad.err


def test_png_per_person_and_side_named_by_id(tmp_path, cli):
    staff = make_data(tmp_path, 2)
    out = tmp_path / "png"
    result = cli("badges", staff, "--png", out)
    assert result.code == 0, result
    assert sorted(p.name for p in out.iterdir()) == [
        "T00001-back.png", "T00001-front.png", "T00002-back.png", "T00002-front.png"]
    image = Image.open(out / "T00001-front.png")
    assert image.size == (886, 1181)                       # 75 x 100 mm at 300 dpi
    assert round(image.info["dpi"][0]) == 300
    assert decode_qr(image) == ["https://u.wechat.com/test-00001"]
    assert not (tmp_path / "badges.pdf").exists()          # only PNGs were asked for


def test_png_from_a4_sheets_is_cut_at_the_card_edge(tmp_path, cli):
    staff = make_data(tmp_path, 2)
    out = tmp_path / "png"
    assert cli("badges", staff, "--layout", "badge-insert", "-o", tmp_path / "b.pdf",
               "--png", out, "--side", "front").code == 0
    image = Image.open(out / "T00002-front.png").convert("RGB")
    assert image.size == (650, 1063)                       # 55 x 90 mm
    # the header is blue right up to the corner: no white sheet or crop mark inside
    r, g, b = image.getpixel((1, 1))
    assert b > 120 and r < 80


def test_jobs_do_not_change_a_byte(tmp_path, cli):
    people = [person(i + 1) for i in range(10)]
    staff = make_data(tmp_path, people=people)
    for i in range(10):  # photos big enough to be worth the workers
        make_photo(tmp_path / "photos" / f"T{i + 1:05d}.jpg", size=(1200, 1600),
                   colour=(20 * i, 100, 200))
    one, two = tmp_path / "one.pdf", tmp_path / "two.pdf"
    assert cli("badges", staff, "--jobs", "1", "-o", one).code == 0
    assert cli("badges", staff, "--jobs", "2", "-o", two).code == 0
    assert one.read_bytes() == two.read_bytes()
    # the QR codes made in the workers scan as each person's link
    import pypdfium2 as pdfium
    pages = len(pdfium.PdfDocument(two))
    found = {code for page in range(pages) for code in decode_qr(render(two, page, dpi=200))}
    assert {p["qr"] for p in people} <= found


def test_no_company_and_no_staff_are_clear_errors(tmp_path, cli):
    (tmp_path / "staff.yaml").write_text("staff:\n  - {id: A1, name: 甲}\n", encoding="utf-8")
    result = cli("badges", tmp_path / "staff.yaml")
    assert result.code == 2 and "company" in result.err
    make_data(tmp_path / "empty", people=[])
    result = cli("badges", tmp_path / "empty" / "staff.yaml")
    assert result.code == 2 and "staff" in result.err


def test_help_has_an_example(cli):
    result = cli("badges", "--help")
    assert result.code == 0
    assert "fieldprint badges staff.xlsx" in result.out
    assert "--allow-missing-photos" in result.out and "--sheet" in result.out


def test_a_big_run_written_in_parts_gives_the_pages_of_one_document(tmp_path, cli, monkeypatch):
    """Many people's badges are drawn in parts, each saved to a temporary file as soon as it
    is full and joined at the end (issue 19: memory does not grow with the people); every
    page reads, measures and looks as in one document, the codes scan, the manifest is the
    same."""
    import pypdf
    from PIL import ImageChops

    from generator.card import document
    people = [person(i + 1) for i in range(12)]
    staff = make_data(tmp_path, people=people)
    whole, parts = tmp_path / "whole.pdf", tmp_path / "parts.pdf"
    assert cli("badges", staff, "--jobs", "1", "-o", whole).code == 0
    monkeypatch.setattr(document, "CHUNK_PAGES", 2)
    assert cli("badges", staff, "--jobs", "1", "-o", parts).code == 0
    one, many = pypdf.PdfReader(whole), pypdf.PdfReader(parts)
    assert len(one.pages) == len(many.pages) >= 5            # really several parts
    assert trim_boxes_mm(whole) == trim_boxes_mm(parts)
    assert page_sizes_mm(whole) == page_sizes_mm(parts)
    found = set()
    for i in range(len(one.pages)):
        assert one.pages[i].extract_text().strip() == many.pages[i].extract_text().strip()
        a, b = render(whole, i, dpi=100), render(parts, i, dpi=100)
        worst = max(high for _low, high in ImageChops.difference(a, b).getextrema())
        assert worst <= 2, f"page {i + 1}: pixels differ"
        found.update(decode_qr(render(parts, i, dpi=200)))
    assert {p["qr"] for p in people} <= found
    assert whole.with_suffix(".csv").read_text("utf-8") == parts.with_suffix(".csv").read_text("utf-8")


def test_a_full_temporary_folder_while_a_big_run_saves_its_parts_is_a_clear_error(
        tmp_path, cli, monkeypatch):
    """A big run's parts wait in the system's temporary folder until joined; that folder
    filling up is exit 2 naming the part, not a traceback; the previous file is kept and the
    parts are removed (issue 15.14, as for forms)."""
    import errno
    import tempfile

    from reportlab.pdfbase.pdfdoc import PDFDocument

    from generator.card import document
    staff = make_data(tmp_path, people=[person(i + 1) for i in range(12)])
    real_save = PDFDocument.SaveToFile

    def full(self, filename, canvas):
        if Path(str(filename)).name.startswith("part-00001"):
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, filename, canvas)
    spool = tmp_path / "system-temp"
    spool.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool))
    monkeypatch.setattr(document, "CHUNK_PAGES", 2)
    monkeypatch.setattr(PDFDocument, "SaveToFile", full)
    target = tmp_path / "out" / "badges.pdf"
    target.parent.mkdir()
    target.write_bytes(b"previous")
    result = cli("badges", staff, "--jobs", "1", "-o", target)
    assert result.code == 2, result
    assert "the disk is full" in result.err and "part-00001.pdf" in result.err
    assert "Traceback" not in result.err
    assert target.read_bytes() == b"previous"
    assert [p.name for p in target.parent.iterdir()] == ["badges.pdf"]
    assert list(spool.iterdir()) == []          # the parts saved before are gone too


def test_a_full_disk_while_drawing_the_pngs_only_is_a_clear_error(tmp_path, cli, monkeypatch):
    """PNGs only (--png without -o) are cut from a PDF drawn in a scratch folder among them:
    a full disk there is exit 2, not a traceback, and the scratch folder goes."""
    import errno

    from reportlab.pdfbase.pdfdoc import PDFDocument
    staff = make_data(tmp_path, 2)
    real_save = PDFDocument.SaveToFile

    def full(self, filename, canvas):
        if Path(str(filename)).name == "cards.pdf":
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_save(self, filename, canvas)
    monkeypatch.setattr(PDFDocument, "SaveToFile", full)
    pngs = tmp_path / "pngs"
    result = cli("badges", staff, "--jobs", "1", "--png", pngs)
    assert result.code == 2, result
    assert "the disk is full" in result.err and "Traceback" not in result.err
    assert list(pngs.iterdir()) == []


@pytest.mark.parametrize("command, layout, bilingual", [
    ("badges", "badge", "badge-bilingual"), ("service-cards", "service-card",
                                             "service-card-bilingual")])
def test_a_uyghur_name_the_layout_does_not_print_is_said(tmp_path, cli, command, layout,
                                                          bilingual):
    """The trial filled in 维吾尔文姓名 and the default badge and service card left it out without
    a word: it is said, naming the people and the bilingual layout that prints it."""
    people = [person(1, name_ug="ئايگۈل مەمەت"), person(2)]
    staff = make_data(tmp_path, people=people)
    result = cli(command, staff, "--layout", layout, "-o", tmp_path / "a.pdf")
    assert result.code == 0, result
    said = [line for line in result.err.splitlines() if "Uyghur" in line]
    assert len(said) == 1 and people[0]["name"] in said[0] and f"--layout {bilingual}" in said[0]
    result = cli(command, staff, "--layout", bilingual, "-o", tmp_path / "b.pdf")
    assert result.code == 0 and "Uyghur" not in result.err, result


def test_the_command_line_names_the_bilingual_layout_without_reading_it(monkeypatch):
    """The command line's advice names the layout (--layout badge-bilingual); only the web's
    names its title, which takes reading and compiling that layout: validate paid for it
    (15 ms of its 0.3 s target) without showing it."""
    from types import SimpleNamespace

    from generator.card import job, layout as layouts
    real = layouts.load_card_layout
    badge = real("badge")
    loaded = []
    monkeypatch.setattr(layouts, "load_card_layout",
                        lambda name, *a, **k: loaded.append(name) or real(name, *a, **k))
    [said] = job.unprinted_uyghur(badge, [SimpleNamespace(name="甲", name_ug="ئايگۈل")])
    assert "--layout badge-bilingual" in said.message and loaded == []
