"""Safe YAML loading that remembers where every value came from.

PyYAML's parser (libyaml's C one when present) reads the text; we construct plain Python
values from its events ourselves (`_Streamer`; a file with an error, a tag or a second document
is read again through PyYAML's composer and `_Builder`, which say what is wrong) so that we can:
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
from array import array
from itertools import accumulate
from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from ..errors import Location, Problem, UserError, os_reason
from ..i18n import N_, _



class _PythonLoader(yaml.SafeLoader):
    """PyYAML's own loader, for a PyYAML built without libyaml. Its marks carry no copy of
    the text (PyYAML's hold the whole decoded file): the positions kept in MarkedDict and
    MarkedList outlive the load, and would keep a big file's text for the whole run."""

    def get_mark(self):
        return yaml.Mark(self.name, self.index, self.line, self.column, None, None)


try:
    _Loader = yaml.CSafeLoader
    C_LOADER = True
except AttributeError:  # PyYAML built without libyaml
    _Loader = _PythonLoader
    C_LOADER = False

# Nodes built through aliases, at most: a few thousand records sharing anchors stay far
# below it; a "billion laughs" document reaches it within a second and is refused.
ALIAS_BUDGET = 1_000_000

_TAG = "tag:yaml.org,2002:"

# A `records` hook given to load_yaml sees a section's records in batches of this many while
# they are read (see load_yaml).
RECORD_BATCH = 4096

# Lists and mappings nested deeper than this are refused. Real data nests a handful of levels;
# libyaml's C composer recurses once per level and crashes the whole process (a segmentation
# fault, no message) somewhere past 20,000, in a file of 60 KB of '['.
MAX_DEPTH = 1000
_BRACKETS = re.compile(rb"[\[\]{}]")
_STEP = {b"[": 1, b"{": 1, b"]": -1, b"}": -1}


class MarkedDict(dict):
    """A mapping that knows the file and the position of itself and of each of its keys.

    `pos` and the values of `key_pos` are the parser's marks (yaml.Mark: `line` and `column`
    counted from 0), kept as the parser made them: a big register has millions of keys, and a
    mark costs nothing more to keep than a tuple made from it would."""

    __slots__ = ("file", "pos", "key_pos")

    def location(self, key: Any = None) -> Location:
        mark = self.key_pos.get(key, self.pos) if key is not None else self.pos
        return Location(self.file, mark.line + 1, mark.column + 1)


class MarkedList(list):
    """A sequence that knows the file and the position of itself (`pos`, a yaml.Mark as in
    MarkedDict) and of each item: `item_pos` holds the line and column (counted from 0) of
    item i at [2 i] and [2 i + 1], an array of numbers (a register's list outlives its raw
    items: a mark for each of 500,000 items would take 40 MB)."""

    __slots__ = ("file", "pos", "item_pos")

    def location(self, index: int | None = None) -> Location:
        at = self.item_pos
        if index is not None and 0 <= index and 2 * index < len(at):
            return Location(self.file, at[2 * index] + 1, at[2 * index + 1] + 1)
        return Location(self.file, self.pos.line + 1, self.pos.column + 1)


def line_column(mark: Any) -> tuple[int, int]:
    """(line, column), counted from 1, of a mark of MarkedDict/MarkedList; (0, 0) for None."""
    return (0, 0) if mark is None else (mark.line + 1, mark.column + 1)


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
            # a table's row knows the column of a key even when its cell is empty
            best = node.location(step if step in node or getattr(node, "locates_missing", False)
                                 else None)
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
                raise UserError(Problem(_(
                    "too many aliases (*name) expand here; this looks like an alias bomb. "
                    "Write the values out instead of repeating anchors"), self.loc(node)))
        else:
            self.seen.add(id(node))
        if isinstance(node, yaml.ScalarNode):
            return self.scalar(node)
        if isinstance(node, yaml.SequenceNode):
            self.check_tag(node, "seq")
            out = MarkedList(self.build(item) for item in node.value)
            out.file, out.pos = self.file, node.start_mark
            out.item_pos = array("I", [number for item in node.value for number in (
                item.start_mark.line, item.start_mark.column)])
            return out
        self.check_tag(node, "map")
        return self.mapping(node)

    def mapping(self, node: yaml.MappingNode) -> MarkedDict:
        out = MarkedDict()
        out.file, out.pos = self.file, node.start_mark
        out.key_pos = {}
        merged: list[MarkedDict] = []
        for key_node, value_node in node.value:
            if key_node.tag == _TAG + "merge":
                value = self.build(value_node)
                merged.extend(value if isinstance(value, list) else [value])
                continue
            key = self.build(key_node)
            if isinstance(key, (list, dict)):
                raise UserError(Problem(_("a key must be a plain word, not a list or mapping"),
                                        self.loc(key_node)))
            if key in out:
                first = out.key_pos[key]
                self.problems.append(Problem(_duplicate_key(key, first.line + 1),
                                             self.loc(key_node)))
                continue
            out[key] = self.build(value_node)
            out.key_pos[key] = key_node.start_mark
        for extra in merged:
            if not isinstance(extra, MarkedDict):
                raise UserError(Problem(_("'<<' must merge a mapping"), self.loc(node)))
            for key, value in extra.items():
                if key not in out:
                    out[key] = value
                    out.key_pos[key] = extra.key_pos[key]
        return out

    def check_tag(self, node: yaml.Node, kind: str) -> None:
        if node.tag != _TAG + kind:
            self.bad_tag(node)

    def bad_tag(self, node: yaml.Node):
        raise UserError(Problem(_(
            "the YAML tag {tag!r} is not allowed: fieldprint reads plain data only. "
            "Remove the tag (or quote the value)").format(tag=node.tag), self.loc(node)))

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


class _Unusual(Exception):
    """Something `_Streamer` leaves to the composed route (which says exactly what is wrong)."""


_STR, _NULL, _SEQ, _MAP, _MERGE = (_TAG + k for k in ("str", "null", "seq", "map", "merge"))
# plain scalars whose value the text alone decides (`_Streamer.plain_value`)
_BY_TEXT = frozenset(_TAG + k for k in ("str", "null", "bool", "timestamp"))
_UNSEEN, _SLOW, _MERGE_KEY = object(), object(), object()   # markers of _Streamer
ScalarEvent, MappingStartEvent = yaml.ScalarEvent, yaml.MappingStartEvent
MappingEndEvent, SequenceEndEvent = yaml.MappingEndEvent, yaml.SequenceEndEvent


class Places:
    """Where the keys of a batch of a section's records are, for load_yaml's `records` hook:
    `raw` the records as read, `numbers` the line and column (from 0) of each key of each
    mapping among them, in the order of its keys, one after another (a mark and a dict
    entry for every key of a register cost more than the rest of reading it)."""

    __slots__ = ("raw", "numbers", "_starts")

    def __init__(self, raw: list, numbers: array):
        self.raw, self.numbers = raw, numbers
        self._starts: list[int] | None = None

    def key_pos(self, index: int) -> dict | None:
        """{key: mark} of the keys of raw[index]; None when it is not a mapping."""
        mapping = self.raw[index]
        if not isinstance(mapping, dict):
            return None
        if self._starts is None:
            self._starts = list(accumulate((2 * len(m) if isinstance(m, dict) else 0
                                            for m in self.raw), initial=0))
        at, numbers = self._starts[index], self.numbers
        return {key: yaml.Mark("", 0, numbers[at + 2 * i], numbers[at + 2 * i + 1], None, None)
                for i, key in enumerate(mapping)}

    def places_of(self, key: Any) -> list[int]:
        """Line and column, counted from 1, of `key` in each of `raw`, one after another; 0
        and 0 where it has none. Read straight from `numbers` when every record is a mapping
        with the same keys in the same order (a register: almost always)."""
        raw, numbers = self.raw, self.numbers
        orders = set(map(tuple, raw)) if set(map(type, raw)) == {dict} else ()
        if len(orders) == 1:
            order = next(iter(orders))
            if key not in order:
                return [0, 0] * len(raw)
            step, at = 2 * len(order), 2 * order.index(key)
            return [n + 1 for pair in zip(numbers[at::step], numbers[at + 1::step])
                    for n in pair]
        found = []
        for index in range(len(raw)):
            mark = (self.key_pos(index) or {}).get(key)
            found.extend((0, 0) if mark is None else (mark.line + 1, mark.column + 1))
        return found


class _Streamer(_Builder):
    """Builds the same marked values as `_Builder`, from the parser's events as they come.

    The composed node tree of a big file costs several times the memory of the values built
    from it (node, two marks and a resolved tag per scalar), and composing resolves every plain
    scalar's tag through regular expressions. Here values are built as the events arrive, and
    tags are resolved once per distinct plain value; a subtree with an anchor (&name) is still
    composed into nodes, so that aliases (*name) are built by `_Builder.build` exactly as
    before, within the same alias budget. Anything out of the ordinary (a syntax error, a tag,
    a second document, an undefined alias, a key that is a list, a YAMLError of the parser)
    raises `_Unusual`, and `load_yaml` reads the file again through the composer, which reports
    it as it always did. Any other exception is a bug here and propagates.
    Duplicate keys are collected as `_Builder` collects them.
    """

    def __init__(self, file: str, text: bytes, records=None):
        super().__init__(file)
        self.records = records
        self.loader = _Loader(text)
        self.get = self.loader.get_event
        self.anchors: dict[str, yaml.Node] = {}
        self.keep: list[yaml.Node] = []      # nodes built here stay alive: `seen` holds ids
        resolvers = self.loader.yaml_implicit_resolvers
        if None in resolvers or self.loader.yaml_path_resolvers:
            raise _Unusual  # resolvers that look past the first character: compose
        self.first_chars = frozenset(resolvers)  # plain scalars starting otherwise are str
        self.plain_tags: dict[str, str] = {}
        self.plain: dict[str, Any] = {}      # see plain_value
        self.words: dict[str, str] = {}      # keys that are text however written, kept once
        self.stamps: dict[str, Any] = {}

    def load(self) -> tuple[bool, Any]:
        """(False, None) for a file without a document, else (True, the document's value)."""
        get = self.get
        try:
            get()  # stream start
            if self.loader.check_event(yaml.StreamEndEvent):
                return False, None
            get()  # document start
            data = self.value(get(), top=True)
            get()  # document end
            if not self.loader.check_event(yaml.StreamEndEvent):
                raise _Unusual  # a second document
            return True, data
        except yaml.YAMLError as exc:
            # what the parser refuses (a syntax error, a bad character): the composed route
            # reads the file again and says exactly what and where. Anything else is a bug
            # of this builder and must not be hidden by the composer's answer.
            raise _Unusual from exc
        finally:
            self.loader.dispose()

    # ---- tags, as the composer resolves them (yaml.composer.Composer)
    def scalar_tag(self, event) -> str:
        tag = event.tag
        if tag is None or tag == "!":
            if not event.implicit[0]:
                return _STR
            value = event.value
            if value[:1] not in self.first_chars:
                return _STR
            tag = self.plain_tags.get(value)
            if tag is None:
                tag = self.plain_tags[value] = self.loader.resolve(yaml.ScalarNode, value,
                                                                   event.implicit)
        return tag

    def node(self, event) -> yaml.Node:
        """Compose the node starting with `event` (yaml.composer.Composer.compose_node)."""
        cls = event.__class__
        anchor = event.anchor
        if cls is yaml.AliasEvent:
            if anchor not in self.anchors:
                raise _Unusual
            return self.anchors[anchor]
        if anchor is not None and anchor in self.anchors:
            raise _Unusual  # a duplicate anchor
        if cls is yaml.ScalarEvent:
            node = yaml.ScalarNode(self.scalar_tag(event), event.value, event.start_mark,
                                   event.end_mark, style=event.style)
            if anchor is not None:
                self.anchors[anchor] = node
            return node
        if cls is yaml.SequenceStartEvent:
            mapping, node_cls, default_tag, end = False, yaml.SequenceNode, _SEQ, \
                yaml.SequenceEndEvent
        elif cls is yaml.MappingStartEvent:
            mapping, node_cls, default_tag, end = True, yaml.MappingNode, _MAP, \
                yaml.MappingEndEvent
        else:
            raise _Unusual
        tag = event.tag
        node = node_cls(default_tag if tag is None or tag == "!" else tag, [],
                        event.start_mark, None, flow_style=event.flow_style)
        if anchor is not None:
            self.anchors[anchor] = node
        while True:
            item = self.get()
            if item.__class__ is end:
                node.end_mark = item.end_mark
                return node
            child = self.node(item)
            # a mapping's value follows its key: (key node, value node) pairs
            node.value.append((child, self.node(self.get())) if mapping else child)

    def built(self, event) -> Any:
        """The value of an anchored node or an alias, through the nodes."""
        node = self.node(event)
        self.keep.append(node)
        return self.build(node)

    # ---- values, straight from the events
    def value(self, event, top: bool = False, section: str | None = None) -> Any:
        """The value starting with `event`; `top` for the document itself, `section` for the
        value of a key of the top mapping (a section's list is handed to `records`)."""
        cls = event.__class__
        if event.anchor is not None:  # an anchor, or an alias (whose anchor is its name)
            return self.built(event)
        if cls is ScalarEvent:
            return self.event_scalar(event, self.scalar_tag(event))
        if cls is MappingStartEvent:
            return self.event_mapping(event, top)
        if cls is yaml.SequenceStartEvent:
            return self.event_sequence(event, section,
                                       self.records if top or section is not None else None)
        raise _Unusual

    def event_sequence(self, start, section: str | None, records) -> MarkedList:
        """The list that the event `start` opens; handed to `records` in batches while it is
        read, when that is given (see load_yaml). The mappings of such a list (a section's
        records) are read as plain dicts, the lines and columns of their keys kept apart as
        numbers (`Places`: a MarkedDict, and a mark kept for every key, cost more to make,
        and pydantic reads a plain dict faster); those `records` leaves as they are become
        MarkedDicts (`marked`)."""
        out = self.opened(start, MarkedList, _SEQ)
        at = out.item_pos = array("I")
        get = self.get
        handed = 0  # records before this index have been handed to `records`
        numbers = None if records is None else array("I")   # see Places
        while True:
            item = get()
            cls = item.__class__
            if cls is SequenceEndEvent:
                if records is not None:
                    places = Places(out[handed:], numbers)
                    if handed:  # a long list: the rest too
                        records(section, out, handed, places)
                    self.marked(out, handed, places)
                return out
            if item.anchor is not None:  # built from the node: positioned where it is
                node = self.node(item)
                self.keep.append(node)
                mark = node.start_mark
                value = self.build(node)
                if numbers is not None and isinstance(value, MarkedDict):
                    for key in value:
                        numbers.extend((value.key_pos[key].line, value.key_pos[key].column))
            else:
                mark = item.start_mark
                if cls is not MappingStartEvent:
                    value = self.value(item)
                else:
                    value = self.mapping_items(item, numbers=numbers)[0] if numbers is not None \
                        else self.event_mapping(item)
            out.append(value)
            at.append(mark.line)
            at.append(mark.column)
            if records is not None and len(out) - handed == RECORD_BATCH:
                places = Places(out[handed:], numbers)
                records(section, out, handed, places)
                self.marked(out, handed, places)
                handed = len(out)
                numbers = array("I")

    def marked(self, out: MarkedList, start: int, places: Places) -> None:
        """The plain dicts among the items of `out` from `start` on (those `records` left
        raw) as MarkedDicts, placed as `places` says (counted from `start`) and as the list's
        item_pos says."""
        at = out.item_pos
        for offset, value in enumerate(out[start:]):
            if value.__class__ is dict:
                index = start + offset
                value = out[index] = MarkedDict(value)
                value.file, value.key_pos = self.file, places.key_pos(offset)
                value.pos = yaml.Mark(self.file, 0, at[2 * index], at[2 * index + 1], None, None)

    def opened(self, start, cls: type, plain_tag: str):
        """An empty `cls` (MarkedList or MarkedDict) for the collection that the event `start`
        opens, placed at its mark; _Unusual when it carries a tag other than `plain_tag` (the
        composer then says what is wrong)."""
        _check_plain_tag(start, plain_tag)
        out = cls()
        out.file, out.pos = self.file, start.start_mark
        return out

    def event_scalar(self, event, tag: str) -> Any:
        if tag == _STR:
            return event.value
        if tag == _NULL:
            return None
        if tag == _TAG + "timestamp":  # dates repeat: one conversion per distinct text
            value = self.stamps.get(event.value, self)
            if value is self:
                value = self.stamps[event.value] = self.scalar(yaml.ScalarNode(
                    tag, event.value, event.start_mark, event.end_mark, style=event.style))
            return value
        return self.scalar(yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark,
                                           style=event.style))

    def plain_value(self, event) -> Any:
        """The value of a plain scalar (no tag, no anchor, not quoted) whose first character
        may make it more than text, remembered in `plain` for the next time the same text
        comes when the text alone decides it (text, null, a boolean, a date); _SLOW, also
        remembered, for the others (a number keeps its own place; '<<' and the like are for
        `scalar_tag` and `event_scalar`)."""
        tag = self.loader.resolve(yaml.ScalarNode, event.value, event.implicit)
        value = self.plain[event.value] = (self.event_scalar(event, tag) if tag in _BY_TEXT
                                           else _SLOW)
        return value

    def other_key(self, event) -> tuple[Any, Any]:
        """(key, its mark) for a key that is not a plain or quoted scalar without tag or anchor,
        or whose text makes it a number or '<<' (_MERGE_KEY then)."""
        if event.__class__ is ScalarEvent and event.anchor is None:
            tag = self.scalar_tag(event)
            return (_MERGE_KEY if tag == _MERGE else self.event_scalar(event, tag),
                    event.start_mark)
        node = self.node(event)
        self.keep.append(node)
        if node.tag == _MERGE:
            return _MERGE_KEY, node.start_mark
        key = self.build(node)
        if isinstance(key, (list, dict)):
            raise _Unusual
        return key, node.start_mark

    def event_mapping(self, start, top: bool = False) -> MarkedDict:
        """The mapping that the event `start` opens (see `mapping_items`)."""
        values, key_pos = self.mapping_items(start, top)
        out = MarkedDict(values)
        out.file, out.pos, out.key_pos = self.file, start.start_mark, key_pos
        return out

    def mapping_items(self, start, top: bool = False,
                      numbers: array | None = None) -> tuple[dict, dict | None]:
        """The mapping that the event `start` opens, as a plain dict and the marks of its keys
        (a dict); or, given `numbers` (a section's record: see `Places`), with the line and
        column of each key appended there instead, in the order of the keys, and None for the
        marks. Its keys and scalar values are read here, without a call per event, when
        they are plain or quoted without tag or anchor (almost always); anything else goes
        through `other_key` and `value`."""
        tag = start.tag  # as _check_plain_tag, without a call per record
        if not (tag is None or tag == "!" or tag == _MAP):
            raise _Unusual
        out: dict = {}
        key_pos: dict | None = {} if numbers is None else None
        base = 0 if numbers is None else len(numbers)
        number = None if numbers is None else numbers.append
        merged = None
        get, plain, first_chars, words = self.get, self.plain, self.first_chars, self.words
        scalar, merge_key = ScalarEvent, _MERGE_KEY
        while True:
            event = get()
            if event.__class__ is scalar and event.anchor is None and event.tag is None:
                text = event.value
                mark = event.start_mark
                key = words.get(text)   # a word seen as a key before: most keys are
                if key is not None:
                    pass
                elif event.implicit[0] and text[:1] in first_chars:  # plain: may be more
                    key = plain.get(text, _UNSEEN)
                    if key is _UNSEEN:
                        key = self.plain_value(event)
                    if key is _SLOW:
                        key, mark = self.other_key(event)
                elif text[:1] not in first_chars:  # text, whether plain or quoted
                    key = words[text] = text  # one 'holder' for every record, not one each
                else:
                    key = text  # quoted: text, but the same plain text may be more
            elif event.__class__ is MappingEndEvent:
                break
            else:
                key, mark = self.other_key(event)
            if key is merge_key:  # '<<' is no value: it merges (below)
                value = self.value(get())
                merged = (merged or []) + (value if isinstance(value, list) else [value])
                continue
            if key in out:
                first = (key_pos[key].line if key_pos is not None
                         else numbers[base + 2 * list(out).index(key)])
                self.problems.append(Problem(
                    _duplicate_key(key, first + 1),
                    Location(self.file, mark.line + 1, mark.column + 1)))
                self.keep.append(self.node(get()))  # composed (its anchors count), not built
                continue
            event = get()
            if event.__class__ is scalar and event.anchor is None and event.tag is None:
                value = event.value
                if event.implicit[0] and value[:1] in first_chars:
                    value = plain.get(value, _UNSEEN)
                    if value is _UNSEEN:
                        value = self.plain_value(event)
                    if value is _SLOW:
                        value = self.event_scalar(event, self.scalar_tag(event))
            else:
                value = self.value(event, section=key if top and isinstance(key, str) else None)
            out[key] = value
            if number is None:
                key_pos[key] = mark
            else:
                number(mark.line)
                number(mark.column)
        for extra in merged or ():
            if not isinstance(extra, MarkedDict):
                raise _Unusual
            for key, value in extra.items():
                if key not in out:
                    out[key] = value
                    mark = extra.key_pos[key]
                    if number is None:
                        key_pos[key] = mark
                    else:
                        number(mark.line)
                        number(mark.column)
        return out, key_pos


