"""Safety equipment (helmets, insulated shoes): the rules and the reports (issue 5, SPEC.md §5).

    rules.py   Policy, assess(items, as_of, policy) -> [Status], summary, urgent_first
    report.py  Report, build_report, to_table, to_json, to_csv
    xlsx.py    to_xlsx      ics.py  to_ics      pdf.py  to_pdf
"""
from __future__ import annotations

import importlib

from .formats import FORMATS, Format, render

# The rules and the report are imported when first used, not with the package: the command
# line reads FORMATS (its --format choices) when it starts, before any data is read.
_LAZY = {name: "report" for name in ("Report", "build_report", "to_csv", "to_json",
                                      "to_table")}
_LAZY.update({name: "rules" for name in ("DEFAULT_POLICY", "STATUSES", "URGENCY", "Policy",
                                          "Status", "add_months", "assess", "assess_one",
                                          "batch_failures", "fails", "load_policy", "summary",
                                          "urgent_first")})


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def item_context(status, report=None) -> dict:
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
