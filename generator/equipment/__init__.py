"""Safety equipment (helmets, insulated shoes): the rules and the reports (issue 5, SPEC.md §5).

    rules.py   Policy, assess(items, as_of, policy) -> [Status], summary, urgent_first
    report.py  Report, build_report, to_table, to_json, to_csv
    xlsx.py    to_xlsx      ics.py  to_ics      pdf.py  to_pdf
"""
from __future__ import annotations

from .report import Report, build_report, to_csv, to_json, to_table
from .rules import (DEFAULT_POLICY, STATUSES, URGENCY, Policy, Status, add_months, assess,
                    assess_one, batch_failures, fails, gc_paused, load_policy, summary,
                    urgent_first)

FORMATS = ("table", "csv", "json", "xlsx", "pdf", "ics")


def render(report: Report, fmt: str, advance=None) -> bytes:
    """The report in one of FORMATS, as the bytes of a file. The slow formats (xlsx, ics,
    pdf) call `advance(n)` as items are written (a progress line)."""
    with gc_paused():
        return _render(report, fmt, advance)


def _render(report: Report, fmt: str, advance) -> bytes:
    if fmt == "table":
        return to_table(report).encode("utf-8")
    if fmt == "json":
        return to_json(report).encode("utf-8")
    if fmt == "csv":
        return to_csv(report)
    if fmt == "xlsx":
        from .xlsx import to_xlsx
        return to_xlsx(report, advance)
    if fmt == "ics":
        from .ics import to_ics
        return to_ics(report, advance)
    if fmt == "pdf":
        from .pdf import render_pdf_report
        return render_pdf_report(report, advance=advance)[0]
    raise ValueError(f"unknown format {fmt!r}")


def item_context(status: Status, report: Report | None = None) -> dict:
    """The `item` of the shared context (generator.context): plain values for layouts."""
    from ..context import plain
    from .report import STATUS_ZH, action_en, action_zh
    out = plain(status.item)
    out.update(status=status.status, status_label=STATUS_ZH[status.status], due=status.due,
               basis=status.basis, in_service_days=status.in_service_days,
               action=status.action, action_label=action_zh(status),
               action_en=action_en(status) or None, reason=status.reason,
               reason_zh=status.reason_zh, since=status.since)
    if report is not None:
        out["holder_name"] = report.holder_name(status) or None
        out["team"] = report.team(status) or None
        out["days_left"] = status.days_left(report.as_of)
    return out


__all__ = ["DEFAULT_POLICY", "FORMATS", "STATUSES", "URGENCY", "Policy", "Report", "Status",
           "add_months", "assess", "assess_one", "batch_failures", "build_report", "fails",
           "item_context", "load_policy", "render", "summary", "to_csv", "to_json", "to_table",
           "urgent_first"]
