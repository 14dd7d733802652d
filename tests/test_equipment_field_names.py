"""The fields to fix are named in the reader's language (a new user's trial, 2026-11-30: with
`--lang en` the chat message named them by the sheet's Chinese headers): in Chinese the column
header as the sheet writes it (or the template's header for a YAML key), in English the
field's own name, as every English message names a field. The place keeps the file's own
words (a sheet's name and header: where to look)."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import openpyxl
import pytest

from generator.data.dataset import load_dataset
from generator.equipment import DEFAULT_POLICY, build_report, to_csv, to_table
from generator.equipment.notify import Target, build
from generator.i18n import set_language

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
AS_OF = dt.date(2026, 11, 21)
YAML = """\
staff:
  - {id: "SZ1", name: 王建国, team: 园区装维一班}
equipment:
  - {id: H-09, kind: helmet, holder: "SZ1", manufactured: 2026-01-10,
     checks: [{date: 2026-05-05, type: visual, result: 好}]}
  - {id: H-10, kind: 手套, holder: "SZ1", manufactured: 2025-01-01}
"""


def _report(*paths):
    return build_report(load_dataset(list(paths), keep_incomplete=True, keep_valid_staff=True),
                        AS_OF, DEFAULT_POLICY)


def _chat(report) -> str:
    return build(report, Target("wecom", "https://example.invalid/x")).payload[
        "markdown"]["content"]


def fields(line: str) -> str:
    """The fields to fix a chat line names ('… data to fix (result)', '…，待更正：结果'), the
    markup's escaped brackets read back."""
    text = line.split("data to fix (")[-1].rstrip(")") if "data to fix (" in line else \
        line.split("待更正：")[-1]
    return text.replace("［", "[").replace("］", "]")


@pytest.fixture
def workbook(tmp_path) -> list[Path]:
    """The example workbook with a check result no one can read, and a kind not in the list."""
    for name in ("equipment.xlsx", "staff.xlsx"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    book = openpyxl.load_workbook(tmp_path / "equipment.xlsx")
    book["检查记录"].append(["H-0002", "2026-01-05", "检测", "合格了"])
    sheet = book.worksheets[0]
    kind = next(c.column for c in sheet[1] if c.value == "类别")
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, 1).value == "H-0003")
    sheet.cell(row, kind).value = "手套"
    book.save(tmp_path / "equipment.xlsx")
    return [tmp_path / "equipment.xlsx", tmp_path / "staff.xlsx"]


@pytest.mark.parametrize("lang, result, kind", [("en", "result", "kind"),
                                                ("zh", "结果", "类别")])
def test_the_chat_message_names_a_sheets_fields_in_the_readers_language(workbook, lang,
                                                                       result, kind):
    set_language(lang)
    text = _chat(_report(*workbook))
    h02 = next(line for line in text.splitlines() if "H-0002" in line)
    h03 = next(line for line in text.splitlines() if "H-0003" in line)
    assert fields(h02) == result and fields(h03) == kind, (h02, h03)
    if lang == "en":   # no Chinese header names a field in English
        assert not any("结果" in line or "类别" in line for line in (h02, h03))


@pytest.mark.parametrize("lang, result, kind", [("en", "checks[1].result", "kind"),
                                                ("zh", "结果", "类别")])
def test_the_chat_message_names_a_yaml_files_fields_in_the_readers_language(tmp_path, lang,
                                                                          result, kind):
    path = tmp_path / "eq.yaml"
    path.write_text(YAML, encoding="utf-8")
    set_language(lang)
    text = _chat(_report(path))
    h09 = next(line for line in text.splitlines() if "H-09" in line)
    h10 = next(line for line in text.splitlines() if "H-10" in line)
    assert fields(h09) == result and fields(h10) == kind, (h09, h10)


def test_the_english_table_and_csv_name_the_field_in_english_and_the_place_as_written(
        workbook):
    set_language("en")
    report = _report(*workbook)
    line = next(x for x in to_table(report).splitlines() if x.startswith("H-0002 "))
    assert "result: " in line and "row " in line and " 结果)" in line, line
    assert "结果:" not in line
    csv = to_csv(report).decode("utf-8-sig")
    row = next(x for x in csv.splitlines() if x.startswith("H-0002,"))
    assert "result: " in row and "结果:" not in row.split("result: ")[0], row


@pytest.mark.chinese
def test_the_chinese_table_names_the_column_by_its_header_once(workbook):
    report = _report(*workbook)
    line = next(x for x in to_table(report).splitlines() if x.startswith("H-0002 "))
    assert "结果: " in line and "result" not in line and " 结果)" not in line, line
