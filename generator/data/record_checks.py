"""The checks of a whole record, run on a record that has a bad field.

pydantic runs a model's own checks (`@model_validator(mode="after")`: an item with neither
'manufactured' nor 'in_service', a QR code with neither data nor image, an appointment that
ends before it starts) only once every field is right, so a misspelt `kind: helmett` hid the
missing dates until it was fixed: a problem said a run later. Here those checks run on what
could be read: each field that validates with its value, each field given with a bad value
as `UNREAD` (given, so "give X or Y" is not said of it, but a check that compares or reads it
cannot say anything and is skipped), each field not given as its default. Records inside the
record (company.qr_codes[2]) are checked the same way.
"""
from __future__ import annotations

import inspect
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError


class CannotCheck(Exception):
    """A check read a value that was given but could not be read (`UNREAD`)."""


class _Unread:
    """A value given with a mistake: present (true, not None), but reading it any other way
    raises CannotCheck."""

    __slots__ = ()

    def __bool__(self) -> bool:
        return True

    def __repr__(self) -> str:
        return "<unread>"

    def _cannot(self, *_args: Any) -> Any:
        raise CannotCheck

    __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = _cannot
    __add__ = __sub__ = __radd__ = __rsub__ = __len__ = __iter__ = __contains__ = _cannot
    __getattr__ = __getitem__ = __str__ = __format__ = _cannot
    __hash__ = object.__hash__


UNREAD = _Unread()


class _Info:
    """What a model check with an `info` argument reads of it: the validation context."""

    __slots__ = ("context", "data", "field_name", "mode")

    def __init__(self, context: dict | None):
        self.context, self.data, self.field_name, self.mode = context, {}, None, "python"


# A field's validator by (model, field): built once per process for a pure function of the
# model's class (the field's type), like the models' own validators.
_adapters: dict[tuple[type, str], TypeAdapter] = {}


def _adapter(model: type[BaseModel], name: str) -> TypeAdapter:
    adapter = _adapters.get((model, name))
    if adapter is None:
        info = model.model_fields[name]
        adapter = _adapters[(model, name)] = TypeAdapter(
            Annotated[info.annotation, info])
    return adapter


def stands_in_as_text(model: type[BaseModel], name: str) -> bool:
    """Does the field `name` of `model` take the text "0" as text (a name, a phone number),
    so that it can stand in for a value with a mistake where the field must be given?"""
    try:
        value = _adapter(model, name).validate_python("0", context={"warnings": [],
                                                                  "missing_files": "ignore"})
    except ValidationError:
        return False
    return isinstance(value, str)


def model_in(annotation: Any) -> type[BaseModel] | None:
    """The model a field's type holds (itself, in a list, or optional), else None."""
    from typing import get_args
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in get_args(annotation):
        found = model_in(arg)
        if found is not None:
            return found
    return None


def whole_record_problems(raw: Any, model: type[BaseModel], locs: list[tuple],
                          context: dict | None) -> list[tuple[tuple, str]]:
    """(where in `raw`, message) of each check of a whole record (or of a record inside it)
    that fails on what could be read of `raw`, a record that did not validate with errors at
    `locs` (pydantic's `loc` of each). A check that needs a value with a mistake is skipped;
    none is run at a level where one already failed (a loc of that level is empty)."""
    if not isinstance(raw, dict) or not isinstance(model, type) \
            or not issubclass(model, BaseModel):
        return []
    if any(len(loc) == 0 for loc in locs):
        return []
    fields = model.model_fields
    bad: dict[str, list[tuple]] = {}
    for loc in locs:
        if loc[0] in fields:
            bad.setdefault(loc[0], []).append(loc[1:])
    found: list[tuple[tuple, str]] = []
    for name, inner in bad.items():   # the records inside first: they come first in the file
        sub_model = model_in(fields[name].annotation)
        value = raw.get(name)
        if sub_model is None:
            continue
        if isinstance(value, list):
            by_item: dict[int, list[tuple]] = {}
            for loc in inner:
                if loc and isinstance(loc[0], int):
                    by_item.setdefault(loc[0], []).append(loc[1:])
            for i, item_locs in by_item.items():
                if i < len(value):
                    found += [((name, i, *where), message) for where, message in
                              whole_record_problems(value[i], sub_model, item_locs, context)]
        elif isinstance(value, dict):
            found += [((name, *where), message) for where, message in
                      whole_record_problems(value, sub_model, inner, context)]
    checks = [d for d in model.__pydantic_decorators__.model_validators.values()
              if d.info.mode == "after"]
    if not checks:
        return found
    values: dict[str, Any] = {}
    for name, info in fields.items():
        key = info.alias or name
        if name in bad:
            values[name] = UNREAD
        elif key in raw:
            try:
                values[name] = _adapter(model, name).validate_python(
                    raw[key], context={**(context or {}), "warnings": []})
            except ValidationError:
                values[name] = UNREAD
    record = model.model_construct(**values)
    for check in checks:
        function = check.func
        takes_info = len(inspect.signature(function).parameters) > 1
        try:
            function(record, _Info(context)) if takes_info else function(record)
        except CannotCheck:
            continue
        except (ValueError, AssertionError) as exc:
            found.append(((), str(exc)))
        except (TypeError, AttributeError):   # a check this cannot run on a partial record
            continue
    return found
