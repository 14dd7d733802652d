"""The work-order context: what a form or Word template reads about one order.

    order     the order's fields as plain values, plus labels for the codes
              (kind_label, service_label, cause_label, rating_label, address_label), texts
              ready to print (received_text, appointment_text, completed_text,
              materials[].qty as text), `assigned` (False: no engineer yet, forms print 待派单)
              and `deadlines` (see below)
    engineer  the engineer resolved from the staff list (a person context), or blanks
    person    the same dict as `engineer` (the shared context shape calls a staff member so)
    company, today, blank

Deadlines, from the service standards (SPEC.md §3), each on the kinds of order the standard
names (None on the others):
    first_reply_by   repairs: received + 8 hours, first reply to the customer
                     (`002` 首次回复制度: 各类故障应在8小时内首次回复客户)
    cutover_by       repairs: received + 4 hours, a cut-over (割接) fault handed to the works
                     team and the customer told its contact (`002` 首次回复制度 2.)
    call_from/call_to  installs and moves: 10-15 minutes before the appointment starts, call
                     the customer (`002` 装移机服务: 提前十至十五分钟与客户电话预约); a repair
                     is booked promptly once the order is received (维修服务: 及时与客户预约)
    arrive_by        every visit: company.arrive_early_minutes (default 5, `001` §9.2; `002`
                     says 10) before the appointment starts
    change_notice_by every visit: 2 hours before the appointment starts, the last moment to
                     announce a change (`001` §9.2)
    records_by       the 5th working day after completion, on China's official calendar
                     (the completion day itself is not counted, as for any legal period)
    records_estimated  True when records_by was counted on estimated holidays (below);
                     records_mark is then the words printed beside it (暂按法定节假日推算)

Working days come from the `chinese-calendar` package (official holidays and make-up working
days). It knows a fixed range of years. For a later year the company's own `holidays` /
`workdays` lists (company.yaml) come first, then the statutory holidays of the national rules
(generator.holidays: 元旦, 春节, 清明, 劳动节, 端午, 中秋, 国庆), then Monday-Friday; such a
deadline is marked on the form and a warning says so. The company's lists apply in known years
too: a day the company lists as a holiday is not a working day for it.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from .context import base_context, company_shape, person_context, plain
from .errors import Problem, UserError, in_reading_order, suggest
from .i18n import _, words
from .holidays import statutory_holidays
from .data.models import (CAUSE_LABELS, KIND_LABELS, RATING_LABELS, SERVICE_LABELS, Company, Person,
                     WorkOrder)

FIRST_REPLY = dt.timedelta(hours=8)
CUTOVER_HANDOVER = dt.timedelta(hours=4)
CALL_EARLIEST = dt.timedelta(minutes=15)
CALL_LATEST = dt.timedelta(minutes=10)
ARRIVE_EARLY_MINUTES = 5            # company.arrive_early_minutes when not set
CHANGE_NOTICE = dt.timedelta(hours=2)
RECORD_WORKING_DAYS = 5
ESTIMATED_MARK = "暂按法定节假日推算"   # printed beside a date counted on estimated holidays
VISIT_KINDS = ("install", "move")      # 装移机
FAULT_KINDS = ("repair",)              # 各类故障

# What a blank form (paper pads) and a missing engineer print: every key, no values.
_PERSON_KEYS = tuple(Person.model_fields) + ("stars_text",)


# ------------------------------------------------------------------------------ working days
@dataclass
class WorkingCalendar:
    """China's official working days, adjusted by the company's own lists.

    `unknown_years` collects the years the official calendar did not know (their days were
    estimated), so the caller can warn once per run instead of once per order.
    """

    holidays: frozenset[dt.date] = frozenset()
    workdays: frozenset[dt.date] = frozenset()
    unknown_years: set[int] = field(default_factory=set)
    # each day's answer, found once: chinese-calendar scans its whole table of holidays for
    # its range of years on every call (~25 µs; 7 days of every order with a completion)
    _days: dict[dt.date, tuple[bool, bool]] = field(default_factory=dict, init=False,
                                                    repr=False, compare=False)

    @classmethod
    def for_company(cls, company: Company | None) -> "WorkingCalendar":
        if company is None:
            return cls()
        return cls(frozenset(company.holidays), frozenset(company.workdays))

    def is_workday(self, day: dt.date) -> bool:
        return self._workday(day)[0]

    def _workday(self, day: dt.date) -> tuple[bool, bool]:
        """(a working day?, estimated?)"""
        found = self._days.get(day)
        if found is None:
            found = self._days[day] = self._find_workday(day)
        return found

    def _find_workday(self, day: dt.date) -> tuple[bool, bool]:
        if day in self.workdays:
            return True, False
        if day in self.holidays:
            return False, False
        official = _official_workday(day)
        if official is not None:
            return official, False
        self.unknown_years.add(day.year)
        try:
            if day in statutory_holidays(day.year):
                return False, True
        except ValueError:       # beyond the lunar calendar's range: weekdays only
            pass
        return day.weekday() < 5, True

    def working_days_after(self, start: dt.date, days: int) -> tuple[dt.date, bool]:
        """(the `days`-th working day after `start` (start itself not counted), whether some
        day on the way was counted on estimated holidays)."""
        if days < 1:
            raise ValueError("count at least one working day")
        day, counted, estimated = start, 0, False
        while counted < days:
            day += dt.timedelta(days=1)
            work, guess = self._workday(day)
            estimated = estimated or guess
            if work:
                counted += 1
        return day, estimated

    def add_working_days(self, start: dt.date, days: int) -> dt.date:
        """The `days`-th working day after `start` (start itself not counted)."""
        return self.working_days_after(start, days)[0]

    def warnings(self) -> list[Problem]:
        if not self.unknown_years:
            return []
        years = words(sorted(self.unknown_years))
        return [Problem(
            _("the official holiday calendar for {years} is not known to the installed "
              "chinese-calendar {version}; the 'records within 5 working days' deadlines of "
              "that year skip the statutory holidays of the national rules (元旦, 春节, 清明, "
              "劳动节, 端午, 中秋, 国庆) and weekends, after the days listed in "
              "company.holidays and company.workdays, and are marked {mark} on the forms: "
              "make-up working days are not known yet. Update chinese-calendar "
              "(pip install -U chinese-calendar) or list that year's holidays and make-up "
              "working days in company.yaml").format(years=years, version=_calendar_version(),
                                                     mark=ESTIMATED_MARK),
            None, "company.holidays")]


def _official_workday(day: dt.date) -> bool | None:
    """True/False from the official calendar; None when it does not know the year."""
    try:
        import chinese_calendar
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


def _calendar_version() -> str:
    try:
        from importlib.metadata import version
        return version("chinese-calendar")
    except Exception:  # pragma: no cover
        return "(unknown version)"


# ------------------------------------------------------------------------------ deadlines
def deadlines(order: WorkOrder, calendar: WorkingCalendar,
              arrive_early_minutes: int = ARRIVE_EARLY_MINUTES) -> dict[str, Any]:
    """Every deadline of one order: datetimes (records_by a date), or None when the order
    lacks the time or the rule is not for its kind (see the module's docstring)."""
    out: dict[str, Any] = {"first_reply_by": None, "cutover_by": None,
                           "call_from": None, "call_to": None, "arrive_by": None,
                           "change_notice_by": None, "records_by": None,
                           "records_estimated": False,
                           "arrive_minutes": arrive_early_minutes}
    if order.kind in FAULT_KINDS:
        out.update(first_reply_by=order.received + FIRST_REPLY,
                   cutover_by=order.received + CUTOVER_HANDOVER)
    if order.appointment is not None:
        start = order.appointment.start
        out.update(arrive_by=start - dt.timedelta(minutes=arrive_early_minutes),
                   change_notice_by=start - CHANGE_NOTICE)
        if order.kind in VISIT_KINDS:
            out.update(call_from=start - CALL_EARLIEST, call_to=start - CALL_LATEST)
    if order.completed is not None:
        out["records_by"], out["records_estimated"] = calendar.working_days_after(
            order.completed.date(), RECORD_WORKING_DAYS)
    return out


# ------------------------------------------------------------------------------ texts
def _dt_text(value: dt.datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%d %H:%M")


def _qty_text(qty: float | None) -> str:
    if qty is None:
        return ""
    if float(qty).is_integer():
        return str(int(qty))
    return f"{qty:g}"


def appointment_text(order: WorkOrder) -> str:
    """'2026-11-21 14:00–16:00', or with both dates when the window spans midnight."""
    a = order.appointment
    if a is None:
        return ""
    text = _dt_text(a.start)
    if a.end is None:
        return text
    if a.end.date() == a.start.date():
        return f"{text}–{a.end:%H:%M}"
    return f"{text} – {_dt_text(a.end)}"


def _deadline_texts(d: dict[str, Any]) -> dict[str, str]:
    call = ""
    if d["call_from"] is not None:
        call = f"{d['call_from']:%H:%M}–{d['call_to']:%H:%M}"
    records = ""
    if d["records_by"] is not None:
        r = d["records_by"]
        records = f"{r:%Y-%m-%d}（{'一二三四五六日'[r.weekday()]}）"
    return {"first_reply_text": _dt_text(d["first_reply_by"]),
            "cutover_text": _dt_text(d["cutover_by"]),
            "call_text": call,
            "arrive_text": "" if d["arrive_by"] is None else f"{d['arrive_by']:%H:%M}",
            "change_notice_text": _dt_text(d["change_notice_by"]),
            "records_text": records,
            "records_mark": ESTIMATED_MARK if d["records_estimated"] else ""}


# ------------------------------------------------------------------------------ contexts
def blank_person() -> dict[str, Any]:
    """A person with every field empty, for forms printed blank or for an unassigned order."""
    return {key: None for key in _PERSON_KEYS}


ADDRESS_LABELS = {"install": "装机地址", "move": "移机地址", "repair": "故障地址"}


_AREA_CODE = re.compile(r"^\s*(\+?86[-\s]?)?(0\d{2,3})[-\s]+(.+)$")


def mask_phone(phone: str | None) -> str | None:
    """A phone number with its middle hidden, for copies that leave the office (personal
    information law: print only what the reader needs): 13900000001 -> 139****0001,
    0512-6523 0417 -> 0512-****0417. The last 4 digits stay, so the customer recognises it."""
    if not phone:
        return phone
    area = _AREA_CODE.match(phone)
    if area:
        digits = re.sub(r"\D", "", area[3])
        return f"{area[2]}-****{digits[-4:]}" if len(digits) > 4 else f"{area[2]}-****"
    digits = re.sub(r"\D", "", phone)
    if len(digits) >= 7:
        return f"{digits[:3]}****{digits[-4:]}"
    return "*" * max(len(digits) - 2, 1) + digits[-2:] if len(digits) > 2 else "****"


def mask_customer(ctx: dict[str, Any]) -> dict[str, Any]:
    """An order context whose customer phone is masked and account hidden (a copy)."""
    customer = dict(ctx["customer"], phone=mask_phone(ctx["customer"].get("phone")),
                    account=None)
    return {**ctx, "customer": customer, "masked": True}


def order_context(order: WorkOrder, calendar: WorkingCalendar,
                  arrive_early_minutes: int = ARRIVE_EARLY_MINUTES,
                  mask_phones: bool = False) -> dict[str, Any]:
    """A work order as template values (a plain dict) with its printed texts: labels of its kind,
    service, cause and rating, dates and appointment as printed, and `mask_phones` hiding the
    middle digits of phone numbers; arrival time `arrive_early_minutes` before the appointment
    (working days from `calendar`)."""
    out = plain(order)
    for m in out["materials"]:
        m["qty"] = _qty_text(m["qty"])
    out["kind_label"] = KIND_LABELS[order.kind]
    out["address_label"] = ADDRESS_LABELS[order.kind]
    out["assigned"] = order.engineer is not None
    out["service_label"] = SERVICE_LABELS.get(order.service, order.service)
    out["cause_label"] = CAUSE_LABELS.get(order.cause, "") if order.cause else ""
    out["rating_label"] = RATING_LABELS.get(order.rating, "") if order.rating else ""
    out["received_text"] = _dt_text(order.received)
    out["completed_text"] = _dt_text(order.completed)
    out["appointment_text"] = appointment_text(order)
    d = deadlines(order, calendar, arrive_early_minutes)
    d.update(_deadline_texts(d))
    out["deadlines"] = d
    out["masked"] = False
    return mask_customer(out) if mask_phones else out


def blank_order_context() -> dict[str, Any]:
    """Every key an order context has, all empty: for blank forms and template checks."""
    customer = {"name": None, "phone": None, "address": None, "account": None}
    d: dict[str, Any] = {k: None for k in ("first_reply_by", "cutover_by", "call_from",
                                           "call_to", "arrive_by", "change_notice_by",
                                           "records_by")}
    d.update({k: "" for k in ("first_reply_text", "cutover_text", "call_text", "arrive_text",
                              "change_notice_text", "records_text", "records_mark")})
    d.update(records_estimated=False, arrive_minutes=ARRIVE_EARLY_MINUTES)
    out: dict[str, Any] = {name: None for name in WorkOrder.model_fields}
    out.update(customer=customer, materials=[], deadlines=d, appointment={"start": None, "end": None},
               kind_label="", service_label="", address_label="地址", assigned=True,
               cause_label="", rating_label="", received_text="", completed_text="",
               appointment_text="", masked=False)
    out["id"] = ""
    return out


def orders_not_named(dataset, only) -> list[Problem]:
    """The problems of the orders left out for a problem of their own
    (`Dataset.refused_orders`) that the print does not name (`only`: the order ids of the
    command's --only, or the orders ticked on the web's forms page): warnings, not a reason
    to stop (the template's example row left in the file, say); the one rule of both.
    Nothing without `only`, nor when an id it gives is not in the data: which order was meant
    is then not known (a typo of the id of an order with a problem, say), so every problem
    stops the print."""
    if not only:
        return []
    wanted = set(only)
    known = {o.id for o in dataset.work_orders} | set(dataset.refused_orders)
    if not wanted <= known:
        return []
    return in_reading_order([p for order_id, found in dataset.refused_orders.items()
                             if order_id not in wanted for p in found])


@dataclass
class OrderContexts:
    """The contexts of a batch, in data order, and the warnings found while building them."""

    contexts: list[dict[str, Any]]
    warnings: list[Problem]


def iter_contexts(dataset, orders: Iterable[WorkOrder], calendar: WorkingCalendar, *,
                  as_of: dt.date | None = None, mask_phones: bool = False
                  ) -> Iterator[dict[str, Any]]:
    """One context per order, made when needed (a batch of 10,000 never holds them all);
    `calendar.warnings()` says afterwards which years the official calendar did not know."""
    base = base_context(dataset, as_of)
    company = dataset.company
    arrive = company.arrive_early_minutes if company is not None else ARRIVE_EARLY_MINUTES
    people: dict[str, dict[str, Any]] = {}
    for order in orders:
        engineer = blank_person()
        if order.engineer is not None:
            engineer = people.get(order.engineer)
            if engineer is None:
                person = dataset.person(order.engineer)
                engineer = person_context(person, company) if person is not None \
                    else dict(blank_person(), id=order.engineer)
                people[order.engineer] = engineer
        yield {**base, "order": order_context(order, calendar, arrive, mask_phones),
               "engineer": engineer,
               "person": engineer, "blank": False}


def build_contexts(dataset, orders: Iterable[WorkOrder], *, as_of: dt.date | None = None
                   ) -> OrderContexts:
    """One context per order (engineer resolved from staff, deadlines computed), as a list."""
    calendar = WorkingCalendar.for_company(dataset.company)
    contexts = list(iter_contexts(dataset, orders, calendar, as_of=as_of))
    return OrderContexts(contexts, calendar.warnings())


def blank_context(dataset=None, *, as_of: dt.date | None = None) -> dict[str, Any]:
    """The context of a form printed with no order: company filled in, everything else empty."""
    base = base_context(dataset, as_of) if dataset is not None else \
        {"company": {}, "today": as_of}
    person = blank_person()
    order = blank_order_context()
    company = getattr(dataset, "company", None)
    if company is not None:
        order["deadlines"]["arrive_minutes"] = company.arrive_early_minutes
    return {**base, "order": order, "engineer": person, "person": person, "blank": True}


# ------------------------------------------------------------------------------ choosing orders
@dataclass(frozen=True)
class Selection:
    """Which orders to print: all of them, or those matching every criterion given.

    only       order ids (--only)
    engineers  staff ids of the engineer (--engineer)
    teams      the engineer's team, as in staff.yaml (--team)
    received_from, received_to   the day the order was received, both ends included
    """

    only: tuple[str, ...] = ()
    engineers: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    received_from: dt.date | None = None
    received_to: dt.date | None = None

    def __bool__(self) -> bool:
        return bool(self.only or self.engineers or self.teams or self.received_from
                    or self.received_to)


def order_shape() -> dict[str, Any]:
    """What a work order, confirmation or follow-up reads (forms and Word templates): every
    key a context can have, for the load-time check of names."""
    shape = blank_context(None)
    shape["company"] = company_shape()
    return shape


def select_orders(dataset, selection: Selection) -> list[WorkOrder]:
    """The orders of `dataset` that `selection` names, in data order.

    Raises UserError (all at once) for an id, engineer or team the data does not have, or
    dates in the wrong order. An order or person the data has but left out for a problem of
    its own (`Dataset.refused_orders`, `refused_ids`, `unloaded_staff`, `unread_ids`) is not
    "no such"."""
    orders = list(dataset.work_orders)
    problems: list[Problem] = []
    known = ({o.id for o in orders} | {i for i in dataset.refused_orders if i is not None}
             | dataset.unread_ids.get("work_orders", set()))
    for wanted in selection.only:
        if wanted not in known:
            problems.append(Problem(_("--only {id}: no such id in work_orders{hint}").format(
                id=wanted, hint=suggest(wanted, known))))
    unloaded = [p for p, _where in dataset.unloaded_staff]
    staff_ids = ({p.id for p in dataset.staff} | {o.engineer for o in orders if o.engineer}
                 | {i for i in dataset.refused_ids if i is not None}
                 | {p.id for p in unloaded if p.id} | dataset.unread_ids.get("staff", set()))
    for wanted in selection.engineers:
        if wanted not in staff_ids:
            problems.append(Problem(_("--engineer {id}: no such staff id{hint}").format(
                id=wanted, hint=suggest(wanted, staff_ids))))
    teams = {p.team for p in (*dataset.staff, *unloaded) if p.team}
    for wanted in selection.teams:
        if wanted not in teams:
            problems.append(Problem(_("--team {team}: no engineer on the staff list is in "
                                      "that team{hint} (teams: {teams})").format(
                team=wanted, hint=suggest(wanted, teams),
                teams=words(sorted(teams), "plain") or _("none given"))))
    start, end = selection.received_from, selection.received_to
    if start is not None and end is not None and start > end:
        problems.append(Problem(_("--from {start} is after --to {end}").format(
            start=start, end=end)))
    if problems:
        raise UserError(problems)
    if selection.only:
        orders = [o for o in orders if o.id in set(selection.only)]
    if selection.engineers:
        orders = [o for o in orders if o.engineer in set(selection.engineers)]
    if selection.teams:
        members = {p.id for p in dataset.staff if p.team in set(selection.teams)}
        orders = [o for o in orders if o.engineer in members]
    if start is not None:
        orders = [o for o in orders if o.received.date() >= start]
    if end is not None:
        orders = [o for o in orders if o.received.date() <= end]
    return orders


def open_orders(orders: Iterable[WorkOrder]) -> list[WorkOrder]:
    """The orders not completed yet (no `completed` time)."""
    return [o for o in orders if o.completed is None]


def open_orders_note(still_open: list[WorkOrder]) -> Problem | None:
    """What a follow-up print says of the orders it leaves out as not completed yet
    (`open_orders`), with the way to print them too in the words of where it is said (the
    command's option, the web page's box: `advice.INCLUDE_OPEN`); None when there are none.
    A follow-up is for a completed order (SPEC: 回访 after the work is done)."""
    if not still_open:
        return None
    from .advice import INCLUDE_OPEN
    return Problem(_("{n} order(s) not completed yet get no follow-up sheet: {ids} ({advice})")
                   .format(n=len(still_open), ids=words((o.id for o in still_open), "plain"),
                           advice=INCLUDE_OPEN.says()))


# ------------------------------------------------------------------------------ checks
def order_warnings(dataset) -> list[Problem]:
    """What `fieldprint validate` says about work orders that load fine but print oddly: an
    order with no engineer yet (forms print 待派单), and deadlines counted on estimated
    holidays (a year chinese-calendar does not know)."""
    problems: list[Problem] = []
    calendar = WorkingCalendar.for_company(dataset.company)
    origins = dataset.origins
    for order in dataset.work_orders:
        if order.engineer is None:
            from dataclasses import replace

            from .data.headers import field_named
            where = origins.get(("work_orders", order.id))
            problems.append(Problem(
                _("no engineer yet: the forms print 待派单 in the engineer's place; fill in "
                  "{field} (the engineer's staff id) once the order is dispatched").format(
                    field=field_named("work_orders", "engineer")),
                replace(where, record=order.id) if where is not None else None,
                "" if where is not None else f"work_orders {order.id}"))
        if order.completed is not None:
            calendar.working_days_after(order.completed.date(), RECORD_WORKING_DAYS)
    return problems + calendar.warnings()
