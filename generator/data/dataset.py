"""Load → validate → cross-check: from data files to one Dataset, or every problem at once."""
from __future__ import annotations

import datetime as _dt
import gc
from array import array
from collections import deque
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from itertools import repeat
from operator import attrgetter
from pathlib import Path, PurePath
from typing import Any, Iterable, get_args

from pydantic import BaseModel, ValidationError

from ..errors import Location, MissingFile, Problem, UserError, in_reading_order
from ..i18n import _, pgettext, words
from .models import (EQUIPMENT_LABELS, SECTIONS, SPACE, BatchCheck, Check, Company,
                     EquipmentItem, FileMissing, Person, PhraseBook, WorkOrder,
                     clean_list_validator)
from ..errors import UnmatchedCheck, closest_all, suggest
from .record_checks import model_in, stands_in_as_text, whole_record_problems
from .sources import read_sections
from .yamlsource import MarkedList, locate

LIST_SECTIONS = ("staff", "work_orders", "equipment", "batch_checks")
MODELS = {"staff": Person, "work_orders": WorkOrder, "equipment": EquipmentItem,
          "batch_checks": BatchCheck}
REFERENCES = {"work_orders": "engineer", "equipment": "holder"}  # fields naming a staff id
CHUNK = 4096  # records validated at a time


@dataclass
class Dataset:
    """Everything the data files say, validated."""

    company: Company | None = None
    staff: list[Person] = field(default_factory=list)
    work_orders: list[WorkOrder] = field(default_factory=list)
    equipment: list[EquipmentItem] = field(default_factory=list)
    phrases: PhraseBook | None = None      # the service-phrase pocket card's content
    batch_checks: list[BatchCheck] = field(default_factory=list)
    # load_dataset(keep_incomplete=True): equipment records that did not validate (or name a
    # holder not on the staff list), kept aside for the report's `invalid` section:
    # [(their place among `equipment`, a stand-in item with what could be read, problems)]
    incomplete: list[tuple[int, EquipmentItem, list[Problem]]] = field(default_factory=list)
    # and the batch checks that did not validate: [(a stand-in with the values that could be
    # read, None for the others: `salvage_batch_check`, problems)]
    incomplete_batch_checks: list[tuple[BatchCheck, list[Problem]]] = field(
        default_factory=list)
    # and the checks that name nothing of the register: a checks sheet's row (检查记录) for an
    # id the register lacks, a batch check for a batch it lacks (they count for no item)
    unmatched_checks: list[Problem] = field(default_factory=list)
    # load_dataset(keep_valid_staff=True): the problems of the staff records left out, and
    # the ids and names they give (a photo named so is theirs, not unused)
    refused_staff: list[Problem] = field(default_factory=list)
    left_out_names: set[str] = field(default_factory=set)
    # the same problems by the staff id of the record left out (None: a record with no id)
    refused_ids: dict[str | None, list[Problem]] = field(default_factory=dict)
    # load_dataset(keep_valid_orders=True): the problems of the work orders left out for a
    # problem of their own (a bad field, an engineer not on the staff list), by the order's
    # id as written (None: a record with no id): `--only` of other orders prints without them
    refused_orders: dict[str | None, list[Problem]] = field(default_factory=dict)
    # the ids of the records of each list section that did not load for a problem of their
    # own, as written: an --only naming one names a record the data has
    unread_ids: dict[str, set[str]] = field(default_factory=dict)
    # staff records that did not validate, as people with the fields that do, and where each
    # starts: their photo (and the rest the cards check) is checked in the same round as the
    # row's other problems (a missing photo not hidden until a star rating is fixed)
    unloaded_staff: list[tuple[Person, Location | None]] = field(default_factory=list)
    # the company section when it has problems, as far as it reads (its fields with a mistake
    # left out: their defaults), and those fields: for checks said in the same round as its
    # problems (a name too long for its badge), `readable`
    readable_company: Company | None = None
    unread_company: frozenset[str] = frozenset()
    # load_dataset(missing_files="apart"): the files the data names that do not exist, when
    # nothing else is wrong (the records naming them are loaded)
    missing: list[MissingFile] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    # every file read: `files` and a company.yaml or staff.yaml found beside them (-o may not
    # name any of them: issue 15.9)
    read: list[Path] = field(default_factory=list)
    # the files each section was read from, {section: [file]} (a staff list apart from the
    # register: `staff_list.without_faulty_staff`)
    sources: dict[str, list[Path]] = field(default_factory=dict)
    # where each record starts, as loading left it: [(section, list, [(id, index)])]
    _places: list = field(default_factory=list, repr=False, compare=False)
    _origins: dict = field(default_factory=dict, repr=False, compare=False)
    _company_raw: Any = field(default=None, repr=False, compare=False)

    def left_out_engineers(self, orders) -> tuple[list[Problem], list[Problem]]:
        """For forms (which print no photo nor QR picture of a person), the problems of the
        staff records left out (keep_valid_staff), a missing file of theirs not among them:
        (those of the engineers `orders` name: their orders would print without the
        engineer's name and team, so these stop the print; the others: warnings)."""
        named: dict[str, list[str]] = {}
        for order in orders:
            if order.engineer is not None:
                named.setdefault(order.engineer, []).append(order.id)
        stopping, warnings = [], []
        for staff_id, problems in self.refused_ids.items():
            own = [p for p in problems if type(p) is not MissingFile]
            if staff_id in named and own:
                ids = named[staff_id]
                stopping += own + [Problem(_(
                    "{orders}: engineer {id}'s row on the staff list has the problem(s) said "
                    "here; fix that row, or print without these orders").format(
                    orders=words(ids, "plain"), id=staff_id),
                    self.origins.get(("work_orders", ids[0])))]
            else:
                warnings += own
        return in_reading_order(stopping), in_reading_order(warnings)

    @property
    def origins(self) -> dict[tuple[str, str], Location | None]:
        """Where each record starts, by (section, id): renderers name records in their messages.
        Looked up from the loaded lists when first asked for (a register's report never asks:
        a Location per item was 0.1 s of 100,000)."""
        if self._places:
            origins = self._origins
            for section, records, placed in self._places:
                for record_id, index in placed:
                    origins[(section, record_id)] = (records.location(index)
                                                     if records is not None else None)
            self._places.clear()
        return self._origins

    def company_location(self, path: tuple = ()) -> Location | None:
        """Where a value of the company section is (path like ('qr_codes', 1, 'data')), as
        precisely as known: its line and column in YAML, else the company file (a key the
        section does not have: the file, not the line of the section's first key)."""
        if self._company_raw is None:
            return None
        file, raw = self._company_raw
        if path and isinstance(raw, dict) and path[0] not in raw:
            return Location(str(file))
        return _locate(raw, tuple(path)) or Location(str(file))

    @property
    def company_given(self) -> bool:
        """Did the data (or a company.yaml beside it) give a company section, valid or not?"""
        return self._company_raw is not None

    def readable(self) -> "Dataset":
        """This dataset with, when its company section has problems, the company as far as it
        reads (`readable_company`) in its place: what the card checks run on, in the same
        round as those problems. Checks of its fields in `unread_company` say nothing true."""
        if self.company is not None or self.readable_company is None:
            return self
        from dataclasses import replace
        return replace(self, company=self.readable_company)

    def person(self, staff_id: str | None) -> Person | None:
        if staff_id is None:
            return None
        return self._staff_index().get(staff_id)

    def _staff_index(self) -> dict[str, Person]:
        index = self.__dict__.get("_staff_by_id")
        if index is None or len(index) != len(self.staff):
            index = self.__dict__["_staff_by_id"] = {p.id: p for p in self.staff}
        return index

    def require_company(self) -> Company:
        if self.company is None:
            first = self.files[0] if self.files else Path("data.yaml")
            raise UserError(Problem(_(
                "no company given: add a 'company:' section, or a company.yaml beside "
                "{file} (fieldprint template company.yaml writes one to fill in)").format(
                    file=first.name),
                Location(str(first))))
        return self.company

    def where(self, section: str, record_id: str) -> str:
        """'examples/staff.yaml:14:5' for a record, for messages."""
        loc = self.origins.get((section, record_id))
        return str(loc) if loc else section


