"""Issue 19: a record with a value that cannot be read, or that contradicts itself, is assessed on
what can be read, the cautious way: the safety officer is never shown an item as safer than
its readable data says. Overdue, due or scrapped readings stand, marked 数据待更正 (data to
fix) in every output; any other reading is 数据有误 (invalid); the value to fix is named
where the user wrote it, in both languages."""
from __future__ import annotations

import io
import json
import shutil
import textwrap
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

AS_OF = "2026-11-21"
pytestmark = pytest.mark.chinese   # the outputs are checked in Chinese, the default
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

ISSUE = """\
equipment:
  - id: H-1
    kind: helmet
    holder: "SZ10001"
    manufactured: 2020-06-10
    in_service: 2020-07-01
    checks:
      - {date: 2022-11-20, type: visual, result: 合格了}
"""


def write(tmp_path, text: str, name: str = "eq.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def items(cli, path: Path, *args) -> dict:
    result = cli("equipment", path, "--as-of", AS_OF, "--format", "json", *args)
    assert result.code == 0, result
    return {i["id"]: i for i in json.loads(result.out)["items"]}


# ------------------------------------------------------------------ the issue's case, everywhere
def test_the_issues_helmet_is_overdue_with_its_data_to_fix_in_every_output(cli, tmp_path):
    data = write(tmp_path, ISSUE)
    doc = json.loads(cli("equipment", data, "--as-of", AS_OF, "--format", "json").out)
    item = doc["items"][0]
    assert item["status"] == "overdue" and item["due"] == "2022-12-10"   # 2020-06-10 + 30 m
    assert item["action"] == "test"
    assert item["problems"] == [{"field": "checks[1].result", "header": None,
                                 "file": str(data), "sheet": None, "line": 8,
                                 "message": item["problems"][0]["message"]}]
    assert "合格了" in item["problems"][0]["message"] and "合格了" in item["reason"]
    assert doc["summary"]["overdue"] == 1 and doc["summary"]["invalid"] == 0
    assert doc["data_to_fix"] == 1

    table = cli("equipment", data, "--as-of", AS_OF)
    row = next(line for line in table.out.splitlines() if line.startswith("H-1 "))
    assert "已超期（数据待更正）" in row and "checks[1].result" in row and "合格了" in row
    assert "数据待更正 1 件" in table.out

    assert cli("equipment", data, "--as-of", AS_OF, "--fail-on", "overdue").code == 1

    pdf = tmp_path / "r.pdf"
    assert cli("equipment", data, "--as-of", AS_OF, "-o", pdf).code == 0
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "已超期" in text and "数据待更正" in text and "合格了" in text

    xlsx = tmp_path / "r.xlsx"
    assert cli("equipment", data, "--as-of", AS_OF, "-o", xlsx).code == 0
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]]))
    # the status alone, for Excel's filter; the data to fix in a column of its own
    assert values["状态"] == "已超期" and values["状态代码"] == "overdue"
    assert values["数据待更正"] == "是"
    assert "数据待更正" in values["说明"] and "合格了" in values["说明"]

    ics = tmp_path / "r.ics"
    assert cli("equipment", data, "--as-of", AS_OF, "-o", ics).code == 0
    calendar = ics.read_text("utf-8").replace("\r\n ", "")
    assert "【已超期（数据待更正）】" in calendar


