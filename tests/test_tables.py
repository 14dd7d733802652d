"""Spreadsheet input (.csv, .xlsx): encodings, header rows, merged cells, numbers Excel made of
text, dates, the checks sheet, and messages that name file, sheet, row and header."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from PIL import Image

from generator.data import headers as H
from generator.data.dataset import load_dataset
from generator.errors import Location, Problem, UserError
from generator.data.materials import format_materials, parse_materials
from generator.data.tables import number_text, read_table

COMPANY = "company:\n  name: 苏州测试通信工程有限公司\n"


@pytest.fixture
def folder(tmp_path) -> Path:
    (tmp_path / "company.yaml").write_text(COMPANY, encoding="utf-8")
    (tmp_path / "photos").mkdir()
    Image.new("RGB", (30, 40), "white").save(tmp_path / "photos" / "SZ001.jpg")
    return tmp_path


def workbook(path: Path, rows: list[list], title: str = "Sheet1", merges=(), formats=None,
             extra_sheets=None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = title
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(row, 1):
            if value is not None:
                ws.cell(row=r, column=c, value=value)
    for cell, fmt in (formats or {}).items():
        ws[cell].number_format = fmt
    for rng in merges:
        ws.merge_cells(rng)
    for name, sheet_rows in (extra_sheets or {}).items():
        other = wb.create_sheet(name)
        for row in sheet_rows:
            other.append(row)
    wb.save(path)
    return path


def problems_of(paths, **options) -> list[str]:
    with pytest.raises(UserError) as info:
        load_dataset(paths, **options)
    return [str(p) for p in info.value.problems]


# ------------------------------------------------------------------------------ CSV
def test_gbk_csv_with_chinese_headers_loads(folder):
    text = "工号,姓名,单位,班组,岗位,手机,照片,星级\nSZ001,王建国,园区分公司,装维一班,班组长,13800000000,photos/SZ001.jpg,4星\n"
    (folder / "staff.csv").write_bytes(text.encode("gbk"))
    data = load_dataset([folder / "staff.csv"])
    person = data.staff[0]
    assert (person.id, person.name, person.unit, person.team, person.title, person.phone,
            person.stars) == ("SZ001", "王建国", "园区分公司", "装维一班", "班组长", "13800000000", 4)
    assert person.photo == folder / "photos" / "SZ001.jpg"
    assert data.company.name == "苏州测试通信工程有限公司"


@pytest.mark.parametrize("encoding,prefix", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                             ("gb18030", b""), ("utf-16", b"")])
def test_csv_encodings_are_detected(folder, encoding, prefix):
    text = "工号,姓名\n00123,李秀英\n"
    data = prefix + text.encode(encoding)
    if encoding == "utf-16":
        data = text.replace(",", "\t").encode("utf-16")  # Excel's "Unicode text": BOM and tabs
    (folder / "staff.csv").write_bytes(data)
    person = load_dataset([folder / "staff.csv"]).staff[0]
    assert (person.id, person.name) == ("00123", "李秀英")


def test_encoding_option_and_undecodable_file(folder):
    (folder / "staff.csv").write_bytes("工号,姓名\nSZ1,王\n".encode("gbk"))
    assert load_dataset([folder / "staff.csv"], encoding="gbk").staff[0].name == "王"
    (folder / "bom.csv").write_bytes("\ufeff工号,姓名\nSZ1,王\n".encode("utf-8"))
    assert load_dataset([folder / "bom.csv"], encoding="utf-8").staff[0].id == "SZ1"
    (folder / "bom.csv").unlink()
    [message] = problems_of([folder / "staff.csv"], encoding="utf-8")
    assert message.startswith(f"{folder / 'staff.csv'}:1: not utf-8 text")
    (folder / "staff.csv").write_bytes(b"\xe5\xb7\xa5\xe5\x8f\xb7,name\nSZ1,\xff\xff\xff\n")
    [message] = problems_of([folder / "staff.csv"])
    assert ":2: neither UTF-8 nor GBK/GB18030" in message and "--encoding" in message


def test_csv_error_names_file_line_and_header(folder):
    (folder / "staff.csv").write_text(
        "工号,姓名,照片,星级\nSZ001,王建国,photos/SZ001.jpg,4\nSZ002,李秀英,photos/x.jpg,9\n",
        encoding="utf-8")
    messages = problems_of([folder / "staff.csv"])
    where = folder / "staff.csv"
    assert f"{where}:3 (SZ002) 照片: file not found: photos/x.jpg" in messages
    assert any(m.startswith(f"{where}:3 (SZ002) 星级: 9 is out of range") for m in messages)


def test_excel_workbook_named_csv_is_refused(folder):
    workbook(folder / "staff.xlsx", [["工号", "姓名"]])
    (folder / "staff.csv").write_bytes((folder / "staff.xlsx").read_bytes())
    [message] = problems_of([folder / "staff.csv"])
    assert "Excel workbook" in message and ".xlsx" in message


# ------------------------------------------------------------------------------ xlsx
def test_xlsx_error_names_file_sheet_row_and_header(folder):
    rows = [["工号", "姓名", "照片"]] + [[f"SZ{i:03d}", f"人{i}", None] for i in range(2, 14)]
    rows.append(["SZ100", "王建国", "photos/x.jpg"])
    workbook(folder / "staff.xlsx", rows, title="花名册")
    [message] = problems_of([folder / "staff.xlsx"])
    assert message == f"{folder / 'staff.xlsx'}[花名册] row 14 (SZ100) 照片: file not found: photos/x.jpg"


def test_title_row_merged_headers_empty_rows_and_trailing_spaces(folder):
    rows = [
        ["员工花名册（2026年11月）"],                              # a title row, merged across
        ["工号 ", "姓名  ", "联系方式", None, "照片\n", " 星级 "],  # 联系方式 groups two columns
        [None, None, "手机", "微信二维码", None, None],          # 工号, 姓名 merged down
        ["SZ001", "王建国", 13800000000, "https://u.wechat.com/a", "photos/SZ001.jpg", 4],
        [None, None, None, None, None, None],                     # an empty row in the middle
        [],
        ["SZ002", "李秀英 ", "13900000000", None, None, "★★★"],
    ]
    workbook(folder / "staff.xlsx", rows, title="花名册",
             merges=["A1:F1", "C2:D2", "A2:A3", "B2:B3", "E2:E3", "F2:F3"])
    data = load_dataset([folder / "staff.xlsx"])
    first, second = data.staff
    assert (first.id, first.name, first.phone, first.qr, first.stars) == (
        "SZ001", "王建国", "13800000000", "https://u.wechat.com/a", 4)
    assert (second.id, second.name, second.phone, second.stars) == ("SZ002", "李秀英", "13900000000", 3)
    assert str(data.origins[("staff", "SZ002")]) == f"{folder / 'staff.xlsx'}[花名册] row 7"


def test_merged_header_over_a_data_column_names_the_cell(folder):
    rows = [["工号", "姓名", None], ["SZ001", "王", "建国"]]
    workbook(folder / "staff.xlsx", rows, title="花名册", merges=["B1:C1"])
    [message] = problems_of([folder / "staff.xlsx"])
    assert message.startswith(f"{folder / 'staff.xlsx'}[花名册] row 1: C1 is an empty header")
    assert "merged header cell" in message and "row 2" in message


def test_ids_and_phones_stored_as_numbers_stay_text(folder):
    rows = [["工号", "姓名", "手机", "备注"],
            [123, "王建国", 13800000000.0, 1.5],
            [7, "李秀英", 51212345678, None]]
    workbook(folder / "staff.xlsx", rows, formats={"A2": "00000", "A3": '"SZ"000', "C3": "000000000000"})
    first, second = load_dataset([folder / "staff.xlsx"]).staff
    assert (first.id, first.phone, first.note) == ("00123", "13800000000", "1.5")
    assert (second.id, second.phone) == ("007", "051212345678")


def test_number_text():
    assert number_text(13800000000.0) == "13800000000"
    assert number_text(1.38e10) == "13800000000"
    assert number_text(123, "00000") == "00123"
    assert number_text(0.1) == "0.1"
    assert number_text(1e-7) == "0.0000001"
    assert "e" not in number_text(1.5e20)


def test_dates_as_excel_writes_them(folder):
    rows = [["编号", "类别", "生产日期", "启用日期", "报废日期"],
            ["H-1", "安全帽", dt.datetime(2023, 5, 1), "2024/3/1", "2026年3月1日"],
            ["H-2", "绝缘鞋", "2023年5月", 45352, None],
            ["H-3", "helmet", "2023-05", "2024-03-01", None]]
    workbook(folder / "equipment.xlsx", rows)
    one, two, three = load_dataset([folder / "equipment.xlsx"]).equipment
    assert (one.kind, one.manufactured, one.in_service, one.retired) == (
        "helmet", dt.date(2023, 5, 1), dt.date(2024, 3, 1), dt.date(2026, 3, 1))
    assert (two.kind, two.manufactured, two.in_service) == (
        "insulated_shoes", dt.date(2023, 5, 1), dt.date(2024, 3, 1))
    assert three.manufactured == dt.date(2023, 5, 1)


def test_bad_date_names_the_cell(folder):
    rows = [["编号", "类别", "启用日期"], ["H-1", "安全帽", "2024/2/30"], ["H-2", "安全帽", "2023-05"]]
    workbook(folder / "equipment.xlsx", rows, title="台账")
    messages = problems_of([folder / "equipment.xlsx"])
    where = f"{folder / 'equipment.xlsx'}[台账]"
    assert f"{where} row 2 启用日期: impossible date: '2024/2/30' (no such day in the calendar)" in messages
    assert any(m.startswith(f"{where} row 3 启用日期: '2023-05' has no day") for m in messages)


def test_sheet_by_name(folder):
    path = workbook(folder / "book.xlsx", [["说明"]], extra_sheets={
        "花名册": [["工号", "姓名"], ["SZ001", "王建国"]]})
    data = load_dataset([Path(f"{path}#花名册")])
    assert [p.id for p in data.staff] == ["SZ001"]
    [message] = problems_of([Path(f"{path}#花名单")])
    assert "no sheet named '花名单'; did you mean '花名册'?" in message


def test_missing_required_column_is_reported_once(folder):
    workbook(folder / "staff.xlsx", [["工号", "单位"]] + [[f"SZ{i}", "x"] for i in range(50)],
             title="花名册")
    [message] = problems_of([folder / "staff.xlsx"])
    assert message == (f"{folder / 'staff.xlsx'}[花名册] row 1: no column for 'name' (姓名); "
                       "the headers in row 1 are: 工号, 单位")


def test_unknown_columns_are_a_warning(folder):
    workbook(folder / "staff.xlsx", [["工号", "姓名", "身份证号", "入职日期"], ["SZ1", "王", "320", None]])
    data = load_dataset([folder / "staff.xlsx"])
    [warning] = data.warnings
    assert "columns not used: 身份证号, 入职日期" in str(warning)
    assert "columns: {staff: {身份证号: FIELD}}" in str(warning)


# a header a letter off a known one: said as the likely typo, never as a column to map in
# company.yaml (the trial: 性名 for 姓名 got both "rename it" and "map 性名 in columns:"); a
# problem, as its values would be left out (职物 for 职务 printed the default title for all)
TYPOS = [  # (file, sheet, headers, the typo's cell, the typo, the header meant, required)
    ("staff.xlsx", "花名册", ["工号", "性名", "单位"], "B1", "性名", "姓名", True),
    ("staff.xlsx", "花名册", ["工号", "姓名", "手鸡"], "C1", "手鸡", "手机", False),
    ("staff.csv", None, ["工号", "姓名", "班祖"], "column 3", "班祖", "班组", False),
    ("work_orders.csv", None, ["工单号", "类型", "接单时问", "客户姓名"], "column 3", "接单时问",
     "接单时间", True),
    ("work_orders.xlsx", "工单", ["工单号", "类型", "接单时间", "客户姓名", "故障描诉"], "E1",
     "故障描诉", "故障描述", False),
    ("equipment.xlsx", "台账", ["编号", "类别", "生产曰期"], "C1", "生产曰期", "生产日期", True),
    ("checks.csv", None, ["编号", "日期", "类型", "结杲"], "column 4", "结杲", "结果", True),
    ("staff.csv", None, ["id", "nmae"], "column 2", "nmae", "name", True),
]


@pytest.mark.parametrize("name, sheet, headers, cell, typo, meant, required", TYPOS)
def test_a_header_a_letter_off_is_said_as_its_typo(folder, name, sheet, headers, cell, typo,
                                                   meant, required):
    row = {"工号": "SZ1", "id": "SZ1", "姓名": "王", "工单号": "W1", "类型": "装机",
           "接单时间": "2026-11-21 09:00", "客户姓名": "李", "编号": "H-1", "类别": "安全帽",
           "日期": "2026-11-01", "结果": "合格"}
    rows = [headers, [row.get(h, "x") for h in headers]]
    path = folder / name
    if sheet:
        workbook(path, rows, title=sheet)
    else:
        path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    if name == "checks.csv":   # checks read beside their register
        (folder / "equipment.csv").write_text("编号,类别,生产日期\nH-1,安全帽,2025-01\n",
                                              encoding="utf-8")
        paths = [folder / "equipment.csv", path]
    else:
        paths = [path]
    fix = f"meant to be '{meant}'? Change that header to '{meant}'"
    if required:   # a problem: the column the sheet needs, and the header that is likely it
        found = problems_of(paths)
        [message] = [m for m in found if typo in m]
        assert f"; is {cell} '{typo}' {fix}" in message, found
        assert message.split(": ", 1)[1].startswith("no column for"), found
    else:          # a problem too: the column would be left out and the field's default
        found = problems_of(paths)          # printed in its place (the trial's 职物)
        [message] = [m for m in found if typo in m]
        assert f"{cell} '{typo}' is not a known header: is it {fix}" in message, found
    assert "company.yaml" not in message and "columns:" not in message, message


@pytest.mark.chinese
def test_the_trials_typo_in_chinese(examples_copy, cli, monkeypatch):
    """The trial's 性名: one message, the likely typo, in Chinese, and no 注意 to map it."""
    book = openpyxl.load_workbook(examples_copy / "staff.xlsx")
    assert book.active["B1"].value == "姓名"
    book.active["B1"] = "性名"
    book.save(examples_copy / "staff.xlsx")
    monkeypatch.chdir(examples_copy)
    result = cli("validate", "staff.xlsx")
    assert result.code == 2
    assert result.err.splitlines()[0] == (
        "staff.xlsx[花名册] 第 1 行: 没有“姓名”这一列：B1 的“性名”是不是“姓名”？是的话，请把这个列标题改成“姓名”"), result.err
    assert "company.yaml" not in result.err and "columns" not in result.err
    assert "'name'" not in result.err   # no English key in the Chinese message


