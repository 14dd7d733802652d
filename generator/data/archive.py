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
    """The first XML part with a DOCTYPE (where entities are declared), or None. The
    declaration can only stand in the prolog, before the root element; the prolog is read
    whole, however long its comments, in the part's encoding (UTF-8, or UTF-16/32 by its
    byte-order mark, as XML parsers read it)."""
    for info in infos:
        if info.filename.endswith((".xml", ".rels", ".vml")):
            with archive.open(info) as part:
                if _prolog_has_doctype(part):
                    return info.filename
    return None


class _Doctype(Exception):
    """The part declares a DOCTYPE."""


class _Root(Exception):
    """The part's root element starts: its prolog had no DOCTYPE."""


def _prolog_has_doctype(part, chunk: int = 1 << 16) -> bool:
    """Whether the XML in the binary stream `part` declares a DOCTYPE before its root element:
    expat reads it in chunks (in the part's encoding, as any XML parser would) and stops at
    the DOCTYPE, or at the root element; what is not XML has none."""
    from xml.parsers import expat

    def doctype(*_args):
        raise _Doctype

    def root(*_args):
        raise _Root

    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = doctype
    parser.StartElementHandler = root
    try:
        while data := part.read(chunk):
            parser.Parse(data, False)
        parser.Parse(b"", True)
    except _Doctype:
        return True
    except (_Root, expat.ExpatError):
        return False
    return False


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
