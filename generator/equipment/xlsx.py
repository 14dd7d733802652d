"""The equipment report as an Excel workbook (openpyxl): one sheet of items, most urgent first,
with the header row frozen, filters on and status cells coloured; a second sheet of counts by
status and by team.

The 状态 column holds the status alone, so that Excel's filter shows one value per status
(已超期 once, not also 已超期（数据待更正）); the column beside it, 数据待更正, says 是 for an
item whose record has data to fix (its 说明 says what), so those are one filter away.

Written in openpyxl's write-only mode (a 100,000-row register stays fast and small in memory),
then re-zipped with fixed timestamps so the same input gives the same bytes.
"""
from __future__ import annotations

import datetime as dt
import io
from collections import Counter

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..errors import terminal_text
from ..output import fixed_zip
from .report import (BASIS_ZH, FAILURES_TITLE, KIND_ZH, NO_HOLDER, NO_TEAM, STATUS_ZH, Report,
                     action_zh, failure_rows)
from .rules import STATUSES

# Excel's own "good / neutral / bad" palette, so the colours read as they do elsewhere.
STATUS_FILL = {
    "overdue": ("FFC7CE", "9C0006"),
    "due_today": ("F8CBAD", "833C0B"),
    "due_soon": ("FFEB9C", "9C5700"),
    "invalid": ("E4DFEC", "5B2C6F"),
    "scrapped": ("D9D9D9", "404040"),
    "ok": ("C6EFCE", "006100"),
    "not_in_service": ("DDEBF7", "1F4E78"),
    "in_stock": ("EDEDED", "3A3A3A"),
}

# (header, width in characters)
COLUMNS = (("编号", 14), ("种类", 10), ("持有人", 10), ("工号", 10), ("班组", 16), ("批次", 12),
           ("状态", 10), ("数据待更正", 10), ("到期日", 12), ("剩余天数", 9), ("计算起点", 9), ("在用天数", 9),
           ("处理", 11), ("说明", 60), ("状态代码", 14), ("处理代码", 10))
STATUS_COLUMN = 7  # 1-based, for the colour
TO_FIX = "是"       # the 数据待更正 column of an item with data to fix (else empty)


def _storable(value: str | None) -> str | None:
    """Control characters a workbook cannot hold (a vertical tab typed in a name) shown
    escaped, \\x0b, as in the terminal (issue 15.14: openpyxl refused the whole file)."""
    if value and ILLEGAL_CHARACTERS_RE.search(value):
        return ILLEGAL_CHARACTERS_RE.sub(lambda m: terminal_text(m[0]), value)
    return value


