"""The equipment report as data, and its text formats: terminal table, JSON, CSV.

`Report` bundles what every writer needs: the as-of date, the policy, the statuses in register
order, and the holders (staff) by id. Writers return bytes or text; the CLI writes them
atomically. The binary formats live beside this module (xlsx.py, ics.py, pdf.py).
"""
from __future__ import annotations

import datetime as dt
import json
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable

from ..errors import Location, terminal_text
from ..data.models import EQUIPMENT_LABELS
from ..i18n import N_, _, _lp, in_language, language, ngettext
from .rules import STATUSES, Policy, Status, summary, urgent_first

# Labels for the codes, in the words a safety officer uses (docs/术语表.md); the Chinese is in
# the message catalog. The printed report, the spreadsheet and the calendar are Chinese
# documents (the *_ZH tables); the terminal table and the CSV follow --lang.
STATUS_WORDS = {"ok": _lp("equipment status", "ok"),
                "due_soon": _lp("equipment status", "due soon"),
                "due_today": _lp("equipment status", "due today"),
                "overdue": _lp("equipment status", "overdue"),
                "scrapped": _lp("equipment status", "scrapped"),
                "not_in_service": _lp("equipment status", "not in service"),
                "in_stock": _lp("equipment status", "in stock"),
                "invalid": _lp("equipment status", "invalid")}
# 'unknown': a record kept aside as invalid whose kind could not be read
KIND_WORDS = {"helmet": _lp("equipment kind", "helmet"),
              "insulated_shoes": _lp("equipment kind", "insulated shoes"),
              "unknown": _lp("equipment kind", "unknown kind")}
BASIS_WORDS = {"manufactured": _lp("counted from", "manufacture date"),
               "in_service": _lp("counted from", "in-service date")}
ACTION_WORDS = {("test", "helmet"): _lp("to do", "spot-check test"),
                ("test", "insulated_shoes"): _lp("to do", "preventive test"),
                ("replace", "helmet"): _lp("to do", "replace"),
                ("replace", "insulated_shoes"): _lp("to do", "replace")}
# An item in order (or not yet in service) has its action due on its due date, not now: said
# as such ('到期抽检'), so that a posted sheet never reads as if a check were needed today.
LATER_WORDS = {("test", "helmet"): _lp("to do", "spot-check test when due"),
               ("test", "insulated_shoes"): _lp("to do", "preventive test when due"),
               ("replace", "helmet"): _lp("to do", "replace when due"),
               ("replace", "insulated_shoes"): _lp("to do", "replace when due")}
LATER = frozenset({"ok", "not_in_service"})   # statuses whose action is due later
STATUS_EN = {k: in_language("en", w) for k, w in STATUS_WORDS.items()}
STATUS_ZH = {k: in_language("zh", w) for k, w in STATUS_WORDS.items()}
KIND_EN = {k: in_language("en", w) for k, w in KIND_WORDS.items()}
KIND_ZH = {**EQUIPMENT_LABELS, "unknown": in_language("zh", KIND_WORDS["unknown"])}
BASIS_ZH = {k: in_language("zh", w) for k, w in BASIS_WORDS.items()}
# Two meanings, two words (docs/术语表.md): an item of no team (its holder has no team, is
# not on the staff list, or it has no holder) is listed under NO_TEAM; an item issued to
# nobody (no holder) says NO_HOLDER where the holder would be. Every output uses these.
NO_TEAM_WORDS = N_("(no team)")       # （未分班组）
NO_HOLDER_WORDS = N_("(not issued)")  # （未发放）
NO_TEAM = in_language("zh", NO_TEAM_WORDS)
NO_HOLDER = in_language("zh", NO_HOLDER_WORDS)


def status_word(status: str, code: str | None = None) -> str:
    """An equipment status code ('due_soon') in words, in language `code` (default: current)."""
    return in_language(code or language(), STATUS_WORDS[status])


# An item whose status stands with data to fix (issue 19) says so beside its status.
WITH_DATA_TO_FIX = _lp("equipment status", "{status} (data to fix)")
DATA_TO_FIX = _lp("equipment status", "data to fix")   # the printed report's second line


