"""The 劳动防护用品 page: the register's dashboard, recording checks, the report files.

The numbers are those of `fieldprint equipment` on the same files: the same loading
(`Workspace.load`), the same rules (`generator.equipment`), the same as-of day.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from ..context import today
from ..data.models import CHECK_TYPE_LABELS, EQUIPMENT_LABELS, RESULT_LABELS
from ..dates import parse_date
from ..equipment import DEFAULT_POLICY, build_report, render
from ..equipment.report import (KIND_ZH, NO_HOLDER, NO_TEAM, STATUS_ZH, action_zh,
                                failure_rows, status_text)
from ..equipment.rules import STATUSES
from ..errors import Problem, UserError, terminal_text
from ..i18n import _, words
from .tasks import where_parts
from .workspace import Workspace

MEDIA = {"xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
         "pdf": "application/pdf", "ics": "text/calendar", "json": "application/json",
         "csv": "text/csv"}


def load_report(ws: Workspace, as_of: dt.date | None):
    """The equipment report of the workspace's register as of `as_of` (today by default), as
    `fieldprint equipment` makes it: a staff record with a problem of its own is left out (its
    holder's items are listed under the staff id), an equipment record with one is listed as
    invalid. Raises UserError when there is no register, or a problem that is not one
    record's (a file that cannot be read, a duplicate id)."""
    return _load(ws, as_of)[0]


def _load(ws: Workspace, as_of: dt.date | None):
    """`load_report`, and the problems of the records left out or with data to fix."""
    from dataclasses import replace

    from ..data.staff_list import without_faulty_staff

    def read(left_out: frozenset[Path]):   # the staff list's own mistakes: used without it
        return ws.load("equipment", *(() if left_out else ("staff",)), keep_valid_staff=True,
                       keep_incomplete=True, staff_beside=False)
    dataset, unused = without_faulty_staff(read)
    if not dataset.equipment and not dataset.incomplete:
        raise UserError(_("no equipment register yet: upload the register (台账)"))
    unused = [replace(p, message=_(
        "the staff list was not used (the holders are shown by their staff id until it is "
        "corrected): {problem}").format(problem=p.message)) for p in unused]
    report = build_report(dataset, as_of or today(), DEFAULT_POLICY)
    # a failing check naming nothing of the register has a red block of its own (`failures`)
    failing = {id(c) for c in report.unmatched_failures}
    warnings = unused + dataset.refused_staff + [
        p for _pos, _item, problems in dataset.incomplete for p in problems] + [
        p for _check, problems in dataset.incomplete_batch_checks for p in problems] + [
        c for c in report.unmatched if id(c) not in failing]
    return report, warnings


def checkable(report) -> list[str]:
    """The ids the "record a check" form offers, sorted: every item that a check can be
    written for and can change, an `invalid` one included (a check it lacks, or one that
    could not be read, is what a new check supplies); not a scrapped item (a check brings
    none back), nor a record whose id could not be read (a check names its item by id)."""
    return sorted({s.id for s in report.statuses
                   if s.status != "scrapped" and not _id_unreadable(s)})


def _id_unreadable(status) -> bool:
    return any(p.path.rpartition(".")[2] == "id" for p in status.problems)


def _row(report, s) -> dict:
    days = s.days_left(report.as_of)
    return {"id": s.id, "kind": KIND_ZH.get(s.kind, s.kind), "status": s.status,
            "status_label": status_text(s, "zh"), "due": s.due.isoformat() if s.due else "",
            "days": "" if days is None else days, "action": action_zh(s),
            # no holder: the item is issued to nobody (未发放); no team: it belongs to none
            # (未分班组), whether or not it has a holder, as in the printed report
            "holder": s.holder or "",
            "holder_name": report.holder_name(s) or ("" if s.holder else NO_HOLDER),
            "team": report.team(s) or NO_TEAM,
            "batch": s.batch or "", "reason": s.reason_zh or ""}


def dashboard(ws: Workspace, as_of: dt.date | None) -> dict:
    """What the page shows: counts by status and by team (the most urgent team first, in the
    printed report's order), the overdue and due-soon lists first, every item with its
    reason."""
    try:
        report, warnings = _load(ws, as_of)
    except UserError as exc:
        return {"report": None, "problems": [where_parts(p) for p in exc.problems],
                "as_of": (as_of or today()).isoformat(), "statuses": STATUSES,
                "status_zh": STATUS_ZH}
    rows = [_row(report, s) for s in report.urgent_first()]
    teams: dict[str, dict[str, int]] = {}
    for row in rows:
        counts = teams.setdefault(row["team"], dict.fromkeys(STATUSES, 0))
        counts[row["status"]] += 1
    return {"report": report, "problems": [], "summary": report.summary,
            "warnings": [where_parts(p) for p in warnings],
            # first, in red, as the printed report's 须立即核对 block and the command line
            "failures": failure_rows(report),
            "statuses": STATUSES, "status_zh": STATUS_ZH,
            "overdue": [r for r in rows if r["status"] in ("overdue", "invalid")],
            "due_soon": [r for r in rows if r["status"] in ("due_today", "due_soon")],
            "rows": rows, "teams": list(teams.items()), "as_of": report.as_of.isoformat(),
            "items": checkable(report),
            "batches": sorted({s.batch for s in report.statuses if s.batch})}


def record_check(ws: Workspace, values: dict) -> str:
    """Write a check into the register; returns what was recorded. An item's check is a row
    of 检查记录; a whole batch's is one row of 批次抽检 (the sample decides for its batch, as
    the register's own format has it; one per kind the batch holds). A workbook register
    gets them on those sheets (made when missing, filled by their headers); a CSV or YAML
    register in checks.csv or batch_checks.csv beside it (read with it by the web app; name
    them to `fieldprint equipment`)."""
    register = ws.data_file("equipment")
    if register is None:
        raise UserError(_("no equipment register yet: upload the register (台账)"))
    report = load_report(ws, None)
    problems = []
    try:
        day = parse_date(values.get("date") or "")
    except ValueError:
        day = None
        problems.append(Problem(_("give the date of the check, e.g. {day}").format(
            day=today().isoformat()), path="date"))
    if day is not None and day > today():
        problems.append(Problem(_("the date {day} is in the future").format(
            day=day.isoformat()), path="date"))
    kind = values.get("type")
    result = values.get("result")
    if kind not in CHECK_TYPE_LABELS:
        problems.append(Problem(_("choose test or visual check"), path="type"))
    if result not in RESULT_LABELS:
        problems.append(Problem(_("choose pass or fail"), path="result"))
    target = values.get("target", "item")
    by_id = {s.id: s for s in report.statuses if not _id_unreadable(s)}
    if target == "batch":
        batch = (values.get("batch") or "").strip()
        items = [i for i, s in by_id.items() if s.batch == batch]
        if not items:
            problems.append(Problem(_("no item of batch {batch} in the register").format(
                batch=batch or "?"), path="batch"))
    else:
        item = (values.get("item") or "").strip()
        items = [item] if item in checkable(report) else []
        if not items and item in by_id:
            problems.append(Problem(_("{id} is scrapped: a check does not bring it back; "
                                      "record its replacement in the register").format(
                id=item), path="item"))
        elif not items:
            problems.append(Problem(_("no item {id} in the register").format(id=item or "?"),
                                    path="item"))
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as controls
    note = (values.get("note") or "").strip()
    if controls.search(note):
        # a workbook cannot hold them (openpyxl refused the whole save: issue 15.14)
        problems.append(Problem(_("the note holds a control character ({chars}); type it "
                                  "again without it").format(
            chars=terminal_text("".join(dict.fromkeys(controls.findall(note))))),
            path="note"))
    if problems:
        raise UserError(problems)
    common = {"date": day, "type": CHECK_TYPE_LABELS[kind], "result": RESULT_LABELS[result],
              "note": note}
    if target == "batch":   # one 批次抽检 row: the sample decides for its batch (SPEC §5)
        kinds = sorted({by_id[i].kind for i in items})   # a batch of each kind it holds
        section = "batch_checks"
        rows = [{"batch": batch, "kind": EQUIPMENT_LABELS[k], **common} for k in kinds]
    else:
        section, rows = "checks", [{"item": i, **common} for i in items]
    if register.suffix == ".xlsx":
        _append_xlsx(ws, register, section, rows)
    else:
        _append_csv(ws, section, rows)
    if target == "batch":
        return _("batch check recorded: batch {batch}, {what} {result} on {day} (for its "
                 "{n} item(s))").format(batch=batch, what=CHECK_TYPE_LABELS[kind],
                                        result=RESULT_LABELS[result], day=day.isoformat(),
                                        n=len(items))
    return _("{n} check(s) recorded: {what} {result} on {day}").format(
        n=len(rows), what=CHECK_TYPE_LABELS[kind], result=RESULT_LABELS[result],
        day=day.isoformat())


# the sheet (or file) each kind of check is written to, and its headers when it is new
CHECK_TABLES = {"checks": ("检查记录", ("item", "date", "type", "result", "note")),
                "batch_checks": ("批次抽检", ("batch", "kind", "date", "type", "result",
                                              "sampled", "note"))}


def _columns(section: str, header: list) -> dict[str, int]:
    """{field: column index} of a check table's header row, by the headers the data reader
    knows (headers.COLUMNS): a sheet the user laid out in another order is filled right."""
    from ..data.headers import COLUMNS, normalize
    names = {normalize(alias): name for name, (_kind, aliases) in COLUMNS[section].items()
             for alias in (name, *aliases)}
    found: dict[str, int] = {}
    for index, text in enumerate(header):
        name = names.get(normalize(text)) if text not in (None, "") else None
        if name is not None and name not in found:
            found[name] = index
    return found


def _new_header(section: str) -> list[str]:
    from ..data.headers import COLUMNS
    return [COLUMNS[section][name][1][0] for name in CHECK_TABLES[section][1]]


def _laid_out(section: str, header: list, rows: list[dict]) -> tuple[list, list[list]]:
    """The header (with a column added at its end for a field it lacks) and each row as the
    header's cells."""
    from ..data.headers import COLUMNS
    header = list(header)
    columns = _columns(section, header)
    for name in CHECK_TABLES[section][1]:
        if name not in columns and any(row.get(name) not in (None, "") for row in rows):
            columns[name] = len(header)
            header.append(COLUMNS[section][name][1][0])
    cells = []
    for row in rows:
        line = [None] * len(header)
        for name, index in columns.items():
            line[index] = row.get(name)
        cells.append(line)
    return header, cells


def _append_xlsx(ws: Workspace, register: Path, section: str, rows: list[dict]) -> None:
    import openpyxl

    from ..data.headers import BATCH_CHECK_SHEETS, CHECK_SHEETS, normalize
    names = CHECK_SHEETS if section == "checks" else BATCH_CHECK_SHEETS
    book = openpyxl.load_workbook(register)
    sheet = next((book[n] for n in book.sheetnames if normalize(n) in names), None)
    if sheet is None:
        sheet = book.create_sheet(CHECK_TABLES[section][0])
        sheet.append(_new_header(section))
    header = [c.value for c in sheet[1]]
    wider, cells = _laid_out(section, header, rows)
    for index in range(len(header), len(wider)):
        sheet.cell(1, index + 1, wider[index])
    for line in cells:
        sheet.append(line)
        for column, value in enumerate(line, 1):
            if isinstance(value, dt.date):
                sheet.cell(sheet.max_row, column).number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    ws.replace(register.name, out.getvalue())


def _append_csv(ws: Workspace, section: str, rows: list[dict]) -> None:
    """Rows added to checks.csv (batch_checks.csv) beside a CSV or YAML register, made with
    its header when it is not there yet."""
    name = f"{section}.csv"
    path = ws.root / name
    raw = path.read_bytes() if path.is_file() else b""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:   # saved by Excel on a Chinese Windows: written back as UTF-8
        text = raw.decode("gb18030")
    header = next(csv.reader(io.StringIO(text)), None) if text.strip() else None
    wider, cells = _laid_out(section, header or _new_header(section), rows)
    out = io.StringIO()
    if header is None:
        text = ""
        csv.writer(out).writerow(wider)
    elif wider != header:   # a column added for a field the file lacked
        raise UserError(_("{file} has no column for {fields}: add it to its first row").format(
            file=name, fields=words(wider[len(header):])))
    elif not text.endswith("\n"):
        text += "\r\n"
    csv.writer(out).writerows([[v.isoformat() if isinstance(v, dt.date) else v
                                for v in line] for line in cells])
    ws.replace(name, ("\ufeff" + text + out.getvalue()).encode("utf-8"))


def report_file(ws: Workspace, fmt: str, as_of: dt.date | None) -> tuple[str, bytes, str]:
    """The report as a download: (file name, content, media type) for `fmt` (pdf, xlsx, csv, json,
    ics). Raises UserError like load_report."""
    report = load_report(ws, as_of)
    content = render(report, fmt)
    return f"equipment-{report.as_of.isoformat()}.{fmt}", content, MEDIA[fmt]
