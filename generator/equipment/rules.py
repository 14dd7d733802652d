"""The safety-equipment rules (SPEC.md §5, issue 5): what is due, what is overdue, what is scrapped.

Pure: `assess(items, as_of, policy)` reads validated `EquipmentItem`s and returns one `Status`
per item, in the same order. Nothing here touches files except `load_policy`.

Rules (every number comes from `Policy`):
- Helmet: life starts at `manufactured` (or `in_service` when that is all we know; `basis`
  says which). The due date, the last valid day, is start + 30 months. A passing `test` dated
  no earlier than 30 days before the current due date moves it to test date + 12 months (again
  for each later such test); earlier tests extend nothing. A failing `test` scraps every
  helmet of the same batch from that date; a failing `visual` scraps that helmet.
- Insulated shoes: a preventive `test` is due 6 months after `in_service` (or `manufactured`);
  each passing test makes the next one due 6 months after it. A failing test or visual check
  scraps them.
- Insulated shoes not yet issued (no `in_service` and no holder: 库存未发放) are `in_stock`: the
  6 months are of wear. Helmets age from manufacture, in stock or not.
- Batch checks (`batch_checks`, 批次抽检): a sample decides for its batch (抽查/抽验). A passing
  test counts for every item of that kind and batch as the item's own passing test would
  (policy `batch_checks_extend: false` switches that off); a failing check scraps the batch.
  A helmet's own spot-check test is such a sample too, in both directions (standard 002:
  "对到期的安全帽,进行抽查测试,合格后方可继续使用,以后每年抽验一次,抽验不合格则该批安全帽即
  报废"): a passing one counts for the other helmets of its batch as a batch check would
  (`ItemSample`, its reason naming the helmet tested), a failing one scraps the batch.
  Insulated shoes' preventive tests are of each pair: they count for that pair only.
- `retired` scraps an item from that date. Records (checks, retirement) dated after the as-of
  date are ignored, as if they had not happened yet; an item manufactured after the as-of date
  did not exist that day and is left out (`made_after`).
- Data to fix (issue 19): an item is assessed on what can be read of it, conservatively, so
  that it is never shown safer than its readable data says. A value that could not be read
  (its loading problem is in `Status.problems`) is left out: a check missing one extends
  nothing, though a failing check of unreadable type still scraps the item. A record that
  contradicts itself is read the cautious way: a helmet is as old as its earliest recorded
  date (manufacture, going into service, a check); a passing check dated before manufacture
  extends nothing; a retirement dated before manufacture or going into service is doubted
  (the item is assessed as still in use). A failing check whose date cannot be read
  (`salvage` keeps it with `date` None) cannot be placed in time, but a failure is a failure:
  the item is `scrapped` (standard 002: "抽验不合格则该批安全帽即报废"; shoes: "发现异常应不得
  再当绝缘鞋使用"), and a helmet's failing test (or check of unreadable type) so dated flags
  the other helmets of its batch (`BatchDoubt`: their batch may be scrapped). The
  contradictions are `Contradiction`s in `Status.problems`. When that reading is overdue, due, or scrapped, the item has that
  status, its problems beside it; when it would be fine (or not in service, in stock), the
  item is `invalid` (its data decides nothing safe); an item with no readable date or kind
  is `invalid` too.
Month arithmetic is dateutil's relativedelta, which clamps to the month's end
(2024-08-31 + 6 months = 2025-02-28).
"""
from __future__ import annotations

import datetime as dt
import functools
import itertools
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

from dateutil.relativedelta import relativedelta
from pydantic import Field

from ..data.models import EquipmentItem, Model
from ..errors import Problem
from ..i18n import N_, both, in_language

# The statuses in the order the JSON summary lists them.
STATUSES = ("ok", "due_soon", "due_today", "overdue", "scrapped", "not_in_service", "in_stock",
            "invalid")
# Most urgent first: what the table, the PDF and the spreadsheets sort by.
URGENCY = {"overdue": 0, "due_today": 1, "due_soon": 2, "invalid": 3, "scrapped": 4, "ok": 5,
           "not_in_service": 6, "in_stock": 7}
# Statuses that make `--fail-on` fail.
FAIL_ON = {"overdue": frozenset({"overdue", "invalid"}),
           "due-soon": frozenset({"overdue", "invalid", "due_today", "due_soon"})}