def status_text(status: Status, code: str | None = None) -> str:
    """An item's status in words, in language `code`, marked when its data needs fixing
    ('已超期（数据待更正）'); `invalid` says that by itself."""
    code = code or language()
    word = in_language(code, STATUS_WORDS[status.status])
    if status.problems and status.status != "invalid":
        return in_language(code, WITH_DATA_TO_FIX).format(status=word)
    return word


def kind_word(kind: str, code: str | None = None) -> str:
    """The name of an equipment kind ('helmet' -> 安全帽) in language `code` (the current one by
    default)."""
    return in_language(code or language(), KIND_WORDS[kind])


def action_in(status: Status, code: str | None = None, on_due: bool = False) -> str:
    """What to do about an item (spot-check test, replace …), in language `code`: for an item
    in order, what to do on its due date ('spot-check test when due', 到期抽检). `on_due`: the
    words for the due day itself (a calendar event on that day): 抽检."""
    words = LATER_WORDS if status.status in LATER and not on_due else ACTION_WORDS
    word = words.get((status.action, status.kind))
    return in_language(code or language(), word) if word is not None else (status.action or "")


def action_en(status: Status) -> str:
    """What to do about an item (its status), in English."""
    return action_in(status, "en")


def action_zh(status: Status, on_due: bool = False) -> str:
    """What to do about an item (its status), in Chinese (`on_due`: see `action_in`)."""
    return action_in(status, "zh", on_due)


@dataclass
class Report:
    """Everything a writer needs. `people` maps staff ids to `Person` (for names and teams)."""

    as_of: dt.date
    statuses: list[Status]                 # register order
    policy: Policy = field(default_factory=Policy)
    people: dict[str, Any] = field(default_factory=dict)
    company: Any = None
    # where a record is in the data, by section and id: messages name it
    where: Callable[[str, str], Location | None] = lambda section, record_id: None
    made_after: int = 0                    # items manufactured after as_of: left out
    # checks that name no item of the register (a checks sheet's row for an unknown id, a
    # batch check for an unknown batch): they count for no item, and are said (Problems)
    unmatched: list = field(default_factory=list)

    @property
    def unmatched_failures(self) -> list:
        """The checks of `unmatched` whose result is a failure (`errors.UnmatchedCheck`):
        each may be a typo for a batch that the standard scraps (one dated after `as_of` had
        not happened yet)."""
        return [c for c in self.unmatched if getattr(c, "failed", False)
                and (c.date is None or c.date <= self.as_of)]

    @property
    def summary(self) -> dict[str, int]:
        return summary(self.statuses)

    @property
    def data_to_fix(self) -> int:
        """How many items have a value that could not be read, or contradict themselves
        (`Status.problems`), whatever their status."""
        return sum(1 for s in self.statuses if s.problems)

    @property
    def marked(self) -> int:
        """How many items show their status with data to fix (`data_to_fix` less those
        that are `invalid`)."""
        return sum(1 for s in self.statuses if s.problems and s.status != "invalid")

    def urgent_first(self) -> list[Status]:
        return urgent_first(self.statuses)

    def holder_name(self, status: Status) -> str:
        person = self.people.get(status.holder) if status.holder else None
        return person.name if person is not None else ""

    def team(self, status: Status) -> str:
        person = self.people.get(status.holder) if status.holder else None
        return (person.team or "") if person is not None else ""