def test_a_header_not_close_to_any_keeps_the_columns_hint(folder):
    workbook(folder / "staff.xlsx", [["工号", "姓名", "身份证号"], ["SZ1", "王", "320"]])
    [warning] = load_dataset([folder / "staff.xlsx"]).warnings
    assert "columns not used: 身份证号" in str(warning) and "columns: {staff: {身份证号: FIELD}}" \
        in str(warning)
    assert "meant to be" not in str(warning)


def test_two_columns_for_one_field_warns(folder):
    workbook(folder / "staff.xlsx", [["工号", "姓名", "手机", "电话"], ["SZ1", "王", "138", "0512"]])
    data = load_dataset([folder / "staff.xlsx"])
    assert data.staff[0].phone == "138"
    assert "D1 '电话' is not used: C1 '手机' already gives phone" in str(data.warnings[0])


def test_empty_sheet_and_headerless_sheet(folder):
    workbook(folder / "staff.xlsx", [])
    [message] = problems_of([folder / "staff.xlsx"])
    assert "the sheet is empty" in message
    workbook(folder / "staff.xlsx", [["a", "b"], ["1", "2"]])
    [message] = problems_of([folder / "staff.xlsx"])
    assert "no column header of staff found" in message and "first row: a, b" in message


def test_not_an_xlsx(folder):
    (folder / "staff.xlsx").write_bytes(b"\xd0\xcf\x11\xe0 old excel")
    [message] = problems_of([folder / "staff.xlsx"])
    assert "cannot open as an Excel .xlsx workbook" in message


