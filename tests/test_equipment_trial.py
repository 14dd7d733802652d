"""A new user's trial of the safety report on the template spreadsheets (issue 19's trial):
a typo in the staff sheet does not stop it, its reasons name the columns as the sheet
writes them, and the standard's words for a test are taken."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import openpyxl
import pytest

from web_helpers import EXAMPLES, client, seed

AS_OF = "2026-11-30"


def _edit(path: Path, sheet: str | None, cells: dict, rows: list | None = None) -> None:
    book = openpyxl.load_workbook(path)
    ws = book[sheet] if sheet else book.active
    for ref, value in cells.items():
        ws[ref] = value
    for row in rows or []:
        ws.append(row)
    book.save(path)


def _row_of(path: Path, sheet: str | None, value: str) -> int:
    book = openpyxl.load_workbook(path)
    ws = book[sheet] if sheet else book.active
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == value)


@pytest.fixture
def files(tmp_path) -> Path:
    for name in ("equipment.xlsx", "staff.xlsx"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tmp_path


def _staff_typos(folder: Path) -> tuple[str, str]:
    """星级 9 for SZ10001, an empty 姓名 for SZ10023: (their ids)."""
    staff = folder / "staff.xlsx"
    _edit(staff, None, {f"I{_row_of(staff, None, 'SZ10001')}": 9,
                        f"B{_row_of(staff, None, 'SZ10023')}": None})
    return "SZ10001", "SZ10023"


def _items(result) -> dict[str, dict]:
    return {i["id"]: i for i in json.loads(result.out)["items"]}


# --------------------------------------------------------------- 1. a staff sheet's typo
def test_a_staff_typo_leaves_the_person_out_not_the_report(cli, files):
    left_out = _staff_typos(files)
    args = ("equipment", files / "equipment.xlsx", files / "staff.xlsx", "--as-of", AS_OF)
    result = cli(*args, "--format", "json")
    assert result.code == 0, result
    assert "nothing was written" not in result.err
    # each person's problem is said, as a warning naming the sheet, row and column
    assert "warning (person left out" in result.err
    assert "staff.xlsx[花名册] row" in result.err and "星级" in result.err and "姓名" in result.err
    items = _items(result)
    # their items are still listed, under the staff id, with their status from the dates
    theirs = [i for i in items.values() if i["holder"] in left_out]
    assert {i["holder"] for i in theirs} == set(left_out)
    assert all(i["status"] != "invalid" for i in theirs)
    # the same number of items as without the typo
    clean = cli("equipment", EXAMPLES / "equipment.xlsx", EXAMPLES / "staff.xlsx", "--as-of",
                AS_OF, "--format", "json")
    assert set(items) == set(_items(clean))
    table = cli(*args)
    assert table.code == 0, table
    line = next(x for x in table.out.splitlines() if x.startswith("H-0001 "))
    assert "SZ10001" in line


def test_an_unknown_holder_stays_visible_with_its_status(cli, files):
    """A typo in the holder hides nothing (issue 19): the item keeps the status its dates
    give, and says the holder is not on the staff list."""
    register = files / "equipment.xlsx"
    clean = _items(cli("equipment", register, files / "staff.xlsx", "--as-of", AS_OF,
                       "--format", "json"))["H-0005"]
    _edit(register, "台账", {f"C{_row_of(register, '台账', 'H-0005')}": "SZ99999"})
    result = cli("equipment", register, files / "staff.xlsx", "--as-of", AS_OF,
                 "--format", "json")
    assert result.code == 0, result
    item = _items(result)["H-0005"]
    assert clean["status"] == "overdue" and clean["problems"] == []
    assert item["status"] == "overdue" and item["holder"] == "SZ99999"
    assert item["due"] == clean["due"]
    assert "SZ99999" in item["reason"]
    assert [(p["field"], p["header"]) for p in item["problems"]] == [("holder", "使用人")]


def test_a_file_problem_still_stops_the_report(cli, files):
    (files / "staff.xlsx").write_bytes(b"not a workbook")
    result = cli("equipment", files / "equipment.xlsx", files / "staff.xlsx", "--as-of", AS_OF)
    assert result.code == 2 and "staff.xlsx" in result.err


def test_web_dashboard_shows_the_report_and_the_staff_warnings(tmp_path):
    ws = seed(tmp_path / "ws", photos=False)
    _staff_typos(ws)
    page = client(ws).get(f"/equipment?as_of={AS_OF}").text
    assert 'id="summary"' in page and 'id="all"' in page       # the dashboard is there
    assert 'id="warnings"' in page
    warnings = page[page.index('id="warnings"'):page.index('id="summary"')]
    assert "星级" in warnings and "姓名" in warnings and "花名册" in warnings
    everything = page[page.index('id="all"'):]
    row = next(r for r in everything.split("<tr") if "<td>H-0001</td>" in r)
    assert "SZ10001" in row


def test_web_dashboard_lists_an_incomplete_item_as_invalid(tmp_path):
    ws = seed(tmp_path / "ws", photos=False)
    register = ws / "equipment.xlsx"
    _edit(register, "台账", {f"E{_row_of(register, '台账', 'H-0003')}": "2024-13-45"})
    page = client(ws).get(f"/equipment?as_of={AS_OF}").text
    assert 'id="summary"' in page
    row = next(r for r in page[page.index('id="all"'):].split("<tr")
               if "<td>H-0003</td>" in r)
    assert 'status-invalid' in row and "生产日期" in row and "manufactured" not in row


# ----------------------------------------------------- 2. reasons name the sheet's columns
@pytest.mark.chinese
def test_reasons_name_the_column_header_not_the_field_path(cli, files, tmp_path):
    register = files / "equipment.xlsx"
    _edit(register, "台账", {f"B{_row_of(register, '台账', 'H-0002')}": "头盔",
                             f"E{_row_of(register, '台账', 'H-0003')}": "2024-13-45"})
    _edit(register, "检查记录", {}, rows=[["H-0006", "2026-11-01", "检测", "好", None]])
    args = ("equipment", register, files / "staff.xlsx", "--as-of", AS_OF)
    table = cli(*args)
    assert table.code == 0, table
    lines = {x.split()[0]: x for x in table.out.splitlines() if x[:2] in ("H-", "S-")}
    for item, header, path in (("H-0002", "类别", "kind:"), ("H-0003", "生产日期", "manufactured:"),
                               ("H-0006", "结果", "result:")):
        assert f"{header}: " in lines[item] and path not in lines[item], lines[item]
    assert "checks[" not in table.out
    # the PDF's 原因 column too
    pdf = cli(*args, "-o", tmp_path / "r.pdf")
    assert pdf.code == 0, pdf
    from pypdf import PdfReader
    text = "".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages)
    assert "manufactured:" not in text and "checks[" not in text and "kind:" not in text
    # the JSON keeps its field paths (its contract)
    items = _items(cli(*args, "--format", "json"))
    assert items["H-0003"]["reason"].startswith("manufactured: ")
    assert items["H-0006"]["reason"].startswith("checks[")


def test_a_yaml_register_keeps_its_keys_in_the_reason(cli, tmp_path):
    path = tmp_path / "equipment.yaml"
    path.write_text("equipment:\n  - {id: H-1, kind: helmet, manufactured: 2024-13-45}\n",
                    encoding="utf-8")
    result = cli("equipment", path, "--as-of", AS_OF)
    assert result.code == 0, result
    assert "manufactured: " in next(x for x in result.out.splitlines() if x.startswith("H-1"))


# ---------------------------------------------------- 3. the standard's word for a test
@pytest.mark.parametrize("word", ["预防性试验", "抽检"])
def test_the_standards_word_for_a_test_is_a_test(cli, files, word):
    register = files / "equipment.xlsx"
    _edit(register, "检查记录", {}, rows=[["S-0004", "2026-11-25", word, "合格", None]])
    result = cli("equipment", register, files / "staff.xlsx", "--as-of", AS_OF,
                 "--format", "json")
    assert result.code == 0, result
    shoes = _items(result)["S-0004"]
    assert shoes["status"] != "invalid", shoes
    assert shoes["due"] == "2027-05-25"     # 6 months after the passing test


def test_the_template_offers_the_standards_word(cli, tmp_path):
    target = tmp_path / "equipment.xlsx"
    assert cli("template", target).code == 0
    book = openpyxl.load_workbook(target)
    lists = [dv.formula1 for dv in book["检查记录"].data_validations.dataValidation]
    assert any("预防性试验" in f and "检测" in f for f in lists), lists


def test_mistakes_in_the_staff_list_beside_the_register_do_not_stop_the_report(cli, tmp_path):
    """A new user's trial: HR's staff.xlsx beside the register, with a header typo (性名) and
    a repeated 工号, stopped `fieldprint equipment equipment.xlsx` (exit 2, nothing written).
    The safety report is made without that list, the holders by their staff id, and its
    mistakes said as warnings."""
    for name in ("equipment.xlsx", "staff.xlsx"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    book = openpyxl.load_workbook(tmp_path / "staff.xlsx")
    sheet = book.active
    sheet["B1"] = "性名"
    sheet.cell(row=3, column=1).value = sheet.cell(row=2, column=1).value
    book.save(tmp_path / "staff.xlsx")
    pdf = tmp_path / "r.pdf"
    result = cli("equipment", tmp_path / "equipment.xlsx", "--as-of", "2026-11-21", "-o", pdf)
    assert result.code == 0, result
    assert pdf.is_file()
    said = [line for line in result.err.splitlines() if "staff.xlsx" in line]
    assert len(said) == 2 and all("the staff list was not used" in line for line in said)
    doc = json.loads(cli("equipment", tmp_path / "equipment.xlsx", "--as-of", "2026-11-21",
                         "--format", "json").out)
    clean = {i["id"]: i["status"] for i in json.loads(cli(
        "equipment", EXAMPLES / "equipment.xlsx", EXAMPLES / "staff.xlsx", "--as-of",
        "2026-11-21", "--format", "json").out)["items"]}
    assert {i["id"]: i["status"] for i in doc["items"]} == clean   # the same statuses


def _faulty_staff(folder: Path, header: bool = True, repeat: bool = True) -> None:
    """HR's sheet: 性名 for 姓名 (B1), the second person's 工号 the first's."""
    book = openpyxl.load_workbook(folder / "staff.xlsx")
    sheet = book.active
    if header:
        sheet["B1"] = "性名"
    if repeat:
        sheet.cell(row=3, column=1).value = sheet.cell(row=2, column=1).value
    book.save(folder / "staff.xlsx")