def build_report(dataset, as_of: dt.date, policy: Policy) -> Report:
    """Assess a loaded Dataset's register, its batch checks, and the records kept aside as
    incomplete (`load_dataset(keep_incomplete=True)`), in their place in the register: each
    assessed on what could be read of it, its problems in `Status.problems` (see
    `rules.assess`). A batch check kept aside gives its problems to every item of its kind
    and batch (their status cannot rest on their batch's sample), and, failing, still
    scraps the batch; one whose batch or kind cannot be read names no item (the command
    and the web page say its problems). A failing check that names a batch or item the
    register lacks (`errors.UnmatchedCheck`) may be a typo for the one it is closest to: the
    items of that batch, or that item, get a problem saying so (`unmatched_doubts`), so
    none of them shows as fine until the check is corrected (standard 002: 抽验不合格则该批
    安全帽即报废); the report lists every such check (`Report.unmatched_failures`)."""
    from .rules import assess
    register = dataset.equipment
    items, flagged = register, None
    checks, by_batch = dataset.batch_checks, _unreadable_batch_checks(dataset, as_of)
    if by_batch:   # a failure scraps its batch whatever else cannot be read
        checks = checks + [c for c, _problems in dataset.incomplete_batch_checks
                           if c.date is not None and c.result == "fail"
                           and (c.kind, c.batch) in by_batch]
    doubts = unmatched_doubts(getattr(dataset, "unmatched_checks", ()), as_of)
    for key, problems in doubts.items():
        if key[0] == "batch":
            by_batch.setdefault(key[1:], []).extend(problems)
    if dataset.incomplete or by_batch or doubts:
        items, flagged = [], {}
        start = 0
        for position, item, problems in dataset.incomplete:   # positions: in `register`
            items.extend(register[start:position])
            start = max(start, position)
            flagged[len(items)] = problems
            items.append(item)
        items.extend(register[start:])
        if by_batch or doubts:
            for n, item in enumerate(items):
                more = [*by_batch.get((item.kind, item.batch), ()),
                        *doubts.get(("item", item.id), ())]
                if more:
                    flagged[n] = [*flagged.get(n, ()), *more]
    statuses = assess(items, as_of, policy, checks, flagged)
    return Report(as_of, statuses, policy,
                  {p.id: p for p in dataset.staff}, dataset.company,
                  lambda section, record_id: dataset.origins.get((section, record_id)),
                  len(items) - len(statuses),   # assess leaves out those made_after
                  checks_by(getattr(dataset, "unmatched_checks", ()), as_of))


def checks_by(unmatched: Iterable, as_of: dt.date) -> list:
    """The checks naming nothing of the register (`Dataset.unmatched_checks`) that had
    happened by `as_of`: one dated after it is left out, as every record dated after it is
    (one whose date cannot be read is kept)."""
    return [c for c in unmatched
            if getattr(c, "date", None) is None or c.date <= as_of]


# What an item the closest to a failing check that names nothing gets (in both languages).
DOUBT_BATCH = N_("a failing batch check names batch {name}, which the register lacks; if it "
                 "means this batch ({likely}), the whole batch is scrapped: correct the "
                 "batch check")
DOUBT_ITEM = N_("a failing check names {name}, which the register lacks; if it means this "
                "item ({likely}), it is scrapped: correct the check's ID")


def unmatched_doubts(unmatched, as_of: dt.date) -> dict[tuple, list]:
    """('batch', kind, batch) or ('item', id) -> the problems (`rules.Contradiction`, said in
    both languages, at the check's place) of the batch or item that a failing check naming
    nothing of the register is closest to (`UnmatchedCheck.candidates`: every one as
    close); a check dated after `as_of` had not happened yet. Pure."""
    from ..i18n import both
    from .rules import Contradiction
    out: dict[tuple, list] = {}
    for check in unmatched:
        if not getattr(check, "failed", False) or not check.candidates or (
                check.date is not None and check.date > as_of):
            continue
        # every batch (or item) as close: none of them shows as fine
        for candidate in check.candidates:
            en, zh = both(DOUBT_BATCH if check.kind else DOUBT_ITEM, name=check.name,
                          likely=candidate)
            key = ("batch", check.kind, candidate) if check.kind else ("item", candidate)
            out.setdefault(key, []).append(Contradiction(en, check.location, check.path, zh))
    return out


def _unreadable_batch_checks(dataset, as_of: dt.date) -> dict[tuple[str, str], list]:
    """(kind, batch) -> the problems of the batch checks of that batch kept aside (one
    dated after `as_of` had not happened yet)."""
    out: dict[tuple[str, str], list] = {}
    for check, problems in getattr(dataset, "incomplete_batch_checks", ()):
        if check.batch is None or check.kind is None or (
                check.date is not None and check.date > as_of):
            continue
        out.setdefault((check.kind, check.batch), []).extend(problems)
    return out


