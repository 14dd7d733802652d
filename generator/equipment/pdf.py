"""The equipment report as a printed PDF, through the form engine (generator/form/) and the
built-in layout forms/equipment-report.yaml: A4 landscape, the counts by status and by team,
then the items grouped by team and holder, most urgent first, status cells coloured.

This module only prepares the data: `report_context` (plain groups, teams, counts) and
`form_context` (the context the layout reads: company, today, report; every value text, so
the engine prints it without a template render). A company can print its own version with
`--layout FILE` (start from `fieldprint layouts export DIR`).
"""
from __future__ import annotations

import datetime as dt
import io
import itertools
from collections import Counter
from pathlib import Path
from collections.abc import Sequence
from typing import Any, Iterator

from ..errors import Problem
from ..fonts import FontSet, font_set
from ..i18n import N_, in_language
from .report import (DATA_TO_FIX, FAILURES_TITLE, KIND_ZH, NO_HOLDER, NO_TEAM, STATUS_ZH, Report,
                     action_zh, failure_rows)
from .rules import STATUSES, URGENCY, Status
from .xlsx import STATUS_FILL

FORM = "equipment-report"   # forms/equipment-report.yaml
URGENT_FILLS = ("overdue", "due_today", "due_soon", "invalid")

STATUS_MEANING = {
    "overdue": "已过到期日，须立即检测或更换，检测合格前不得使用",
    "due_today": "今日为最后有效日",
    "due_soon": "将在预警期内到期，请安排检测",
    "invalid": "登记数据不全或自相矛盾，请核实更正",
    "scrapped": "已报废（检测/外观不合格、整批报废或已停用），须更换",
    "ok": "在有效期内",
    "not_in_service": "尚未发放启用",
    "in_stock": "绝缘鞋库存未发放，穿用后开始计算试验周期",
}



def report_context(report: Report) -> dict[str, Any]:
    """The report as plain data: what a form layout would read.

    {as_of, policy, summary: [{status, label, count, meaning}], total,
     teams: [{team, counts: {status: n}, total}],
     groups: [{team, counts, holders: [{holder, name, items: [Status…]}]}]}
    Teams and holders are ordered by their most urgent item, items most urgent first: the
    summary's `teams` in the order of the `groups` (the team pages), so that the summary
    reads as their table of contents, most urgent team first, as the chat messages and the
    workbook's summary sheet list them.
    """
    counts = report.summary
    teams: dict[str, dict[str, list[Status]]] = {}
    for s in report.urgent_first():
        team = report.team(s) or NO_TEAM
        teams.setdefault(team, {}).setdefault(s.holder or "", []).append(s)
    # dicts keep insertion order: the first item seen is each group's most urgent
    groups = []
    for team, holders in teams.items():
        c = Counter(s.status for items in holders.values() for s in items)
        groups.append({
            "team": team,
            "counts": {k: c[k] for k in STATUSES},
            "total": sum(c.values()),
            "holders": [{"holder": h or None, "name": report.holder_name(items[0]) or None,
                         "items": items} for h, items in holders.items()],
        })
    return {
        "as_of": report.as_of,
        "policy": report.policy,
        "summary": [{"status": k, "label": STATUS_ZH[k], "count": counts[k],
                     "meaning": STATUS_MEANING[k]} for k in sorted(STATUSES, key=URGENCY.get)],
        "total": sum(counts.values()),
        "teams": [{"team": g["team"], "counts": g["counts"], "total": g["total"]}
                  for g in groups],
        "groups": groups,
    }


def unprintable(report: Report, fonts: FontSet | None = None) -> list[Problem]:
    """The register's text that the report cannot print as typed (characters the font lacks,
    control characters), by item or holder and field, at its place in the data: the form
    engine would only name the team's document and the column."""
    from ..form.text import metrics, unprintable_message
    clean = metrics((fonts or font_set(report.company)).regular).clean
    problems = []
    people_seen: set[str] = set()
    for s in report.statuses:
        texts = [("equipment", s.id, "id", s.item.id), ("equipment", s.id, "batch", s.batch)]
        person = report.people.get(s.holder) if s.holder else None
        if person is not None and person.id not in people_seen:
            people_seen.add(person.id)
            texts += [("staff", person.id, "name", person.name),
                      ("staff", person.id, "team", person.team)]
        for section, record_id, name, text in texts:
            if not text or text.isascii() and text.isprintable():
                continue
            missing = clean(text)[1]
            if missing:
                problems.append(Problem(unprintable_message(missing),
                                        report.where(section, record_id),
                                        f"{section} {record_id}.{name}"))
    return problems


