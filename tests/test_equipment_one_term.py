"""One name for the helmets and insulated shoes together, the standard's (a new user's trial,
2026-11-30: the web said 安全装备, validate 安全用具, the PDF 安全防护用品).

The standard cites 《劳动防护用品监督管理规定》 for them: "外包合作单位应根据《劳动防护用品监督
管理规定》…对到期的安全帽，进行抽查测试" (seeds/002). So 劳动防护用品, everywhere the user
reads it: the command line's help and messages, the web's menu and page, the PDF, the
workbook, the calendar, and the glossary."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from web_helpers import EXAMPLES, client, seed

pytestmark = pytest.mark.chinese
TERM = "劳动防护用品"
OTHERS = ("安全装备", "安全用具", "安全防护用品")
DOCS = Path(__file__).resolve().parent.parent / "docs"


def _one_term(text: str, where: str) -> None:
    assert TERM in text, where
    for other in OTHERS:
        assert other not in text, (where, other)


def test_the_command_line_says_the_standards_term(cli, tmp_path):
    _one_term(cli("--help").out, "fieldprint --help")
    _one_term(cli("equipment", "--help").out, "fieldprint equipment --help")
    _one_term(cli("validate", EXAMPLES / "equipment.yaml", EXAMPLES / "staff.yaml").out,
              "validate")
    empty = tmp_path / "staff-only.yaml"
    empty.write_text("staff:\n  - {id: 'SZ1', name: 王建国}\n", encoding="utf-8")
    _one_term(cli("equipment", empty).err, "no equipment")


def test_the_outputs_say_the_standards_term(cli, tmp_path):
    args = ("equipment", EXAMPLES / "equipment.yaml", EXAMPLES / "staff.yaml", "--as-of",
            "2026-11-21", "-o")
    assert cli(*args, tmp_path / "r.pdf").code == 0
    reader = PdfReader(tmp_path / "r.pdf")
    _one_term(reader.metadata.title + reader.pages[0].extract_text(), "PDF")
    assert cli(*args, tmp_path / "r.xlsx").code == 0
    book = openpyxl.load_workbook(tmp_path / "r.xlsx")
    _one_term(book.properties.title + str(book.worksheets[0]["A1"].value), "workbook")
    assert cli(*args, tmp_path / "r.ics").code == 0
    _one_term((tmp_path / "r.ics").read_text("utf-8"), "calendar")


def test_the_web_says_the_standards_term(tmp_path):
    web = client(seed(tmp_path / "ws", photos=False))
    _one_term(web.get("/").text, "the menu")
    _one_term(web.get("/equipment?as_of=2026-11-21").text, "the page")
    empty = client(seed(tmp_path / "empty", photos=False))
    (tmp_path / "empty" / "equipment.xlsx").unlink()
    _one_term(empty.get("/equipment").text, "no register yet")


def test_the_glossary_names_the_term_and_its_source():
    glossary = (DOCS / "术语表.md").read_text("utf-8")
    assert f"## {TERM}" in glossary and "《劳动防护用品监督管理规定》" in glossary
    guide = (DOCS / "使用说明.md").read_text("utf-8")
    for other in OTHERS:
        assert other not in guide
        assert other not in glossary.replace(f"不说“安全装备”“安全用具”“安全防护用品”", "")