# ---------------------------------------------------------------------------------- JSON
def _unmatched_json(check) -> dict:
    """A check naming nothing of the register, as the JSON lists it: its problem
    (`problems.as_json`), whether it failed (`failed`: it would scrap its batch) and the
    register's closest batch or id (`likely`, null when none is close) with every one as
    close (`candidates`)."""
    from .problems import as_json
    return {**as_json(check), "failed": bool(getattr(check, "failed", False)),
            "likely": getattr(check, "likely", None),
            "candidates": list(getattr(check, "candidates", ()))}


def to_json(report: Report) -> str:
    """The JSON contract of issue 5: as_of, items (register order), summary of every status,
    and made_after_as_of (items manufactured after as_of, left out of the items).

    One item per line: readable, diffable day to day. Written line by line rather than through
    `json.dumps` (a dict per item cost more than the writing): the text that people typed (id,
    holder, batch) and the reasons go through the json module's own string encoder; the
    other values are codes, dates and numbers, which need no escaping. The bytes are those
    of `json.dumps(..., ensure_ascii=False, separators=(", ", ": "))`, one item per line.
    """
    from .problems import as_json
    text = json.encoder.encode_basestring  # the C encoder json.dumps uses (ensure_ascii=False)
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    reasons: dict[tuple, str] = {}         # a register has few distinct reasons
    # holders, batches, due dates and actions repeat: each distinct one is written once
    written: dict[Any, str] = {None: "null"}
    lines = []
    append = lines.append
    for s in report.statuses:
        item, why, due, days, action = s.item, s.why, s.due, s.in_service_days, s.action
        if s.problems:   # said with its data to fix: its own reason
            why = (why, s.problems)
        reason = reasons.get(why)
        if reason is None:
            reason = reasons[why] = text(s.reason) if why else "null"
        holder, batch = written.get(item.holder), written.get(item.batch)
        if holder is None:
            holder = written[item.holder] = text(item.holder)
        if batch is None:
            batch = written[item.batch] = text(item.batch)
        due_text, action_text = written.get(due), written.get(action)
        if due_text is None:
            due_text = written[due] = f'"{due.isoformat()}"'
        if action_text is None:
            action_text = written[action] = text(action)
        append(f'{{"id": {text(item.id)}, "kind": "{item.kind}", "holder": {holder}, '
               f'"batch": {batch}, "status": "{s.status}", "due": {due_text}, '
               f'"basis": "{s.basis}", '
               f'"in_service_days": {"null" if days is None else int(days)}, '
               f'"action": {action_text}, "reason": {reason}, '
               f'"problems": {dumps([as_json(p) for p in s.problems]) if s.problems else "[]"}}}')
    head = f'{{\n  "as_of": {dumps(report.as_of.isoformat())},\n  "items": ['
    tail = (f'],\n  "summary": {dumps(report.summary)},\n'
            f'  "made_after_as_of": {int(report.made_after)},\n'
            f'  "data_to_fix": {report.data_to_fix},\n'
            f'  "unmatched_checks": {dumps([_unmatched_json(p) for p in report.unmatched])}'
            '\n}\n')
    if not lines:
        return head + tail
    lines[0] = head + "\n    " + lines[0]
    lines[-1] += "\n  " + tail
    return ",\n    ".join(lines)  # one copy of a big register's text, not three


# ----------------------------------------------------------------------------------- CSV
CSV_COLUMNS = ("id", "kind", "holder", "holder_name", "team", "batch", "status", "due",
               "days_left", "basis", "in_service_days", "action", "reason", "status_zh",
               "action_zh", "reason_zh")