# ------------------------------------------------------------------------------ sections
def test_section_from_headers_and_from_option(folder):
    (folder / "export.csv").write_text("工单号,类型,接单时间,客户姓名\nWO-1,装机,2026-11-21 09:12,李女士\n",
                                       encoding="utf-8")
    data = load_dataset([folder / "export.csv"])
    assert data.work_orders[0].kind == "install"
    (folder / "list.csv").write_text("id,name\nSZ1,王\n", encoding="utf-8")
    assert load_dataset([folder / "list.csv"], section="staff").staff[0].name == "王"


def test_ambiguous_headers_ask_for_a_section(folder):
    (folder / "list.csv").write_text("备注\nx\n", encoding="utf-8")
    [message] = problems_of([folder / "list.csv"])
    assert "equally well" in message and "--section" in message


def test_section_option_through_the_cli(folder, cli):
    (folder / "list.csv").write_text("工号,姓名\nSZ1,王\n", encoding="gbk")
    result = cli("validate", folder / "list.csv", "--section", "staff", "--encoding", "gbk")
    assert result.code == 0, result
    assert "1 staff" in result.out
    result = cli("validate", folder / "list.csv", "--encoding", "nonsense")
    assert result.code == 2 and "unknown encoding 'nonsense'" in result.err


def test_company_columns_extend_the_headers(folder):
    (folder / "company.yaml").write_text(
        COMPANY + "  columns:\n    staff: {人员编号: id, 员工: name, 所属部门: team}\n", encoding="utf-8")
    (folder / "staff.csv").write_text("人员编号,员工,所属部门\nSZ9,赵六,二班\n", encoding="utf-8")
    person = load_dataset([folder / "staff.csv"]).staff[0]
    assert (person.id, person.name, person.team) == ("SZ9", "赵六", "二班")