def _check_plain_tag(start, plain_tag: str) -> None:
    """_Unusual when the collection that the event `start` opens carries a tag other than
    `plain_tag` (the composer then says what is wrong)."""
    tag = start.tag
    if not (tag is None or tag == "!" or tag == plain_tag):
        raise _Unusual


def read_text(path: Path) -> bytes:
    """A data file's UTF-8 text, as bytes (the parser reads them as they are: a big file's
    text is not held twice, decoded and encoded again), or a UserError saying why it cannot be
    read as text."""
    if path.is_dir():
        raise UserError(Problem(_("this is a folder, not a data file; name the files inside "
                                  "it"), Location(str(path))))
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise UserError(Problem(_("file not found"), Location(str(path)))) from None
    except OSError as exc:
        raise UserError(Problem(_("cannot read: {reason}").format(reason=os_reason(exc)),
                                Location(str(path)))) from None
    if b"\x00" in raw[:8192]:
        raise UserError(Problem(_("this is a binary file, not YAML text (an Excel file must "
                                  "end in .xlsx)"), Location(str(path))))
    try:
        if not raw.isascii():  # ASCII is UTF-8: no need to decode it to know
            raw.decode("utf-8")
        return raw
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise UserError(Problem(
            _("not UTF-8 text (byte 0x{byte:02x}); save the file as UTF-8").format(
                byte=raw[exc.start]),
            Location(str(path), line))) from None


