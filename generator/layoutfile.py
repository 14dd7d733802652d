"""Reading a layout file (card or form) into its pydantic model, with file:line messages.

Layouts are validated like data: unknown keys (with "did you mean"), wrong types and bad
values are reported all at once with their place in the file.
"""
from __future__ import annotations

import functools
import zlib
from pathlib import Path

from typing import Any

from .data.dataset import validate_record
from .errors import UserError, display_path, in_reading_order
from .errors import suggest
from .i18n import _, words
from .data.yamlsource import load_yaml


def content_key(path: Path) -> tuple[int, int]:
    """What the layout caches know a file's content by: its size and CRC-32. (Not its
    modification time: a layout copied over another keeps its own time, as Windows copies
    do, and one process, the web app, would go on using the old one.) Layouts are a few KB.
    Raises OSError."""
    data = Path(path).read_bytes()
    return len(data), zlib.crc32(data)


@functools.lru_cache(maxsize=32)
def _source(path: Path, content: tuple, shown: str):
    return load_yaml(path, display=shown)   # messages name the file as the user does


@functools.lru_cache(maxsize=32)
def _load(path: Path, content: tuple, model: type, shown: str):
    raw = _source(path, content, shown)
    problems: list = []
    layout = validate_record(raw, model, path.stem, None,
                             {"base": path.parent, "missing_files": "error", "warnings": []},
                             problems)
    if problems:
        raise UserError(in_reading_order(problems))
    return layout


def load_layout(path: Path, model: type):
    """A validated layout; parsed once per process (and again only if the file changed)."""
    path = Path(path).resolve()
    return _load(path, content_key(path), model, display_path(path))


def layout_source(path: Path):
    """The layout file's YAML as `load_layout` read it: mappings and lists that know their
    file, line and column (`locate`), for messages about the layout's values. Read once per
    process (and again only if the file changed); shared, so read it and never change it."""
    path = Path(path).resolve()
    return _source(path, content_key(path), display_path(path))


def typed_model(value: Any, types: dict[str, type], what: str) -> type:
    """The model that an entry's `type:` names (a card element, a form block); ValueError
    saying what is wrong otherwise. Layout models dispatch through this rather than pydantic's
    tagged unions, whose messages would put the tag into every path (front[3].text.size)."""
    if not isinstance(value, dict):
        raise ValueError(_("should be {article} {what}: a mapping starting with 'type:' "
                           "({types})").format(article="an" if what[0] in "aeiou" else "a",
                                              what=what, types=words(types, "or")))
    kind = value.get("type")
    if kind is None:
        raise ValueError(_("this {what} has no 'type'; use one of {types}").format(
            what=what, types=words(types, "or")))
    model = types.get(kind) if isinstance(kind, str) else None
    if model is None:
        raise ValueError(_("unknown {what} type {kind!r}{hint}; use one of {types}").format(
            what=what, kind=kind, hint=suggest(str(kind), types), types=words(types, "or")))
    return model