def _statuses(result) -> dict[str, str]:
    return {i["id"]: i["status"] for i in json.loads(result.out)["items"]}


@pytest.mark.parametrize("header,repeat", [(True, True), (True, False)])
def test_mistakes_in_a_named_staff_list_do_not_stop_the_report(cli, files, header, repeat):
    """The staff list named on the command line, as the one beside the register: its own
    mistakes leave it out, the report is made with the holders by staff id, and each mistake
    is said as a warning with its place and fix."""
    _faulty_staff(files, header, repeat)
    args = ("equipment", files / "equipment.xlsx", files / "staff.xlsx", "--as-of", AS_OF)
    pdf = files / "r.pdf"
    result = cli(*args, "-o", pdf)
    assert result.code == 0, result
    assert pdf.is_file() and "nothing was written" not in result.err
    said = [line for line in result.err.splitlines() if "staff.xlsx" in line]
    assert len(said) == header + repeat
    assert all(line.startswith("warning (the staff list was not used: the holders are listed "
                               "by their staff id") for line in said)
    if header:
        assert any("性名" in line and "姓名" in line for line in said)
    if repeat:
        assert any("[花名册] row 3" in line and "SZ10001" in line for line in said)
    doc = cli(*args, "--format", "json")
    clean = cli("equipment", EXAMPLES / "equipment.xlsx", EXAMPLES / "staff.xlsx", "--as-of",
                AS_OF, "--format", "json")
    assert _statuses(doc) == _statuses(clean)
    table = cli(*args)   # the holders shown by their staff id: the list was not used
    line = next(x for x in table.out.splitlines() if x.startswith("H-0007 "))
    assert "SZ10028" in line and "吴海涛" not in line