def _may_nest_deeply(text: bytes) -> bool:
    """Cheap and conservative: False when the text cannot nest more than a few thousand levels.
    Block nesting needs indentation or compact '- - -' within one line, so it is bounded by the
    longest line; flow nesting by the running count of open brackets (quotes ignored, which can
    only overestimate)."""
    if b"\n" not in text[:MAX_DEPTH] or _has_long_line(text, MAX_DEPTH):
        return True
    if text.count(b"[") + text.count(b"{") <= MAX_DEPTH:
        return False
    return max(accumulate(map(_STEP.__getitem__, _BRACKETS.findall(text)))) > MAX_DEPTH


def _has_long_line(text: bytes, limit: int) -> bool:
    """Whether a newline in `text` is followed by `limit` characters or more that are not one
    (what the pattern \\n[^\\n]{limit} finds; tests/test_hostile_yaml.py holds one to the
    other). From each newline it jumps to the last one within `limit` after it: a register's
    text is passed in steps of about `limit` bytes, not a character at a time."""
    at = text.find(b"\n")
    while at != -1:
        last = text.rfind(b"\n", at + 1, at + 1 + limit)
        if last == -1:
            return at + limit < len(text)
        at = last
    return False


def _check_depth(text: bytes, name: str) -> None:
    """The true nesting depth, from libyaml's events (no recursion); UserError past MAX_DEPTH."""
    depth = 0
    for event in yaml.parse(text, Loader=_Loader):
        if isinstance(event, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                mark = event.start_mark
                raise UserError(Problem(_(
                    "the data is nested too deeply (more than {levels} levels of lists or "
                    "mappings)").format(levels=MAX_DEPTH),
                    Location(name, mark.line + 1, mark.column + 1)))
        elif isinstance(event, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
            depth -= 1


def load_yaml(path: Path, display: str | None = None, records=None) -> Any:
    """Load one YAML file into marked values. An empty file is an error.

    `records(section, items, start, places)`, if given, is called while a long list is read
    (more than RECORD_BATCH items: the list of the document itself, section None, or of a key
    of its top mapping, section that key), each time with the items read since the last call
    at items[start:], which it may replace in place (dataset.py validates them there, so that
    a big file's raw values and its models never all exist at once). The mappings among them
    are plain dicts then; `places` (a Places) says where their keys are. What it leaves in
    place becomes a MarkedDict as in a short list, which is returned untouched, and so is
    everything when the file is read again to say what is wrong in it.
    """
    name = display or str(path)
    text = read_text(path)
    try:
        if _may_nest_deeply(text):
            _check_depth(text, name)
        try:
            streamer = _Streamer(name, text, records)
            found, data = streamer.load()
        except _Unusual:
            pass  # the composed route below says what it is
        else:
            if not found:
                raise UserError(_empty(name))
            if streamer.problems:
                raise UserError(streamer.problems)
            return data
        node = yaml.compose(text, Loader=_Loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raw_problem = exc.problem or "not valid YAML"
        problem = yaml_problem(raw_problem)
        lines = text.decode("utf-8-sig").splitlines()
        if mark and mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            problem += _(" (a tab: YAML indents with spaces only)")
        elif "expected key" in raw_problem or "mapping values are not allowed" in raw_problem:
            problem += _(" (check the indentation of this line and the one above)")
        elif exc.context:
            problem = f"{problem} ({yaml_problem(exc.context)})"
        loc = Location(name, mark.line + 1, mark.column + 1) if mark else Location(name)
        raise UserError(Problem(problem, loc)) from None
    except yaml.YAMLError as exc:
        raise UserError(Problem(_("not valid YAML: {reason}").format(reason=exc),
                                Location(name))) from None
    if node is None:
        raise UserError(_empty(name))
    builder = _Builder(name)
    try:
        data = builder.build(node)
    except RecursionError:
        raise UserError(Problem(_("the data is nested too deeply"), Location(name))) from None
    if builder.problems:
        raise UserError(builder.problems)
    return data


def _empty(name: str) -> Problem:
    return Problem(_("the file is empty; it should hold sections such as 'company:', "
                     "'staff:', 'work_orders:' or 'equipment:'"), Location(name))


def _duplicate_key(key, line: int) -> str:
    return _("duplicate key {key!r} (first at line {line}); YAML would keep only the last one. "
             "Remove or rename one of them").format(key=key, line=line)


# What PyYAML says most often, so that it can be said in the user's language; anything else
# it says is shown as it is.
YAML_PROBLEMS = (
    N_("mapping values are not allowed here"),
    N_("could not find expected ':'"),
    N_("did not find expected key"),
    N_("did not find expected '-' indicator"),
    N_("did not find expected node content"),
    N_("found character that cannot start any token"),
    N_("found unexpected end of stream"),
    N_("found undefined alias"),
    N_("found unknown escape character"),
    N_("found a tab character that violates indentation"),
    N_("found a tab character where an indentation space is expected"),
    N_("expected <block end>, but found '-'"),
    N_("expected <block end>, but found '?'"),
    N_("expected <block end>, but found '<scalar>'"),
    N_("expected <block end>, but found '<block mapping start>'"),
    N_("expected <block end>, but found '<block sequence start>'"),
    N_("expected <document start>, but found '<block mapping start>'"),
    N_("expected ',' or '}', but got '<scalar>'"),
    N_("expected ',' or ']', but got '<scalar>'"),
    N_("found unexpected ':'"),
    N_("while scanning a simple key"),
    N_("while scanning a quoted scalar"),
    N_("while scanning a plain scalar"),
    N_("while parsing a block mapping"),
    N_("while parsing a block collection"),
    N_("while parsing a flow mapping"),
    N_("while parsing a flow sequence"),
    N_("while scanning an alias"),
    N_("while scanning for the next token"),
    N_("not valid YAML"),
)


def yaml_problem(text: str) -> str:
    """PyYAML's words in the current language, when the catalog knows them."""
    return _(text) if text in YAML_PROBLEMS else text


def warn_if_pure_python() -> None:
    """Warn (a Python warning) when PyYAML runs without libyaml's C loader: large files then load
    about 3 times slower."""
    if not C_LOADER:
        warnings.warn("PyYAML has no libyaml C loader here; large files load about 3x slower. "
                      "Install PyYAML wheels from PyPI to get it.", stacklevel=2)
