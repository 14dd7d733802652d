"""Safe YAML loading that remembers where every value came from.

PyYAML's composer (the libyaml C one when present) builds the node tree; we construct plain
Python values from it ourselves so that we can:
- remember file, line and column of every mapping key and list item (MarkedDict, MarkedList);
- refuse duplicate keys (PyYAML silently keeps the last one, which loses data);
- refuse tags that construct objects, and alias bombs;
- keep the text as typed of numbers (MarkedInt, MarkedFloat), so an employee ID written
  00123 or a phone number stays text when the schema says it is text.
"""
from __future__ import annotations

import datetime as _dt
import re
import warnings
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from .errors import Location, Problem, UserError

try:
    _Loader = yaml.CSafeLoader
    C_LOADER = True
except AttributeError:  # PyYAML built without libyaml
    _Loader = yaml.SafeLoader
    C_LOADER = False

# Nodes built through aliases, at most: a few thousand records sharing anchors stay far
# below it; a "billion laughs" document reaches it within a second and is refused.
ALIAS_BUDGET = 1_000_000

_TAG = "tag:yaml.org,2002:"

# Lists and mappings nested deeper than this are refused. Real data nests a handful of levels;
# libyaml's C composer recurses once per level and crashes the whole process (a segmentation
# fault, no message) somewhere past 20,000, in a file of 60 KB of '['.
MAX_DEPTH = 1000
_BRACKETS = re.compile(r"[\[\]{}]")
_LONG_LINE = re.compile(r"\n[^\n]{%d}" % MAX_DEPTH)   # after a newline: fast to search
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


class MarkedDict(dict):
    """A mapping that knows the file and the position of itself and of each of its keys."""

    __slots__ = ("file", "pos", "key_pos")

    def location(self, key: Any = None) -> Location:
        line, col = self.key_pos.get(key, self.pos) if key is not None else self.pos
        return Location(self.file, line, col)


class MarkedList(list):
    """A sequence that knows the file and the position of itself and of each item."""

    __slots__ = ("file", "pos", "item_pos")

    def location(self, index: int | None = None) -> Location:
        if index is not None and 0 <= index < len(self.item_pos):
            line, col = self.item_pos[index]
        else:
            line, col = self.pos
        return Location(self.file, line, col)


class MarkedInt(int):
    """An integer from YAML that remembers how it was written (e.g. 00123)."""

    raw: str
    loc: Location


class MarkedFloat(float):
    """A float from YAML that remembers how it was written (e.g. 1.38e10)."""

    raw: str
    loc: Location


def _marked_number(cls, value, raw: str, loc: Location):
    obj = cls(value)
    obj.raw = raw
    obj.loc = loc
    return obj


def locate(data: Any, path: tuple) -> Location | None:
    """The location of the value at `path` inside loaded data, as precisely as known."""
    best: Location | None = None
    node = data
    for step in path:
        if isinstance(node, MarkedDict):
            best = node.location(step if step in node else None)
            node = node.get(step)
        elif isinstance(node, MarkedList) and isinstance(step, int):
            best = node.location(step)
            node = node[step] if 0 <= step < len(node) else None
        else:
            break
    if isinstance(node, (MarkedDict, MarkedList)):
        # the key's own position is more useful than where its value starts, unless we
        # never got a key position at all
        best = best or node.location()
    return best


