"""Issue 13: cards as the standard and the print room need them, checked on the printed
pages: separate single-sided badge sheets, no ink in the printer's unprintable edge, card
printer pages with bleed, start slots, the calibration ruler, the manifest and re-issue, QR
pictures found and measured, and every message naming the person, file and line."""
from __future__ import annotations

import csv
import re

import pytest
import yaml
from PIL import Image, ImageDraw

from card_helpers import (COMPANY, decode_qr, make_data, make_photo, page_sizes_mm, person, render, text,
                          trim_boxes_mm)

MM = 72 / 25.4
BUILT_IN = ["badge", "badge-insert", "badge-insert-landscape", "cr80", "service-card"]


def _pages(pdf) -> int:
    return len(page_sizes_mm(pdf))


def _manifest(path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _px(mm: float, dpi: int) -> int:
    return round(mm / 25.4 * dpi)


# ------------------------------------------------------------------------ the paper's edge
def _assert_no_ink_near_the_edge(pdf, page: int, dpi: int = 150, limit_mm: float = 5.0):
    image = render(pdf, page, dpi=dpi).convert("L")
    w, h = image.size
    band = int(limit_mm / 25.4 * dpi)          # whole pixels inside the limit
    for name, box in (("top", (0, 0, w, band)), ("bottom", (0, h - band, w, h)),
                      ("left", (0, 0, band, h)), ("right", (w - band, 0, w, h))):
        darkest = image.crop(box).getextrema()[0]
        assert darkest >= 250, f"page {page + 1}: ink within {limit_mm} mm of the {name} edge"


@pytest.mark.parametrize("duplex", [False, True], ids=["separate", "duplex"])
@pytest.mark.parametrize("layout", BUILT_IN)
def test_no_built_in_sheet_has_ink_within_5_mm_of_the_paper_edge(tmp_path, cli, layout, duplex):
    staff = make_data(tmp_path, 11)            # a full sheet and a partial one
    command = "service-cards" if layout == "service-card" else "badges"
    pdf = tmp_path / "sheets.pdf"
    result = cli(command, staff, "--layout", layout, "--copies", "1",
                 "--duplex" if duplex else "--no-duplex", "-o", pdf)
    assert result.code == 0, result
    assert set(page_sizes_mm(pdf)) == {(210.0, 297.0)}
    for page in range(_pages(pdf)):
        _assert_no_ink_near_the_edge(pdf, page)


def test_service_cards_stay_ten_to_a_sheet(tmp_path, cli):
    staff = make_data(tmp_path, 1)
    pdf = tmp_path / "s.pdf"
    assert cli("service-cards", staff, "-o", pdf).code == 0       # 10 copies: one sheet
    assert _pages(pdf) == 2                                        # its front and its back
    assert decode_qr(render(pdf, 0, dpi=150)) == ["https://example.com/feedback"] * 10


def test_the_phrase_cards_keep_the_margin_too(tmp_path, cli):
    from conftest import EXAMPLES
    pdf = tmp_path / "p.pdf"
    result = cli("phrase-cards", EXAMPLES / "phrases.yaml", EXAMPLES / "staff.yaml",
                 "--only", "SZ10023", "-o", pdf)
    assert result.code == 0, result
    for page in range(_pages(pdf)):
        _assert_no_ink_near_the_edge(pdf, page)


def test_the_calibration_sheet_keeps_the_margin_too(tmp_path, cli):
    pdf = tmp_path / "c.pdf"
    assert cli("calibrate", "-o", pdf).code == 0
    for page in range(2):
        _assert_no_ink_near_the_edge(pdf, page)


def test_a_layout_can_say_its_printers_margin(tmp_path, cli):
    layout = tmp_path / "wide-margin.yaml"
    layout.write_text("""\
title: test
width: 85
height: 54
bleed: 1
sheet: {gap: 4, printer_margin: 12}
front:
  - {type: rect, x: 0, y: 0, width: 85, height: 54, fill: "#1769c9"}
""", encoding="utf-8")
    staff = make_data(tmp_path, 10)
    pdf = tmp_path / "m.pdf"
    assert cli("badges", staff, "--layout", layout, "--side", "front", "-o", pdf).code == 0
    _assert_no_ink_near_the_edge(pdf, 0, limit_mm=12.0)


# ------------------------------------------------------------------------ front and back
def test_badges_default_to_single_sided_front_sheets_then_back_sheets(tmp_path, cli):
    """SPEC §1 (seed 002): front and back are two cards printed separately."""
    staff = make_data(tmp_path, 5)                      # 4 badges a sheet: 2 sheets a side
    pdf = tmp_path / "b.pdf"
    result = cli("badges", staff, "-o", pdf)
    assert result.code == 0, result
    assert "single-sided" in result.out and "double-sided" not in result.out
    assert _pages(pdf) == 4
    company = sorted(c["data"] for c in COMPANY["qr_codes"])
    fronts = [decode_qr(render(pdf, i, dpi=150)) for i in (0, 1)]
    assert fronts[0] == [f"https://u.wechat.com/test-{i:05d}" for i in range(1, 5)]
    assert fronts[1] == ["https://u.wechat.com/test-00005"]
    for page in (2, 3):                                  # then the backs: the company's codes
        assert set(decode_qr(render(pdf, page, dpi=150))) == set(company)
    from pypdf import PdfReader
    labels = [page.extract_text() for page in PdfReader(str(pdf)).pages]
    assert all("单面打印" in label and "双面" not in label for label in labels)
    assert "正面" in labels[0] and "反面" in labels[2]


@pytest.mark.parametrize("duplex", [False, True])
def test_each_back_lands_behind_its_own_front(tmp_path, cli, duplex):
    """Each person's back carries their own data here, so we can see where it lands: a
    separate back sits in its front's slot; a duplex back sheet, flipped on its long edge,
    puts each back behind its front."""
    layout = tmp_path / "id-back.yaml"
    layout.write_text("""\
title: test
width: 75
height: 100
front:
  - {type: qr, data: "F-{{ person.id }}", x: 10, y: 10, width: 55, height: 55}
back:
  - {type: qr, data: "B-{{ person.id }}", x: 10, y: 10, width: 55, height: 55}
""", encoding="utf-8")
    staff = make_data(tmp_path, 3)
    pdf = tmp_path / "s.pdf"
    duplex_flag = ["--duplex"] if duplex else []
    assert cli("badges", staff, "--layout", layout, *duplex_flag, "-o", pdf).code == 0
    from generator.card.impose import grid
    from generator.card.layout import load_card_layout
    g = grid((75, 100), 0, load_card_layout(str(layout)).model.sheet)
    front, back = render(pdf, 0, dpi=150), render(pdf, 1, dpi=150)
    if duplex:
        back = back.transpose(Image.FLIP_LEFT_RIGHT)     # the sheet turned over
    for slot in range(3):
        x, y = g.position(slot)
        box = tuple(_px(v, 150) for v in (x, y, x + 75, y + 100))
        card_back = back.crop(box)
        if duplex:
            card_back = card_back.transpose(Image.FLIP_LEFT_RIGHT)  # read from its own side
        assert decode_qr(front.crop(box)) == [f"F-T{slot + 1:05d}"]
        assert decode_qr(card_back) == [f"B-T{slot + 1:05d}"]


def test_the_company_back_card_alone_copies_times(tmp_path, cli):
    staff = make_data(tmp_path, 3)
    pdf = tmp_path / "backs.pdf"
    result = cli("badges", staff, "--side", "back", "--copies", "9", "-o", pdf)
    assert result.code == 0, result
    assert _pages(pdf) == 3                               # 9 backs, 4 a sheet
    assert len(_manifest(tmp_path / "backs.csv")) == 9
    assert "company's back card" in result.out


def test_copies_and_sort_for_badges(tmp_path, cli):
    people = [person(1, name="丙", team="二班"), person(2, name="甲", team="一班"),
              person(3, name="乙", team="二班")]
    staff = make_data(tmp_path, people=people)
    pdf = tmp_path / "c.pdf"
    assert cli("badges", staff, "--copies", "2", "--side", "front", "--sort", "team",
               "-o", pdf).code == 0
    assert [r["id"] for r in _manifest(tmp_path / "c.csv")] == [
        "T00002", "T00002", "T00001", "T00001", "T00003", "T00003"]
    assert cli("badges", staff, "--side", "front", "--sort", "id", "--team", "二班",
               "-o", pdf).code == 0
    assert [r["id"] for r in _manifest(tmp_path / "c.csv")] == ["T00001", "T00003"]
    wrong = cli("badges", staff, "--team", "三班", "-o", pdf)
    assert wrong.code == 2 and "三班" in wrong.err and "一班" in wrong.err


def test_sort_by_name_is_pinyin_order(tmp_path, cli):
    names = ["王建国", "张伟", "李娜", "阿依古丽", "Chen Ming", "赵敏", "陈静"]
    staff = make_data(tmp_path, people=[person(i, name=n) for i, n in enumerate(names, 1)])
    pdf = tmp_path / "n.pdf"
    assert cli("badges", staff, "--side", "front", "--sort", "name", "-o", pdf).code == 0
    order = [names[int(r["id"][1:]) - 1] for r in _manifest(tmp_path / "n.csv")]
    assert order == ["阿依古丽", "Chen Ming", "陈静", "李娜", "王建国", "张伟", "赵敏"]


# ------------------------------------------------------------------------ card printers
def test_cr80_pages_carry_the_bleed_round_the_trim(tmp_path, cli):
    staff = make_data(tmp_path, 2)
    plain, bled = tmp_path / "plain.pdf", tmp_path / "bleed.pdf"
    assert cli("badges", staff, "--layout", "cr80", "--sheet", "none", "-o", plain).code == 0
    assert set(page_sizes_mm(plain)) == {(85.6, 54.0)}
    assert set(trim_boxes_mm(plain)) == {(0.0, 0.0, 85.6, 54.0)}
    result = cli("badges", staff, "--layout", "cr80", "--sheet", "none", "--bleed", "-o", bled)
    assert result.code == 0, result
    from pypdf import PdfReader
    for page in PdfReader(str(bled)).pages:
        media = [round(float(v) / MM, 2) for v in page.mediabox]
        trim = [round(float(v) / MM, 2) for v in page.trimbox]
        bleed = [round(float(v) / MM, 2) for v in page.bleedbox]
        assert media == [0, 0, 89.6, 58.0] and bleed == media
        assert trim == [2.0, 2.0, 87.6, 56.0]
        assert round(trim[2] - trim[0], 2) == 85.6 and round(trim[3] - trim[1], 2) == 54.0
    # the blue header runs into the bleed: no white edge when the printer cuts a little off
    image = render(bled, 0, dpi=150)
    r, g, b = image.getpixel((2, 2))
    assert b > 120 and r < 90
    assert cli("badges", staff, "--bleed", "-o", bled).code == 2     # A4 sheets: no --bleed


# ------------------------------------------------------------------------ start slot
def test_start_5_leaves_slots_1_to_4_blank(tmp_path, cli):
    staff = make_data(tmp_path, 2)
    pdf = tmp_path / "s.pdf"
    result = cli("badges", staff, "--layout", "badge-insert", "--start", "5", "-o", pdf)
    assert result.code == 0, result
    assert _pages(pdf) == 2                                # one front sheet, one back sheet
    from generator.card.impose import grid
    from generator.card.layout import load_card_layout
    layout = load_card_layout("badge-insert")
    g = grid(layout.size, layout.model.bleed, layout.model.sheet)
    w, h = layout.size
    b = layout.model.bleed
    for page in (0, 1):                                    # fronts and backs alike
        image = render(pdf, page, dpi=100).convert("L")
        for slot in range(9):
            x, y = g.position(slot)
            box = tuple(_px(v, 100) for v in (x + 0.5, y + 0.5, x + w - 0.5, y + h - 0.5))
            darkest = image.crop(box).getextrema()[0]
            if slot < 4 or slot > 5:
                assert darkest >= 250, f"page {page + 1}, slot {slot + 1} is not blank"
            else:
                assert darkest < 100, f"page {page + 1}, slot {slot + 1} is empty"
    x, y = g.position(4)
    front = render(pdf, 0, dpi=200).crop(tuple(_px(v, 200) for v in (x, y, x + w, y + h)))
    assert decode_qr(front) == ["https://u.wechat.com/test-00001"]
    rows = _manifest(tmp_path / "s.csv")
    assert [(r["slot"], r["side"], r["id"]) for r in rows] == [
        ("5", "front", "T00001"), ("6", "front", "T00002"),
        ("5", "back", "T00001"), ("6", "back", "T00002")]


# ------------------------------------------------------------------------ calibration
def _runs(profile: list[bool]) -> list[float]:
    """Centres of the runs of True in a list of pixels."""
    centres, start = [], None
    for i, dark in enumerate(profile + [False]):
        if dark and start is None:
            start = i
        elif not dark and start is not None:
            centres.append((start + i - 1) / 2)
            start = None
    return centres


def test_the_calibration_rulers_measure_100_mm(tmp_path, cli):
    from generator.card import calibrate
    pdf = tmp_path / "cal.pdf"
    result = cli("calibrate", "-o", pdf)
    assert result.code == 0, result
    dpi = 600
    x0, base = calibrate.H_RULER
    # a strip crossing only the 10 mm ticks (6 mm long; the 5 mm ones are 4 mm)
    strip = render(pdf, 0, dpi=dpi, crop_mm=(x0 - 5, base - 5.6, 110, 1)).convert("L")
    profile = [min(strip.getpixel((x, y)) for y in range(strip.height)) < 128
               for x in range(strip.width)]
    ticks = _runs(profile)
    assert len(ticks) == 11
    assert round((ticks[-1] - ticks[0]) / dpi * 25.4, 1) == 100.0
    vx, top = calibrate.V_RULER
    strip = render(pdf, 0, dpi=dpi, crop_mm=(vx + 4.4, top - 5, 1, 110)).convert("L")
    profile = [min(strip.getpixel((x, y)) for x in range(strip.width)) < 128
               for y in range(strip.height)]
    ticks = _runs(profile)
    assert len(ticks) == 11
    assert round((ticks[-1] - ticks[0]) / dpi * 25.4, 1) == 100.0
    assert "100 mm" in text(pdf) or "100 mm" in text(pdf).replace("\n", "")


def test_offsets_shift_the_print_and_come_from_the_company_file(tmp_path, cli):
    staff = make_data(tmp_path, 1)
    base, moved = tmp_path / "base.pdf", tmp_path / "moved.pdf"
    assert cli("badges", staff, "--side", "front", "-o", base).code == 0
    assert cli("badges", staff, "--side", "front", "--offset", "2,-1", "-o", moved).code == 0

    def first_ink(pdf):
        image = render(pdf, 0, dpi=200).convert("L")
        bbox = Image.eval(image, lambda v: 255 - v).point(lambda v: 255 if v > 60 else 0).getbbox()
        return bbox[0] / 200 * 25.4, bbox[1] / 200 * 25.4

    (bx, by), (mx, my) = first_ink(base), first_ink(moved)
    assert abs(mx - bx - 2.0) < 0.15 and abs(my - by + 1.0) < 0.15
    # stored in the company file
    company = dict(COMPANY, printer={"offset": "2,-1", "back_offset": [0.5, 0.5]})
    staff = make_data(tmp_path / "stored", 1, company=company)
    stored = tmp_path / "stored.pdf"
    assert cli("badges", staff, "--side", "front", "-o", stored).code == 0
    sx, sy = first_ink(stored)
    assert abs(sx - bx - 2.0) < 0.15 and abs(sy - by + 1.0) < 0.15
    bad = cli("badges", staff, "--offset", "two", "-o", stored)
    assert bad.code == 2 and "--offset" in bad.err and "Traceback" not in bad.err


# ------------------------------------------------------------------------ manifest
def test_the_manifest_lists_every_card_and_changed_since_prints_the_changed_one(tmp_path, cli):
    staff = make_data(tmp_path, 3)
    pdf = tmp_path / "badges.pdf"
    result = cli("badges", staff, "-o", pdf)
    assert result.code == 0, result
    rows = _manifest(tmp_path / "badges.csv")
    assert list(rows[0]) == ["sheet", "slot", "side", "id", "name", "layout", "hash"]
    assert sorted((r["id"], r["side"]) for r in rows) == sorted(
        (f"T{i:05d}", side) for i in (1, 2, 3) for side in ("front", "back"))
    assert {r["layout"] for r in rows} == {"badge"}
    assert [r["slot"] for r in rows if r["side"] == "front"] == ["1", "2", "3"]
    assert all(re.fullmatch(r"[0-9a-f]{16}", r["hash"]) for r in rows)
    assert rows[0]["name"] == person(1)["name"]

    # nothing changed: nothing printed
    again = tmp_path / "again.pdf"
    same = cli("badges", staff, "--changed-since", tmp_path / "badges.csv", "-o", again)
    assert same.code == 0, same
    assert "3 unchanged" in same.out and not again.exists()

    # a new photo for one person: exactly that person's card
    make_photo(tmp_path / "photos" / "T00002.jpg", colour=(200, 60, 60))
    reissue = tmp_path / "reissue.pdf"
    changed = cli("badges", staff, "--changed-since", tmp_path / "badges.csv", "-o", reissue)
    assert changed.code == 0, changed
    printed = text(reissue)
    assert "T00002" in printed and "T00001" not in printed and "T00003" not in printed
    assert {r["id"] for r in _manifest(tmp_path / "reissue.csv")} == {"T00002"}

    # a new title: that person again, and a copied photo folder changes nothing
    import shutil
    import os
    people = yaml.safe_load(staff.read_text(encoding="utf-8"))["staff"]
    people[0]["title"] = "高级工程师"
    staff.write_text(yaml.safe_dump({"staff": people}, allow_unicode=True), encoding="utf-8")
    photo = tmp_path / "photos" / "T00003.jpg"
    shutil.copy(photo, tmp_path / "copy.jpg")
    os.replace(tmp_path / "copy.jpg", photo)               # same bytes, a new file date
    retitled = cli("badges", staff, "--changed-since", tmp_path / "badges.csv", "-o", reissue)
    assert retitled.code == 0
    assert {r["id"] for r in _manifest(tmp_path / "reissue.csv")} == {"T00001", "T00002"}


def test_a_file_that_is_not_a_manifest_is_refused(tmp_path, cli):
    staff = make_data(tmp_path, 1)
    bogus = tmp_path / "notes.csv"
    bogus.write_text("a,b\n1,2\n", encoding="utf-8")
    result = cli("badges", staff, "--changed-since", bogus, "-o", tmp_path / "x.pdf")
    assert result.code == 2 and "notes.csv" in result.err and "manifest" in result.err


# ------------------------------------------------------------------------ QR pictures
def _screenshot(path, payload: str, code_px: int = 700, *, size=(1080, 1920), code=True):
    """What HR gets from WeChat: a phone screenshot, the code in the middle, UI around it."""
    import qrcode
    screen = Image.new("RGB", size, (237, 237, 237))
    draw = ImageDraw.Draw(screen)
    draw.rectangle((0, 0, size[0], 80), fill=(30, 30, 30))              # status bar
    draw.text((40, 25), "12:41  4G  87%", fill=(255, 255, 255))
    draw.rectangle((0, 80, size[0], 230), fill=(250, 250, 250))          # title bar
    draw.text((60, 140), "< My QR Code", fill=(0, 0, 0))
    draw.rounded_rectangle((90, 330, size[0] - 90, 1500), 24, fill=(255, 255, 255))
    draw.ellipse((150, 380, 290, 520), fill=(120, 160, 200))             # avatar
    draw.text((320, 420), "Wang Jianguo  Suzhou", fill=(0, 0, 0))
    if code:
        image = qrcode.make(payload, border=0, box_size=10,
                            error_correction=qrcode.constants.ERROR_CORRECT_M).convert("RGB")
        image = image.resize((code_px, code_px), Image.NEAREST)
        screen.paste(image, ((size[0] - code_px) // 2, 600))
    else:
        draw.ellipse((300, 650, 780, 1130), fill=(40, 40, 40))
    draw.text((330, 1380), "Scan the QR code to add me on WeChat", fill=(140, 140, 140))
    draw.rectangle((0, 1780, size[0], size[1]), fill=(250, 250, 250))    # buttons
    for i in range(3):
        draw.rounded_rectangle((60 + i * 340, 1810, 340 + i * 340, 1880), 12, fill=(210, 210, 210))
    path.parent.mkdir(parents=True, exist_ok=True)
    screen.save(path)
    return path


def _qr_width_mm(image, dpi) -> float:
    import zxingcpp
    found = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    p = found[0].position
    return (p.top_right.x - p.top_left.x) / dpi * 25.4


def test_a_screenshot_qr_is_cropped_to_its_code_and_scans_at_300_dpi(tmp_path, cli):
    payload = "https://u.wechat.com/EKr7bBqVgQ"
    shot = _screenshot(tmp_path / "shots" / "wang.png", payload)
    staff = make_data(tmp_path, people=[person(1, qr=None, qr_image="shots/wang.png")])
    pdf = tmp_path / "q.pdf"
    result = cli("badges", staff, "--side", "front", "--sheet", "none", "-o", pdf)
    assert result.code == 0, result
    page = render(pdf, 0, dpi=300)
    assert decode_qr(page) == [payload]
    # the code fills its box (19 mm wide with its quiet zone), not 5 mm of a whole screenshot
    assert _qr_width_mm(page, 300) > 12
    assert shot.exists()


def test_a_screenshot_qr_too_fine_for_its_box_is_refused_naming_the_person(tmp_path, cli):
    payload = "https://u.wechat.com/" + "x7Kp2QmZ" * 14     # a long link: many modules
    _screenshot(tmp_path / "shots" / "long.png", payload)
    staff = make_data(tmp_path, people=[person(1), person(2, qr=None, qr_image="shots/long.png")])
    result = cli("badges", staff, "--layout", "badge-insert", "-o", tmp_path / "x.pdf")
    assert result.code == 2, result
    assert "T00002" in result.err and "long.png" in result.err and "qr_image" in result.err
    assert "modules" in result.err and "0.4 mm" in result.err
    assert not (tmp_path / "x.pdf").exists()


def test_a_picture_without_a_readable_code_is_refused_naming_the_person(tmp_path, cli):
    _screenshot(tmp_path / "shots" / "none.png", "", code=False)
    make_photo(tmp_path / "shots" / "face.jpg")
    staff = make_data(tmp_path, people=[person(1, qr=None, qr_image="shots/none.png"),
                                        person(2, qr=None, qr_image="shots/face.jpg")])
    result = cli("badges", staff, "-o", tmp_path / "x.pdf")
    assert result.code == 2, result
    for who, name in (("T00001", "none.png"), ("T00002", "face.jpg")):
        line = next(line for line in result.err.splitlines() if who in line)
        assert name in line and "no readable QR code" in line
    assert "Traceback" not in result.err


def test_qr_and_qr_image_both_given_says_which_one_prints(tmp_path, cli):
    _screenshot(tmp_path / "shots" / "w.png", "https://u.wechat.com/other")
    staff = make_data(tmp_path, people=[person(1, qr_image="shots/w.png")])
    pdf = tmp_path / "b.pdf"
    result = cli("badges", staff, "--side", "front", "--sheet", "none", "-o", pdf)
    assert result.code == 0, result
    assert "T00001" in result.err and "qr_image" in result.err and "not used" in result.err
    assert decode_qr(render(pdf, 0)) == ["https://u.wechat.com/test-00001"]


# ------------------------------------------------------------------------ missing QR
def test_a_missing_personal_qr_is_an_error_unless_allowed(tmp_path, cli):
    staff = make_data(tmp_path, people=[person(1), person(2, qr=None)])
    result = cli("badges", staff, "-o", tmp_path / "x.pdf")
    assert result.code == 2, result
    assert "T00002" in result.err and "no QR code" in result.err
    assert "--allow-missing-qr" in result.err and "T00001" not in result.err
    allowed = cli("badges", staff, "--allow-missing-qr", "-o", tmp_path / "x.pdf")
    assert allowed.code == 0, allowed
    assert "warning:" in allowed.err and "T00002" in allowed.err


def test_validate_warns_about_everything_badges_would_refuse(tmp_path, cli):
    people = [person(1), person(2, qr=None), person(3, photo="photos/none.jpg"),
              person(4, name="欧阳" * 30)]
    staff = make_data(tmp_path, people=people, photos=False)
    for i in (1, 2, 4):
        make_photo(tmp_path / "photos" / f"T{i:05d}.jpg")
    result = cli("validate", staff)
    # the photo file does not exist: the badges' reminder (photos may come later), exit 0
    assert result.code == 0, result
    out = result.err
    assert "T00002" in out and "QR" in out
    assert "T00003" in out and "none.jpg" in out and "--allow-missing-photos" in out
    assert "T00004" in out and "does not fit" in out
    assert "T00001" not in out
    assert out.count("none.jpg") == 1                      # said once
    assert "3 people's badges would be refused" in result.out
    (tmp_path / "photos" / "T00003.jpg").write_bytes(b"")
    people[2]["photo"] = "photos/T00003.jpg"
    make_data(tmp_path, people=people, photos=False)
    result = cli("validate", staff)                         # the data is right: exit 0
    assert result.code == 0, result
    assert "T00002" in result.err and "T00003" in result.err and "T00004" in result.err
    assert "3 people's badges would be refused" in result.out and "OK" not in result.out


# ------------------------------------------------------------------------ output suffixes
@pytest.mark.parametrize("name", ["x.png", "cards.docx", "cards"])
def test_an_output_suffix_cards_cannot_write_is_refused(tmp_path, cli, name):
    staff = make_data(tmp_path, 1)
    for command in ("badges", "service-cards"):
        result = cli(command, staff, "-o", tmp_path / name)
        assert result.code == 2, result
        assert "PDF" in result.err and "--png DIR" in result.err
        assert not (tmp_path / name).exists()


def test_an_upper_case_pdf_suffix_is_fine(tmp_path, cli):
    staff = make_data(tmp_path, 1)
    assert cli("badges", staff, "-o", tmp_path / "X.PDF").code == 0
    assert (tmp_path / "X.PDF").read_bytes().startswith(b"%PDF")


# ------------------------------------------------------------------------ company problems
def test_company_problems_carry_file_line_rounded_numbers_and_advice_that_fits(tmp_path, cli):
    codes = [{"caption": f"公众号{i}", "data": "https://weixin.qq.com/r/" + "A1b2C3d4" * 8}
             for i in range(1, 7)]
    staff = make_data(tmp_path, 1, company=dict(COMPANY, qr_codes=codes))
    result = cli("badges", staff, "-o", tmp_path / "x.pdf")
    assert result.code == 2, result
    lines = [line for line in result.err.splitlines() if "qr_codes" in line]
    assert lines
    for line in lines:
        assert re.match(r".*company\.yaml:\d+:\d+: company\.qr_codes\[\d\]\.data", line), line
        assert "fewer codes" in line and "shorten" not in line
        assert not re.search(r"\d\.\d{3,} mm box", line), line      # 0.1 mm, not 3.30729


def test_a_company_caption_is_named_as_the_caption(tmp_path, cli):
    codes = [{"caption": "很长的公众号名称" * 6, "data": "https://weixin.qq.com/r/a"}]
    staff = make_data(tmp_path, 1, company=dict(COMPANY, qr_codes=codes))
    result = cli("badges", staff, "-o", tmp_path / "x.pdf")
    assert result.code == 2, result
    assert "company.qr_codes[1].caption" in result.err and "data caption" not in result.err
    assert re.search(r"company\.yaml:\d+:\d+", result.err)


# ------------------------------------------------------------------------ service card rows
def test_a_service_card_without_a_phone_closes_the_gap(tmp_path, cli):
    staff = make_data(tmp_path, people=[person(1), person(2, phone=None)])
    pdf = tmp_path / "s.pdf"
    assert cli("service-cards", staff, "--copies", "1", "--sheet", "none", "--side", "front",
               "--no-duplex", "-o", pdf).code == 0

    def row_has_ink(page, top_mm):
        image = render(pdf, page, dpi=200, crop_mm=(8, top_mm, 56, 3.6)).convert("L")
        return image.getextrema()[0] < 128

    rows = (32, 36.6, 41.2, 45.8)
    assert [row_has_ink(0, y) for y in rows] == [True, True, True, True]
    assert [row_has_ink(1, y) for y in rows] == [True, True, True, False]
    second = text(pdf).split("T00002", 1)[1]
    assert "客服热线" in second and "手机" not in second


# ------------------------------------------------------------------------ photos folder
def test_photos_from_a_folder_by_id_or_name(tmp_path, cli):
    people = [person(i, photo=None) for i in (1, 2, 3, 4)]
    staff = make_data(tmp_path, people=people, photos=False)
    folder = tmp_path / "HR photos"
    make_photo(folder / "T00001.JPG")
    make_photo(folder / f"{person(2)['name']}.jpeg")
    make_photo(folder / "T00004.jpg")
    make_photo(folder / "T00004.png")                       # two files for one person
    make_photo(folder / "nobody.png")                       # no one
    pdf = tmp_path / "p.pdf"
    result = cli("badges", staff, "--photos", folder, "--side", "front",
                 "--allow-missing-photos", "-o", pdf)
    assert result.code == 0, result
    err = result.err
    assert "matched 2 photos" in err
    assert "nobody.png" in err
    assert "T00003" in err and "HR photos named T00003.jpg or " in err
    assert "T00004.jpg, T00004.png all match" in err
    said = err.splitlines()
    assert len([line for line in said if "T00003" in line]) == 1      # once, by the card
    assert len([line for line in said if "T00004.png" in line]) == 1
    refused = cli("badges", staff, "--photos", folder, "-o", pdf)
    assert refused.code == 2 and "T00003" in refused.err and "T00001" not in refused.err
    assert len([line for line in refused.err.splitlines() if "T00003" in line]) == 1
    assert "no photo given, and none in" in refused.err
    missing = cli("badges", staff, "--photos", tmp_path / "nowhere", "-o", pdf)
    assert missing.code == 2 and "nowhere" in missing.err
    # one person: the others' photos are theirs, not unused files
    one = cli("badges", staff, "--photos", folder, "--only", "T00001", "-o", pdf)
    assert one.code == 0, one
    assert "matched 1 photos" in one.err and "nobody.png" in one.err
    assert "T00001.JPG" not in one.err and person(2)["name"] not in one.err


# ------------------------------------------------------------------------ partial runs
def _skip_invalid_run(cli, staff, pdf):
    """`--skip-invalid` over T00001-T00003 where T00002 cannot print: exit 3, T00002 named,
    the others printed and in the manifest, in order."""
    result = cli("badges", staff, "--skip-invalid", "--side", "front", "-o", pdf)
    assert result.code == 3, result
    assert "T00002" in result.err
    printed = text(pdf)
    assert "T00001" in printed and "T00003" in printed and "T00002" not in printed
    assert [r["id"] for r in _manifest(pdf.with_suffix(".csv"))] == ["T00001", "T00003"]
    return result


def test_skip_invalid_prints_the_valid_cards_and_exits_3(tmp_path, cli):
    staff = make_data(tmp_path, people=[person(1), person(2, qr=None), person(3)])
    pdf = tmp_path / "s.pdf"
    result = _skip_invalid_run(cli, staff, pdf)
    assert "no QR code" in result.err
    assert cli("badges", staff, "--side", "front", "-o", pdf).code == 2


def test_skip_invalid_also_refuses_a_photo_found_broken_while_drawing(tmp_path, cli):
    staff = make_data(tmp_path, people=[person(1), person(2), person(3)])
    photo = make_photo(tmp_path / "photos" / "T00002.jpg", size=(1200, 1600))
    photo.write_bytes(photo.read_bytes()[:5000])        # the header reads, the pixels do not
    pdf = tmp_path / "s.pdf"
    result = _skip_invalid_run(cli, staff, pdf)
    assert "T00002.jpg" in result.err


def test_skip_invalid_also_refuses_a_person_whose_row_is_wrong(tmp_path, cli):
    """A wrong value in the data (星级 9) refuses that person, like a card that cannot print:
    a new user's --skip-invalid printed nothing and exited 2."""
    staff = make_data(tmp_path, people=[person(1), person(2, stars=9), person(3)])
    pdf = tmp_path / "s.pdf"
    result = cli("badges", staff, "--skip-invalid", "--side", "front", "-o", pdf)
    assert result.code == 3, result
    assert "refused: " in result.err and "staff[2].stars: 9 is out of range" in result.err
    assert "printed 2 people; refused 1" in result.err
    assert [r["id"] for r in _manifest(pdf.with_suffix(".csv"))] == ["T00001", "T00003"]
    assert cli("badges", staff, "--side", "front", "-o", pdf).code == 2
    # with --photos, the refused person's photo is still theirs, not an unused file
    folder = tmp_path / "photos"
    people = [person(1), person(2, stars=9), person(3)]
    for record in people:
        record.pop("photo", None)
    staff = make_data(tmp_path, people=people, photos=False)
    for i in (1, 2, 3):
        make_photo(folder / f"T{i:05d}.jpg")
    result = cli("badges", staff, "--skip-invalid", "--side", "front", "--photos", folder,
                 "-o", pdf)
    assert result.code == 3, result
    assert "no one on the staff list" not in result.err, result.err


def test_skip_invalid_says_every_reason_a_refused_person_has(tmp_path, cli):
    """A person refused for a wrong row whose photo is missing too is refused with both
    reasons, so both are fixed in one round (the photo was left unsaid until the next run)."""
    staff = make_data(tmp_path, people=[person(1), person(2, stars=9, photo="photos/none.jpg"),
                                        person(3)])
    (tmp_path / "photos" / "none.jpg").unlink()
    pdf = tmp_path / "s.pdf"
    result = cli("badges", staff, "--skip-invalid", "--side", "front", "-o", pdf)
    assert result.code == 3, result
    assert "staff[2].stars: 9 is out of range" in result.err
    assert "staff[2].photo: file not found: photos/none.jpg" in result.err
    assert "printed 2 people; refused 1" in result.err

def test_the_company_back_card_is_nobodys_in_the_manifest(tmp_path, cli):
    staff = make_data(tmp_path, 2)
    assert cli("badges", staff, "--side", "back", "--copies", "2", "-o",
               tmp_path / "b.pdf").code == 0
    rows = _manifest(tmp_path / "b.csv")
    assert [(r["id"], r["name"], r["side"]) for r in rows] == [("", COMPANY["name"], "back")] * 2


# ------------------------------------------------------------------------ the function API
def test_the_engine_is_a_function_of_people_and_options(tmp_path):
    """What the web app calls: no click, no files but the ones asked for."""
    from generator.card import CardRun, execute, load_card_layout
    from generator.data.dataset import load_dataset
    staff = make_data(tmp_path, 3)
    data = load_dataset([staff], missing_files="ignore")
    run = CardRun(load_card_layout("badge-insert"), data.company, data.staff, sides=("front",),
                  start=3, copies=2, manifest=False)
    result = execute(run, tmp_path / "api.pdf", tmp_path / "png")
    assert result.cards == 6 and result.people == 3 and result.manifest is None
    assert sorted(p.name for p in (tmp_path / "png").iterdir()) == [
        "T00001-front.png", "T00002-front.png", "T00003-front.png"]
    assert not (tmp_path / "api.csv").exists()


def test_validate_says_badges_need_the_company_before_badges_does(cli, tmp_path):
    """A staff list without company details read 'OK' in validate, then badges refused it:
    validate says it first (a warning naming what to add), and does not say OK."""
    staff = tmp_path / "staff.yaml"
    staff.write_text('staff:\n  - id: "SZ001"\n    name: 王建国\n', encoding="utf-8")
    result = cli("validate", staff)
    assert result.code == 0, result
    assert "warning: " in result.err and "no company given" in result.err
    assert "OK" not in result.out and "1 people's badges would be refused" in result.out


def test_validate_says_a_missing_logo_once(cli, tmp_path):
    """company.yaml copied without its logo: the data error names it; the badge check does
    not say it again as a warning with another path."""
    (tmp_path / "company.yaml").write_text(
        "company:\n  name: 苏州测试通信工程有限公司\n  hotline: \"10000\"\n  logo: logo.png\n",
        encoding="utf-8")
    staff = tmp_path / "staff.yaml"
    staff.write_text('staff:\n  - id: "SZ001"\n    name: 王建国\n', encoding="utf-8")
    result = cli("validate", staff)
    assert result.code == 2, result
    assert result.err.count("logo.png") == 1 and "1 problem found" in result.err


def test_validate_reads_a_damaged_logo_once_and_says_it_once(cli, tmp_path, monkeypatch):
    """The badge check and the service-card check share the pictures they read: the logo is
    decoded once, and its fault said once."""
    import io

    from PIL import Image

    from generator.card import images
    buffer = io.BytesIO()
    Image.new("RGB", (300, 300), "red").save(buffer, "PNG")
    (tmp_path / "logo.png").write_bytes(buffer.getvalue()[:-200])   # cut short
    (tmp_path / "company.yaml").write_text(
        "company:\n  name: 苏州测试通信工程有限公司\n  hotline: \"10000\"\n  logo: logo.png\n",
        encoding="utf-8")
    staff = tmp_path / "staff.yaml"
    staff.write_text('staff:\n  - id: "SZ001"\n    name: 王建国\n', encoding="utf-8")
    decoded = []
    real = images.check_picture
    monkeypatch.setattr(images, "check_picture", lambda path: decoded.append(path) or real(path))
    result = cli("validate", staff)
    assert result.code == 0, result
    assert len(decoded) == 1
    assert result.err.count("logo.png") == 1 and "damaged" in result.err


def test_an_iphone_photo_in_the_folder_is_named_with_how_to_save_it(tmp_path):
    """The trial's SZ20003.heic was skipped with only 'no photo named SZ20003.jpg'."""
    from generator.card.people import match_photos
    from generator.data.models import Person
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "SZ20003.HEIC").write_bytes(b"\x00\x00\x00\x18ftypheic")
    people = [Person(id="SZ20003", name="李娜"), Person(id="SZ20004", name="王五")]
    found = match_photos(people, folder)
    said = {person_id: reason.says("folder") for person_id, reason in found.reasons.items()}
    assert "SZ20003.HEIC is an iPhone (HEIC) photo" in said["SZ20003"]
    assert "save it as JPEG" in said["SZ20003"]
    assert "HEIC" not in said["SZ20004"] and found.unused_files == []


def test_checking_says_what_printing_would_refuse_without_balancing_lines(tmp_path):
    """`check` (fieldprint validate: check_only) leaves out what only drawing needs - the
    balanced lines of a text that fits, and its size a step smaller to end lines at a name's
    parts - and says the same problems, person by person, as preparing the cards to print."""
    from dataclasses import replace

    from generator.card import CardRun, check, load_card_layout, prepare
    from generator.data.dataset import load_dataset

    units = ["苏州测试通信工程有限公司园区分公司智慧家庭装维中心第二营业部",    # balanced lines
             "苏州测试通信工程有限公司园区分公司湖东片区智慧家庭服务中心第二营业部网格站" * 3,
             "园区分公司", "Suzhou Test Telecom Engineering Co., Ltd. Industrial Park Branch"]
    people = [person(i + 1, unit=unit, name=name)
              for i, (unit, name) in enumerate(
                  (u, n) for u in units for n in ("张三", "欧阳" * 30, "Ayşe Nurmuhammat"))]
    dataset = load_dataset([make_data(tmp_path, people=people)])
    run = CardRun(load_card_layout("badge"), dataset.company, dataset.staff,
                  origins={p.id: dataset.origins.get(("staff", p.id)) for p in dataset.staff})
    checked = [str(p) for p in check(run)]
    _, cards, _, refused = prepare(replace(run, skip_invalid=True))
    printed = [str(p) for card in refused for p in card.problems]
    assert checked == printed and "does not fit" in " ".join(checked)
    assert len(cards) + len(refused) == len(people) and cards
    assert any(len(op.fit.lines) > 1 for card in cards for side in card.sides.values()
               for op in side if type(op).__name__ == "TextOp")
