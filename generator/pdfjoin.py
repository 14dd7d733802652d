"""Join PDF files written by reportlab into one, streaming: one part in memory at a time.

A big batch is drawn in parts (generator.form.render_pdf: a few thousand form pages;
generator.card.document.write_pdf: a hundred sheets of cards), each a whole reportlab document
saved to a temporary file as soon as it is full (`Spool`); `join` copies their objects into one
file, renumbered,
under one page tree, so memory stays flat however many pages there are (issue 19). It reads
only what reportlab writes: a classic cross-reference table, no object streams, each object
`N 0 obj ... endobj`, references `N 0 R` outside streams. Each part keeps its own font
subsets (a part's fonts are embedded once in it); pages are copied byte for byte, so they look
exactly as they would in one document (tests/test_form_chunks.py).

The joined file's Info (title, author, dates) is the first part's; its Catalog is reportlab's
with the viewer preference fieldprint sets (PrintScaling None); its ID is a digest of the
parts' IDs, so the output is deterministic.
"""
from __future__ import annotations

import hashlib
import re
import tempfile
from pathlib import Path
from typing import BinaryIO, Iterable

from .output import disk_full_is_user_error

_REF = re.compile(rb"(\d+) 0 R\b")
_STREAM = re.compile(rb"stream\r?\n")
_SUBSET = re.compile(rb"/([A-Z]{6})\+")   # a font subset's tag, as in /AAAAAB+WenQuanYi...


class JoinError(ValueError):
    """A part is not in the shape reportlab writes."""


class Spool:
    """The parts of one PDF, kept in a temporary folder until `join_into` writes them as one.

        with Spool() as spool:
            canvas = new_canvas(str(spool.next_path()), ...)   # a part drawn straight to its file
            ...
            spool.save(canvas)
            spool.add(data)                                     # or a part already in memory
            spool.join_into(out)

    The folder (in the system's temporary folder) is made when the first part needs it and
    removed, parts and all, when the `with` block ends, error or not. A full disk while a part
    is saved is a UserError naming the part (generator.output.disk_full_is_user_error)."""

    def __init__(self) -> None:
        self.parts: list[Path] = []      # in page order
        self._folder: tempfile.TemporaryDirectory | None = None

    def __enter__(self) -> Spool:
        return self

    def __exit__(self, *exc) -> None:
        if self._folder is not None:
            self._folder.cleanup()
            self._folder = None

    def next_path(self) -> Path:
        """The file of the next part (a new name in the temporary folder, made if need be)."""
        if self._folder is None:
            self._folder = tempfile.TemporaryDirectory(prefix="fieldprint-")
        path = Path(self._folder.name) / f"part-{len(self.parts):05d}.pdf"
        self.parts.append(path)
        return path

    def save(self, canvas) -> None:
        """Save the reportlab canvas made on the latest `next_path()`: its part is complete."""
        with disk_full_is_user_error(self.parts[-1]):
            canvas.save()

    def add(self, data: bytes) -> None:
        """A complete part (a reportlab PDF's bytes), written as the next part."""
        path = self.next_path()
        with disk_full_is_user_error(path):   # the system's temporary folder may be full
            path.write_bytes(data)

    def join_into(self, out: BinaryIO) -> int:
        """The parts' pages, in order, as one PDF written to `out` (see `join`); the number of
        pages."""
        return join(self.parts, out)


def _trailer(data: bytes) -> tuple[dict[int, int], int, int, bytes]:
    """(object number -> byte offset, root number, info number, ID) of a reportlab file."""
    at = data.rfind(b"startxref")
    if at < 0:
        raise JoinError("no startxref")
    start = int(data[at + 9:].split()[0])
    if not data.startswith(b"xref", start):
        raise JoinError("no classic cross-reference table")
    lines = data[start:at].split(b"\n")
    first, count = (int(v) for v in lines[1].split())
    offsets = {}
    for i, line in enumerate(lines[2:2 + count]):
        offset, _gen, kind = line.split()[:3]
        if kind == b"n":
            offsets[first + i] = int(offset)
    trailer = data[start:at]
    root = int(re.search(rb"/Root (\d+) 0 R", trailer).group(1))
    info = int(re.search(rb"/Info (\d+) 0 R", trailer).group(1))
    found = re.search(rb"/ID\s*\[\s*<([0-9a-fA-F]*)>", trailer)
    return offsets, root, info, (found.group(1) if found else b"")