def test_company_columns_from_a_file_named_later(folder):
    (folder / "company.yaml").unlink()
    (folder / "co.yaml").write_text(COMPANY + "  columns:\n    staff: {员工: name}\n",
                                    encoding="utf-8")
    (folder / "staff.csv").write_text("工号,员工\nSZ9,赵六\n", encoding="utf-8")
    data = load_dataset([folder / "staff.csv", folder / "co.yaml"])
    assert data.staff[0].name == "赵六"


def test_company_columns_with_an_unknown_field(folder):
    (folder / "company.yaml").write_text(
        COMPANY + "  columns:\n    staff: {人员编号: idd}\n    people: {}\n", encoding="utf-8")
    (folder / "staff.csv").write_text("工号,姓名\nSZ9,赵六\n", encoding="utf-8")
    messages = problems_of([folder / "staff.csv"])
    where = folder / "company.yaml"
    assert any(m.startswith(f"{where}:4:13: company.columns.staff: column '人员编号': 'idd' is "
                            "not a staff field; did you mean 'id'?") for m in messages), messages
    assert any(m.startswith(f"{where}:5:5: company.columns: columns: unknown section 'people'")
               for m in messages), messages


# ------------------------------------------------------------------------------ work orders
def test_work_order_columns(folder):
    (folder / "staff.csv").write_text("工号,姓名\nSZ001,王建国\n", encoding="utf-8")
    (folder / "work_orders.csv").write_text(
        "工单号,类型,业务,接单时间,客户姓名,联系电话,地址,预约时间,装维人员,材料,故障原因,满意度\n"
        "WO-1,修障,宽带,2026/11/21 9:12,李女士,13800000000,某路1号,2026-11-21 14:00-16:00,SZ001,"
        "皮线光缆 20 米；水晶头×2个（备用）；扎带,第三方原因（如物业、停电）,满意\n"
        "WO-2,install,iptv,2026-11-21 10:00,张先生,,,2026年11月22日 9:00,SZ001,,,\n",
        encoding="utf-8")
    one, two = load_dataset([folder / "staff.csv", folder / "work_orders.csv"]).work_orders
    assert (one.kind, one.service, one.cause, one.rating) == ("repair", "broadband", "third_party",
                                                              "satisfied")
    assert one.received == dt.datetime(2026, 11, 21, 9, 12)
    assert (one.customer.name, one.customer.phone, one.customer.address) == (
        "李女士", "13800000000", "某路1号")
    assert (one.appointment.start, one.appointment.end) == (
        dt.datetime(2026, 11, 21, 14), dt.datetime(2026, 11, 21, 16))
    assert [(m.item, m.qty, m.unit, m.note) for m in one.materials] == [
        ("皮线光缆", 20, "米", None), ("水晶头", 2, "个", "备用"), ("扎带", None, None, None)]
    assert two.appointment.start == dt.datetime(2026, 11, 22, 9) and two.appointment.end is None
    assert two.customer.phone is None and two.materials == []


