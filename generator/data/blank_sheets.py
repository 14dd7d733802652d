"""Blank spreadsheets to fill in (what `fieldprint template` and the web app's 模板 page give):
the right Chinese column headers, one example row, drop-down lists for codes (类型, 类别, 结果 …)
and text-formatted ID and phone columns, so the leading zeros of 00123 survive Excel.

The same writer makes the example spreadsheets (examples/make_spreadsheets.py), so the
templates and the examples look the same. Pure: bytes in memory; the callers write them.
"""
from __future__ import annotations

import datetime as dt
import io
from typing import Any, Iterable

from ..dates import source_date
from ..output import fixed_zip
from . import headers as H
from .models import (CAUSE_LABELS, CHECK_TYPE_LABELS, CHECK_TYPE_WORDS, EQUIPMENT_LABELS,
                     EXAMPLE_NOTE, KIND_LABELS, RATING_LABELS, RESULT_LABELS, SERVICE_LABELS)

SHEET_TITLES = {"staff": "花名册", "work_orders": "工单", "equipment": "台账", "checks": "检查记录",
                "batch_checks": "批次抽检"}

# One example row per section: what a filled-in row looks like.
EXAMPLES: dict[str, dict[str, Any]] = {
    "staff": {"id": "SZ10023", "name": "王建国", "unit": "苏州某某通信工程有限公司",
              "team": "园区装维一班", "title": "智慧家庭工程师", "phone": "13800000000",
              "photo": None, "qr": "https://u.wechat.com/example", "qr_image": None,
              "stars": 4, "gender": "男", "note": EXAMPLE_NOTE},
    "work_orders": {"id": "WO-20261121-0001", "kind": "修障", "service": "宽带",
                    "received": dt.datetime(2026, 11, 21, 9, 12),
                    "customer.name": "李女士", "customer.phone": "13900000000",
                    "customer.address": "江苏省苏州市工业园区某某路1号2幢301室",
                    "customer.account": "051200000000", "fault": "光猫LOS灯红，无法上网",
                    "prepare": None, "appointment.start": dt.datetime(2026, 11, 21, 14, 0),
                    "appointment.end": dt.datetime(2026, 11, 21, 16, 0), "engineer": "SZ10023",
                    "completed": None, "materials": "皮线光缆 20 米；光纤冷接子 2 个",
                    "work_done": None, "speed_test": None, "cause": None, "rating": None,
                    "note": EXAMPLE_NOTE},
    "equipment": {"id": "H-0001", "kind": "安全帽", "holder": "SZ10023", "batch": "B2506-A",
                  "manufactured": dt.date(2025, 6, 10), "in_service": dt.date(2025, 7, 1),
                  "retired": None, "note": EXAMPLE_NOTE},
    "checks": {"item": "H-0001", "date": dt.date(2026, 6, 20), "type": "外观检查",
               "result": "合格", "note": EXAMPLE_NOTE},
    "batch_checks": {"batch": "B2506-A", "kind": "安全帽", "date": dt.date(2026, 9, 25),
                     "type": "检测", "result": "合格", "sampled": 3, "note": EXAMPLE_NOTE},
}

# What each column wants, shown as the header cell's comment.
HINTS: dict[str, dict[str, str]] = {
    "staff": {"id": "必填。工号（文本：00123 保留前导 0）", "name": "必填。姓名",
              "unit": "单位；空着时用公司的默认单位", "title": "空着时为 智慧家庭工程师",
              "photo": "照片文件，相对本表格所在文件夹，如 photos/SZ10023.jpg",
              "qr": "二维码内容：微信链接或文字", "qr_image": "或现成的二维码图片文件",
              "stars": "星级 0–5"},
    "work_orders": {"id": "必填。工单号", "kind": "必填。装机 / 移机 / 修障",
                    "received": "必填。接单时间，如 2026-11-21 09:12",
                    "customer.name": "必填。客户姓名",
                    "appointment.start": "预约开始时间；也可写成 2026-11-21 14:00-16:00",
                    "engineer": "装维人员工号（须在花名册中）",
                    "materials": "如：皮线光缆 20 米；光纤冷接子 2 个",
                    "cause": "修障的故障原因", "rating": "客户满意度"},
    "equipment": {"id": "必填。编号", "kind": "必填。安全帽 / 绝缘鞋",
                  "holder": "使用人工号（须在花名册中）",
                  "manufactured": "生产日期；可只写年月，如 2023-05",
                  "in_service": "启用日期（生产日期、启用日期至少填一个）"},
    "checks": {"item": "必填。设备编号（台账中的编号）", "date": "必填。检查日期",
               "type": "必填。检测（预防性试验、抽检）/ 外观检查", "result": "必填。合格 / 不合格"},
}

DATE_FORMATS = {"date": "yyyy-mm-dd", "month": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}
VALIDATION_ROWS = 2000  # drop-down lists and formats reach this far down


def fields(section: str) -> list[str]:
    """The column names (English keys) of a section's spreadsheet template, in order."""
    return list(H.COLUMNS[section])


def _stamp() -> dt.datetime:
    """When the workbook says it was made: the day SOURCE_DATE_EPOCH names, else a fixed day,
    so that a template is the same bytes whenever it is written (fixed_zip keeps the day)."""
    return dt.datetime.combine(source_date() or dt.date(2026, 1, 1), dt.time())