def test_a_named_csv_staff_list_with_a_header_typo_does_not_stop_the_report(cli, tmp_path):
    """The same kind in a CSV staff list of another name, and a YAML register."""
    shutil.copy(EXAMPLES / "equipment.yaml", tmp_path / "equipment.yaml")
    (tmp_path / "people.csv").write_text(
        "工号,姓铭,手机号\nSZ10001,张三,13800000001\nSZ10002,李四,13800000002\n",
        encoding="utf-8")
    result = cli("equipment", tmp_path / "equipment.yaml", tmp_path / "people.csv",
                 "--as-of", AS_OF, "--format", "json")
    assert result.code == 0, result
    assert "people.csv:1" in result.err and "the staff list was not used" in result.err
    assert json.loads(result.out)["items"]


def test_a_register_with_its_own_mistake_still_stops_with_the_staff_lists(cli, files):
    """Only the staff list is left out: a mistake of the register itself still stops the
    report, and the staff list's mistakes are said with it."""
    _faulty_staff(files)
    register = files / "equipment.xlsx"
    book = openpyxl.load_workbook(register)
    sheet = book["台账"]
    sheet.cell(row=3, column=1).value = sheet.cell(row=2, column=1).value   # a repeated 编号
    book.save(register)
    result = cli("equipment", register, files / "staff.xlsx", "--as-of", AS_OF)
    assert result.code == 2
    assert "equipment.xlsx[台账] row 3" in result.err and "性名" in result.err