def test_work_order_errors_name_the_header(folder):
    (folder / "work_orders.csv").write_text(
        "工单号,类型,接单时间,客户姓名,预约时间,材料\n"
        "WO-1,拆机,2026-11-21 09:12,李女士,2026-11-21 16:00-14:00,皮线光缆 x 米\n",
        encoding="utf-8")
    messages = problems_of([folder / "work_orders.csv"])
    where = folder / "work_orders.csv"
    assert f"{where}:2 (WO-1) 类型: '拆机' is not allowed here; write one of install (装机 / 安装), " \
        "move (移机 / 移装), or repair (修障 / 维修)" in messages
    assert f"{where}:2 (WO-1) 预约时间: the appointment ends before it starts" in messages


def test_materials_round_trip():
    materials = [{"item": "光猫（天翼网关）", "qty": 1.0, "unit": "台"},
                 {"item": "皮线光缆", "qty": 35.5, "unit": "米", "note": "备用"},
                 {"item": "RJ45 水晶头", "qty": 4.0, "unit": "个"}]
    assert parse_materials(format_materials(materials)) == materials


# ------------------------------------------------------------------------------ checks
def test_checks_sheet_and_checks_file(folder):
    (folder / "staff.csv").write_text("工号,姓名\nSZ001,王建国\n", encoding="utf-8")
    workbook(folder / "equipment.xlsx", [["编号", "类别", "使用人", "生产日期"],
                                         ["H-1", "安全帽", "SZ001", "2024-05"],
                                         ["S-1", "绝缘鞋", "SZ001", "2025-01"]], title="台账",
             extra_sheets={"检查记录": [["设备编号", "检查日期", "类型", "结果"],
                                        ["H-1", dt.datetime(2026, 10, 1), "检测", "合格"]]})
    (folder / "checks.csv").write_text("编号,日期,类型,结果,备注\nS-1,2026-06-01,test,pass,年检\n"
                                       "H-1,2026/11/1,外观检查,合格,\n", encoding="utf-8")
    data = load_dataset([folder / "staff.csv", folder / "equipment.xlsx", folder / "checks.csv"])
    helmet, shoes = data.equipment
    assert [(c.date, c.type, c.result) for c in helmet.checks] == [
        (dt.date(2026, 10, 1), "test", "pass"), (dt.date(2026, 11, 1), "visual", "pass")]
    assert [(c.date, c.type, c.note) for c in shoes.checks] == [(dt.date(2026, 6, 1), "test", "年检")]


