"""Safety equipment (helmets, insulated shoes): the rules and the reports (issue 5, SPEC.md §5).

    rules.py   Policy, assess(items, as_of, policy) -> [Status], summary, urgent_first
    report.py  Report, build_report, to_table, to_json, to_csv
    xlsx.py    to_xlsx      ics.py  to_ics      pdf.py  to_pdf
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .report import Report, build_report, to_csv, to_json, to_table
from .rules import (DEFAULT_POLICY, STATUSES, URGENCY, Policy, Status, add_months, assess,
                    assess_one, batch_failures, fails, load_policy, summary,
                    urgent_first)

@dataclass(frozen=True)
class Format:
    """One output format of the equipment report: how it is written, and how the command
    treats it."""

    name: str
    write: Callable[[Report, Callable[[int], None] | None], bytes]
    binary: bool = False   # never to a terminal: a file name is made up when -o is not given
    slow: bool = False     # a progress line on a terminal for big registers


def _xlsx(report, advance):
    from .xlsx import to_xlsx
    return to_xlsx(report, advance)


def _ics(report, advance):
    from .ics import to_ics
    return to_ics(report, advance)


def _pdf(report, advance):
    from .pdf import render_pdf_report
    return render_pdf_report(report, advance=advance)[0]


# The formats, defined once: the command's --format choices, the file suffixes it knows, what
# it writes to a terminal and where it shows progress all come from here.
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("table", lambda report, advance: to_table(report).encode("utf-8")),
    Format("csv", lambda report, advance: to_csv(report)),
    Format("json", lambda report, advance: to_json(report).encode("utf-8")),
    Format("xlsx", _xlsx, binary=True, slow=True),
    Format("pdf", _pdf, binary=True, slow=True),
    Format("ics", _ics, slow=True),
)}


def render(report: Report, fmt: str, advance: Callable[[int], None] | None = None) -> bytes:
    """The report in one of FORMATS, as the bytes of a file. The slow formats (xlsx, ics,
    pdf) call `advance(n)` as items are written (a progress line). Raises KeyError for a
    format not in FORMATS."""
    return FORMATS[fmt].write(report, advance)


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


__all__ = ["DEFAULT_POLICY", "FORMATS", "Format", "STATUSES", "URGENCY", "Policy", "Report", "Status",
           "add_months", "assess", "assess_one", "batch_failures", "build_report", "fails",
           "item_context", "load_policy", "render", "summary", "to_csv", "to_json", "to_table",
           "urgent_first"]