class Policy(Model):
    """The numbers of the rules. Defaults follow the standard; a company may override each one
    in a policy file (`--policy FILE`, plain `key: value` lines)."""

    helmet_life_months: int = Field(30, ge=1, le=1200)      # plastic helmet: 2.5 years
    extension_window_days: int = Field(30, ge=0, le=3650)   # a test this close to due extends
    extension_months: int = Field(12, ge=1, le=1200)        # a passing spot-check: one more year
    extend_by_test: bool = True                             # false: scrap at end of life
    shoes_test_months: int = Field(6, ge=1, le=1200)        # insulated shoes: every 6 months
    warn_days: int = Field(30, ge=0, le=3650)               # due_soon this many days ahead
    batch_checks_extend: bool = True                        # false: a batch's passing sample
                                                            # extends nothing (a failing one
                                                            # still scraps the batch)


DEFAULT_POLICY = Policy()


def load_policy(path: str | Path) -> Policy:
    """A policy file, validated with file:line messages (unknown keys, wrong types, ranges)."""
    from ..layoutfile import load_layout
    return load_layout(Path(path), Policy)


# Why an item's due date is what it is: (English, Chinese) templates over the `why` tuple's
# arguments. Formatted only when a writer asks (`Status.reason`), not for every item assessed.
# The Chinese is in the message catalog (generator/locale), the words of docs/术语表.md.
REASONS = {
    "life_manufactured": N_("end of the {0}-month life from manufacture ({1})"),
    "life_in_service": N_("end of the {0}-month life from going into service ({1})"),
    "extended": N_("{0} months after the passing spot-check test on {1}"),
    "shoes_in_service": N_("{0} months after going into service ({1})"),
    "shoes_manufactured": N_("{0} months after manufacture ({1})"),
    "shoes_tested": N_("{0} months after the passing preventive test on {1}"),
    "not_in_service": N_("goes into service on {0}"),
    "batch_extended": N_("{0} months after the passing spot-check test of batch {2} on {1}"),
    "batch_item_extended": N_("{0} months after the passing spot-check test of batch {2} "
                              "(helmet {3}, {1})"),
    "shoes_batch_tested": N_("{0} months after the passing preventive test of batch {2} on {1}"),
    "in_stock": N_("in stock, not issued: the {0}-month test period starts when worn"),
    "life_earliest": N_("end of the {0}-month life counted from its earliest recorded date "
                        "({1})"),
}
# Statuses an item with data to fix keeps: the reading is at least this bad. Any other
# reading (fine, not in service, in stock) makes it `invalid`.
KEPT_WITH_PROBLEMS = frozenset({"overdue", "due_today", "due_soon", "scrapped"})


@dataclass(frozen=True)
class Contradiction(Problem):
    """A record that validated but contradicts itself (in service before it was made …):
    `message` in English, `zh` in Chinese; `path` the field read the cautious way."""

    zh: str = ""


def _reason(why: tuple, code: str) -> str | None:
    if not why:
        return None
    if why[0] == "text":  # ("text", English, Chinese), made by `both`
        return why[1] if code == "en" else why[2]
    return in_language(code, REASONS[why[0]]).format(*why[1:])


@dataclass(slots=True, eq=False)
class Status:
    """Where one item stands on the as-of date. Treat as read-only."""

    item: EquipmentItem
    status: str                      # one of STATUSES
    due: dt.date | None              # last valid day / day the next test is due; None if scrapped
    basis: str                       # "manufactured" | "in_service": where the clock started
    in_service_days: int | None      # days served up to the as-of date (or until scrapped)
    action: str | None               # "test" | "replace" | None: what to do on `due` (or now)
    why: tuple = ()                  # (REASONS key, arguments...): see `reason`
    since: dt.date | None = None     # scrapped: from this date
    # the data to fix, each a Problem with its place (issue 19): values that could not be
    # read (left out of the assessment) and `Contradiction`s; empty for a clean record
    problems: tuple = ()

    @property
    def reason(self) -> str | None:
        """Why, in English (the JSON contract), with the data to fix for tools (field paths)."""
        if self.problems:
            from .problems import with_reason
            return with_reason(_reason(self.why, "en"), self.problems, "en", tools=True,
                               invalid=self.status == "invalid")
        return _reason(self.why, "en")

    @property
    def reason_zh(self) -> str | None:
        """Why, in Chinese (printed report, spreadsheet, calendar), with the data to fix."""
        return self.reason_in("zh")

    def reason_in(self, code: str) -> str | None:
        """Why, in language `code` ('zh', 'en'): the terminal table, messages; with the data
        to fix, each named as the user wrote it (`problems.said`)."""
        if self.problems:
            from .problems import with_reason
            return with_reason(_reason(self.why, code), self.problems, code,
                               invalid=self.status == "invalid")
        return _reason(self.why, code)

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def kind(self) -> str:
        return self.item.kind

    @property
    def holder(self) -> str | None:
        return self.item.holder

    @property
    def batch(self) -> str | None:
        return self.item.batch

    def days_left(self, as_of: dt.date) -> int | None:
        """Days from the as-of date to the due date (negative when overdue)."""
        return None if self.due is None else (self.due - as_of).days

    def sort_key(self) -> tuple:
        """Most urgent first; within a status the earliest due date, then the id."""
        return (URGENCY[self.status], self.due or dt.date.max, self.item.id)


