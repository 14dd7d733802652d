"""Bounds on compressed input (issue 15.11): an .xlsx workbook or a .docx template is a zip
archive, and a small file can inflate to gigabytes (a 2 MB workbook to 4.3 GB of memory, one
huge shared string to a MemoryError). Its sizes are checked from the archive's directory
before anything is inflated: Python's zipfile never inflates an entry past the size the
directory gives it, so the directory's numbers bound the work.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

from ..errors import Location, Problem, UserError
from ..i18n import _

MAX_UNCOMPRESSED = 256 * 1024 * 1024   # bytes, all entries together (docs/security.md)
MAX_RATIO = 100                        # inflated / compressed, for an entry over MIN_CHECKED
MIN_CHECKED = 1024 * 1024              # bytes: small entries compress as they like
MAX_ENTRIES = 10_000


def check_archive(path: Path, display: str | None = None, what: str = "workbook") -> None:
    """Raise UserError when the archive at `path` would inflate past the limits above.
    A file that is not a zip archive at all is left to the reader (which says so)."""
    where = Location(display or str(path))
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_sizes(infos, where, what)
            doctype = _doctype(archive, infos)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return
    if doctype is not None:
        raise UserError(Problem(_(
            "this {what}'s part {part} declares a DOCTYPE (XML entities), which Excel and Word "
            "never write: a crafted file, not office data").format(what=what, part=doctype),
            where))


def _doctype(archive: zipfile.ZipFile, infos) -> str | None:
    """The first XML part that starts with a DOCTYPE (where entities are declared), or None.
    The declaration comes before the root element: its first 4 KB tell."""
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            with archive.open(info) as part:
                if b"<!DOCTYPE" in part.read(4096).upper():
                    return info.filename
    return None


def _check_sizes(infos, where: Location, what: str) -> None:
    if len(infos) > MAX_ENTRIES:
        raise UserError(Problem(_(
            "this {what} holds {n:,} parts, more than the {limit:,} fieldprint opens; is it "
            "damaged, or made to harm?").format(what=what, n=len(infos), limit=MAX_ENTRIES),
            where))
    total = sum(info.file_size for info in infos)
    if total > MAX_UNCOMPRESSED:
        raise UserError(Problem(_(
            "this {what} would take {mb:,} MB once unpacked, more than the {limit:,} MB "
            "fieldprint allows; split it into smaller files").format(
                what=what, mb=total // (1024 * 1024), limit=MAX_UNCOMPRESSED // (1024 * 1024)),
            where))
    for info in infos:
        if (info.file_size > MIN_CHECKED
                and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
            raise UserError(Problem(_(
                "this {what}'s part {part} unpacks {ratio:,} times larger than it is stored "
                "(more than {limit} times): a compression bomb, not office data").format(
                    what=what, part=info.filename,
                    ratio=info.file_size // max(info.compress_size, 1), limit=MAX_RATIO),
                where))