def form_contexts(report: Report) -> Iterator[dict[str, Any]]:
    """The documents of the report, as contexts of forms/equipment-report.yaml: first the
    summary (`team` is None), then one per team (`team`: its rows), most urgent team first.

    One document per team: each team's pages carry the team in the header and their own
    page numbers (a section can be handed to the team), and only one team is laid out in
    memory at a time - a 100,000-item register never sits in memory as pages.
    Every printed value is text: the form engine prints text without a template render.
    """
    from ..context import company_context
    ctx = report_context(report)
    as_of = report.as_of
    p = report.policy
    fill = {k: "#" + bg for k, (bg, _) in STATUS_FILL.items()}
    teams = []
    width = len(str(len(ctx["groups"])))   # the section numbers: 1-9, or 01-12 …
    total = {"team": "合计", "counts": report.summary, "total": ctx["total"]}
    for number, t in enumerate(ctx["teams"] + [total], start=1):
        # the team's section: its pages' 台账号 EQ-…-N and footer say 分册 N
        row = {"team": t["team"], "total": str(t["total"]),
               "number": f"{number:0{width}d}" if t is not total else ""}
        for k in STATUSES:
            n = t["counts"][k]
            row[k] = str(n) if n else "·"
            row[f"fill_{k}"] = fill[k] if n and k in URGENT_FILLS else ""
        teams.append(row)
    # one line of the footer, beside the page numbers: short, the whole of it fits
    rules = (f"规则：安全帽自生产日期起 {p.helmet_life_months} 个月有效"
             + ((f"；到期前 {p.extension_window_days} 天内或到期后抽检合格，"
                 + ("同批次" if p.batch_checks_extend else "")
                 + f"延用 {p.extension_months} 个月，不合格整批报废")
                if p.extend_by_test else "，到期即更换")
             + f"；绝缘鞋每 {p.shoes_test_months} 个月预防性试验；外观检查不合格即报废；"
               f"提前 {p.warn_days} 天预警。")
    shared = {
        "company": company_context(report.company) or {"name": None},  # no company given
        "today": as_of,
        "report": {
            "total": str(ctx["total"]),
            "number": f"EQ-{as_of:%Y%m%d}",
            "rules": rules,
            "left_out": (f"（另有 {report.made_after} 件生产日期晚于统计日，未列入）"
                         if report.made_after else "")
                        + (in_language("zh", N_(" ({n} of them with data to fix: see why)"))
                           .format(n=report.marked) if report.marked else "")
                        + (in_language("zh", N_(" ({n} check record(s) naming no item or "
                                                "batch of the register, not counted)"))
                           .format(n=len(report.unmatched)) if report.unmatched else ""),
            # the same, as sentences of a note of their own under the header: the subtitle
            # is one line, and long notes cut it, 统计日 and all
            "notes": _notes(report),
            "summary": [{**e, "count": str(e["count"]), "fill": fill[e["status"]]}
                        for e in ctx["summary"]],
            # failing checks naming nothing of the register: first on the summary, in red
            "failures": [{**row, "fill": fill["overdue"]}
                         for row in failure_rows(report, "zh")],
            "failures_title": FAILURES_TITLE,
            "teams": teams,
            "team_count": str(len(ctx["groups"])),
        },
    }
    yield {**shared, "team": None}
    texts: dict = {}   # the same dates and day counts on many rows: one string each
    for number, group in enumerate(ctx["groups"], start=1):
        counts = "，".join(f"{STATUS_ZH[k]} {n}" for k, n in
                          sorted(group["counts"].items(), key=lambda kv: URGENCY[kv[0]]) if n)
        rows = TeamRows(group["total"], _team_rows, report, group["holders"], fill, texts)
        yield {**shared, "team": {
            "team": group["team"], "number": f"{number:0{width}d}", "total": str(group["total"]),
            "title": f"{group['team']}　{group['total']} 件：{counts}", "rows": rows}}