def urgent_first(statuses: Iterable[Status]) -> list[Status]:
    """`statuses` sorted most urgent first (overdue, due today, due soon ..., then by due date)."""
    return sorted(statuses, key=Status.sort_key)


def summary(statuses: Iterable[Status]) -> dict[str, int]:
    """Counts of every status, zero or not, in the order of STATUSES."""
    counts = dict.fromkeys(STATUSES, 0)
    for s in statuses:
        counts[s.status] += 1
    return counts


def fails(statuses: Iterable[Status], fail_on: str | None) -> list[Status]:
    """The items that make `--fail-on due-soon|overdue` exit 1."""
    if not fail_on:
        return []
    hit = FAIL_ON[fail_on]   # data to fix fails as `invalid` does, whatever the status
    return [s for s in statuses if s.status in hit or s.problems]


# ------------------------------------------------------------------------------------ rules
@functools.lru_cache(maxsize=1 << 16)
def add_months(day: dt.date, months: int) -> dt.date:
    """Calendar months, clamped to the month's end (dateutil). Cached: a register has a few
    thousand distinct dates, and relativedelta costs more than the rest of `assess_one`."""
    return day + relativedelta(months=months)


def _d(day: dt.date) -> str:
    return day.isoformat()


def made_after(item: EquipmentItem, as_of: dt.date) -> bool:
    """Manufactured after the as-of date, and nothing recorded on or before it (in service,
    a check, retirement): the item did not exist that day. One that was in service (or
    checked) before it was made contradicts itself and is `invalid`."""
    made = item.manufactured
    if made is None or made <= as_of:
        return False
    if item.in_service is not None and item.in_service <= as_of:
        return False
    if item.retired is not None and item.retired <= as_of:
        return False
    return not any(check.date <= as_of for check in item.checks)


def batch_failures(items: Iterable[EquipmentItem], as_of: dt.date,
                   batch_checks: Iterable = ()) -> dict[str, tuple]:
    """For each helmet batch: (date, helmet id) of its first failing test up to the as-of date,
    the id '' when a batch check (a sample of the batch) failed. Insulated shoes' batches,
    scrapped by a failing batch check only, are keyed ('insulated_shoes', batch).

    One pass over the register; `assess` then looks each helmet's batch up once.
    """
    failures: dict[str, tuple] = {}
    for check in batch_checks:
        if check.result == "fail" and check.date <= as_of:
            found = (check.date, "")
            key = check.batch if check.kind == "helmet" else (check.kind, check.batch)
            known = failures.get(key)
            if known is None or found < known:
                failures[key] = found
    for item in items:
        if item.kind != "helmet" or item.batch is None:
            continue
        for check in item.checks:
            if check.type == "test" and check.result == "fail" and check.date is not None \
                    and check.date <= as_of:
                found = (check.date, item.id)
                known = failures.get(item.batch)
                if known is None or found < known:
                    failures[item.batch] = found
    return failures