# ------------------------------------------------------------------ each field, the kind
CASES = {
    # a check whose date cannot be read: it extends nothing
    "check date": ("""\
        - {id: H-1, kind: helmet, manufactured: 2023-01-10,
           checks: [{date: 2025-13-05, type: test, result: pass}]}""",
                   "overdue", "checks[1].date"),
    # a passing check of unknown type may have been a visual check: it extends nothing
    "check type, passing": ("""\
        - {id: H-1, kind: helmet, manufactured: 2023-01-10,
           checks: [{date: 2025-07-05, type: 目测, result: pass}]}""",
                            "overdue", "checks[1].type"),
    # a failing check scraps the item whatever its type
    "check type, failing": ("""\
        - {id: H-1, kind: helmet, manufactured: 2025-01-10,
           checks: [{date: 2026-03-05, type: 目测, result: 不合格}]}""",
                            "scrapped", "checks[1].type"),
    # a shoe's unreadable in_service: counted from manufacture, which is no later
    "in_service": ("""\
        - {id: S-1, kind: insulated_shoes, holder: "1", manufactured: 2026-03-01,
           in_service: 2026-02-30}""", "overdue", "in_service"),
    # a helmet's unreadable manufacture: counted from going into service
    "manufactured": ("""\
        - {id: H-1, kind: helmet, manufactured: 2020-00, in_service: 2024-01-01}""",
                     "overdue", "manufactured"),
    # contradictions: a helmet is as old as its earliest recorded date (from its
    # manufacture it would be fine until 2027-07-01)
    "in service before manufacture": ("""\
        - {id: H-1, kind: helmet, manufactured: 2025-01-01, in_service: 2024-05-01}""",
                                      "overdue", "in_service"),
    "check before manufacture": ("""\
        - {id: H-1, kind: helmet, manufactured: 2024-06-01,
           checks: [{date: 2023-05-01, type: test, result: pass}]}""",
                                 "overdue", "checks[1].date"),
    # a retirement before going into service is doubted: still in use, and overdue
    "retired before in service": ("""\
        - {id: H-1, kind: helmet, manufactured: 2020-01-01, in_service: 2020-02-01,
           retired: 2019-05-01}""", "overdue", "retired"),
    # nothing to go on
    "no date at all": ("""\
        - {id: H-1, kind: helmet, manufactured: someday}""", "invalid", "manufactured"),
    "unknown kind": ("""\
        - {id: H-1, kind: 手套, manufactured: 2020-01-01}""", "invalid", "kind"),
}


@pytest.mark.parametrize("case", list(CASES))
def test_each_field_is_read_the_cautious_way(cli, tmp_path, case):
    record, status, field = CASES[case]
    item = next(iter(items(cli, write(tmp_path, "equipment:\n" + textwrap.dedent(record)))
                     .values()))
    assert item["status"] == status, item
    assert field in [p["field"] for p in item["problems"]], item


def test_a_reading_that_would_be_fine_is_invalid_with_what_it_read(cli, tmp_path):
    """A helmet made last year, with an unreadable check: 'ok' would hide the check, so it is
    数据有误, its reason saying what the readable data gives."""
    data = write(tmp_path, """\
        equipment:
          - {id: H-1, kind: helmet, manufactured: 2026-01-10,
             checks: [{date: 2026-05-05, type: visual, result: 好}]}
        """)
    item = items(cli, data)["H-1"]
    assert item["status"] == "invalid" and item["due"] is None
    assert "as read: end of the 30-month life from manufacture (2026-01-10)" in item["reason"]
    table = cli("equipment", data, "--as-of", AS_OF).out
    assert "按能识别的内容：自生产日期 2026-01-10 起 30 个月使用期满" in table
    assert cli("equipment", data, "--as-of", AS_OF, "--fail-on", "overdue").code == 1


def test_a_failing_batch_check_reaches_an_item_with_data_to_fix(cli, tmp_path):
    data = write(tmp_path, """\
        equipment:
          - {id: H-1, kind: helmet, batch: B1, manufactured: 2026-01-10,
             checks: [{date: 2026-05-05, type: visual, result: 好}]}
        batch_checks:
          - {batch: B1, kind: helmet, date: 2026-06-01, type: test, result: fail}
        """)
    item = items(cli, data)["H-1"]
    assert item["status"] == "scrapped" and "B1" in item["reason"] and item["problems"]