def rows(report: Report, statuses: Iterable[Status] | None = None) -> Iterable[tuple[str, ...]]:
    """One tuple of texts per item, in CSV_COLUMNS order, most urgent first. An item issued
    to nobody says （未发放） as its holder's name, one of no team （未分班组） as its team, in
    the language of the CSV (NO_HOLDER_WORDS, NO_TEAM_WORDS), as every other output does; its
    holder's ID is empty."""
    as_of = report.as_of
    people = report.people
    no_team = _(NO_TEAM_WORDS)
    holders: dict[str | None, tuple[str, str]] = {None: (_(NO_HOLDER_WORDS), no_team)}
    reasons: dict[tuple, tuple[str, str]] = {(): ("", "")}         # why -> (English, Chinese)
    actions: dict[tuple, str] = {}                          # (action, kind, later) -> 中文
    for s in (urgent_first(report.statuses) if statuses is None else statuses):
        item = s.item
        holder = item.holder
        person = holders.get(holder)
        if person is None:
            found = people.get(holder) if holder else None
            person = holders[holder] = ((found.name, found.team or no_team)
                                        if found is not None else ("", no_team))
        why = s.why if not s.problems else (s.why, s.problems)
        reason = reasons.get(why)
        if reason is None:
            reason = reasons[why] = (s.reason or "", s.reason_zh or "")
        due = s.due
        days = s.in_service_days
        action = s.action
        said = (action, item.kind, s.status in LATER)
        to_do = actions.get(said)
        if to_do is None:
            to_do = actions[said] = action_zh(s)
        yield (item.id, item.kind, holder or "", person[0], person[1], item.batch or "",
               s.status, due.isoformat() if due else "", str((due - as_of).days) if due else "",
               s.basis, "" if days is None else str(days), action or "", reason[0],
               status_text(s, "zh") if s.problems else STATUS_ZH[s.status], to_do, reason[1])


# The Chinese CSV (the default): Chinese headers and words first, then the codes as in the
# JSON for tools. Each entry: (header, index in a `rows` tuple).
def csv_layout_zh() -> list[tuple[str, int]]:
    """The Chinese CSV's columns: (header, index into CSV_COLUMNS) each; -1 the kind's label, -2
    the date the period is counted from."""
    i = {name: n for n, name in enumerate(CSV_COLUMNS)}
    return [(_lp("csv", "ID"), i["id"]), (_lp("csv", "kind"), -1),
            (_lp("csv", "status"), i["status_zh"]), (_lp("csv", "due"), i["due"]),
            (_lp("csv", "days left"), i["days_left"]), (_lp("csv", "to do"), i["action_zh"]),
            (_lp("csv", "why"), i["reason_zh"]), (_lp("csv", "holder"), i["holder_name"]),
            (_lp("csv", "holder ID"), i["holder"]), (_lp("csv", "team"), i["team"]),
            (_lp("csv", "batch"), i["batch"]), (_lp("csv", "counted from"), -2),
            (_lp("csv", "days in service"), i["in_service_days"]),
            ("kind", i["kind"]), ("status", i["status"]), ("action", i["action"]),
            ("basis", i["basis"])]


def to_csv(report: Report) -> bytes:
    """UTF-8 with a byte-order mark, so Excel shows the Chinese names. In Chinese (the
    default): Chinese headers and words first, then the codes of the JSON (kind, status,
    action, basis); in English: CSV_COLUMNS (codes, then the Chinese words).

    The bytes `csv.writer` writes (minimal quoting, CRLF), a row at a time: a row whose values
    hold no comma, quote or line break is its values joined by commas; any other row is
    quoted value by value, as `csv.writer` quotes.
    """
    header, table = CSV_COLUMNS, rows(report)
    if language() == "zh":
        layout = csv_layout_zh()
        header = [str(h) for h, _n in layout]
        kinds = {k: in_language("zh", w) for k, w in KIND_WORDS.items()}
        basis = BASIS_ZH
        kind_at, basis_at = CSV_COLUMNS.index("kind"), CSV_COLUMNS.index("basis")
        picks = [n for _, n in layout]

        def chinese(table):
            for row in table:
                yield tuple(kinds.get(row[kind_at], row[kind_at]) if n == -1 else
                            basis.get(row[basis_at], row[basis_at]) if n == -2 else row[n]
                            for n in picks)
        table = chinese(table)
    commas = len(header) - 1
    # UTF-8 line by line: a register's text (mostly Chinese) is held once, as bytes
    lines = [",".join(header).encode("utf-8-sig")]
    append = lines.append
    for row in table:
        line = ",".join(row)
        if (line.count(",") != commas or '"' in line or "\n" in line or "\r" in line):
            line = ",".join([_quoted(v) for v in row])
        append(line.encode("utf-8"))
    lines.append(b"")
    return b"\r\n".join(lines)


