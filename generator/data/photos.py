"""Photos matched to people by the file name: `SZ10023.jpg`, `王建国.jpg`, `SZ10023-王建国.jpg`.

An office keeps a folder of staff photos named by employee ID (工号) or by name; the staff sheet
need not name each file. `match_photos(people, names)` is pure: it looks only at the names.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Iterable

PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
_SPLIT = re.compile(r"[\s_\-－—.·()（）\[\]【】]+")


@dataclass
class PhotoMatch:
    """What `match_photos` found. File names are as given (str)."""

    matched: dict[str, str] = field(default_factory=dict)        # person id -> file name
    duplicates: dict[str, list[str]] = field(default_factory=dict)  # person id -> files (2+)
    unmatched: list[str] = field(default_factory=list)           # photo files nobody's
    ambiguous: dict[str, list[str]] = field(default_factory=dict)  # file -> person ids (2+)


def match_photos(people: Iterable, names: Iterable[str]) -> PhotoMatch:
    """Match photo files to people (objects with `.id` and `.name`).

    A file belongs to a person when a word of its stem (split at spaces, `_`, `-`, dots and
    brackets), or the whole stem, is the person's ID (case-insensitive) or their name. An ID
    wins over a name; a name two people share matches neither (the file is `ambiguous`).
    A person with two or more files is in `duplicates` (and not in `matched`); files that are
    not photos (by suffix) are ignored.
    """
    people = list(people)
    by_id = {str(p.id).casefold(): p.id for p in people if p.id}
    by_name: dict[str, list[str]] = {}
    for p in people:
        if p.name:
            by_name.setdefault(str(p.name), []).append(p.id)
    found: dict[str, list[str]] = {}
    result = PhotoMatch()
    for name in sorted(names):
        if PurePath(name).suffix.lower() not in PHOTO_SUFFIXES:
            continue
        stem = PurePath(name).stem.strip()
        words = [stem] + [w for w in _SPLIT.split(stem) if w]
        ids = {by_id[w.casefold()] for w in words if w.casefold() in by_id}
        if not ids:
            named = {tuple(by_name[w]) for w in words if w in by_name}
            for owners in named:
                if len(owners) > 1:
                    result.ambiguous[name] = list(owners)
            ids = {owners[0] for owners in named if len(owners) == 1}
        if len(ids) == 1:
            found.setdefault(ids.pop(), []).append(name)
        elif len(ids) > 1:
            result.ambiguous[name] = sorted(ids)
        elif name not in result.ambiguous:
            result.unmatched.append(name)
    for person_id, files in found.items():
        if len(files) == 1:
            result.matched[person_id] = files[0]
        else:
            result.duplicates[person_id] = files
    return result