def test_web_equipment_page_is_made_without_a_faulty_staff_list(tmp_path):
    """The web's 劳动防护用品 page, as the command line: the report with the holders by staff id,
    the staff list's mistakes among the warnings; its downloads and the check form work."""
    ws = seed(tmp_path / "ws", photos=False)
    _faulty_staff(ws)
    web = client(ws)
    page = web.get(f"/equipment?as_of={AS_OF}").text
    assert 'id="summary"' in page and 'id="all"' in page
    warnings = page[page.index('id="warnings"'):page.index('id="summary"')]
    assert warnings.count("the staff list was not used") == 2
    assert "性名" in warnings and "SZ10001" in warnings
    row = next(r for r in page[page.index('id="all"'):].split("<tr") if "<td>H-0001</td>" in r)
    assert "SZ10001" in row
    pdf = web.get(f"/equipment/report.pdf?as_of={AS_OF}")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_the_registers_warnings_are_said_once_when_the_staff_list_is_left_out(cli, files):
    """The data is read twice (with the staff list, then without): what the register's own
    reading warns of is said once, whether the report is made or stopped."""
    _faulty_staff(files)
    _edit(files / "equipment.xlsx", "台账", {"I1": "颜色", "I2": "红"})
    args = ("equipment", files / "equipment.xlsx", "--as-of", AS_OF)
    made = cli(*args, files / "staff.xlsx", "--format", "json")
    assert made.code == 0, made
    assert made.err.count("columns not used: 颜色") == 1
    (files / "bad.xlsx").write_bytes(b"not a workbook")   # stops; staff.xlsx read beside
    stopped = cli(*args, files / "bad.xlsx")
    assert stopped.code == 2 and "bad.xlsx" in stopped.err
    assert stopped.err.count("columns not used: 颜色") == 1