def test_the_example_register_with_mistakes_keeps_every_readable_status(cli, tmp_path):
    """The example workbook with a wrong check result, a check of unknown type that failed and
    an impossible manufacture date: nothing reads safer than its readable data."""
    for name in ("equipment.xlsx", "staff.xlsx"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    register = tmp_path / "equipment.xlsx"
    clean = items(cli, register, tmp_path / "staff.xlsx")
    book = openpyxl.load_workbook(register)
    book["检查记录"].append(["H-0002", "2026-01-05", "目测", "不合格"])
    book.save(register)
    found = items(cli, register, tmp_path / "staff.xlsx")
    assert set(found) == set(clean)
    assert found["H-0002"]["status"] == "scrapped"
    [problem] = found["H-0002"]["problems"]
    assert (problem["field"], problem["header"], problem["sheet"]) == (
        "checks[1].type", "类型", "检查记录")
    assert problem["line"] == book["检查记录"].max_row and "目测" in problem["message"]
    for key, item in found.items():
        if key != "H-0002":
            assert item["status"] == clean[key]["status"], key


# ------------------------------------------------------------------ issue 19.2: the place
def test_a_reason_names_the_place_as_the_user_wrote_it_in_both_languages(cli, tmp_path):
    """A spreadsheet's row and column as the file writes them (结果) in Chinese and in English
    alike; the field named in the reader's language (结果 / result: English mode names no
    field by a Chinese header, a new user's trial 2026-11-30); a YAML file's key path and
    line in both. Never the internal path equipment[1]…"""
    for name in ("equipment.xlsx", "staff.xlsx"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    register = tmp_path / "equipment.xlsx"
    book = openpyxl.load_workbook(register)
    book["检查记录"].append(["H-0002", "2026-01-05", "检测", "合格了"])
    row = book["检查记录"].max_row
    book.save(register)
    for lang, where in (("zh", f"第 {row} 行"), ("en", f"row {row}")):
        out = cli("--lang", lang, "equipment", register, tmp_path / "staff.xlsx",
                  "--as-of", AS_OF).out
        line = next(x for x in out.splitlines() if x.startswith("H-0002 "))
        name, place = ("结果: ", where) if lang == "zh" else ("result: ", f"{where} 结果)")
        assert name in line and "[检查记录]" in line and place in line, (lang, line)
        assert ("结果: " in line) == (lang == "zh"), line
        assert "equipment[" not in line and "checks[" not in line
    data = write(tmp_path, ISSUE)
    for lang in ("zh", "en"):
        out = cli("--lang", lang, "equipment", data, "--as-of", AS_OF).out
        line = next(x for x in out.splitlines() if x.startswith("H-1 "))
        assert "checks[1].result: " in line and "eq.yaml:8:42" in line
        assert "equipment[1]" not in line


# ------------------------------------------------------------------ a batch check's values
BATCH = """\
equipment:
  - {id: H-1, kind: helmet, batch: B1, manufactured: 2024-01-10}
  - {id: H-2, kind: helmet, batch: B1, manufactured: 2025-01-10}
  - {id: H-3, kind: helmet, batch: B2, manufactured: 2025-01-10}
batch_checks:
  - {batch: B1, kind: helmet, date: 2026-06-01, type: test, result: %s}
"""


def test_an_unreadable_batch_check_flags_its_batch_and_hides_nothing(cli, tmp_path):
    """Its result unreadable: the report is made; B1's sample cannot be trusted to extend or
    to leave them fine, so H-1 (overdue by its life) stays overdue with data to fix and H-2
    (fine by its life) is 数据有误; B2 is untouched; the problem is warned with its line."""
    data = write(tmp_path, BATCH % "合格了")
    result = cli("equipment", data, "--as-of", AS_OF, "--format", "json")
    assert result.code == 0, result
    found = {i["id"]: i for i in json.loads(result.out)["items"]}
    assert (found["H-1"]["status"], found["H-2"]["status"], found["H-3"]["status"]) == (
        "overdue", "invalid", "ok")
    assert found["H-1"]["problems"][0]["field"] == "batch_checks[1].result"
    assert found["H-3"]["problems"] == []
    assert "eq.yaml:6:" in result.err and "batch_checks[1].result" in result.err


def test_a_failing_batch_check_of_unreadable_type_still_scraps_its_batch(cli, tmp_path):
    data = write(tmp_path, (BATCH % "不合格").replace("type: test", "type: 抽样"))
    found = items(cli, data)
    assert found["H-1"]["status"] == found["H-2"]["status"] == "scrapped"
    assert found["H-2"]["problems"] and found["H-3"]["status"] == "ok"


def test_a_batch_check_naming_no_readable_batch_is_said_and_flags_nobody(cli, tmp_path):
    data = write(tmp_path, (BATCH % "pass").replace("batch: B1, kind: helmet, date",
                                                     "batch: [B1], kind: helmet, date"))
    result = cli("equipment", data, "--as-of", AS_OF, "--format", "json")
    assert result.code == 0, result
    assert "batch_checks[1].batch" in result.err
    assert not any(i["problems"] for i in json.loads(result.out)["items"])


def example_with(cli, tmp_path, *rows):
    """The example workbook (and staff) in `tmp_path`, with `rows` ((sheet, values) each)
    appended: (the register, the example's items as JSON before, the workbook)."""
    for name in ("equipment.xlsx", "staff.xlsx"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    register = tmp_path / "equipment.xlsx"
    clean = items(cli, register, tmp_path / "staff.xlsx")
    book = openpyxl.load_workbook(register)
    for sheet, values in rows:
        book[sheet].append(values)
    book.save(register)
    return register, clean, book


# ------------------------------------------------ a failing check whose date cannot be read
UNDATED = """\
equipment:
  - {id: H-1, kind: helmet, batch: B1, manufactured: 2025-06-10,
     checks: [{date: %s, type: %s, result: 不合格}]}
  - {id: H-2, kind: helmet, batch: B1, manufactured: 2025-06-10}
  - {id: H-3, kind: helmet, batch: B1, manufactured: 2023-01-10}
  - {id: H-4, kind: helmet, batch: B2, manufactured: 2025-06-10}
"""


@pytest.mark.parametrize("date", ["2026-13-45", "十月", "''"])
@pytest.mark.parametrize("kind", ["test", "目测"])
def test_a_failing_check_whose_date_cannot_be_read_is_not_shown_safe(cli, tmp_path, date,
                                                                     kind):
    """A failure cannot be placed in time, but it is a failure (standard 002: 抽验不合格则该批
    安全帽即报废): the helmet is 已报废（数据待更正）, to be replaced; the other helmets of its
    batch, whose sample it was, are never shown fine (数据有误, or overdue with data to fix);
    another batch is untouched. The date is named where it is, warned and in the reasons."""
    data = write(tmp_path, UNDATED % (date, kind))
    result = cli("equipment", data, "--as-of", AS_OF, "--format", "json")
    assert result.code == 0, result
    found = {i["id"]: i for i in json.loads(result.out)["items"]}
    h1 = found["H-1"]
    assert h1["status"] == "scrapped" and h1["action"] == "replace" and h1["due"] is None
    assert "date cannot be read" in h1["reason"]
    assert "checks[1].date" in [p["field"] for p in h1["problems"]]
    assert found["H-2"]["status"] == "invalid"                      # fine by its life
    assert found["H-3"]["status"] == "overdue"                      # overdue by its life
    for other in ("H-2", "H-3"):
        [doubt] = found[other]["problems"]
        assert "H-1" in doubt["message"] and doubt["line"] == 3, doubt
    assert found["H-4"]["status"] == "ok" and found["H-4"]["problems"] == []
    assert "eq.yaml:3:" in result.err and "checks[1].date" in result.err
    table = cli("equipment", data, "--as-of", AS_OF).out
    row = next(x for x in table.splitlines() if x.startswith("H-1 "))
    assert "已报废（数据待更正）" in row and "日期无法识别" in row
    row = next(x for x in table.splitlines() if x.startswith("H-2 "))
    assert "数据有误" in row and "H-1" in row and "整批报废" in row


def test_shoes_failing_a_check_of_unreadable_date_are_scrapped_alone(cli, tmp_path):
    """Shoes' checks are of each pair (发现异常应不得再当绝缘鞋使用): scrapped, their batch
    untouched; a passing check with an unreadable date still extends nothing."""
    data = write(tmp_path, """\
        equipment:
          - {id: S-1, kind: insulated_shoes, holder: "1", batch: X, in_service: 2026-10-01,
             checks: [{date: 十月, type: test, result: fail}]}
          - {id: S-2, kind: insulated_shoes, holder: "1", batch: X, in_service: 2026-10-01}
          - {id: S-3, kind: insulated_shoes, holder: "1", batch: X, in_service: 2025-10-01,
             checks: [{date: 十月, type: test, result: pass}]}
        """)
    found = items(cli, data)
    assert found["S-1"]["status"] == "scrapped" and "date cannot be read" in found["S-1"]["reason"]
    assert found["S-2"]["status"] == "ok" and found["S-2"]["problems"] == []
    assert found["S-3"]["status"] == "overdue" and found["S-3"]["problems"]


def test_a_checks_sheet_row_failing_on_an_unreadable_date(cli, tmp_path):
    """The same in the workbook's 检查记录 sheet: the row's 日期 column is named with its row."""
    register, clean, book = example_with(cli, tmp_path,
                                         ("检查记录", ["H-0004", "去年十月", "检测", "不合格"]))
    found = items(cli, register, tmp_path / "staff.xlsx")
    assert clean["H-0004"]["status"] != "scrapped"
    assert found["H-0004"]["status"] == "scrapped"
    problem = next(p for p in found["H-0004"]["problems"] if p["field"].endswith(".date"))
    assert (problem["header"], problem["sheet"], problem["line"]) == (
        "日期", "检查记录", book["检查记录"].max_row)
    batch = found["H-0004"]["batch"]
    for key, item in found.items():
        if key == "H-0004":
            continue
        if item["kind"] == "helmet" and batch and item["batch"] == batch:
            assert item["status"] != "ok" and item["problems"], item
        else:
            assert item["status"] == clean[key]["status"], key


# ------------------------------------------- checks that name nothing of the register
def test_a_batch_check_for_a_batch_not_in_the_register_does_not_stop_the_report(cli, tmp_path):
    """A safety officer needs the report anyway: the check is warned with its line, listed
    in the JSON's unmatched_checks and under the table; every item is assessed as without
    it. `validate` still refuses the file."""
    data = write(tmp_path, BATCH.replace("batch: B1, kind: helmet, date", "batch: B9, kind: "
                                         "helmet, date") % "不合格")
    result = cli("equipment", data, "--as-of", AS_OF, "--format", "json")
    assert result.code == 0, result
    doc = json.loads(result.out)
    assert {i["id"]: i["status"] for i in doc["items"]} == {
        "H-1": "overdue", "H-2": "ok", "H-3": "ok"}
    [unmatched] = doc["unmatched_checks"]
    assert unmatched["field"] == "batch_checks[1].batch" and unmatched["line"] == 6
    assert "B9" in unmatched["message"] and "eq.yaml:6:" in result.err
    table = cli("equipment", data, "--as-of", AS_OF)
    assert table.code == 0 and "1 条检查记录对应不到台账中的用品或批次" in table.out
    assert "台账中没有批次 'B9' 的安全帽" in table.err          # the kind in the reader's words
    assert cli("validate", data).code == 2


def test_a_checks_sheet_row_for_an_unknown_item_does_not_stop_the_report(cli, tmp_path):
    register, clean, book = example_with(
        cli, tmp_path, ("检查记录", ["H-9999", "2026-01-05", "检测", "不合格"]),
        ("批次抽检", ["B-NOPE", "安全帽", "2026-06-01", "检测", "不合格"]))
    result = cli("equipment", register, tmp_path / "staff.xlsx", "--as-of", AS_OF,
                 "--format", "json")
    assert result.code == 0, result
    doc = json.loads(result.out)
    assert {i["id"]: i["status"] for i in doc["items"]} == {
        k: v["status"] for k, v in clean.items()}                 # nothing else changes
    rows = {(u["sheet"], u["line"], u["header"]) for u in doc["unmatched_checks"]}
    assert rows == {("检查记录", book["检查记录"].max_row, "编号"),
                    ("批次抽检", book["批次抽检"].max_row, "批次")}
    assert "H-9999" in result.err and "B-NOPE" in result.err and "[检查记录]" in result.err
    pdf = tmp_path / "r.pdf"
    assert cli("equipment", register, tmp_path / "staff.xlsx", "--as-of", AS_OF,
               "-o", pdf).code == 0
    first = PdfReader(pdf).pages[0].extract_text()
    assert "2 条检查记录对应不到台账中的用品或批次" in first
    assert cli("validate", register, tmp_path / "staff.xlsx").code == 2