def to_xlsx(report: Report, advance=None) -> bytes:
    """The report as an Excel workbook (bytes): the status sheet, frozen header, widths in
    characters, the same for every run of the same data and date. `advance(1000)` is called
    every 1,000 rows."""
    wb = Workbook(write_only=True)
    stamp = dt.datetime.combine(report.as_of, dt.time())
    wb.properties.creator = "fieldprint"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.properties.title = f"劳动防护用品台账 {report.as_of.isoformat()}"

    ws = wb.create_sheet("设备状态")
    ws.freeze_panes = "A2"
    for i, (_, size) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = size

    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="1F4E78")
    header_font = Font(bold=True, color="FFFFFF")
    fills = {k: (PatternFill("solid", fgColor=bg), Font(color=fg, bold=True))
             for k, (bg, fg) in STATUS_FILL.items()}
    header = []
    for title, _ in COLUMNS:
        cell = WriteOnlyCell(ws, value=title)
        cell.font, cell.fill = header_font, header_fill
        cell.alignment = Alignment(vertical="center")
        header.append(cell)
    ws.append(header)

    as_of = report.as_of
    people = report.people
    statuses = report.urgent_first()

    def text(value):
        """Data text stays text: openpyxl would store '=…' as a formula Excel runs; control
        characters are shown escaped (_storable)."""
        value = _storable(value)
        if value and value[0] == "=":
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            return cell
        return value

    for n, s in enumerate(statuses, start=1):
        if advance is not None and n % 1000 == 0:
            advance(1000)
        item = s.item
        person = people.get(item.holder) if item.holder else None
        status_cell = WriteOnlyCell(ws, value=STATUS_ZH[s.status])
        status_cell.fill, status_cell.font = fills[s.status]
        due = None
        if s.due is not None:
            due = WriteOnlyCell(ws, value=s.due)
            due.number_format = "yyyy-mm-dd"
        # issued to nobody: （未发放） as its holder; of no team: （未分班组）, the summary's row
        ws.append([text(item.id), KIND_ZH[item.kind],
                   text(person.name) if person else (None if item.holder else NO_HOLDER),
                   text(item.holder), text(person.team or NO_TEAM) if person else NO_TEAM,
                   text(item.batch), status_cell, TO_FIX if s.problems else None, due,
                   (s.due - as_of).days if s.due else None, BASIS_ZH[s.basis],
                   s.in_service_days, action_zh(s) or None, text(s.reason_zh), s.status,
                   s.action])
    last = get_column_letter(len(COLUMNS))
    ws.auto_filter.ref = f"A1:{last}{len(statuses) + 1}"

    # ---- summary sheet: by status, by team
    summary = wb.create_sheet("汇总")
    summary.column_dimensions["A"].width = 20
    for col in "BCDEFGHI":
        summary.column_dimensions[col].width = 10

    def title(text):
        cell = WriteOnlyCell(summary, value=text)
        cell.font = bold
        return cell

    summary.append([title(f"劳动防护用品台账（统计日 {as_of.isoformat()}）")])
    summary.append([])
    failures = failure_rows(report, "zh")
    if failures:   # first, in red, as on the printed report's first page
        red, red_font = fills["overdue"]
        head = WriteOnlyCell(summary, value=FAILURES_TITLE)
        head.fill, head.font = red, red_font
        summary.append([head])
        summary.append([title(t) for t in ("记录", "写的是", "种类", "日期", "位置", "处理")])
        for row in failures:
            cells = []
            for key in ("what", "name", "kind", "date", "where", "todo"):
                cell = WriteOnlyCell(summary, value=_storable(row[key]) or None)
                if row[key][:1] == "=":   # typed text stays text, never a formula
                    cell.data_type = "s"
                cells.append(cell)
            summary.append(cells)
        summary.append([])
    summary.append([title("状态"), title("数量")])
    counts = report.summary
    for key in STATUSES:
        cell = WriteOnlyCell(summary, value=STATUS_ZH[key])
        cell.fill, cell.font = fills[key]
        summary.append([cell, counts[key]])
    summary.append([title("合计"), sum(counts.values())])
    if report.data_to_fix:   # the 数据待更正 column's 是: how many
        summary.append([title("其中数据待更正"), report.data_to_fix])
    summary.append([])
    by_team: dict[str, Counter] = {}
    for s in statuses:
        team = report.team(s) or NO_TEAM
        by_team.setdefault(team, Counter())[s.status] += 1
    head = [title("班组")]
    for key in STATUSES:
        cell = WriteOnlyCell(summary, value=STATUS_ZH[key])
        cell.fill, cell.font = fills[key]
        head.append(cell)
    summary.append(head + [title("合计")])
    for team in by_team:   # the PDF's order: most urgent team first (statuses are so)
        c = by_team[team]
        team = _storable(team)  # as in the cells
        name = team
        if team[:1] == "=":
            name = WriteOnlyCell(summary, value=team)
            name.data_type = "s"
        summary.append([name] + [c[k] for k in STATUSES] + [sum(c.values())])

    if advance is not None:
        advance(len(statuses) % 1000)
    buffer = io.BytesIO()
    wb.save(buffer)
    return fixed_zip(buffer.getvalue(), as_of)