def assess(items: Iterable[EquipmentItem], as_of: dt.date,
           policy: Policy = DEFAULT_POLICY, batch_checks: Iterable = (),
           flagged: dict[int, list[Problem]] | None = None) -> list[Status]:
    """The status of every item that existed on `as_of` (items manufactured later are left
    out: see `made_after`), in the order given. `batch_checks`: `BatchCheck`s. `flagged`:
    the loading problems of some items, by their index in `items` (records kept apart by
    `load_dataset(keep_incomplete=True)`, assessed on what could be read: see the module's
    docstring). Linear in the register's size."""
    found = None   # the problems of each item kept, when some are flagged
    if flagged:
        items = list(items)
        found = [flagged.get(n, ()) for n in range(len(items))]
        found = [f for f, item in zip(found, items) if (made := item.manufactured) is None
                 or made <= as_of or not made_after(item, as_of)]
    # made on or before as_of (or no date): no call to made_after, which says so first
    items = [item for item in items if (made := item.manufactured) is None or made <= as_of
             or not made_after(item, as_of)]
    if found is not None:   # a helmet's undated failing test: its batch's helmets flagged
        doubts = batch_doubts(items, found)
        if doubts:
            found = [[*problems, *(d for other, d in doubts[item.batch] if other != item.id)]
                     if item.kind == "helmet" and item.batch in doubts else problems
                     for item, problems in zip(items, found)]
    batch_checks = [c for c in batch_checks if c.date <= as_of]
    failures = batch_failures(items, as_of, batch_checks)
    samples = (batch_samples(batch_checks, item_samples(items, as_of))
               if policy.batch_checks_extend else {})
    # the same reasons, due dates and day counts recur on many items: one object each for
    # the run (a 500,000-item register: ~60 MB), as assess_one made them
    shared: dict = {}
    share = shared.setdefault
    # An item with no checks, not retired, and whose batch no batch failure or sample names
    # is assessed from its kind, dates and whether it has a holder alone (see `_plain_key`):
    # those that agree on them get the same status, assessed once. A register's items are
    # mostly such, and share a few thousand keys. tests/test_equipment_rules.py holds this
    # to assess_one on generated registers.
    assessed: dict[tuple, tuple] = {}
    out = []
    for n, item in enumerate(items):
        problems = found[n] if found is not None else ()
        key = _plain_key(item, failures, samples) if not problems else None
        if key is not None:
            known = assessed.get(key)
            if known is not None:
                out.append(Status(item, *known))
                continue
        status = assess_one(item, as_of, policy, failures, samples, problems)
        status.why = share(status.why, status.why)
        if status.due is not None:
            status.due = share(status.due, status.due)
        if status.in_service_days is not None:
            status.in_service_days = share(status.in_service_days, status.in_service_days)
        if key is not None:
            assessed[key] = (status.status, status.due, status.basis, status.in_service_days,
                             status.action, status.why, status.since, status.problems)
        out.append(status)
    return out


def _plain_key(item: EquipmentItem, failures: dict, samples: dict) -> tuple | None:
    """What alone decides `assess_one` for an item with no checks, no retirement and no batch
    failure or sample for its batch: its kind, dates, and whether it has a holder (shoes in
    stock); None for any other item."""
    if item.checks or item.retired is not None:
        return None
    batch = item.batch
    if batch is not None and (failures or samples):
        kind = item.kind
        if (failures.get(batch if kind == "helmet" else ("insulated_shoes", batch)) is not None
                or samples.get((kind, batch))):
            return None
    return (item.kind, item.manufactured, item.in_service, item.holder is None)


@dataclass(frozen=True, slots=True)
class ItemSample:
    """A helmet's own passing spot-check test, as a sample of its batch (抽查): it counts for
    the batch's other helmets as a batch check would. `item`: the id of the helmet tested."""

    batch: str
    date: dt.date
    item: str
    kind: str = "helmet"
    type: str = "test"
    result: str = "pass"


def item_samples(items: Iterable[EquipmentItem], as_of: dt.date) -> list[ItemSample]:
    """The passing spot-check tests of helmets with a batch, up to the as-of date, each as a
    sample of its batch (one not before the helmet was made: one dated before extends
    nothing, see `Contradiction`)."""
    out = []
    for item in items:
        if item.kind != "helmet" or item.batch is None or not item.checks:
            continue
        made = item.manufactured
        for check in item.checks:
            if (check.type == "test" and check.result == "pass" and check.date <= as_of
                    and (made is None or check.date >= made)):
                out.append(ItemSample(item.batch, check.date, item.id))
    return out