def test_check_errors_name_their_sheet_and_header(folder):
    workbook(folder / "equipment.xlsx", [["编号", "类别", "生产日期"], ["H-1", "安全帽", "2024-05"]],
             title="台账", extra_sheets={"检查记录": [["设备编号", "检查日期", "类型", "结果"],
                                                      ["H-1", "2026-10-01", "检测", "maybe"],
                                                      ["H-9", "2026-10-01", "检测", "合格"]]})
    messages = problems_of([folder / "equipment.xlsx"])
    where = f"{folder / 'equipment.xlsx'}[检查记录]"
    assert f"{where} row 3 设备编号: equipment 'H-9' is not in the equipment register; did you mean " \
           "'H-1'?" in messages
    assert f"{where} row 2 结果: 'maybe' is not allowed here; write one of pass (合格) or fail (不合格)" \
        in messages


def test_checks_for_yaml_equipment(folder):
    (folder / "equipment.yaml").write_text(
        "equipment:\n  - id: H-1\n    kind: helmet\n    manufactured: 2024-05-01\n"
        "    checks:\n      - {date: 2026-01-01, type: visual, result: pass}\n"
        "  - id: H-2\n    kind: helmet\n    manufactured: 2024-05-01\n", encoding="utf-8")
    (folder / "checks.csv").write_text("编号,日期,类型,结果\nH-1,2026-10-01,检测,合格\nH-2,2026-10-02,检测,不合格\n",
                                       encoding="utf-8")
    one, two = load_dataset([folder / "equipment.yaml", folder / "checks.csv"]).equipment
    assert [c.date.month for c in one.checks] == [1, 10]
    assert [c.result for c in two.checks] == ["fail"]