class _Builder:
    """Turns a composed node tree into marked Python values."""

    def __init__(self, file: str):
        self.file = file
        self.scalars = SafeConstructor()
        self.alias_nodes = 0
        self.seen: set[int] = set()
        self.problems: list[Problem] = []

    def loc(self, node: yaml.Node) -> Location:
        return Location(self.file, node.start_mark.line + 1, node.start_mark.column + 1)

    def build(self, node: yaml.Node) -> Any:
        if id(node) in self.seen:  # an alias: the same node used again
            self.alias_nodes += 1
            if self.alias_nodes > ALIAS_BUDGET:
                raise UserError(Problem(
                    "too many aliases (*name) expand here; this looks like an alias bomb. "
                    "Write the values out instead of repeating anchors", self.loc(node)))
        else:
            self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if isinstance(node, yaml.SequenceNode):
            self.check_tag(node, "seq")
            out = MarkedList(self.build(item) for item in node.value)
            out.file, out.pos = self.file, (node.start_mark.line + 1, node.start_mark.column + 1)
            out.item_pos = [(i.start_mark.line + 1, i.start_mark.column + 1) for i in node.value]
            return out
        self.check_tag(node, "map")
        return self.mapping(node)

    def mapping(self, node: yaml.MappingNode) -> MarkedDict:
        out = MarkedDict()
        out.file, out.pos = self.file, (node.start_mark.line + 1, node.start_mark.column + 1)
        out.key_pos = {}
        merged: list[MarkedDict] = []
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                value = self.build(value_node)
                merged.extend(value if isinstance(value, list) else [value])
                continue
            key = self.build(key_node)
            if isinstance(key, (list, dict)):
                raise UserError(Problem("a key must be a plain word, not a list or mapping",
                                        self.loc(key_node)))
            if key in out:
                first = out.key_pos[key]
                self.problems.append(Problem(
                    f"duplicate key {key!r} (first at line {first[0]}); YAML would keep only the "
                    "last one. Remove or rename one of them", self.loc(key_node)))
                continue
            out[key] = self.build(value_node)
            out.key_pos[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        for extra in merged:
            if not isinstance(extra, MarkedDict):
                raise UserError(Problem("'<<' must merge a mapping", self.loc(node)))
            for key, value in extra.items():
                if key not in out:
                    out[key] = value
                    out.key_pos[key] = extra.key_pos[key]
        return out

    def check_tag(self, node: yaml.Node, kind: str) -> None:
        if node.tag != _TAG + kind:
            self.bad_tag(node)

    def bad_tag(self, node: yaml.Node):
        raise UserError(Problem(
            f"the YAML tag {node.tag!r} is not allowed: fieldprint reads plain data only. "
            "Remove the tag (or quote the value)", self.loc(node)))

    def scalar(self, node: yaml.ScalarNode) -> Any:
        tag = node.tag
        if not tag.startswith(_TAG):
            self.bad_tag(node)
        kind = tag[len(_TAG):]
        if kind == "str":
            return node.value
        if kind == "null":
            return None
        if kind == "bool":
            return self.scalars.construct_yaml_bool(node)
        if kind == "int":
            return _marked_number(MarkedInt, self.scalars.construct_yaml_int(node), node.value,
                                  self.loc(node))
        if kind == "float":
            return _marked_number(MarkedFloat, self.scalars.construct_yaml_float(node),
                                  node.value, self.loc(node))
        if kind == "timestamp":
            try:
                value = self.scalars.construct_yaml_timestamp(node)
            except ValueError:
                return node.value  # e.g. 2026-02-30: the schema reports it with its place
            if isinstance(value, _dt.datetime) and value.tzinfo is not None:
                value = value.astimezone().replace(tzinfo=None)
            return value
        self.bad_tag(node)


def read_text(path: Path) -> str:
    """A data file's text, or a UserError saying why it cannot be read as text."""
    if path.is_dir():
        raise UserError(Problem("this is a folder, not a data file; name the files inside it",
                                Location(str(path))))
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(Problem("file not found", Location(str(path)))) from None
    except OSError as exc:
        raise UserError(Problem(f"cannot read: {exc.strerror}", Location(str(path)))) from None
    if b"\x00" in raw[:8192]:
        raise UserError(Problem("this is a binary file, not YAML text "
                                "(an Excel file must end in .xlsx)", Location(str(path))))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(Problem(
            f"not UTF-8 text (byte 0x{raw[exc.start]:02x}); save the file as UTF-8",
            Location(str(path), line))) from None


def _may_nest_deeply(text: str) -> bool:
    """Cheap and conservative: False when the text cannot nest more than a few thousand levels.
    Block nesting needs indentation or compact '- - -' within one line, so it is bounded by the
    longest line; flow nesting by the running count of open brackets (quotes ignored, which can
    only overestimate)."""
    if "\n" not in text[:MAX_DEPTH] or _LONG_LINE.search(text):
        return True
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    return max(accumulate(map(_STEP.__getitem__, _BRACKETS.findall(text)))) > MAX_DEPTH


def _check_depth(text: str, name: str) -> None:
    """The true nesting depth, from libyaml's events (no recursion); UserError past MAX_DEPTH."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise UserError(Problem(
                    f"the data is nested too deeply (more than {MAX_DEPTH} levels of lists or "
                    "mappings)", Location(name, mark.line + 1, mark.column + 1)))
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def load_yaml(path: Path, display: str | None = None) -> Any:
    """Load one YAML file into marked values. An empty file is an error."""
    name = display or str(path)
    text = read_text(path)
    try:
        if _may_nest_deeply(text):
            _check_depth(text, name)
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "not valid YAML"
        lines = text.splitlines()
        if mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            problem += " (a tab: YAML indents with spaces only)"
        elif "expected key" in problem or "mapping values are not allowed" in problem:
            problem += " (check the indentation of this line and the one above)"
        elif exc.context:
            problem = f"{problem} ({exc.context})"
        loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        raise UserError(Problem(problem, loc)) from None
    except yaml.YAMLError as exc:
        raise UserError(Problem(f"not valid YAML: {exc}", Location(name))) from None
    if node is None:
        raise UserError(Problem("the file is empty; it should hold sections such as "
                                "'company:', 'staff:', 'work_orders:' or 'equipment:'",
                                Location(name)))
    builder = _Builder(name)
    try:
        data = builder.build(node)
    except RecursionError:
        raise UserError(Problem("the data is nested too deeply", Location(name))) from None
    if builder.problems:
        raise UserError(builder.problems)
    return data


def warn_if_pure_python() -> None:
    if not C_LOADER:
        warnings.warn("PyYAML has no libyaml C loader here; large files load about 3x slower. "
                      "Install PyYAML wheels from PyPI to get it.", stacklevel=2)