def batch_samples(batch_checks: Iterable, samples: Iterable[ItemSample] = ()
                  ) -> dict[tuple[str, str], list]:
    """(kind, batch) -> the passing batch tests (and `samples`, helmets' own passing tests),
    oldest first: each counts for every item of that kind and batch as its own passing test
    would."""
    out: dict[tuple[str, str], list] = {}
    for check in itertools.chain(batch_checks, samples):
        if check.type == "test" and check.result == "pass":
            out.setdefault((check.kind, check.batch), []).append(check)
    for tests in out.values():
        tests.sort(key=_check_date)
    return out


_FAILED = {("helmet", "test"): N_("failed the spot-check test on {day}"),
           ("helmet", "visual"): N_("failed the visual check on {day}"),
           ("insulated_shoes", "test"): N_("failed the preventive test on {day}"),
           ("insulated_shoes", "visual"): N_("failed the visual check on {day}"),
           # a failing check whose type could not be read (`data.dataset.salvage`)
           ("helmet", None): N_("failed a check (of unreadable type) on {day}"),
           ("insulated_shoes", None): N_("failed a check (of unreadable type) on {day}")}


# a failing check whose date cannot be read (`data.dataset.salvage`): scrapped all the same
_UNDATED = {("helmet", "test"): N_("failed the spot-check test (its date cannot be read)"),
            ("helmet", "visual"): N_("failed the visual check (its date cannot be read)"),
            ("insulated_shoes", "test"): N_("failed the preventive test (its date cannot be "
                                            "read)"),
            ("insulated_shoes", "visual"): N_("failed the visual check (its date cannot be "
                                              "read)"),
            ("helmet", None): N_("failed a check (its type and date cannot be read)"),
            ("insulated_shoes", None): N_("failed a check (its type and date cannot be "
                                          "read)")}


def _undated_failure(item: EquipmentItem):
    """The item's first failing check whose date cannot be read, or None."""
    for check in item.checks:
        if check.date is None and check.result == "fail":
            return check
    return None


@dataclass(frozen=True)
class BatchDoubt(Contradiction):
    """Data to fix of another record that decides this item: a helmet of its batch failed a
    spot-check test (or a check of unreadable type) whose date cannot be read, so the batch
    may be scrapped. `location`: that date's place; `path`: this item's `batch`."""


def batch_doubts(items: list[EquipmentItem], found: list) -> dict[str, list]:
    """batch -> [(the helmet's id, BatchDoubt)] for each helmet of `items` with a failing
    test or check of unreadable type whose date cannot be read (`found`: each item's
    loading problems, where the date's place is)."""
    out: dict[str, list] = {}
    for item, problems in zip(items, found):
        if not problems or item.kind != "helmet" or item.batch is None:
            continue
        check = _undated_failure(item)
        if check is None or check.type == "visual":
            continue
        place = next((p.location for p in problems
                      if ".checks[" in f".{p.path}" and p.path.endswith(".date")), None)
        en, zh = both(N_("batch {batch}: helmet {other} failed a spot-check test whose date "
                         "cannot be read, so the batch may be scrapped"),
                      batch=item.batch, other=item.id)
        out.setdefault(item.batch, []).append((item.id, BatchDoubt(en, place, "batch", zh)))
    return out


def assess_one(item: EquipmentItem, as_of: dt.date, policy: Policy = DEFAULT_POLICY,
               failures: dict[str, tuple] | None = None,
               samples: dict[tuple[str, str], list] | None = None,
               problems: Iterable[Problem] = ()) -> Status:
    """One item's status. `failures` is `batch_failures(register, as_of)`; without it, only the
    item's own failing tests count. `samples` is `batch_samples(batch checks)`: the passing
    tests of the item's batch. `problems`: the item's values that could not be read (left
    out of `item`); with them, or a contradiction, the item is read the cautious way (the
    module's docstring)."""
    status = _assess_one(item, as_of, policy, failures, samples)
    problems = tuple(problems) + status.problems
    if not problems:
        return status
    undated = _undated_failure(item)   # (only a record kept apart has one: it has problems)
    if undated is not None and status.status != "scrapped":
        status = Status(item, "scrapped", None, status.basis, status.in_service_days,
                        "replace", ("text", *both(_UNDATED[(item.kind, undated.type)])))
    if status.status not in KEPT_WITH_PROBLEMS:   # its data decides nothing safe
        # the reading kept as its reason, said after the problems ('as read: …')
        return Status(item, "invalid", None, status.basis, None, None, status.why, None,
                      problems)
    status.problems = problems
    return status