# ------------------------------------------------------------------------------- messages
def _path(section: str, index: int | None, loc: Iterable[Any]) -> str:
    text = section if index is None else f"{section}[{index + 1}]"
    for step in loc:
        text += f"[{step + 1}]" if isinstance(step, int) else f".{step}"
    return text


def show(value: Any) -> str:
    """A value as a message shows it: dates as 2025-03-01 (never datetime.date(2025, 3, 1)),
    text in quotes."""
    import datetime as _dt
    if isinstance(value, _dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M") if value.time() else value.date().isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return repr(value)


def _reword(error: dict, model: type) -> str:
    """pydantic's message, said for an office user."""
    import datetime as _dt
    kind = error["type"]
    value = error.get("input")
    if kind == "extra_forbidden":
        return unknown_field_message(model, tuple(error["loc"]))
    if kind == "missing":
        return _("required field {field!r} is missing").format(field=error["loc"][-1])
    if kind == "literal_error":
        from .models import choices_text
        expected = error.get("ctx", {}).get("expected", "")
        field = error["loc"][-1] if error.get("loc") else ""
        words = choices_text(model, str(field))
        if words:
            return _("{value!r} is not allowed here; write one of {choices}").format(
                value=_Shown(value), choices=words) + _quote_hint(value)
        return _("{value!r} is not allowed here; use one of {expected}").format(
            value=_Shown(value), expected=str(expected).replace(" or ", _(" or "))
        ) + _quote_hint(value)
    if kind in ("value_error", "assertion_error"):
        return str(error.get("ctx", {}).get("error", error["msg"]))
    if kind == "string_type":
        if isinstance(value, bool):
            return _("should be text, not the yes/no value {value}: YAML reads yes, no, on, "
                     "off, true and false (in any case) as yes/no. Put it in quotes to say it "
                     "is text, e.g. \"NO\"").format(value=str(value).lower())
        if isinstance(value, (_dt.date, _dt.datetime)):
            return _("should be text, not the date {value}: YAML reads it as a date. Put it in "
                     "quotes to say it is text, e.g. \"{value}\"").format(value=show(value))
        return _("should be text, not {value!r}").format(value=_Shown(value))
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("should be a mapping of fields (key: value), not {value!r}").format(
            value=_short(value))
    if kind == "list_type":
        return _("should be a list (lines starting with '- '), not {value!r}").format(
            value=_short(value))
    if kind == "int_from_float":   # 4.5 stars
        return _("should be a whole number, not {value!r}").format(value=value)
    if kind in ("int_parsing", "int_type", "float_parsing", "float_type"):
        return _("should be a number, not {value!r}").format(value=value)
    if kind.startswith("greater_than"):
        return _("{value!r} is out of range: it should be at least {limit}").format(
            value=value, limit=_limit(error))
    if kind.startswith("less_than"):
        return _("{value!r} is out of range: it should be at most {limit}").format(
            value=value, limit=_limit(error))
    if kind in ("string_too_short",):
        return _("must not be empty")
    return _("{value!r} is not allowed here ({reason})").format(value=value,
                                                                reason=error["msg"])


def _short(value: Any) -> Any:
    text = repr(value)
    return value if len(text) <= 60 else text[:57] + "..."


def _limit(error: dict) -> str:
    ctx = error.get("ctx", {})
    for key in ("ge", "gt", "le", "lt"):
        if key in ctx:
            return str(ctx[key])
    return ""


class _Shown:
    """A value whose repr is `show(value)` (for messages formatted with {value!r})."""

    def __init__(self, value: Any):
        self.value = value

    def __repr__(self) -> str:
        return show(self.value)


def _quote_hint(value: Any) -> str:
    """For a yes/no value YAML made of a word: say how to keep the word."""
    if isinstance(value, bool):
        return _(" (YAML read a word such as yes, no, on or off as {value}; put it in quotes "
                 "to keep the word)").format(value=str(value).lower())
    return ""


def unknown_field_message(model: type, loc: tuple) -> str:
    """"unknown field 'phnoe'; did you mean 'phone'? (known: ...)" for the key at `loc`."""
    key = str(loc[-1])
    fields = _fields_at(model, loc[:-1])
    return (_("unknown field {field!r}").format(field=key) + suggest(key, fields)
            + (_(" (known: {fields})").format(fields=words(fields)) if fields else ""))


def _fields_at(model: type, loc: tuple) -> list[str]:
    """Field names of the (sub)model at a location, for 'did you mean'."""
    current = model
    for step in loc:
        if isinstance(step, int):
            continue
        info = getattr(current, "model_fields", {}).get(step)
        if info is None:
            return []
        current = model_in(info.annotation)
        if current is None:
            return []
    return [f.alias or name for name, f in getattr(current, "model_fields", {}).items()]


# ------------------------------------------------------------------------------- validation
def validate_record(raw: Any, model: type, section: str, index: int | None,
                    context: dict, problems: list[Problem]):
    """One record (`raw`, a mapping from a data file) through its model (the reference route):
    the model instance, or None with its problems appended to `problems`, each with file:line
    and its path ('staff[3].photo'); warnings go to context["warnings"] likewise. A file the
    record names that does not exist is a `MissingFile` problem; with context["missing_files"]
    "apart", a record whose only problems are such files is valid all the same."""
    warnings = context.setdefault("warnings", [])
    warnings_before = len(warnings)
    try:
        result = model.model_validate(raw, context=context)
    except ValidationError as exc:
        result = None
        said = _said(exc, raw, model, section, index)
        said += _said_of_whole(exc, raw, model, section, index, context, said)
        problems.extend(said)
        if context.get("missing_files") == "apart" and all(type(p) is MissingFile
                                                           for p in said):
            del warnings[warnings_before:]           # said again by the second pass
            try:
                result = model.model_validate(raw, context={**context, "missing_files": "ignore"})
            except ValidationError as exc:           # a check of the whole record, once whole
                problems.extend(_said(exc, raw, model, section, index))
    for i in range(warnings_before, len(context["warnings"])):
        w = context["warnings"][i]
        if not w.path.startswith(section):
            # a model knows only the field's own name (phone): its path from the record's
            # (customer.phone) is where in the record that value was read
            loc = _value_path(raw, w.location) or ((w.path,) if w.path else ())
            context["warnings"][i] = Problem(w.message, w.location or _locate(raw, loc, section),
                                             _path(section, index, loc))
    return result


def _said_of_whole(exc: ValidationError, raw: Any, model: type, section: str,
                          index: int | None, context: dict, said: list[Problem]
                          ) -> list[Problem]:
    """What a record with a bad field or an unknown key would also be told once they are
    fixed: the checks of a whole record (a QR code with neither data nor image, an item with
    no date at all) run only once its fields are right (a misspelt `kind: helmett` hid the
    missing dates, 'dat:' hid 'give data or image'). Those checks on what could be read
    (`record_checks.whole_record_problems`); the problems not said yet."""
    locs = [tuple(e["loc"]) for e in exc.errors(include_url=False)]
    absent = getattr(getattr(raw, "info", None), "absent", ())   # a table's missing columns
    locs += [tuple(field.split(".")) for field in absent]
    known = {(p.path, p.message) for p in said}
    found = []
    for loc, message in whole_record_problems(raw, model, locs, context):
        problem = Problem(message, _locate(raw, loc, section), _path(section, index, loc))
        if (problem.path, problem.message) not in known:
            found.append(problem)
    return found


def _said(exc: ValidationError, raw: Any, model: type, section: str, index: int | None
          ) -> list[Problem]:
    """The problems of a record that did not validate, each with its place and path; a
    required field whose column the table lacks (said once for the table) is not said."""
    said = []
    for error in _one_per_union(exc.errors(include_url=False)):
        loc = tuple(error["loc"])
        if error["type"] == "missing" and _column_absent(raw, loc):
            continue
        where = _locate(raw, loc, section)
        message = _reword(error, model)
        if error["type"] == "missing" and where is not None and where.header:
            message = _("required, but the cell is empty")  # the header names the field
        missing = error.get("ctx", {}).get("error")
        if isinstance(missing, FileMissing):
            said.append(MissingFile(message, where, _path(section, index, loc),
                                    str(missing.path)))
        else:
            said.append(Problem(message, where, _path(section, index, loc)))
    return said


# the member of a union that pydantic names in an error's place (page.size.literal['A3','A4'],
# page.size.tuple[constrained-float, constrained-float], options.str): not a key of the data
_MEMBER_TAGS = frozenset({"str", "int", "float", "bool", "dict", "list", "none"})


def _one_per_union(errors: list[dict]) -> list[dict]:
    """pydantic's errors, one per place: a value that fits no member of a union (a page size
    that is neither A4 nor [width, height]) gets an error per member, which said a mistake
    twice under two strange names. One is kept, at the field's own place: for a text, the
    member's that names the allowed words (a literal's), else the other member's."""
    kept: list[dict] = []
    at: dict[tuple, int] = {}
    for error in errors:
        loc = tuple(error["loc"])
        tags = [i for i, step in enumerate(loc) if isinstance(step, str) and (
            "[" in step or step in _MEMBER_TAGS)]
        if not tags:
            kept.append(error)
            continue
        union = loc[:tags[0]]   # the field whose value fits no member
        error = {**error, "loc": tuple(s for i, s in enumerate(loc) if i not in tags)}
        if union not in at:
            at[union] = len(kept)
            kept.append(error)
        elif (error["type"] == "literal_error") == isinstance(error.get("input"), str):
            kept[at[union]] = error
    return kept


def _column_absent(raw: Any, loc: tuple) -> bool:
    """Is the field at `loc` of a table's row (or of a row inside it: an equipment item's
    checks from their own sheet) one its table has no column for (`tables.TableInfo.absent`),
    or a part of the row made of such fields only?"""
    row, rest, value = None, loc, raw
    for i, step in enumerate(loc):
        if getattr(value, "info", None) is not None and hasattr(value, "prefix"):
            row, rest = value, loc[i:]
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            break
    absent = getattr(getattr(row, "info", None), "absent", None)
    if not absent:
        return False
    path = row.prefix + ".".join(str(step) for step in rest)
    return any(field == path or field.startswith(path + ".") for field in absent)


def _value_path(raw: Any, where: Location | None) -> tuple | None:
    """The path inside `raw` to the number read at `where` (numbers remember their place)."""
    if where is None:
        return None
    items = (raw.items() if isinstance(raw, dict) else enumerate(raw)
             if isinstance(raw, list) else ())
    for key, value in items:
        if getattr(value, "loc", None) == where:
            return (key,)
        found = _value_path(value, where)
        if found is not None:
            return (key, *found)
    return None


def _validate_clean(records: list, model: type, context: dict) -> list | None:
    """Every record of a list at once through the fast route (`clean_list_validator`), when
    all are clean and none gives a warning; else None, and `validate_record` takes them one by
    one through the model, saying where each problem and warning is."""
    if not all(map(isinstance, records, repeat(dict))):
        return None
    warnings = context.setdefault("warnings", [])
    before = len(warnings)
    try:
        # a plain dict as it is: pydantic reads a dict's subclass (MarkedDict) slower
        valid = clean_list_validator(model).validate_python(
            records if set(map(type, records)) == {dict} else
            [raw if raw.__class__ is dict else dict(raw) for raw in records], context=context)
    except ValidationError:
        valid = None
    if len(warnings) > before:  # said again, with each record's place, one by one
        del warnings[before:]
        valid = None
    return valid


class _ReadAhead:
    """Validates a data file's long lists while the file is read (load_yaml's `records` hook).

    A batch of clean records (no problem, no warning) is replaced by its models at once, so a
    big file's raw values and its models never all exist together; any other batch stays raw
    for `load_dataset`, which says where each problem is. Where an early record names its
    engineer or holder is kept, for the message if that person is not on the staff list."""

    def __init__(self, context: dict):
        self.context = context
        self.field_sets: dict[frozenset, set] = {}
        # section -> line and column of each record's reference, (0, 0) for none: 8 bytes a
        # record where a tuple and a dictionary entry would take 200
        self.ref_pos: dict[str, array] = {}

    def __call__(self, section: str | None, items: list, start: int, places) -> None:
        """`places`: where the keys of items[start:] are (yamlsource.Places)."""
        model = MODELS.get(section)
        if model is None:
            return
        valid = _validate_clean(items[start:], model, self.context)
        if valid is None:
            return
        _share_fields_sets(valid, self.field_sets)
        ref = REFERENCES.get(section)
        if ref:
            refs = self.ref_pos.setdefault(section, array("I"))
            refs.extend([0] * (2 * start - len(refs)))  # batches left raw: none
            refs.extend(places.places_of(ref))
        items[start:] = valid

    def ref_place(self, records: MarkedList, section: str, index: int) -> Location | None:
        """Where a record validated while read names its engineer or holder."""
        places = self.ref_pos.get(section, ())
        if 2 * index + 1 < len(places) and places[2 * index]:
            return Location(records.file, places[2 * index], places[2 * index + 1])
        return None


_ID = attrgetter("id")
_FIELDS_SET = "__pydantic_fields_set__"
_FIELDS_SET_OF = attrgetter(_FIELDS_SET)


def _share_fields_sets(records: list, field_sets: dict) -> None:
    """Records that give the same fields share one `model_fields_set`. pydantic gives every
    instance a set of its own (728 bytes for six names: over half of an equipment item's
    memory); the models are frozen, and pydantic copies the set before changing it
    (`model_copy`), so one set per combination of fields reads the same. So do the models
    inside them (a work order's customer, appointment and materials: 864 bytes an order).
    `field_sets` holds the shared sets of one list, by their fields. Records that all give
    the same fields (a register's, most often) are given their set by one `map`, without a
    Python loop per record."""
    sets = list(map(_FIELDS_SET_OF, records))
    if sets and sets.count(sets[0]) == len(sets):   # all give the same fields (compared in C)
        shared = field_sets.setdefault(frozenset(sets[0]), sets[0])
        deque(map(object.__setattr__, records, repeat(_FIELDS_SET), repeat(shared)), 0)
    else:
        shared = None   # the last record's: most often the next one's too
        for record, fields in zip(records, sets):
            if fields != shared:
                shared = field_sets.setdefault(frozenset(fields), fields)
            if shared is not fields:
                object.__setattr__(record, _FIELDS_SET, shared)
    inner: list = []
    kinds = dict.fromkeys(map(type, records))   # in the order they come
    for kind in kinds:
        nested = field_sets.get(kind)
        if nested is None:   # the fields that can hold models, once per model
            nested = field_sets[kind] = tuple(
                name for name, info in kind.model_fields.items()
                if _holds_models(info.annotation))
        of_kind = records if len(kinds) == 1 else [r for r in records if r.__class__ is kind]
        for name in nested:   # None and [] left out in C: most records have none inside
            for value in filter(None, map(attrgetter(name), of_kind)):
                if value.__class__ is list:
                    inner.extend(value)
                else:
                    inner.append(value)
    if inner:
        _share_fields_sets([m for m in inner if isinstance(m, BaseModel)], field_sets)


def _holds_models(annotation: Any) -> bool:
    """Can a field of this type hold a model (Customer, list[Material], Check | None …)?"""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return True
    return any(_holds_models(inner) for inner in get_args(annotation))


# the sections whose rows a message names by their record's ID beside the row number: an
# order by its 工单号, a person by their 工号 (what the office looks them up by)
NAMED_ROWS = frozenset({"work_orders", "staff"})


def _locate(raw: Any, loc: tuple, section: str | None = None) -> Location | None:
    """Where the value at `loc` of `raw` (a record, or a section) is. A spreadsheet's or
    CSV's cell of a record of `section` (one of NAMED_ROWS) has its record's ID too, unless the
    value is the ID itself: a problem of order WO-0003 names it, not only its row number. (A
    YAML record's path names its place.)"""
    if not hasattr(raw, "location"):
        return None
    where = locate(raw, loc)
    if where is None or not where.header or section not in NAMED_ROWS:
        return where
    record = raw.get("id") if isinstance(raw, dict) and loc and loc[0] != "id" else None
    if isinstance(record, (str, int)) and not isinstance(record, bool) and str(record).strip():
        from dataclasses import replace
        where = replace(where, record=str(record).strip())
    return where


@contextmanager
def _collector_paused():
    """Python's cycle collector paused while the data is read and validated, restored after.
    Reading makes many records and no reference cycles among them, and the collector would
    walk every record made so far again and again: 7-10 % of reading a 100,000-item register
    (measured). Left as it was when the caller had paused it (or a second thread had)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@_collector_paused()
def load_dataset(paths: Iterable[str | Path], *, missing_files: str = "error",
                 keep_incomplete: bool = False, keep_valid_staff: bool = False,
                 keep_valid_orders: bool = False, staff_beside: bool = True,
                 **table_options) -> Dataset:
    """Read, merge and validate data files (YAML, CSV, XLSX sheets): read → validate →
    build, each step below. Raises UserError listing every problem (file, line, record,
    field) at once.

    missing_files: "error" (a photo or file a record names must exist), "ignore", or "apart"
    (a missing file does not stop the load: it is in `Dataset.missing`, for the caller to
    say, and said with the other problems when there are some).
    keep_incomplete: an equipment record with a problem of its own (no dates, a holder not
    on the staff list ...) does not stop the load: it goes to `Dataset.incomplete` with its
    problems (the safety report assesses it on what can be read); a batch check with one
    goes to `Dataset.incomplete_batch_checks`, and a check naming no item or batch of the
    register to `Dataset.unmatched_checks`. Problems of files and of other
    sections still raise. keep_valid_staff: likewise, a staff record with a problem of its own
    is left out, its problems in `Dataset.refused_staff` (the web previews the others).
    keep_valid_orders: likewise a work order, its problems in `Dataset.refused_orders` (the
    forms' --only: the caller decides which of them stop the print).
    staff_beside: False reads no staff list beside the files (STAFF_BESIDE) when none is given.
    `table_options` go to the spreadsheet reader (sheet, header row)."""
    paths = [Path(p) for p in paths]
    if not paths:
        raise UserError(_("name at least one data file, e.g. examples/staff.yaml"))
    problems: list[Problem] = []
    read_ahead = {path: _ReadAhead(_context(path, missing_files, [])) for path in paths}
    unmatched: list[Problem] = []   # checks naming no item: problems unless kept apart
    collected, table_warnings = _read(paths, read_ahead, table_options, problems, unmatched,
                                      staff_beside)
    beside = [path for section in ("company", "staff") for path, _raw in collected[section]]
    data = Dataset(files=paths, warnings=table_warnings,
                   read=list(dict.fromkeys([*paths, *beside])),
                   sources={name: list(dict.fromkeys(path for path, _raw in found))
                            for name, found in collected.items() if found})
    if keep_incomplete:
        data.unmatched_checks = unmatched
    else:
        problems.extend(unmatched)
    _validate_single(data, collected, missing_files, problems)
    kept_apart = {"equipment", "batch_checks"} if keep_incomplete else set()
    if keep_valid_staff:
        kept_apart.add("staff")
    if keep_valid_orders:
        kept_apart.add("work_orders")
    _build_lists(data, collected, read_ahead, missing_files, kept_apart, problems,
                 staff_beside)
    problems = _in_reading_order(problems)   # everything at once, in the files' order
    data.refused_staff = in_reading_order(data.refused_staff)
    if missing_files == "apart" and all(type(p) is MissingFile for p in problems):
        data.missing, problems = problems, []
    if problems:  # with the warnings, and what was kept apart: the load stops all the same
        kept = data.refused_staff + [p for _pos, _item, found in data.incomplete
                                     for p in found] + [
            p for _check, found in data.incomplete_batch_checks for p in found] + [
            p for found in data.refused_orders.values() for p in found] + \
            data.unmatched_checks
        raise DataProblems(_in_reading_order(problems + kept) if kept else problems,
                           data.warnings, partial=data)
    return data


_SECTION_ORDER = {name: rank for rank, name in enumerate(
    ("company", "phrases", "staff", "work_orders", "equipment", "checks", "batch_checks"))}


def _in_reading_order(problems: list[Problem]) -> list[Problem]:
    """`errors.in_reading_order`, the files taken in the order they are validated (a file
    that cannot be read first, then company, phrases, staff …), whichever list a problem was
    kept in."""
    def rank(problem: Problem) -> int:
        section = problem.path.partition(".")[0].partition("[")[0]
        return _SECTION_ORDER.get(section, -1)
    return in_reading_order(sorted(problems, key=rank))


class DataProblems(UserError):
    """The data has problems (`problems`, every one, in reading order: those of the records
    kept apart by keep_incomplete or keep_valid_staff too). `partial`: the Dataset as far as it
    loaded (the records without a problem of their own; `company` None when it has one), for
    a command to check what it would print of them, so that those problems are said in the
    same round (badges: a name too long for its box)."""

    def __init__(self, problems: list[Problem], warnings=(), *, partial: Dataset):
        super().__init__(problems, warnings)
        self.partial = partial


def _context(path: Path, missing_files: str, warnings: list) -> dict:
    """The validation context of the records of the file `path`: relative file names are read
    from its folder; warnings are appended to `warnings`."""
    return {"base": path.parent, "missing_files": missing_files, "warnings": warnings}


# ------------------------------------------------------------------------------ step 1: read
def _read(paths: list[Path], read_ahead: dict, table_options: dict,
          problems: list[Problem], unmatched: list[Problem], staff_beside: bool = True
          ) -> tuple[dict[str, list[tuple[Path, Any]]], list[Problem]]:
    """Read: every file's sections as raw values, {section: [(file, raw value)]} in the order of
    the files, and the spreadsheets' warnings. The problems of a file that cannot be read are
    added to `problems`.

    YAML files are read first, so that the company's spreadsheet headers (company.columns) are
    known when the spreadsheets are read. When no file gives a company, a company.yaml beside
    the first file is read; when work orders or equipment come without staff, the staff list
    beside it (STAFF_BESIDE: their engineers and holders are staff ids). A checks sheet's
    row for an id the register lacks is a problem in `unmatched`."""
    collected: dict[str, list[tuple[Path, Any]]] = {name: [] for name in SECTIONS}
    read: dict[int, dict[str, Any]] = {}
    for spreadsheets in (False, True):
        if spreadsheets:
            table_options["columns"] = _company_columns(collected["company"])
        for i, path in enumerate(paths):
            if _is_table(path) != spreadsheets:
                continue
            try:
                read[i] = read_sections(path, read_ahead[path], **table_options)
            except UserError as exc:
                problems.extend(exc.problems)
                sections = getattr(exc, "sections", None)   # tables.TableProblems
                if sections is not None:   # its rows are checked too, in the same round
                    read[i] = sections
            if not spreadsheets:
                collected["company"].extend((path, c) for n, c in read.get(i, {}).items()
                                            if n == "company")
        if not spreadsheets and not collected["company"]:
            _read_beside(paths, "company", collected, problems)
    table_warnings: list[Problem] = []
    for i in sorted(read):
        for name, content in read[i].items():
            if name != "company":
                collected.setdefault(name, []).append((paths[i], content))
            table_warnings.extend(getattr(content, "warnings", ()))
    if staff_beside and not collected["staff"] and (collected["work_orders"]
                                                    or collected["equipment"]):
        _read_beside(paths, "staff", collected, problems, table_options.get("columns"))
    if collected.get("checks"):  # equipment checks from a spreadsheet of their own
        from .tables import attach_checks
        attach_checks(collected, unmatched)
    return collected, table_warnings


# the staff list a register or work orders find beside them, the first there: the names
# `fieldprint template` writes and the office's own word (docs/术语表.md)
STAFF_BESIDE = ("staff.yaml", "staff.xlsx", "staff.csv", "花名册.xlsx", "花名册.csv")


def _read_beside(paths: list[Path], section: str, collected: dict, problems: list,
                 columns: Any = None) -> None:
    """The `section` of the file beside the first one (company.yaml; for staff the first of
    STAFF_BESIDE there), when there is one that was not named; nothing when it has no such
    section. `columns`: the company's own spreadsheet headers."""
    named = {p.resolve() for p in paths}
    names = STAFF_BESIDE if section == "staff" else (f"{section}.yaml",)
    beside = next((paths[0].parent / name for name in names
                   if (paths[0].parent / name).is_file()), None)
    if beside is None or beside.resolve() in named:
        return
    try:
        options = {"columns": columns} if _is_table(beside) else {}
        try:
            found = read_sections(beside, **options)
        except UserError as exc:
            problems.extend(exc.problems)
            found = getattr(exc, "sections", None) or {}   # tables.TableProblems
        collected[section].append((beside, found[section]))
    except KeyError:
        pass


# -------------------------------------------------------------------------- step 2: validate
def _validate_single(data: Dataset, collected: dict, missing_files: str,
                     problems: list[Problem]) -> None:
    """Validate the sections that are one record, company and phrases, into `data`: the first
    of each; a second one is a problem."""
    for section, model in (("company", Company), ("phrases", PhraseBook)):
        found = collected[section]
        if len(found) > 1:
            second_path, second = found[1]
            problems.append(Problem(
                _("a second {section} section (the first is in {file}); keep one").format(
                    section=section, file=found[0][0]),
                _locate(second, ()) or Location(str(second_path))))
        if found:
            path, raw = found[0]
            context = _context(path, missing_files, data.warnings)
            record = validate_record(raw, model, section, None, context, problems)
            setattr(data, section, record)
            if record is None and section == "company":
                data.readable_company, data.unread_company = salvage_company(raw, context)
    if collected["company"]:
        data._company_raw = collected["company"][0]


def _build_lists(data: Dataset, collected: dict, read_ahead: dict, missing_files: str,
                 kept_apart: set[str], problems: list[Problem], staff_beside: bool = True
                 ) -> None:
    """Validate and build the list sections into `data`, staff first (work orders and
    equipment name staff ids), a chunk of records at a time: each raw record is let go once
    validated (its place can still be found), so a big file's raw values and its models are
    not all in memory at once."""
    links = _Links()
    for section in LIST_SECTIONS:
        builder = _ListBuilder(data, section, links, section in kept_apart, problems)
        for path, records in collected[section]:
            if records is None:
                continue
            if not isinstance(records, list):
                problems.append(Problem(_("'{section}' should be a list of records, each "
                                          "starting with '- '").format(section=section),
                                        _locate(records, ()), section))
                continue
            context = _context(path, missing_files, data.warnings)
            builder.add_list(records, context, read_ahead.get(path) or _ReadAhead(context))
    # (not read beside on purpose, `staff_beside`: the caller says why)
    if not data.staff and links.any_refs and not collected["staff"] and staff_beside:
        data.warnings.append(Problem(_(
            "no staff list given, so engineers and holders are printed as IDs only; name the "
            "staff list too, or put it beside the data as staff.xlsx (or staff.yaml) to show "
            "names and teams")))
    problems.extend(links.unknown_refs)


@dataclass
class _Links:
    """What the list sections tell each other while they are built."""

    unknown_refs: list[Problem] = field(default_factory=list)  # not on the staff list
    unchecked_staff: set[str] = field(default_factory=set)     # staff ids that did not validate
    unchecked_batches: set[str] = field(default_factory=set)   # batches of items that did not
    any_refs: bool = False                                     # an engineer or holder named


class _Placed:
    """The records added from one list: their ids and indices in it, side by side (16 bytes
    a record where an (id, index) tuple took 72). Iterating gives (id, index) pairs."""

    __slots__ = ("ids", "indices")

    def __init__(self) -> None:
        self.ids: list[str] = []
        self.indices = array("q")

    def append(self, record_id: str, index: int) -> None:
        self.ids.append(record_id)
        self.indices.append(index)

    def extend(self, record_ids: list[str], indices: range) -> None:
        self.ids.extend(record_ids)
        self.indices.extend(indices)

    def __iter__(self):
        return zip(self.ids, self.indices)


class _ListBuilder:
    """One list section (staff, work_orders, equipment, batch_checks) of `data`, built from
    its lists of raw records: validated (`validated`), then added (`add`) once checked
    against the rest: ids unique, engineers and holders on the staff list, batch checks for
    batches in the register."""

    def __init__(self, data: Dataset, section: str, links: _Links, keep_apart: bool,
                 problems: list[Problem]):
        self.data, self.section, self.links, self.problems = data, section, links, problems
        self.model = MODELS[section]
        self.out = getattr(data, section)
        self.ref = REFERENCES.get(section)
        self.keep_apart = keep_apart  # a record's own problems leave it out, not the load
        self.seen: dict[str, tuple] = {}  # id -> (its list or None, its index)
        self.staff_ids: set[str] | None = None
        if self.ref:  # staff come first; people whose own record has a problem count too
            self.staff_ids = {p.id for p in data.staff} | links.unchecked_staff

    @cached_property
    def batches(self) -> set[tuple]:
        """(kind, batch) of every item of the register, for a batch check: made when the first
        is added (the register is built by then), not for every register."""
        data = self.data
        return ({(i.kind, i.batch) for i in data.equipment if i.batch is not None}
                | {(i.kind, i.batch) for _pos, i, _found in data.incomplete
                   if i.batch is not None})

    def add_list(self, records: list, context: dict, early: _ReadAhead) -> None:
        """Validate and add the raw `records` of one file (some may have been validated while
        the file was read, by `early`)."""
        located = records if isinstance(records, MarkedList) else None
        self.context = context   # a record kept apart is read again in it (`salvage`)
        # the list says where its items are from their positions (YAML), or (spreadsheets)
        # from each item itself, which then leaves only its row number (or is kept, emptied)
        by_position = located is not None and type(records).location is MarkedList.location
        field_sets: dict[frozenset, set] = {}
        placed = _Placed()
        self.data._places.append((self.section, located, placed))
        for start in range(0, len(records), CHUNK):
            chunk = records[start:start + CHUNK]
            valid = self.clean(chunk, context, field_sets)
            if valid is not None and self.section != "batch_checks":
                self.add_clean(chunk, valid, start, records, located, placed, early)
            else:
                # one record validated, then added, then the next: the problems come in order
                for index, raw, record, own in self.validated(chunk, start, context, valid):
                    self.add(index, raw, record, own, records, located, placed, early)
            if by_position or located is None:
                records[start:start + CHUNK] = [None] * len(chunk)
            elif hasattr(records, "keep_rows_only"):   # a table's rows: their numbers only
                del chunk
                records.keep_rows_only(start, start + CHUNK)
            else:
                for raw in chunk:
                    if isinstance(raw, dict):
                        raw.clear()
            chunk = None

    def clean(self, chunk: list, context: dict, field_sets: dict) -> list | None:
        """The models of the raw records of `chunk` when every one is clean (validated while
        the file was read, or now by the fast route), else None."""
        model = self.model
        if set(map(type, chunk)) == {model}:   # every one (a chunk is never empty)
            return chunk
        valid = _validate_clean(chunk, model, context)  # None when some were validated early
        if valid is not None:
            _share_fields_sets(valid, field_sets)
        return valid

    def validated(self, chunk: list, start: int, context: dict, valid: list | None):
        """Validate: (index, raw, record, own problems) for each raw record of `chunk`, the
        records from `start` on, `valid` their models when `clean`. `record` is its model, or
        None when it does not validate; its problems are then in `problems`, or (a section
        kept apart: keep_incomplete, keep_valid_staff) in `own`. A generator: each record is
        validated when the one before has been added."""
        model = self.model
        for offset, raw in enumerate(chunk):
            index = start + offset
            own = None
            if type(raw) is model:  # validated while the file was read
                record = raw
            elif valid is not None:
                record = valid[offset]
            else:
                before = len(self.problems)
                record = validate_record(raw, model, self.section, index, context,
                                         self.problems)
                if record is None and self.keep_apart:
                    own = self.problems[before:]
                    del self.problems[before:]
            yield index, raw, record, own

    def add_clean(self, chunk: list, valid: list, start: int, records: list,
                  located: MarkedList | None, placed: _Placed, early: _ReadAhead) -> None:
        """`add` for the models `valid` of a clean `chunk` (records from `start` on) of a list
        section other than batch_checks, without a call per record: those that `add` would
        simply append are appended here, the others (a duplicate id, an engineer or holder
        not on the staff list) go through `add`, which says why. tests/test_loading.py checks
        that both give the same."""
        seen, out, ref, staff_ids = self.seen, self.out, self.ref, self.staff_ids
        ids = list(map(_ID, valid))
        refs = [value for value in map(attrgetter(ref), valid) if value is not None] \
            if ref else []
        if seen.keys().isdisjoint(ids) and len(set(ids)) == len(ids) and (
                not staff_ids or staff_ids.issuperset(refs)):   # all appended: no loop
            indices = range(start, start + len(ids))
            seen.update(zip(ids, zip(repeat(located), indices)))
            placed.extend(ids, indices)
            out.extend(valid)
            if refs:
                self.links.any_refs = True
            return
        any_refs = False
        index = start
        for raw, record in zip(chunk, valid):
            record_id = record.id
            value = getattr(record, ref) if ref else None
            if record_id in seen or (value is not None and staff_ids
                                     and value not in staff_ids):
                self.add(index, raw, record, None, records, located, placed, early)
            else:
                seen[record_id] = (located, index)
                placed.append(record_id, index)
                any_refs = any_refs or value is not None
                out.append(record)
            index += 1
        if any_refs:
            self.links.any_refs = True

    def add(self, index: int, raw: Any, record: Any, own: list | None, records: list,
            located: MarkedList | None, placed: _Placed, early: _ReadAhead) -> None:
        """Build: `record` (index `index` of `records`) added to its list, unless a check
        against the rest refuses it: a problem in `problems` (or, for equipment kept apart,
        the item in `Dataset.incomplete`)."""
        section, problems = self.section, self.problems
        origin = lambda: records.location(index) if located is not None else None  # noqa: E731
        if record is None:
            raw_id = _raw_text(raw, "id")
            first = True
            if raw_id is not None:  # its other problems and a duplicate id: all at once
                self.data.unread_ids.setdefault(section, set()).add(raw_id)
                if section == "staff":
                    self.links.unchecked_staff.add(raw_id)
                first = self.first_use(raw_id, raw, index, located, origin, into=own)
            if section == "equipment" and _raw_text(raw, "batch") is not None:
                self.links.unchecked_batches.add(_raw_text(raw, "batch"))
            self.unknown_ref(raw, index, records, early, into=own)   # and an unknown engineer
            if section == "staff" and first:
                person = salvage_person(raw, self.context)
                if person is not None:
                    self.data.unloaded_staff.append((person, origin()))
            if own is not None and section == "equipment":
                self.data.incomplete.append((len(self.out), salvage(raw, index, self.context),
                                             in_reading_order(own)))
            elif own is not None and section == "batch_checks":
                self.data.incomplete_batch_checks.append(
                    (salvage_batch_check(raw, self.context), in_reading_order(own)))
            elif own is not None and section == "work_orders":   # keep_valid_orders
                self.data.refused_orders.setdefault(raw_id, []).extend(own)
            elif own is not None:   # a person left out (keep_valid_staff)
                self.leave_out(raw, raw_id, own)
            return
        if section == "batch_checks":
            if (record.kind, record.batch) not in self.batches \
                    and record.batch not in self.links.unchecked_batches:
                known = sorted({b for k, b in self.batches if k == record.kind})
                candidates = closest_all(record.batch, known)
                # kept apart (keep_incomplete): it counts for no item; said all the same, and
                # a failing one shown by the equipment report (UnmatchedCheck)
                (self.data.unmatched_checks if self.keep_apart else problems).append(
                    UnmatchedCheck(
                        _("no {kind} of batch {batch!r} in the equipment register"
                          "{hint}; a batch check counts for the items of its batch")
                        .format(kind=pgettext("equipment kind", record.kind.replace("_", " ")),
                                batch=record.batch,
                                hint=suggest(record.batch, known)),
                        _locate(raw, ("batch",)) or origin(), _path(section, index, ("batch",)),
                        name=record.batch, kind=record.kind, failed=record.result == "fail",
                        date=record.date, candidates=tuple(candidates)))
                return
            self.out.append(record)
            return
        apart = [] if self.keep_apart and section in ("staff", "work_orders") else None
        if not self.first_use(record.id, raw, index, located, origin, into=apart):
            if apart is not None and section == "work_orders":   # the id's problem
                self.data.refused_orders.setdefault(record.id, []).extend(apart)
            elif apart is not None:   # the first of them is previewed, this one left out
                self.leave_out(raw, record.id, apart)
            return
        placed.append(record.id, index)
        if self.ref:
            value = getattr(record, self.ref)
            if value is not None:
                self.links.any_refs = True
                if self.staff_ids and value not in self.staff_ids:
                    target = [] if self.keep_apart else None
                    self.unknown_ref(raw, index, records, early, value=value, into=target)
                    if target is not None and section == "work_orders":
                        self.data.refused_orders.setdefault(record.id, []).extend(target)
                        return
                    if target is not None:
                        self.data.incomplete.append((len(self.out), record, target))
                        return
        self.out.append(record)

    def unknown_ref(self, raw: Any, index: int, records: list, early: _ReadAhead, *,
                    value: str | None = None, into: list[Problem] | None = None) -> None:
        """The engineer or holder `value` (default: as the raw record gives it, when it is
        plain text and has no problem of its own) not on the staff list: a problem in `into`
        (default: the unknown references, said with the rest). A record that failed its own
        checks is checked too, so that its unknown engineer is said with its bad date."""
        ref, section = self.ref, self.section
        if not ref or not self.staff_ids:
            return
        path = _path(section, index, (ref,))
        if value is None:
            value = _raw_text(raw, ref)
            if value is None or _said_at(self.problems if into is None else into, path,
                                         _path(section, index, ())):
                return
            self.links.any_refs = True
        if value in self.staff_ids:
            return
        (self.links.unknown_refs if into is None else into).append(Problem(
            _("{field} {value!r} is not on the staff list").format(
                field=ref, value=value) + suggest(value, self.staff_ids),
            _locate(raw, (ref,), section) or early.ref_place(records, section, index), path))

    def leave_out(self, raw: Any, raw_id: str | None, own: list[Problem]) -> None:
        """A staff record left out (keep_valid_staff): its problems in
        `Dataset.refused_staff`; its id, name and photo file's name in `left_out_names` (a
        photo named after it is not unused)."""
        self.data.refused_staff.extend(own)
        self.data.refused_ids.setdefault(
            None if raw_id is None else str(raw_id).strip(SPACE), []).extend(own)
        if not isinstance(raw, dict):
            return
        names = [raw_id, raw.get("name")]
        photo = raw.get("photo")
        if photo is not None and not isinstance(photo, (dict, list)):
            names.append(PurePath(str(getattr(photo, "raw", photo)).replace("\\", "/")).stem)
        self.data.left_out_names.update(str(getattr(v, "raw", v)).strip(SPACE) for v in names
                                        if v is not None)

    def first_use(self, record_id: str, raw: Any, index: int, located: MarkedList | None,
                  origin, into: list[Problem] | None = None) -> bool:
        """True the first time `record_id` is seen in this section; else a problem naming
        the first place, in `into` (default: `problems`). A record that failed its own checks
        counts too: every problem of the data is said at once."""
        if record_id not in self.seen:
            self.seen[record_id] = (located, index)
            return True
        first_list, first_index = self.seen[record_id]
        first = first_list.location(first_index) if first_list is not None else None
        (self.problems if into is None else into).append(Problem(
            (_("duplicate id {id!r} (first at {place}); every record needs its "
               "own id") if first else
             _("duplicate id {id!r}; every record needs its own id")).format(
                id=record_id, place=first),
            _locate(raw, ("id",)) or origin(), _path(self.section, index, ("id",))))
        return False


def _said_at(problems: list[Problem], path: str, record: str) -> bool:
    """Is there a problem at `path` among the last problems of `problems`, those of the
    record whose path is `record` (they are the last added: looked at from the end)?"""
    for problem in reversed(problems):
        if problem.path == path:
            return True
        if not problem.path.startswith(record) or problem.path[len(record):][:1] not in ".[":
            return False
    return False


def _raw_text(raw: Any, key: str) -> str | None:
    """The text a raw record gives for `key` (a number as typed), or None: not given, empty,
    or not plain text (a mapping, a list, yes/no)."""
    value = raw.get(key) if isinstance(raw, dict) else None
    if value is None or isinstance(value, (dict, list, bool)):
        return None
    return str(getattr(value, "raw", value)).strip(SPACE) or None


def salvage(raw: Any, index: int, context: dict) -> EquipmentItem:
    """An equipment record that did not validate, as an item with every value that can be
    read, for the report to assess conservatively (issue 19): the fields that do not validate
    are left out, and so is every check with a field that does not, except a failing check
    (result 不合格) whose type or date cannot be read: by any reading it scraps the item, so
    it is kept with `type` or `date` None (the rules: `assess`). A check left out extends
    nothing. When
    what is left still does not make an item (no readable date at all, no known kind), the
    `stand_in` with the id, kind, holder and batch that can be read."""
    if not isinstance(raw, dict):
        return stand_in(raw, index)
    quiet = {**context, "warnings": []}   # said once, by the first validation
    try:
        EquipmentItem.model_validate(raw, context=quiet)
        return stand_in(raw, index)       # valid after all: nothing to go on
    except ValidationError as exc:
        errors = [tuple(e["loc"]) for e in exc.errors(include_url=False)]
    bad_fields = {loc[0] for loc in errors if loc and loc[0] != "checks"}
    bad_checks: dict[int, set] = {}
    for loc in errors:
        if len(loc) >= 2 and loc[0] == "checks" and isinstance(loc[1], int):
            bad_checks.setdefault(loc[1], set()).add(loc[2] if len(loc) > 2 else None)
        elif loc and loc[0] == "checks":
            bad_fields.add("checks")
    cleaned = {k: v for k, v in raw.items() if k not in bad_fields}
    if "id" in bad_fields or cleaned.get("id") is None:   # 'equipment[N]', its place
        cleaned["id"] = stand_in(raw, index).id
    checks = raw.get("checks") if "checks" not in bad_fields else None
    unplaced = []   # failing checks of unreadable type or date: (position among checks, Check)
    if isinstance(checks, list) and bad_checks:
        kept = []
        for n, check in enumerate(checks):
            if n not in bad_checks:
                kept.append(check)
            elif bad_checks[n] <= {"type", "date"} and isinstance(check, dict):
                failing = _failing_check(check, quiet, bad_checks[n])
                if failing is not None:
                    unplaced.append((len(kept), failing))
        cleaned["checks"] = kept
    try:
        item = EquipmentItem.model_validate(cleaned, context=quiet)
    except ValidationError:
        return stand_in(raw, index)
    if unplaced:
        checks = list(item.checks)
        for at, check in reversed(unplaced):
            checks.insert(at, check)
        item = item.model_copy(update={"checks": checks})
    return item


_STAND_INS = {"batch": "?", "kind": "helmet", "date": _dt.date(2000, 1, 1), "type": "test",
              "result": "pass", "sampled": None, "note": None}


def salvage_batch_check(raw: Any, context: dict) -> BatchCheck:
    """A batch check that did not validate, as a `BatchCheck` holding each value that can be
    read and None for the others (issue 19: the report flags its batch's items, and a
    failure still scraps the batch)."""
    if not isinstance(raw, dict):
        return BatchCheck.model_construct(**dict.fromkeys(_STAND_INS))
    quiet = {**context, "warnings": []}
    try:
        BatchCheck.model_validate(raw, context=quiet)
        bad: set = set()
    except ValidationError as exc:
        bad = {e["loc"][0] if e["loc"] else None for e in exc.errors(include_url=False)}
    given = {k: v for k, v in raw.items() if k in _STAND_INS and k not in bad}
    try:
        read = BatchCheck.model_validate({**_STAND_INS, **given}, context=quiet)
    except ValidationError:   # a check of the whole record: nothing to go on
        return BatchCheck.model_construct(**dict.fromkeys(_STAND_INS))
    return BatchCheck.model_construct(**{k: getattr(read, k) if k in given else None
                                         for k in _STAND_INS})


def _failing_check(raw: dict, context: dict, bad: set) -> Check | None:
    """A check whose `bad` fields ('type', 'date') cannot be read, as a `Check` with None for
    them when the rest can be read and its result is a failure (any failure scraps an
    item, whenever it was); else None."""
    stand_in = {"type": "visual", "date": _dt.date(2000, 1, 1)}
    try:
        check = Check.model_validate({**raw, **{k: stand_in[k] for k in bad}}, context=context)
    except ValidationError:
        return None
    if check.result != "fail":
        return None
    return Check.model_construct(date=None if "date" in bad else check.date,
                                 type=None if "type" in bad else check.type, result="fail",
                                 note=check.note)


def salvage_person(raw: Any, context: dict) -> Person | None:
    """A staff record that did not validate, as the person its valid fields make (those that
    do not are left out: their defaults), files not required (said by the first validation);
    None when that is no person (no id or name that validates)."""
    return _as_far_as_it_reads(Person, raw, context)[0]


def salvage_company(raw: Any, context: dict) -> tuple[Company | None, frozenset[str]]:
    """A company section that did not validate, as the company its valid fields make (those
    that do not are left out: their defaults; a name that does not read is empty), files not
    required (said by the first validation); and the fields left out. (None, …) when even
    that does not validate."""
    def mend(kept: dict, bad: frozenset) -> None:
        kept.setdefault("name", "")
        for name in bad & Company.model_fields.keys():   # a text given (a phone a card
            if stands_in_as_text(Company, name):       # requires) stays given, as "0"
                kept[name] = "0"
    return _as_far_as_it_reads(Company, raw, context, mend)


def _as_far_as_it_reads(model: type, raw: Any, context: dict, mend=None
                        ) -> tuple[Any, frozenset[str]]:
    """(`raw` as a `model`, the top-level fields left out): validated as it is, else without
    its fields that do not validate (`mend(kept, bad)` may put some back), files not
    required; (None, those fields) when even that does not validate, or `raw` is no
    mapping."""
    if not isinstance(raw, dict):
        return None, frozenset()
    quiet = {**context, "warnings": [], "missing_files": "ignore"}
    try:
        return model.model_validate(raw, context=quiet), frozenset()
    except ValidationError as exc:
        bad = frozenset(str(e["loc"][0]) for e in exc.errors(include_url=False) if e["loc"])
    kept = {k: v for k, v in raw.items() if str(k) not in bad}
    if mend is not None:
        mend(kept, bad)
    try:
        return model.model_validate(kept, context=quiet), bad
    except ValidationError:
        return None, bad


def stand_in(raw: Any, index: int) -> EquipmentItem:
    """An equipment record that did not validate, as an item with what could be read of it
    (id, kind, holder, batch), for the report's `invalid` section. Its id is
    'equipment[N]' when it has none; its kind 'unknown' when not a known one."""
    def text(key: str) -> str | None:
        return _raw_text(raw, key)
    kind = text("kind")
    labels = {label: code for code, label in EQUIPMENT_LABELS.items()}
    kind = labels.get(kind, kind)
    return EquipmentItem.model_construct(
        id=text("id") or f"equipment[{index + 1}]",
        kind=kind if kind in EQUIPMENT_LABELS else "unknown",
        holder=text("holder"), batch=text("batch"), manufactured=None, in_service=None,
        retired=None, checks=[], note=None)


def _is_table(path: Path) -> bool:
    name = path.name.lower()
    return path.suffix.lower() in (".csv", ".xlsx") or ".xlsx#" in name


def _company_columns(companies: list) -> Any:
    """The raw `columns:` of the first company section: headers the company's spreadsheets use."""
    for _, raw in companies[:1]:
        if isinstance(raw, dict):
            return raw.get("columns")
    return None