def _notes(report: Report) -> str:
    """What the summary's counts leave out or doubt, in sentences (the PDF is in Chinese):
    items made after the as-of day, items with data to fix, checks naming nothing of the
    register; "" when there is nothing to say."""
    notes = []
    if report.made_after:
        notes.append(in_language("zh", N_(
            "{n} item(s) manufactured after the as-of day are left out.")).format(
            n=report.made_after))
    if report.marked:
        notes.append(in_language("zh", N_(
            "Besides the invalid ones, {n} item(s) have data to fix, counted under the status "
            "what can be read gives: see why.")).format(n=report.marked))
    if report.unmatched:
        notes.append(in_language("zh", N_(
            "{n} check record(s) name no item or batch of the register and are not counted: "
            "correct them.")).format(n=len(report.unmatched)))
    return in_language("zh", N_("Note: {notes}")).format(notes="".join(notes)) if notes else ""


class TeamRows(Sequence):
    """A team's table rows (dicts of text), made each time they are read: the form engine
    reads them once, so an 80,000-item team's rows are never all in memory at once. The
    same rows as a list of them (`list(rows)`)."""

    def __init__(self, count: int, make, *args):
        self._count, self._make, self._args = count, make, args

    def __len__(self) -> int:
        return self._count

    def __iter__(self) -> Iterator[dict[str, str]]:
        return self._make(*self._args)

    def __getitem__(self, index):
        if isinstance(index, int) and 0 <= index < self._count:   # one row: made up to it
            return next(itertools.islice(self, index, None))
        return list(self)[index]

    def __reversed__(self) -> Iterator[dict[str, str]]:   # once, not a row at a time
        return reversed(list(self))


def _team_rows(report: Report, holders: list[dict], fill: dict[str, str],
               texts: dict) -> Iterator[dict[str, str]]:
    """The rows of one team's table: its holders' items, the holder named on every row (a
    posted sheet is read a row at a time: a blank holder cell read as 'no holder')."""
    as_of = report.as_of
    for holder in holders:
        who = (f"{holder['name']}（{holder['holder']}）" if holder["name"]
               else holder["holder"] or NO_HOLDER)
        person = report.people.get(holder["holder"]) if holder["holder"] else None
        if person is not None and person.name_ug:      # a Uyghur name beneath
            who += "\n" + person.name_ug
        for s in holder["items"]:
            item, due = s.item, s.due
            days = s.in_service_days
            yield {
                "holder": who, "id": item.id, "kind": KIND_ZH[item.kind],
                "batch": item.batch or "", "status": (
                    STATUS_ZH[s.status] if not s.problems or s.status == "invalid"
                    else f"{STATUS_ZH[s.status]}\n{in_language('zh', DATA_TO_FIX)}"),
                "status_code": s.status, "fill": fill[s.status],
                "due": "" if due is None else _text(texts, due),
                "days_left": "" if due is None else _text(texts, (due - as_of).days),
                "in_service_days": "" if days is None else _text(texts, days),
                "action": action_zh(s), "reason": s.reason_zh or ""}


def _text(texts: dict, value: dt.date | int) -> str:
    """A date as 2026-11-21 or a number as text: one string per value for the run."""
    hit = texts.get(value)
    if hit is None:
        hit = texts[value] = value.isoformat() if isinstance(value, dt.date) else str(value)
    return hit


def to_pdf(report: Report, layout: str | Path | None = None) -> bytes:
    """The PDF's bytes (problems the engine finds are dropped: see `render_pdf_report`)."""
    return render_pdf_report(report, layout)[0]


def render_pdf_report(report: Report, layout: str | Path | None = None, advance=None,
                      strict: bool = False, target: Path | None = None
                      ) -> tuple[bytes | None, list[Problem]]:
    """The report through the form engine: the built-in layout, or `layout` (a name or a
    file). Returns the PDF and what could not print as it should (e.g. missing glyphs), or
    when `strict` raises UserError for text that cannot print as typed.
    `advance(n)` is told of the items of each document laid out (a progress line).
    With `target`, the PDF is written there atomically as it is joined (a 500,000-item
    report is never in memory whole) and None is returned in its place."""
    from ..form import Record, load_form, render_pdf
    form = load_form(layout or FORM)
    fonts = font_set(report.company)
    out = io.BytesIO()
    sizes: list[int] = []  # items of each document made, for the progress line

    def records():
        for ctx in form_contexts(report):
            team = ctx["team"]
            sizes.append(len(team["rows"]) if team else 0)
            yield Record(ctx, "equipment report" + (f" ({team['team']})" if team else ""))

    def done():
        if advance is not None and sizes:
            advance(sizes.pop(0))

    result = render_pdf(form, records(), out if target is None else target, fonts,
                        on_document=done, strict=strict,
                        title=f"劳动防护用品检测台账 {report.as_of.isoformat()}")
    return (out.getvalue() if target is None else None), result.problems