def _assess_one(item: EquipmentItem, as_of: dt.date, policy: Policy,
                failures: dict[str, tuple] | None, samples: dict[tuple[str, str], list] | None
                ) -> Status:
    """`assess_one` before the data to fix decides: the contradictions in `problems`."""
    helmet = item.kind == "helmet"
    made, issued = item.manufactured, item.in_service
    if helmet:
        start, basis = (made, "manufactured") if made is not None else (issued, "in_service")
    else:
        start, basis = (issued, "in_service") if issued is not None else (made, "manufactured")
    if start is None or item.kind not in ("helmet", "insulated_shoes"):
        return Status(item, "invalid", None, basis, None, None)   # nothing to go on

    checks = item.checks
    if checks:   # (a failing check of unreadable date: see `assess_one`)
        checks = [c for c in checks if c.date is not None and c.date <= as_of]
        if len(checks) > 1:
            checks.sort(key=_check_date)  # stable: same-day records keep their written order
    retired = item.retired
    if retired is not None and retired > as_of:
        retired = None

    # ---- the data contradicts itself: read the cautious way, the contradictions said
    doubts: tuple = ()
    if (made is not None and ((issued is not None and issued < made)
                              or (checks and checks[0].date < made)
                              or (retired is not None and retired < made))) \
            or (retired is not None and issued is not None and retired < issued):
        doubts = _contradictions(item, checks, retired)
        if retired is not None and ((issued is not None and retired < issued)
                                    or (made is not None and retired < made)):
            retired = None     # doubted: the item may still be in use
        if made is not None and checks and checks[0].date < made:
            # a passing check before manufacture extends nothing; a failure still counts
            checks = [c for c in checks if c.date >= made or c.result == "fail"]
        if helmet:   # as old as its earliest recorded date
            earliest = min([d for d in (made, issued) if d is not None]
                           + [c.date for c in item.checks
                              if c.date is not None and c.date <= as_of])
            if earliest < start:
                start, basis = earliest, ("in_service" if earliest == issued
                                          else "manufactured")
    status = _reading(item, as_of, policy, failures, samples, start, basis, checks, retired)
    status.problems = doubts
    return status


def _reading(item: EquipmentItem, as_of: dt.date, policy: Policy,
             failures: dict[str, tuple] | None, samples: dict[tuple[str, str], list] | None,
             start: dt.date, basis: str, checks: list, retired: dt.date | None) -> Status:
    """The status from the life's `start` (counted from `basis`), the `checks` and the
    retirement to go by (up to the as-of date, oldest first)."""
    helmet = item.kind == "helmet"
    made, issued = item.manufactured, item.in_service

    # ---- scrapped: the earliest of a failure, the batch's failure, retirement
    failed = None
    for check in checks:
        if check.result == "fail":
            failed = check
            break
    batch_fail = None
    if helmet and failures and item.batch is not None:
        batch_fail = failures.get(item.batch)
        if batch_fail is not None and (batch_fail[1] == item.id
                                       or (made is not None and batch_fail[0] < made)):
            batch_fail = None
    if not helmet and failures and item.batch is not None:
        batch_fail = failures.get(("insulated_shoes", item.batch))
        if batch_fail is not None and made is not None and batch_fail[0] < made:
            batch_fail = None

    # passing tests of the batch's sample (not before this item was made): as its own
    tests = None
    if samples and item.batch is not None:
        sample = samples.get((item.kind, item.batch))
        if sample:
            tests = [c for c in checks if c.type == "test" and c.result == "pass"]
            tests += [c for c in sample if (made is None or c.date >= made)
                      and getattr(c, "item", None) != item.id]   # its own: in `checks`
            tests.sort(key=_check_date)
    if failed is not None or batch_fail is not None or retired is not None:
        return _scrapped(item, as_of, basis, failed, batch_fail, retired)

    # ---- the due date
    if helmet:
        months = policy.helmet_life_months
        due = add_months(start, months)
        why = ("life_manufactured" if start == made else "life_in_service" if start == issued
               else "life_earliest", months, start)
        if policy.extend_by_test and (checks or tests):
            window = dt.timedelta(days=policy.extension_window_days)
            extra = policy.extension_months
            for check in (checks if tests is None else tests):
                if check.type == "test" and check.result == "pass" and check.date >= due - window:
                    due = add_months(check.date, extra)
                    why = (("extended", extra, check.date) if not hasattr(check, "batch")
                           else ("batch_item_extended", extra, check.date, check.batch,
                                 check.item) if isinstance(check, ItemSample)
                           else ("batch_extended", extra, check.date, check.batch))
        action = "test" if policy.extend_by_test else "replace"
    else:
        months = policy.shoes_test_months
        due = add_months(start, months)
        why = ("shoes_in_service" if basis == "in_service" else "shoes_manufactured",
               months, start)
        if issued is None and item.holder is None:
            # 库存未发放: the test period is of wear; nothing is due until they are issued
            return Status(item, "in_stock", None, basis, None, None, ("in_stock", months))
        for check in (checks if tests is None else tests):
            if check.type == "test" and check.result == "pass":
                due = add_months(check.date, months)
                why = (("shoes_tested", months, check.date) if not hasattr(check, "batch")
                       else ("shoes_batch_tested", months, check.date, check.batch))
        action = "test"

    if issued is not None and issued > as_of:
        return Status(item, "not_in_service", due, basis, None, None,
                      ("not_in_service", issued))

    if as_of > due:
        status = "overdue"
    elif as_of == due:
        status = "due_today"
    elif (due - as_of).days <= policy.warn_days:
        status = "due_soon"
    else:
        status = "ok"
    return Status(item, status, due, basis,
                  (as_of - issued).days if issued is not None else None, action, why)