def _objects(data: bytes, offsets: dict[int, int]) -> dict[int, bytes]:
    """Each object's body (between `N 0 obj\\n` and `endobj`), by number."""
    ordered = sorted(offsets.items(), key=lambda kv: kv[1])
    ends = [o for _, o in ordered[1:]] + [data.rfind(b"xref", 0, data.rfind(b"startxref"))]
    bodies = {}
    for (number, start), end in zip(ordered, ends):
        chunk = data[start:end]
        head = f"{number} 0 obj".encode()
        if not chunk.startswith(head):
            raise JoinError(f"object {number} is not where the table says")
        stop = chunk.rfind(b"endobj")
        bodies[number] = chunk[len(head):stop].strip(b"\r\n")
    return bodies


def _tag(part: int, tag: bytes) -> bytes:
    """A subset tag unique to its part: the part's number in the first three letters.
    Every part names its subsets AAAAAA, AAAAAB…; the PDF standard asks that different
    subsets in one file have different tags (a printer may cache fonts by name)."""
    letters = b""
    for _ in range(3):
        part, digit = divmod(part, 26)
        letters = bytes([65 + digit]) + letters
    return letters + tag[3:]


def _renumber(body: bytes, mapping: dict[int, int], part: int) -> bytes:
    """References renumbered and subset tags made unique in the object's dictionary (never
    inside its stream's data)."""
    found = _STREAM.search(body)
    head, tail = (body[:found.start()], body[found.start():]) if found else (body, b"")
    head = _REF.sub(lambda m: b"%d 0 R" % mapping[int(m.group(1))], head)
    head = _SUBSET.sub(lambda m: b"/" + _tag(part, m.group(1)) + b"+", head)
    return head + tail


def join(parts: Iterable[Path], out: BinaryIO) -> int:
    """Write the pages of `parts` (reportlab PDFs), in order, as one PDF to `out`; the number
    of pages. Raises JoinError when a part is not as reportlab writes it."""
    offsets: list[int] = []          # of each new object, numbered from 1
    kids: list[int] = []
    ids: list[bytes] = []
    info_body = b""
    header_done = False
    position = 0

    def write(data: bytes) -> None:
        nonlocal position
        out.write(data)
        position += len(data)

    pages_root = None                # its number is known only at the end: reserve it now
    for index, path in enumerate(parts):
        data = Path(path).read_bytes()
        if not header_done:
            write(data[:data.index(b"\n", data.index(b"\n") + 1) + 1])   # %PDF-1.x + binary line
            offsets.append(0)        # object 1: the joined page tree, written last
            pages_root = 1
            header_done = True
        table, root, info, ident = _trailer(data)
        ids.append(ident)
        bodies = _objects(data, table)
        catalog = bodies[root]
        pages = int(re.search(rb"/Pages (\d+) 0 R", catalog).group(1))
        skip = {root, info, pages}
        skip.update(int(n) for n in re.findall(rb"/ViewerPreferences (\d+) 0 R", catalog))
        if index == 0:
            info_body = bodies[info]
        mapping: dict[int, int] = {pages: pages_root}
        for number in sorted(bodies):
            if number not in skip:
                mapping[number] = len(offsets) + 1
                offsets.append(-1)
        for number in sorted(bodies):
            if number in skip:
                continue
            new = mapping[number]
            offsets[new - 1] = position
            body = _renumber(bodies[number], mapping, index)
            write(b"%d 0 obj\n" % new + body + b"\nendobj\n")
        kids += [mapping[int(n)] for n in
                 re.findall(rb"(\d+) 0 R", re.search(rb"/Kids \[([^\]]*)\]", bodies[pages])
                            .group(1))]
        del data, bodies
    if pages_root is None:
        raise JoinError("no parts to join")
    offsets[0] = position
    write(b"1 0 obj\n<< /Count %d /Kids [ %s ] /Type /Pages >>\nendobj\n"
          % (len(kids), b" ".join(b"%d 0 R" % k for k in kids)))
    info = len(offsets) + 1
    offsets.append(position)
    write(b"%d 0 obj\n" % info + info_body + b"\nendobj\n")
    catalog = len(offsets) + 1
    offsets.append(position)
    write(b"%d 0 obj\n<< /PageMode /UseNone /Pages 1 0 R /Type /Catalog "
          b"/ViewerPreferences << /PrintScaling /None >> >>\nendobj\n" % catalog)
    xref = position
    lines = [b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)]
    lines += [b"%010d 00000 n \n" % o for o in offsets]
    digest = hashlib.md5(b"".join(ids)).hexdigest().encode()
    lines.append(b"trailer\n<<\n/ID [<%s><%s>]\n/Info %d 0 R\n/Root %d 0 R\n/Size %d\n>>\n"
                 b"startxref\n%d\n%%%%EOF\n" % (digest, digest, info, catalog, len(offsets) + 1,
                                               xref))
    write(b"".join(lines))
    return len(kids)
