"""The equipment schedule as a calendar (icalendar): one all-day event per pending action, so
the tests and replacements land in a phone calendar.

- items with a due date and an action (ok, due soon, due today, overdue): an event on the due
  date; an overdue one is placed on the as-of date, so it is not buried in the past;
- scrapped items that still need replacing (not retired): an event on the as-of date.
UIDs are made from the item id alone, so importing a newer calendar moves an item's event
instead of adding a second one, and the same input gives the same bytes (DTSTAMP is the
as-of date, not the clock).
"""
from __future__ import annotations

import datetime as dt
import re
from urllib.parse import urlsplit

from icalendar import Calendar, Event

from .report import KIND_ZH, NO_HOLDER, STATUS_ZH, Report, action_zh, status_text
from .rules import Status

PENDING = {"ok", "due_soon", "due_today", "overdue"}


def _uid(item_id: str, company: str) -> str:
    safe = re.sub(r"[^0-9A-Za-z._-]", lambda m: f"%{ord(m[0]):X}", item_id)
    return f"equipment-{safe}@{company or 'fieldprint'}"


def events(report: Report) -> list[tuple[dt.date, Status]]:
    """(day of the event, status) for every pending action, earliest first."""
    out = []
    for s in report.statuses:
        if s.status in PENDING and s.due is not None and s.action:
            out.append((max(s.due, report.as_of), s))
        elif s.status == "scrapped" and s.action == "replace":
            out.append((report.as_of, s))
    out.sort(key=lambda e: (e[0], e[1].item.id))
    return out


def to_ics(report: Report, advance=None) -> bytes:
    """The calendar; `advance(n)` is told of items done (a progress line)."""
    cal = Calendar()
    cal.add("prodid", "-//fieldprint//equipment schedule//ZH")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", "劳动防护用品检测计划")
    stamp = dt.datetime.combine(report.as_of, dt.time(), tzinfo=dt.timezone.utc)
    # the company's web host keeps UIDs of different companies apart
    website = getattr(report.company, "website", None) or ""
    company = urlsplit(website if "//" in website else f"//{website}").hostname or ""
    one_day = dt.timedelta(days=1)
    parts: list[bytes] = []
    pending = events(report)
    if advance is not None:  # items without an event cost nothing
        advance(len(report.statuses) - len(pending))
    for n, (day, s) in enumerate(pending, start=1):
        if advance is not None and n % 500 == 0:
            advance(500)
        name = report.holder_name(s)
        team = report.team(s)
        who = name or s.holder or NO_HOLDER
        what = action_zh(s, on_due=True)   # the event is on the due date
        title = f"{KIND_ZH[s.kind]}{what} {s.id} · {who}"
        said = status_text(s, "zh")
        if s.status in ("overdue", "scrapped"):
            title = f"【{said}】{title}"
        lines = [f"{KIND_ZH[s.kind]} {s.id}：{said}，需{what}"]
        if s.due is not None:
            lines.append(f"到期日：{s.due.isoformat()}")
        if s.holder:
            lines.append(f"持有人：{who}（{s.holder}）" + (f"，{team}" if team else ""))
        if s.batch:
            lines.append(f"批次：{s.batch}")
        if s.reason_zh:
            lines.append(f"说明：{s.reason_zh}")
        lines.append(f"统计日：{report.as_of.isoformat()}（fieldprint）")
        event = Event()
        event.add("uid", _uid(s.id, company))
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + one_day)
        event.add("summary", title)
        event.add("description", "\n".join(lines))
        event.add("categories", [STATUS_ZH[s.status]])
        event.add("transp", "TRANSPARENT")
        parts.append(event.to_ical())  # one event at a time: 100,000 never sit in memory
    if advance is not None:
        advance(len(pending) % 500)
    head, end = cal.to_ical().rsplit(b"END:VCALENDAR", 1)
    return head + b"".join(parts) + b"END:VCALENDAR" + end