def _quoted(value: str) -> str:
    if "," in value or '"' in value or "\n" in value or "\r" in value:
        return '"' + value.replace('"', '""') + '"'
    return value


# --------------------------------------------------------------------------------- table
def width(text: str) -> int:
    """Columns a string takes in a terminal: CJK characters take two."""
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _cut(text: str, limit: int) -> str:
    if width(text) <= limit:
        return text
    out, used = "", 0
    for ch in text:
        w = width(ch)
        if used + w > limit - 1:
            break
        out += ch
        used += w
    return out + "…"


def _pad(text: str, size: int, right: bool = False) -> str:
    gap = " " * max(0, size - width(text))
    return gap + text if right else text + gap


TABLE_COLUMNS = ("ID", "kind", "status", "due", "days", "in service", "to do", "holder",
                 "team", "why")
_RIGHT = {"days", "in service"}
_LIMITS = {"holder": 32, "team": 24, "ID": 24}  # "why" is last: never cut


def table_headers() -> tuple[str, ...]:
    """TABLE_COLUMNS in the current language."""
    return (_("ID"), _lp("column", "kind"), _lp("column", "status"), _lp("column", "due"),
            _lp("column", "days"), _lp("column", "in service"), _lp("column", "to do"),
            _lp("column", "holder"), _lp("column", "team"), _lp("column", "why"))


def summary_line(report: Report) -> str:
    """The report's one-line count by status ('50 items as of 2026-11-21: 21 fine, ...'), how
    many of them have data to fix, and the line about items made after that date when there
    are any."""
    counts = report.summary
    total = sum(counts.values())
    parts = [_("{n} {status}").format(n=counts[k], status=status_word(k))
             for k in STATUSES if counts[k]]
    line = ngettext("{n} item as of {date}: {counts}", "{n} items as of {date}: {counts}",
                    total).format(n=total, date=report.as_of.isoformat(),
                                  counts=_(", ").join(parts) if parts
                                  else _("nothing in the register"))
    to_fix = report.marked   # the invalid ones say it by their status
    if to_fix:
        line += _("; {n} with data to fix (see why)").format(n=to_fix)
    if report.made_after:
        line += "\n" + made_after_line(report)
    if report.unmatched:
        line += "\n" + unmatched_line(report)
    failures = failure_lines(report)
    if failures:
        line += "\n" + "\n".join(failures)
    return line


# A failing check that names nothing of the register: said in the report itself, first
# (standard 002: 抽验不合格则该批安全帽即报废; a typo must not leave the batch shown fine).
FAILED_HEAD = N_("!! {n} failing check(s) name a batch or item that the register lacks, so "
                 "they scrap nothing until corrected (a failing sample scraps its whole "
                 "batch):")
FAILURES_TITLE = ("须立即核对：以下不合格的检查记录写的批次或编号台账中没有，"
                  "在更正之前没有任何一件因此报废")   # the printed report's and workbook's
FAILED_WHAT = {"batch": _lp("unmatched check", "batch check"),
               "item": _lp("unmatched check", "check")}
FAILED_LIKELY_BATCH = N_("did you mean {likely}? its items are marked as data to fix until "
                         "this is corrected")
FAILED_LIKELY_ITEM = N_("did you mean {likely}? it is marked as data to fix until this is "
                        "corrected")
FAILED_NONE_BATCH = N_("no batch of the register is close: find the batch it tested, and "
                       "scrap it")
FAILED_NONE_ITEM = N_("no item of the register is close: find the item it checked")
FAILED_LINE = N_("  - {check} ({where}): {todo}")