def _check_date(check) -> dt.date:
    return check.date


def _contradictions(item, checks, retired) -> tuple[Contradiction, ...]:
    """Every contradiction of an item's record, in both languages, each naming the field
    read the cautious way (`checks`, `retired`: those up to the as-of date)."""
    made, issued = item.manufactured, item.in_service
    said: list[Contradiction] = []

    def say(path, message, **values):
        en, zh = both(message, **values)
        said.append(Contradiction(en, None, path, zh))
    if made is not None and issued is not None and issued < made:
        say("in_service", N_("in service {issued}, before it was manufactured ({made})"),
            issued=_d(issued), made=_d(made))
    if retired is not None and issued is not None and retired < issued:
        say("retired", N_("retired {retired}, before it was in service ({issued}): assessed "
            "as still in use"), retired=_d(retired), issued=_d(issued))
    elif retired is not None and made is not None and retired < made:
        say("retired", N_("retired {retired}, before it was manufactured ({made}): assessed as "
            "still in use"), retired=_d(retired), made=_d(made))
    if made is not None and checks and checks[0].date < made:
        position = next(n for n, c in enumerate(item.checks) if c is checks[0])
        say(f"checks[{position + 1}].date", N_("a check on {day} is dated before manufacture "
            "({made}): it extends nothing"), day=_d(checks[0].date), made=_d(made))
    return tuple(said)


def _scrapped(item, as_of, basis, failed, batch_fail, retired) -> Status:
    """Scrapped by the earliest of: its own failure, its batch's failure, retirement."""
    events: list[tuple] = []  # (date, rank, en, zh): on the same day a failure explains more
    if failed is not None:
        events.append((failed.date, 0, *both(_FAILED[(item.kind, failed.type)],
                                             day=_d(failed.date))))
    if batch_fail is not None:
        day, other = batch_fail
        if other:
            events.append((day, 1, *both("batch {batch} scrapped: helmet {other} failed the "
                                         "spot-check test on {day}",
                                         batch=item.batch, other=other, day=_d(day))))
        else:
            events.append((day, 1, *both("batch {batch} scrapped: its sample failed the batch "
                                         "check on {day}", batch=item.batch, day=_d(day))))
    if retired is not None:
        events.append((retired, 2, *both("retired on {day}", day=_d(retired))))
    events.sort(key=lambda e: e[:2])
    day, rank, en, zh = events[0]
    if rank != 2 and retired is not None:
        also_en, also_zh = both("; retired on {day}", day=_d(retired))
        en, zh = en + also_en, zh + also_zh
    issued = item.in_service
    served = None
    if issued is not None and issued <= as_of:
        served = max(0, (min(day, as_of) - issued).days)
    return Status(item, "scrapped", None, basis, served,
                  None if retired is not None else "replace", ("text", en, zh), day)
