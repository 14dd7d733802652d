"""Reading dates and times as people write them: 2024-03-01, 2024/3/1, 2024年3月1日, 2023-05."""
from __future__ import annotations

import datetime as dt
import functools
import os
import re

from .i18n import _

# Every run of spaces is possessive (\s*+: never given back), so a long run between two parts
# costs its length once, not its cube (issue 15.10: linear on any text).
_DATE = re.compile(r"^\s*+(\d{4})\s*+[-/.年]\s*+(\d{1,2})\s*+(?:[-/.月]\s*+(\d{1,2})\s*+日?)?\s*+$")
_DATETIME = re.compile(
    r"^\s*+(\d{4})\s*+[-/.年]\s*+(\d{1,2})\s*+[-/.月]\s*+(\d{1,2})\s*+日?\s*+[T ]?\s*+"
    r"(\d{1,2})\s*+[:时]\s*+(\d{1,2})(?:\s*+[:分]\s*+(\d{1,2}))?\s*+秒?\s*+$")
_MONTH_ONLY = re.compile(r"^\s*+(\d{4})\s*+[-/.年]\s*+(\d{1,2})\s*+月?\s*+$")


class _Shown:
    """A value whose repr is cut short for a message (a 60 KB cell is not repeated whole)."""

    def __init__(self, value: object, limit: int = 60):
        self.value, self.limit = value, limit

    def __repr__(self) -> str:
        text = repr(self.value)
        return text if len(text) <= self.limit else text[:self.limit - 2] + "…" + text[-1]


def parse_date(value: object, *, allow_month: bool = False) -> dt.date:
    """A date from a date, a datetime at midnight, or text; raises ValueError saying how to write it.

    With allow_month, a year and month ("2023-05", "2023年5月") means the 1st of that month.
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return _date_text(value, allow_month)
    raise ValueError(_not_a_date(value, allow_month))


def _not_a_date(value: object, allow_month: bool) -> str:
    return (_("not a date: {value!r}; write it like 2024-03-01 or 2023-05") if allow_month
            else _("not a date: {value!r}; write it like 2024-03-01")).format(value=_Shown(value))


@functools.lru_cache(maxsize=4096)  # a register repeats its dates; only results are kept
def _date_text(value: str, allow_month: bool) -> dt.date:
    text = value.strip()
    month = _MONTH_ONLY.match(text)
    if month:
        if not allow_month:
            raise ValueError(_("{value!r} has no day; write a full date like 2024-03-01")
                             .format(value=_Shown(value)))
        return _make(int(month[1]), int(month[2]), 1, value)
    m = _DATE.match(text)
    if m and m[3]:
        return _make(int(m[1]), int(m[2]), int(m[3]), value)
    m = _DATETIME.match(text)
    if m:
        return _make(int(m[1]), int(m[2]), int(m[3]), value)
    raise ValueError(_not_a_date(value, allow_month))


def parse_datetime(value: object) -> dt.datetime:
    """A date and time from a datetime or text like '2026-11-21 09:12'."""
    if isinstance(value, dt.datetime):
        return value.replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, str):
        m = _DATETIME.match(value.strip())
        if m:
            day = _make(int(m[1]), int(m[2]), int(m[3]), value)
            try:
                return dt.datetime.combine(day, dt.time(int(m[4]), int(m[5]), int(m[6] or 0)))
            except ValueError:
                raise ValueError(_("impossible time in {value!r}").format(value=_Shown(value))) from None
        if _DATE.match(value.strip()):
            value = parse_date(value)  # says "impossible date" when it is one
    if isinstance(value, dt.date):
        raise ValueError(_("{day} has no time; write it like {day} 14:00").format(
            day=value.isoformat()))
    raise ValueError(_("not a date and time: {value!r}; write it like 2026-11-21 14:00").format(
        value=_Shown(value)))


def _make(year: int, month: int, day: int, original: object) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(_("impossible date: {value!r} (no such day in the calendar)").format(
            value=_Shown(original))) from None


def source_date() -> dt.date | None:
    """The day (UTC) that SOURCE_DATE_EPOCH names, in seconds since 1970; None when it is not
    set (or not a number of seconds)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if not epoch.isdigit():
        return None
    return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
