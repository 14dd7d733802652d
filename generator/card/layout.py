"""A card layout file ready to render: validated, expressions compiled, checked against the card.

`load_card_layout("badge")` or `load_card_layout("my-badge.yaml")` reads the file once per
process. Beyond what the model checks, this checks with file:line what needs the whole layout:
elements outside the card, colour names missing from `colours`, expressions that do not
compile, QR boxes too small for a fixed payload.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from ..content import find_layout
from ..errors import Problem, UserError, display_path, in_reading_order
from ..i18n import _, words
from ..layoutfile import content_key, layout_source, load_layout
from ..context import card_shape
from ..form.values import Value
from ..templating import Expression, name_problems, variables
from ..data.yamlsource import locate
from .model import SIDES, BoxElement, CardLayout, Element, LineElement, QrElement, parse_hex

EDGE_TOLERANCE = 0.01  # mm
_FIELD = re.compile(r"\b(person|company|item)\.([A-Za-z_][A-Za-z0-9_]*)")
TEMPLATE_FIELDS = ("text", "source", "data", "image", "caption")
COLOUR_FIELDS = ("fill", "stroke", "colour", "border", "background", "caption_colour")
DYNAMIC_NAMES = {"person"}   # what differs from card to card


def _expression(source: str, where: str) -> Value:
    """A `when` or `each`: an expression whose value is used (the forms' Value: one meaning
    of missing values and of names, generator.templating). UserError if it cannot compile."""
    try:
        return Value(source, where)
    except ValueError as exc:
        raise UserError(f"{where}: {exc}") from None


@dataclass
class CompiledElement:
    model: Element
    side: str
    index: int                        # 0-based, within its side
    label: str                        # how messages name it: "person.unit", "qr", ...
    where: str                        # "badges/badge.yaml:31:5: front[4]" for layout errors
    templates: dict[str, Expression] = field(default_factory=dict)
    when: Value | None = None
    each: Value | None = None
    colours: dict[str, Any] = field(default_factory=dict)  # field -> rgb or [rgb, rgb]
    dynamic: bool = False             # differs from card to card
    each_count: int = 0               # with `each`: how many items share the box (this card)

    @property
    def type(self) -> str:
        return self.model.type


@dataclass
class CompiledLayout:
    path: Path
    model: CardLayout
    sides: dict[str, list[CompiledElement]]

    @property
    def name(self) -> str:
        return self.path.stem

    @property
    def said(self) -> str:
        """How a message names the layout: its title with its name, “工号牌 75×100”（badge）,
        so that a Chinese sentence does not run into a bare English word; its name in quotes
        when it has no title."""
        from ..i18n import _
        title = (self.model.title or "").strip()
        return (_("“{title}” ({name})") if title else _("“{name}”")).format(title=title,
                                                                          name=self.name)

    @property
    def size(self) -> tuple[float, float]:
        return (self.model.width, self.model.height)

    @property
    def folder(self) -> Path:
        return self.path.parent

    def mentions(self, name: str) -> bool:
        """Does any element's text, source, data, image, caption, when or each name `name`
        (e.g. 'person.name_ug')?"""
        return any(name in value
                   for elements in self.sides.values() for element in elements
                   for key in (*TEMPLATE_FIELDS, "when", "each")
                   if isinstance(value := getattr(element.model, key, None), str))


def load_card_layout(name_or_path: str | Path, offered=None) -> CompiledLayout:
    """A built-in card layout by name (badges/NAME.yaml) or a layout file by path. `offered`:
    the built-in names a name that is none is said with (`content.find_layout`)."""
    path = find_layout(str(name_or_path), "badges", offered=offered).resolve()
    return _compiled(path, content_key(path))


@functools.lru_cache(maxsize=16)
def _compiled(path: Path, content: tuple) -> CompiledLayout:
    problems: list[Problem] = []
    stood_in: set[tuple[str, int]] = set()
    unread = _Unread()
    try:
        model: CardLayout = load_layout(path, CardLayout)
    except UserError as exc:   # the other elements are checked too, in the same round
        model, stood_in, unread = _stand_in(path)
        if model is None:
            raise
        problems = list(exc.problems)
    raw = layout_source(path)
    sides: dict[str, list[CompiledElement]] = {}
    for side in SIDES:
        compiled = []
        for index, element in enumerate(model.side(side)):
            if (side, index) in stood_in:
                continue
            loc = locate(raw, (side, index))
            where = (f"{loc}: {side}[{index + 1}]" if loc
                     else f"{display_path(path)}: {side}[{index + 1}]")

            def at(key: str, _side=side, _index=index):
                return locate(raw, (_side, _index, key))
            try:
                compiled.append(_compile_element(model, element, side, index, where, at,
                                                 f"{path.stem}.{side}[{index + 1}]", problems,
                                                 unread))
            except UserError as exc:
                problems.extend(exc.problems)
        sides[side] = compiled
    if problems:
        raise UserError(in_reading_order(problems))
    return CompiledLayout(path, model, sides)


_STAND_IN = {"type": "rect", "x": 0, "y": 0, "width": 1, "height": 1}


@dataclass(frozen=True)
class _Unread:
    """What of a layout that does not validate could not be read, so the checks that need
    it are skipped: the card's size or bleed (elements against the card's edges), its colour
    list as a whole, or some of its colours (elements naming them)."""

    size: bool = False
    palette: bool = False
    colours: frozenset = frozenset()


# what stands in for a top-level value with a mistake, and what of the card it leaves unread
_STAND_INS = {"width": (1000.0, "size"), "height": (1000.0, "size"), "bleed": (0.0, "size"),
              "title": ("", None), "description": ("", None)}


def _stand_in(path: Path) -> tuple[CardLayout | None, set[tuple[str, int]], _Unread]:
    """A layout that does not validate, as far as its elements can be checked: each element
    with a problem replaced by a plain rectangle, each unknown key left out, a wrong card size
    or colour list stood in for (what it leaves unread: `_Unread`); with the (side, index) of
    the elements replaced. (None, set(), _Unread()) when nothing can stand in."""
    from pydantic import ValidationError
    nothing: tuple = (None, set(), _Unread())
    raw = layout_source(path)
    if not isinstance(raw, dict):
        return nothing
    context = {"base": path.parent, "missing_files": "error", "warnings": []}
    try:
        CardLayout.model_validate(raw, context=context)
        return nothing
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
    trimmed = dict(raw)
    lists = {side: list(raw[side]) for side in SIDES if isinstance(raw.get(side), list)}
    colours = dict(raw["colours"]) if isinstance(raw.get("colours"), dict) else None
    replaced: set[tuple[str, int]] = set()
    size = palette = False
    unread_colours: set = set()
    for error in errors:
        loc = tuple(error["loc"])
        if len(loc) > 1 and loc[0] in lists and isinstance(loc[1], int):
            lists[loc[0]][loc[1]] = _STAND_IN
            replaced.add((loc[0], loc[1]))
        elif len(loc) == 1 and error["type"] == "extra_forbidden":
            trimmed.pop(loc[0], None)
        elif loc and loc[0] in SIDES:          # a side that is not a list: nothing to check
            lists[loc[0]] = []
        elif loc and loc[0] in _STAND_INS:
            value, unread = _STAND_INS[loc[0]]
            trimmed[loc[0]] = value
            size = size or unread == "size"
        elif loc and loc[0] == "colours" and len(loc) > 1 and colours is not None:
            colours.pop(loc[1], None)
            unread_colours.add(loc[1])
        elif loc and loc[0] == "colours":
            colours, palette = {}, True
        elif loc and loc[0] == "sheet":
            trimmed.pop("sheet", None)
        else:
            return nothing
    trimmed.update(lists)
    if colours is not None:
        trimmed["colours"] = colours
    try:
        return (CardLayout.model_validate(trimmed, context=context), replaced,
                _Unread(size, palette, frozenset(unread_colours)))
    except ValidationError:
        return nothing


def _label(element: Element, index: int) -> str:
    """The data field an element prints (what to fix in the data), else its name."""
    for key in TEMPLATE_FIELDS:
        source = getattr(element, key, None)
        if isinstance(source, str):
            match = _FIELD.search(source)
            if match:
                return f"{match.group(1)}.{match.group(2)}"
    return element.name or f"{element.type} element {index + 1}"


def _compile_element(layout: CardLayout, element: Element, side: str, index: int, where: str,
                     at: Callable, path: str, problems: list[Problem],
                     unread: _Unread = _Unread()) -> CompiledElement:
    out = CompiledElement(element, side, index, _label(element, index), where)
    names: set[str] = set()
    for key in TEMPLATE_FIELDS:
        source = getattr(element, key, None)
        if isinstance(source, str) and source:
            out.templates[key] = Expression(source, f"{where}.{key}")
            if "{{" in source or "{%" in source:
                names |= variables(source)
    if element.when:
        out.when = _expression(element.when, f"{where}.when")
        names |= variables("{{ " + out.when.expression + " }}")
    if element.each and not isinstance(element, BoxElement):
        problems.append(Problem(_("'each' repeats an element across its box (x, y, width, "
                                  "height); a line has none"), at("each"), f"{path}.each"))
    elif element.each:
        out.each = _expression(element.each, f"{where}.each")
        names |= variables("{{ " + out.each.expression + " }}")
    out.dynamic = (bool(names & DYNAMIC_NAMES) or element.type == "photo"
                   or element.stack is not None)   # a stack's rows move card by card
    _check_names(element, at, path, problems)

    # colours: hex, or a name from the layout's palette
    for key in COLOUR_FIELDS:
        value = getattr(element, key, None)
        if value is None:
            continue
        values = value if isinstance(value, list) else [value]
        resolved = []
        for colour in values:
            hex_value = colour if colour.startswith("#") else layout.colours.get(colour)
            if hex_value is None and (unread.palette or colour in unread.colours):
                hex_value = "#000000"   # its colour list said its own mistake
            if hex_value is None:
                problems.append(Problem(_(
                    "unknown colour {colour!r}; use '#rrggbb' or a name from 'colours' "
                    "({known})").format(colour=colour, known=words(layout.colours) or "-"),
                    at(key), f"{path}.{key}"))
                hex_value = "#000000"
            resolved.append(parse_hex(hex_value))
        if isinstance(value, list) and not 1 <= len(resolved) <= 2:
            problems.append(Problem(_("give one colour, or two for a gradient"), at(key),
                                    f"{path}.{key}"))
        out.colours[key] = resolved if isinstance(value, list) else resolved[0]

    if not unread.size:   # a card size that did not read: nothing to check against
        _check_bounds(layout, element, path, at, problems)
    if isinstance(element, QrElement) and element.data and not out.dynamic \
            and "{{" not in element.data and not element.each:
        from ..qr import fit_problem
        why = fit_problem(element.data, min(element.width, element.height), element.level)
        if why:
            problems.append(Problem(why, at("data"), f"{path}.data"))
    return out


def _check_names(element: Element, at: Callable, path: str, problems: list[Problem]) -> None:
    """Names a card's context never has (a typo: `persn.name`, `person.nmae`), with file:line."""
    shape = card_shape()
    local = ("item", "index") if element.each else ()
    for key in (*TEMPLATE_FIELDS, "when", "each"):
        source = getattr(element, key, None)
        if not isinstance(source, str) or not source:
            continue
        if key in ("when", "each"):
            text = source.strip()
            source = text if text.startswith("{{") else "{{ " + text + " }}"
        elif "{{" not in source and "{%" not in source:
            continue
        for message in name_problems(source, shape, local):
            problems.append(Problem(message, at(key), f"{path}.{key}"))


