"""`fieldprint phrase-cards`: the service-phrase pocket card (issue 14), printed by the card
engine from the data's `phrases` section, one card per engineer."""
from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from conftest import EXAMPLES

DATA = [EXAMPLES / "phrases.yaml", EXAMPLES / "staff.yaml"]


def pdf_pages(path) -> list[str]:
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True).stdout.decode("utf-8")
    return ["".join(page.split()) for page in out.split("\f")[:-1]]


def test_one_card_per_engineer_with_their_name_in_the_phrases(cli, tmp_path):
    out = tmp_path / "p.pdf"
    result = cli("phrase-cards", *DATA, "--only", "SZ10023", "--sheet", "none", "-o", out)
    assert result.code == 0, result
    front, back = pdf_pages(out)
    book = yaml.safe_load((EXAMPLES / "phrases.yaml").read_text("utf-8"))["phrases"]
    staff = {p["id"]: p for p in yaml.safe_load((EXAMPLES / "staff.yaml").read_text("utf-8"))
             ["staff"]}
    name = staff["SZ10023"]["name"]
    for moment in book["moments"]:
        assert "".join(moment["moment"].split()) in front
    assert f"装维工程师{name}" in front and "工号SZ10023" in front
    assert "【" not in front and "免费客服热线10000" in front      # placeholders filled
    for phrase in book["forbidden"]:
        assert "".join(phrase.split()) in back
    assert "4小时内转派割接工程队" in back and "10–15分钟电话预约" in back


def test_the_card_is_drawn_front_and_back(cli, tmp_path):
    pytest.importorskip("PIL")
    from PIL import Image
    folder = tmp_path / "png"
    result = cli("phrase-cards", *DATA, "--only", "SZ10023", "--png", folder)
    assert result.code == 0, result
    front = Image.open(folder / "SZ10023-front.png").convert("RGB")
    back = Image.open(folder / "SZ10023-back.png").convert("RGB")
    # 98 x 140 mm at 300 dpi, plus the bleed
    assert abs(front.width / front.height - 98 / 140) < 0.02
    r, g, b = front.getpixel((front.width // 2, int(front.height * 0.04)))
    assert b > 120 and r < 80                                   # the blue band
    r, g, b = back.getpixel((back.width // 2, int(back.height * 0.95)))
    assert b > 120 and r < 80                                   # the hotline band


def test_four_cards_to_an_a4_sheet(cli, tmp_path):
    out = tmp_path / "p.pdf"
    result = cli("phrase-cards", *DATA, "-o", out, "--side", "front")
    assert result.code == 0, result
    import pypdf
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 4                    # 15 engineers, 4 a sheet
    box = reader.pages[0].mediabox
    assert round(float(box.width) * 25.4 / 72) == 210


def test_without_phrases_the_command_says_what_to_add(cli, tmp_path):
    result = cli("phrase-cards", EXAMPLES / "staff.yaml", "-o", tmp_path / "p.pdf")
    assert result.code == 2 and "phrases" in result.err and "Traceback" not in result.err
    assert not (tmp_path / "p.pdf").exists()


def test_a_phrase_too_long_for_the_card_is_named(cli, tmp_path):
    book = yaml.safe_load((EXAMPLES / "phrases.yaml").read_text("utf-8"))
    book["phrases"]["moments"][2]["say"] = "很长的一句话。" * 60
    path = tmp_path / "phrases.yaml"
    path.write_text(yaml.safe_dump(book, allow_unicode=True), "utf-8")
    shutil.copy(EXAMPLES / "company.yaml", tmp_path / "company.yaml")
    result = cli("phrase-cards", path, EXAMPLES / "staff.yaml", "--only", "SZ10023",
                 "-o", tmp_path / "p.pdf")
    assert result.code == 2 and "SZ10023" in result.err and "phrase" in result.err
    assert "does not fit" in result.err and not (tmp_path / "p.pdf").exists()


def test_too_many_moments_is_a_data_error_not_a_silent_cut(cli, tmp_path):
    book = yaml.safe_load((EXAMPLES / "phrases.yaml").read_text("utf-8"))
    book["phrases"]["moments"] = book["phrases"]["moments"] * 2
    path = tmp_path / "phrases.yaml"
    path.write_text(yaml.safe_dump(book, allow_unicode=True), "utf-8")
    shutil.copy(EXAMPLES / "company.yaml", tmp_path / "company.yaml")
    result = cli("validate", path)
    assert result.code == 2 and "phrases.moments" in result.err


def test_the_equipment_report_has_a_sign_off_block(cli, tmp_path):
    out = tmp_path / "e.pdf"
    result = cli("equipment", EXAMPLES / "equipment.yaml", EXAMPLES / "staff.yaml",
                 "--as-of", "2026-11-21", "-o", out)
    assert result.code == 0, result
    pages = pdf_pages(out)
    assert "制表人" in pages[0] and "安全员" in pages[0] and "部门负责人" in pages[0]
    for page in pages[1:]:
        assert "制表人" in page and "安全员" in page and "班组长签收" in page
        assert page.count("日期：") >= 3


def test_demo_has_the_phrase_card_and_the_word_follow_ups(tmp_path):
    from generator.commands import forms, phrase_cards
    written = {p.name for p in phrase_cards.demo(EXAMPLES, tmp_path)}
    assert "phrase-cards.pdf" in written
    written = {p.name for p in forms.demo(EXAMPLES, tmp_path)}
    assert "follow-ups.docx" in written
