"""The reference suite itself (tests/refcheck.py): the same input passes, and a layout moved
by one pixel or one changed word fails, naming the pictures it wrote."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from PIL import Image

import refcheck

BLANK = "confirmation-blank.pdf"   # the demo's empty confirmation form: one page
ONE_PIXEL_MM = 25.4 / refcheck.DPI


def blank_form(tmp_path: Path, *extra, company: Path | None = None) -> Path:
    """The demo's blank confirmation form, made as a user would, optionally with another
    layout or company file."""
    target = tmp_path / BLANK
    data = company or refcheck.EXAMPLES / "company.yaml"
    refcheck.fieldprint("confirmations", data, "--blank", *extra, "-o", target)
    return target


def check(path: Path, failures: Path) -> list[str]:
    return refcheck.compare("demo", BLANK, refcheck.normalise(path), failures)


def test_the_same_input_matches(tmp_path):
    assert check(blank_form(tmp_path), tmp_path / "failures") == []


def test_a_layout_moved_by_one_pixel_fails_and_writes_the_pictures(tmp_path):
    layout = (refcheck.ROOT / "forms" / "confirmation.yaml").read_text(encoding="utf-8")
    # the page's content one pixel to the right: the same width, so the same line breaks
    moved = layout.replace("right: 14, bottom: 14, left: 14}", f"right: {14 - ONE_PIXEL_MM:.3f}, "
                           f"bottom: 14, left: {14 + ONE_PIXEL_MM:.3f}}}", 1)
    assert moved != layout
    (tmp_path / "moved.yaml").write_text(moved, encoding="utf-8")
    failures = tmp_path / "failures"
    problems = check(blank_form(tmp_path, "--layout", tmp_path / "moved.yaml"), failures)
    assert len(problems) == 1, problems       # the text is the same, the picture is not
    message = problems[0]
    assert "page-001.png" in message and "pixels differ" in message
    for kind in ("actual", "expected", "diff"):
        picture = failures / f"page-001-{kind}.png"
        assert str(picture) in message
        assert Image.open(picture).size == Image.open(failures / "page-001-expected.png").size
    count = int(re.search(r"(\d+) pixels differ", message).group(1))
    assert count > 100 * refcheck.PIXEL_COUNT     # not a near miss of the tolerance


def test_a_changed_word_fails_in_the_text_and_the_picture(tmp_path):
    company = (refcheck.EXAMPLES / "company.yaml").read_text(encoding="utf-8")
    changed = company.replace("name: 苏州吴韵通信工程有限公司", "name: 苏州吴韵通讯工程有限公司", 1)
    assert changed != company
    (tmp_path / "company.yaml").write_text(changed, encoding="utf-8")
    (tmp_path / "logo.png").write_bytes((refcheck.EXAMPLES / "logo.png").read_bytes())
    failures = tmp_path / "failures"
    problems = check(blank_form(tmp_path, company=tmp_path / "company.yaml"), failures)
    text = [p for p in problems if "text.txt differs" in p]
    assert text and "+" in text[0] and "通讯" in text[0], problems
    assert (failures / "text.txt").read_text(encoding="utf-8").count("通讯") >= 1
    assert any("page-001.png" in p and "pixels differ" in p for p in problems), problems
    assert (failures / "page-001-diff.png").is_file()


@pytest.mark.parametrize("shift", [0, 1])
def test_the_tolerance_is_one_pixel_of_difference_not_one_level(shift):
    """Grey noise below PIXEL_LEVEL passes; a one-pixel move of a thin line does not."""
    base = Image.new("L", (60, 40), 255)
    for y in range(5, 35):
        base.putpixel((20, y), 0)
    noisy = base.point(lambda v: v - refcheck.PIXEL_LEVEL if v > 128 else v)
    count, _ = refcheck.differing_pixels(base, noisy)
    assert count == 0
    moved = Image.new("L", (60, 40), 255)
    for y in range(5, 35):
        moved.putpixel((20 + shift, y), 0)
    count, _ = refcheck.differing_pixels(base, moved)
    assert count == (60 if shift else 0)
