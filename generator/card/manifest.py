"""The print manifest: one CSV row per printed card (sheet, slot, side, id, name, layout, hash),
and what `--changed-since` compares against.

A card's hash covers everything drawn on that side of it: the texts as fitted, QR payloads,
positions, colours, and the *content* of every photo and picture (not its file date, so a
photo folder copied to another machine does not look changed): a photo by its length and
CRC-32 (`images.file_digest`), taken by the workers from the bytes they decode. Its position on the sheet is
not part of it. The same data and layout give the same hash on any machine.
"""
from __future__ import annotations

import csv
import dataclasses
import functools
import hashlib
import io
from pathlib import Path

from ..errors import Location, Problem, UserError, os_reason
from ..i18n import _, words
from ..output import write_bytes
from .images import EmbeddedImage, PhotoJob, file_digest
from .render import FormOp, PhotoOp, PreparedCard

COLUMNS = ("sheet", "slot", "side", "id", "name", "layout", "hash")


class Hasher:
    """Card hashes for one run; each file is read and hashed once."""

    def __init__(self):
        self._files: dict[str, str] = {}
        self._cards: dict[tuple[int, str], str] = {}
        self._forms: dict[str, bytes] = {}   # by FormOp.name: one renderer's, named once

    def know(self, digests: dict[str, str]) -> None:
        """Digests already taken (photo path -> file_digest), e.g. while the photos were
        decoded: those files are not read again."""
        self._files.update(digests)

    def file(self, path: str) -> str:
        digest = self._files.get(path)
        if digest is None:
            try:
                digest = file_digest(Path(path).read_bytes())
            except OSError:
                digest = "unreadable"
            self._files[path] = digest
        return digest

    def card(self, card: PreparedCard, side: str) -> str:
        key = (id(card), side)
        found = self._cards.get(key)
        if found is None:
            h = hashlib.sha256()
            for op in card.sides.get(side, ()):
                h.update(self._op(op))
            found = self._cards[key] = h.hexdigest()[:16]
        return found

    def _op(self, op) -> bytes:
        """What the hash takes of one drawing op: its kind, then each field's repr and a NUL;
        the ops of a form (drawn alike on every card) once, then remembered."""
        kind = type(op)
        if kind is FormOp:
            kept = self._forms.get(op.name)
            if kept is None:
                kept = self._forms[op.name] = b"".join(map(self._op, op.ops))
            return kept
        out = [kind.__name__.encode()]
        for name in _hashed_fields(kind):
            value = getattr(op, name)
            if type(value) is PhotoJob:  # neither class has subclasses
                value = (self.file(value.path), value.box_mm, value.focus, value.background)
            elif type(value) is EmbeddedImage:
                value = value.key
            out += (repr(value).encode("utf-8", "surrogatepass"), b"\0")
        return b"".join(out)


@functools.cache
def _hashed_fields(kind: type) -> tuple[str, ...]:
    """The fields of an op class that its hash covers: all but a photo's record and its
    decoded image (the photo counts by its file's digest)."""
    skip = ("who", "image") if kind is PhotoOp else ()
    return tuple(f.name for f in dataclasses.fields(kind) if f.name not in skip)


def rows(pages, cards: list[PreparedCard], layout: str, hasher: Hasher) -> list[dict]:
    """One manifest row per card slot of `pages`, in print order: sheet and slot numbers, side, the
    person's id and name, the layout's name and the card's hash (`hasher`)."""
    out = []
    for page in pages:
        for slot in page.slots:
            card = cards[slot.card]
            out.append({"sheet": page.sheet_number, "slot": slot.number, "side": slot.side,
                        "id": card.ident, "name": card.name, "layout": layout,
                        "hash": hasher.card(card, slot.side)})
    return out


def write(target: Path, pages, cards: list[PreparedCard], sides, layout: str,
          hasher: Hasher) -> None:
    """The manifest as CSV (UTF-8 with BOM: Excel opens it), written atomically."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows(pages, cards, layout, hasher))
    write_bytes(target, ("\ufeff" + buffer.getvalue()).encode("utf-8"))


def read(path: Path) -> dict[tuple[str, str], str]:
    """(id, side) -> hash from a manifest file; UserError when it is not one."""
    path = Path(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise UserError(Problem(_("cannot read the manifest: {error}").format(
            error=os_reason(exc)), Location(str(path)))) from None
    except UnicodeDecodeError:
        raise UserError(Problem(_("not a manifest written by fieldprint (not UTF-8 text)"),
                                Location(str(path)))) from None
    reader = csv.DictReader(io.StringIO(text))
    if not reader.fieldnames or not {"id", "side", "hash"} <= set(reader.fieldnames):
        raise UserError(Problem(_("not a manifest written by fieldprint: it needs the columns "
                                  "{columns}").format(columns=words(COLUMNS)),
                                Location(str(path), 1)))
    found: dict[tuple[str, str], str] = {}
    for row in reader:
        found[(row["id"], row["side"])] = row["hash"]
    return found