# ------------------------------------------------------------------------------ header table
def test_header_table_is_consistent():
    from generator.data.models import SECTIONS
    for section, columns in H.COLUMNS.items():
        words: dict[str, str] = {}
        for field, (kind, aliases) in columns.items():
            assert kind in ("text", "date", "month", "datetime", "int", "code", "materials")
            for word in aliases:
                assert H.normalize(word) not in words, (section, word, words.get(H.normalize(word)))
                words[H.normalize(word)] = field
        if section in SECTIONS:  # every field of the model has a column, nothing more
            model = SECTIONS[section]
            flat = set()
            for name, info in model.model_fields.items():
                inner = getattr(info.annotation, "model_fields", None)
                sub = next((a for a in getattr(info.annotation, "__args__", ())
                            if hasattr(a, "model_fields")), None)
                fields = inner or (sub.model_fields if sub else None)
                if fields and name != "materials" and name != "checks":
                    flat |= {f"{name}.{f}" for f in fields}
                elif name != "checks":
                    flat.add(name)
            assert flat == set(columns), section


def test_normalize():
    assert H.normalize(" 生产日期（年月） ") == H.normalize("生产日期")
    assert H.normalize("工号*") == "工号"
    assert H.normalize("Customer.Name") == "customer.name"


def test_location_with_header():
    loc = Location("staff.xlsx", 14, sheet="花名册", header="照片")
    assert str(Problem("file not found: photos/x.jpg", loc, "staff[13].photo")) == \
        "staff.xlsx[花名册] row 14 照片: file not found: photos/x.jpg"
    assert str(Location("w.csv", 3, header="类型")) == "w.csv:3 类型"


def test_read_table_returns_located_records(folder):
    (folder / "staff.csv").write_text("工号,姓名\n\nSZ1,王\n", encoding="utf-8")
    records = read_table(folder / "staff.csv")["staff"]
    assert len(records) == 1
    assert str(records[0].location("name")) == f"{folder / 'staff.csv'}:3 姓名"
    assert str(records.location(0)) == f"{folder / 'staff.csv'}:3"