def failure_rows(report: Report, code: str | None = None) -> list[dict[str, str]]:
    """The failing checks that name nothing of the register (`Report.unmatched_failures`),
    one dict of text each, in language `code` (default: the current one): what (batch
    check or check), name (as written), kind (the equipment kind, or ''), date ('' when not
    known), where (file and row or line), todo (the likely batch or item, or where to look)."""
    from .problems import place
    code = code or language()
    rows = []
    for check in report.unmatched_failures:
        batch = check.kind is not None
        if check.likely is not None:
            todo = in_language(code, FAILED_LIKELY_BATCH if batch else FAILED_LIKELY_ITEM)
        else:
            todo = in_language(code, FAILED_NONE_BATCH if batch else FAILED_NONE_ITEM)
        rows.append({
            "what": in_language(code, FAILED_WHAT["batch" if batch else "item"]),
            "name": check.name, "kind": kind_word(check.kind, code) if batch else "",
            "date": check.date.isoformat() if check.date is not None else "",
            "where": place(check.location) if check.location is not None else check.path,
            "todo": todo.format(likely=" / ".join(check.candidates))})
    return rows


def failure_lines(report: Report, code: str | None = None) -> list[str]:
    """`failure_rows` as lines under a heading (the terminal, the chat message), or []."""
    rows = failure_rows(report, code)
    if not rows:
        return []
    code = code or language()
    lines = [in_language(code, FAILED_HEAD).format(n=len(rows))]
    line = in_language(code, FAILED_LINE)
    for r in rows:
        said = " ".join(v for v in (r["what"], r["name"], r["kind"], r["date"]) if v)
        lines.append(line.format(check=said, where=r["where"], todo=r["todo"]))
    return lines


# said with the count; the checks themselves are in the warnings (and the JSON)
UNMATCHED = N_("{n} check record(s) name no item or batch of the register and count for none: "
               "see the warnings (data to fix)")


def unmatched_line(report: Report, code: str | None = None) -> str:
    """The line under the table for checks that name no item of the register (in language
    `code`, default the current one)."""
    return in_language(code or language(), UNMATCHED).format(n=len(report.unmatched))


def made_after_line(report: Report) -> str:
    """The line under the table for items made after the as-of date."""
    return _("{n} item(s) manufactured after {day} left out: they did not exist that day"
             ).format(n=report.made_after, day=report.as_of.isoformat())


def _why(status: Status, code: str, seen: dict) -> str:
    if status.problems:
        return status.reason_in(code) or ""
    text = seen.get(status.why)
    if text is None:
        text = seen[status.why] = status.reason_in(code) or ""
    return text


def to_table(report: Report) -> str:
    """The terminal view: most urgent first, aligned columns (CJK-aware), a summary line.

    `days` is days until the due date (negative: days overdue); `in service` days served.
    """
    body = []
    code = language()
    reasons: dict[tuple, str] = {}  # a register has few distinct reasons
    no_holder, no_team = _(NO_HOLDER_WORDS), _(NO_TEAM_WORDS)
    for s in report.urgent_first():
        name = report.holder_name(s)
        holder = f"{name} ({s.holder})" if name else (s.holder or no_holder)
        left = s.days_left(report.as_of)
        body.append((s.id, kind_word(s.kind, code), status_text(s, code),
                     s.due.isoformat() if s.due else "",
                     "" if left is None else str(left),
                     "" if s.in_service_days is None else str(s.in_service_days),
                     action_in(s, code), holder, report.team(s) or no_team,
                     _why(s, code, reasons)))
    # a terminal view: control characters from the data are shown escaped (\x1b), never run
    body = [tuple(_cut(terminal_text(v, one_line=True), _LIMITS.get(h, 999))
                  for h, v in zip(TABLE_COLUMNS, row)) for row in body]
    headers = table_headers()
    sizes = [max([width(h)] + [width(row[i]) for row in body])
             for i, h in enumerate(headers)]
    lines = []
    for row in [headers] + body:
        cells = [_pad(v, sizes[i], TABLE_COLUMNS[i] in _RIGHT) for i, v in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    lines.insert(1, "  ".join("-" * n for n in sizes))
    lines.append("")
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"