def _check_bounds(layout: CardLayout, element: Element, path: str, at: Callable,
                  problems: list[Problem]) -> None:
    w, h, b = layout.width, layout.height, layout.bleed
    size = (_("the card is {w:g} × {h:g} mm with {b:g} mm bleed") if b else
            _("the card is {w:g} × {h:g} mm")).format(w=w, h=h, b=b)

    def outside(key: str, value: float) -> None:
        problems.append(Problem(_("{key} {value:g} mm is outside the card ({size})").format(
            key=key, value=value, size=size), at(key), f"{path}.{key}"))

    if isinstance(element, BoxElement):
        for key, value in (("x", element.x), ("y", element.y)):
            if value < -b - EDGE_TOLERANCE:
                outside(key, value)
        for start, length, limit, past in (
                ("x", "width", w, _("x {start:g} + width {length:g} = {end:g} mm goes past the "
                                    "card's right edge ({size})")),
                ("y", "height", h, _("y {start:g} + height {length:g} = {end:g} mm goes past "
                                     "the card's bottom edge ({size})"))):
            at_start, extent = getattr(element, start), getattr(element, length)
            if at_start + extent > limit + b + EDGE_TOLERANCE:
                problems.append(Problem(past.format(start=at_start, length=extent,
                                                    end=at_start + extent, size=size),
                                        at(length), f"{path}.{length}"))
    elif isinstance(element, LineElement):
        for key, limit in (("x1", w), ("x2", w), ("y1", h), ("y2", h)):
            value = getattr(element, key)
            if not -b - EDGE_TOLERANCE <= value <= limit + b + EDGE_TOLERANCE:
                outside(key, value)