@pytest.mark.parametrize("text,start,end", [
    ("2026-11-21 14:00-16:00", (21, 14, 0), (21, 16, 0)),
    ("2026/11/21 9:00~10:30", (21, 9, 0), (21, 10, 30)),
    ("2026年11月21日 14:00 至 16:00", (21, 14, 0), (21, 16, 0)),
    ("2026-11-21T14:00-16:00", (21, 14, 0), (21, 16, 0)),
    ("2026-11-21 18:00 - 2026-11-22 09:00", (21, 18, 0), (22, 9, 0)),
])
def test_appointment_slot_in_one_cell(folder, text, start, end):
    (folder / "work_orders.csv").write_text(
        f"工单号,类型,接单时间,客户姓名,预约时间\nWO-1,装机,2026-11-20 09:00,李女士,{text}\n",
        encoding="utf-8")
    appointment = load_dataset([folder / "work_orders.csv"]).work_orders[0].appointment
    assert appointment.start == dt.datetime(2026, 11, *start)
    assert appointment.end == dt.datetime(2026, 11, *end)


def test_docs_list_every_header():
    docs = (Path(__file__).resolve().parent.parent / "docs" / "spreadsheets.md").read_text(
        encoding="utf-8")
    for section, columns in H.COLUMNS.items():
        for field, (_, words) in columns.items():
            line = next((l for l in docs.splitlines() if l.startswith(f"| `{field}` | {words[0]}")),
                        None)
            assert line is not None, (section, field)
            for word in words:
                assert word in line, (section, field, word)


def test_csv_cells_with_line_breaks_keep_line_numbers(folder):
    (folder / "staff.csv").write_text('工号,姓名,备注\nSZ1,王,"第一行\n第二行"\nSZ2,李,\nSZ3,,x\n',
                                      encoding="utf-8")
    messages = problems_of([folder / "staff.csv"])
    # a spreadsheet's field is named by the column header the user wrote (issue 16)
    assert messages == [f"{folder / 'staff.csv'}:5 (SZ3) 姓名: required, but the cell is empty"]


from hypothesis import given, strategies as st  # noqa: E402

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
               max_size=30)


@given(team=TEXT, note=TEXT)
def test_any_text_round_trips_through_csv(tmp_path_factory, team, note):
    import csv
    import io
    folder = tmp_path_factory.mktemp("csv")
    buffer = io.StringIO()
    csv.writer(buffer).writerows([["工号", "姓名", "班组", "备注"], ["SZ1", "王", team, note]])
    (folder / "staff.csv").write_text(buffer.getvalue(), encoding="utf-8", newline="")
    person = load_dataset([folder / "staff.csv"]).staff[0]
    from generator.data.models import SPACE
    assert person.team == (team.strip(SPACE) or None)   # Unicode White_Space, not str.strip
    assert person.note == (note.strip(SPACE) or None)


# ------------------------------------------------------------------------------ memory
def test_a_big_registers_rows_are_let_go_of_and_still_located(tmp_path):
    """A register's rows, once validated, leave only their row numbers (LocatedList.
    keep_rows_only); every location said afterwards, and a duplicate's 'first at', is the one
    the row itself gave (the general path), also past the first batch validated and with a
    blank line between rows."""
    from generator.data import dataset as dataset_module
    lines = ["编号,种类,持有人,批次,生产日期"]
    n = dataset_module.CHUNK + 300
    for i in range(n):
        if i == 100:
            lines.append(",,,,")                        # an empty row: not a record
        lines.append(f"E{i:05d},安全帽,,B{i % 7},2025-0{1 + i % 9}")
    path = tmp_path / "equipment.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    records = read_table(path)["equipment"]
    expected = [records.location(i) for i in range(len(records))] + [records.location(None)]
    assert expected[150].line == 153                    # header, 150 rows, the empty one
    records.keep_rows_only(0, len(records))
    assert all(r is None for r in records)
    assert [records.location(i) for i in range(len(records))] + \
        [records.location(None)] == expected

    dataset = load_dataset((path,), missing_files="ignore")
    assert len(dataset.equipment) == n
    for i in (0, 99, 100, 4000, n - 1):
        row = i + 2 + (i >= 100)
        assert dataset.where("equipment", f"E{i:05d}") == f"{path}:{row}"

    lines.append(lines[151])                            # E00149 again, after every batch
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(UserError) as err:
        load_dataset((path,), missing_files="ignore")
    said = str(err.value)
    assert f"duplicate id 'E00149' (first at {path}:152)" in said and f":{n + 3}" in said