# codes with Chinese labels, for the template's drop-down lists: section -> field -> labels
def drop_down_choices() -> dict[str, dict[str, list[str]]]:
    """The values a spreadsheet cell may hold, by section and column (the Chinese labels of coded
    fields), for the drop-down lists of the templates."""
    # a test is 检测, or 预防性试验 as the standard says it for insulated shoes
    check_types = [CHECK_TYPE_LABELS["test"], CHECK_TYPE_WORDS["test"][0],
                   *(label for code, label in CHECK_TYPE_LABELS.items() if code != "test")]
    return {
        "work_orders": {"kind": list(KIND_LABELS.values()),
                        "service": list(SERVICE_LABELS.values()),
                        "cause": list(CAUSE_LABELS.values()),
                        "rating": list(RATING_LABELS.values())},
        "equipment": {"kind": list(EQUIPMENT_LABELS.values())},
        "checks": {"type": check_types,
                   "result": list(RESULT_LABELS.values())},
        "batch_checks": {"kind": list(EQUIPMENT_LABELS.values()),
                         "type": check_types,
                         "result": list(RESULT_LABELS.values())},
        "staff": {"stars": ["0", "1", "2", "3", "4", "5"]},
    }


def xlsx_bytes(sheets: Iterable[tuple[str, str, list[str], list[list[Any]]]], *,
               hints: bool = True) -> bytes:
    """A workbook: for each (sheet title, section, fields, rows) a sheet with Chinese headers,
    drop-down lists for codes, text format on text columns, date formats on date columns."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    wb = Workbook()
    wb.remove(wb.active)
    stamp = _stamp()
    wb.properties.creator = "fieldprint"
    wb.properties.created = wb.properties.modified = stamp
    header_font = Font(bold=True, color="FFFFFF")
    header_fill = PatternFill("solid", fgColor="1F5FA8")  # the badges' blue
    choices = drop_down_choices()
    for title, section, names, rows in sheets:
        ws = wb.create_sheet(title)
        ws.freeze_panes = "A2"
        for c, field in enumerate(names, 1):
            letter = get_column_letter(c)
            kind = H.kind_of(section, field)
            cell = ws.cell(row=1, column=c, value=H.header_for(section, field))
            cell.font, cell.fill = header_font, header_fill
            cell.alignment = Alignment(horizontal="center", vertical="center")
            if hints:
                hint = HINTS.get(section, {}).get(field, "")
                cell.comment = Comment(f"{field}{'：' + hint if hint else ''}", "fieldprint",
                                       width=220, height=70)
            width = max(10, 2 * len(H.header_for(section, field)) + 4)
            if field in ("customer.address", "fault", "work_done", "materials", "prepare",
                         "speed_test", "qr", "unit"):
                width = 30
            elif kind in ("datetime",):
                width = 17
            elif kind in ("date", "month"):
                width = 12
            ws.column_dimensions[letter].width = width
            fmt = "@" if kind in ("text", "code", "materials") else DATE_FORMATS.get(kind)
            if fmt:
                # the column's own format: typed later, 00123 and 13800000000 stay text
                ws.column_dimensions[letter].number_format = fmt
            for r, row in enumerate(rows, 2):
                value = row[c - 1] if c - 1 < len(row) else None
                if value is None or value == "":
                    continue
                out = ws.cell(row=r, column=c, value=value)
                if isinstance(value, (dt.date, dt.datetime)):
                    out.number_format = DATE_FORMATS.get(kind, "yyyy-mm-dd")
                elif isinstance(value, str):
                    out.number_format = "@"
            options = choices.get(section, {}).get(field)
            if options:
                validation = DataValidation(
                    type="list", formula1='"' + ",".join(options) + '"', allow_blank=True,
                    errorStyle="warning", showErrorMessage=True, errorTitle="fieldprint",
                    error=f"请从下拉列表中选择：{'、'.join(options)}")
                validation.add(f"{letter}2:{letter}{VALIDATION_ROWS}")
                ws.add_data_validation(validation)
        ws.row_dimensions[1].height = 22
    buffer = io.BytesIO()
    wb.save(buffer)
    return fixed_zip(buffer.getvalue(), stamp)


def csv_text(section: str, names: list[str], rows: list[list[Any]]) -> str:
    """CSV with Chinese headers; dates written 2026-11-21 and 2026-11-21 09:12."""
    import csv
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([H.header_for(section, f) for f in names])
    for row in rows:
        writer.writerow([_csv_cell(v) for v in row])
    return out.getvalue()


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.second == 0 else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def example_rows(section: str) -> tuple[list[str], list[list[Any]]]:
    """A section's template columns and one example row (values or None), for the blank
    spreadsheets `fieldprint template` writes."""
    names = fields(section)
    return names, [[EXAMPLES[section].get(f) for f in names]]


def template_bytes(section: str, suffix: str) -> bytes:
    """The template for a section as .xlsx or .csv bytes (equipment.xlsx has its checks sheet)."""
    if suffix == ".csv":
        names, rows = example_rows(section)
        return ("\ufeff" + csv_text(section, names, rows)).encode("utf-8")
    sheets = [(SHEET_TITLES[section], section, *example_rows(section))]
    if section == "equipment":
        sheets.append((SHEET_TITLES["checks"], "checks", *example_rows("checks")))
        sheets.append((SHEET_TITLES["batch_checks"], "batch_checks",
                       *example_rows("batch_checks")))
    return xlsx_bytes(sheets)
