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
from ..data.models import CHECK_TYPE_LABELS, RESULT_LABELS
from ..dates import parse_date
from ..equipment import DEFAULT_POLICY, build_report, render
from ..equipment.report import KIND_ZH, NO_HOLDER, NO_TEAM, STATUS_ZH, action_zh, status_text
from ..equipment.rules import STATUSES
from ..errors import Problem, UserError, terminal_text
from ..i18n import _
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
    warnings = unused + dataset.refused_staff + [
        p for _pos, _item, problems in dataset.incomplete for p in problems] + [
        p for _check, problems in dataset.incomplete_batch_checks for p in problems] + \
        dataset.unmatched_checks
    return build_report(dataset, as_of or today(), DEFAULT_POLICY), warnings


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
            "statuses": STATUSES, "status_zh": STATUS_ZH,
            "overdue": [r for r in rows if r["status"] in ("overdue", "invalid")],
            "due_soon": [r for r in rows if r["status"] in ("due_today", "due_soon")],
            "rows": rows, "teams": list(teams.items()), "as_of": report.as_of.isoformat(),
            "items": checkable(report),
            "batches": sorted({s.batch for s in report.statuses if s.batch})}


def record_check(ws: Workspace, values: dict) -> str:
    """Write a check (one item, or every item of a batch) into the register; returns what was
    recorded. A workbook register gets rows on its 检查记录 sheet; a CSV or YAML register gets
    them in checks.csv beside it (read with it by the web app and `fieldprint equipment`)."""
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
    rows = [[i, day.isoformat(), CHECK_TYPE_LABELS[kind], RESULT_LABELS[result], note]
            for i in items]
    if register.suffix == ".xlsx":
        _append_xlsx(ws, register, rows)
    else:
        _append_csv(ws, rows)
    return _("{n} check(s) recorded: {what} {result} on {day}").format(
        n=len(rows), what=CHECK_TYPE_LABELS[kind], result=RESULT_LABELS[result],
        day=day.isoformat())


def _append_xlsx(ws: Workspace, register: Path, rows: list[list]) -> None:
    import openpyxl

    from ..data.headers import CHECK_SHEETS, normalize
    book = openpyxl.load_workbook(register)
    sheet = next((book[n] for n in book.sheetnames if normalize(n) in CHECK_SHEETS), None)
    if sheet is None:
        sheet = book.create_sheet("检查记录")
        sheet.append(["编号", "日期", "类型", "结果", "备注"])
    for row in rows:
        sheet.append([row[0], dt.date.fromisoformat(row[1]), *row[2:]])
        sheet.cell(sheet.max_row, 2).number_format = "yyyy-mm-dd"
    out = io.BytesIO()
    book.save(out)
    ws.replace(register.name, out.getvalue())


def _append_csv(ws: Workspace, rows: list[list]) -> None:
    path = ws.root / "checks.csv"
    old = path.read_bytes() if path.is_file() else "编号,日期,类型,结果,备注\r\n".encode(
        "utf-8-sig")
    if old and not old.endswith(b"\n"):
        old += b"\r\n"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    ws.replace("checks.csv", old + out.getvalue().encode("utf-8"))


def report_file(ws: Workspace, fmt: str, as_of: dt.date | None) -> tuple[str, bytes, str]:
    """The report as a download: (file name, content, media type) for `fmt` (pdf, xlsx, csv, json,
    ics). Raises UserError like load_report."""
    report = load_report(ws, as_of)
    content = render(report, fmt)
    return f"equipment-{report.as_of.isoformat()}.{fmt}", content, MEDIA[fmt]
