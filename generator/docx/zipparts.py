"""The .docx zip itself: deterministic entries (deflated, 1980-01-01 timestamps), written whole
or, for the combined document's body, piece by piece as records are rendered."""
from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from typing import Iterable


@dataclass
class Entry:
    name: str
    data: bytes          # deflated (raw deflate stream)
    crc: int
    size: int            # uncompressed


def _deflate(data: bytes) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def deflated(name: str, data: bytes) -> Entry:
    """`data` as the zip entry `name`, deflated."""
    return Entry(name, _deflate(data), zlib.crc32(data), len(data))


class ZipWriter:
    """A minimal deterministic zip writer (deflated entries, 1980-01-01 timestamps) that can
    also take an entry whose content is written in pieces (the combined document)."""

    _DOS_TIME, _DOS_DATE = 0, (0 << 9) | (1 << 5) | 1   # 1980-01-01 00:00

    def __init__(self, stream):
        self.out = stream
        self.central: list[bytes] = []

    def _local(self, name: bytes, crc: int, csize: int, size: int, flags: int = 0) -> None:
        self.out.write(struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, 8, self._DOS_TIME,
                                   self._DOS_DATE, crc, csize, size, len(name), 0) + name)

    def _record(self, name: bytes, crc: int, csize: int, size: int, offset: int,
                flags: int = 0) -> None:
        self.central.append(struct.pack(
            "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags, 8, self._DOS_TIME,
            self._DOS_DATE, crc, csize, size, len(name), 0, 0, 0, 0, 0, offset) + name)

    def add(self, entry: Entry) -> None:
        name = entry.name.encode("utf-8")
        offset = self.out.tell()
        flags = 0x800 if not entry.name.isascii() else 0
        self._local(name, entry.crc, len(entry.data), entry.size, flags)
        self.out.write(entry.data)
        self._record(name, entry.crc, len(entry.data), entry.size, offset, flags)

    def add_stream(self, name: str, pieces: Iterable[bytes]) -> None:
        """An entry written piece by piece (sizes and CRC in a data descriptor after it)."""
        raw = name.encode("utf-8")
        offset = self.out.tell()
        self._local(raw, 0, 0, 0, flags=0x08)
        comp = zlib.compressobj(6, zlib.DEFLATED, -15)
        crc, size, csize = 0, 0, 0
        for piece in pieces:
            crc = zlib.crc32(piece, crc)
            size += len(piece)
            chunk = comp.compress(piece)
            csize += len(chunk)
            self.out.write(chunk)
        chunk = comp.flush()
        csize += len(chunk)
        self.out.write(chunk)
        self.out.write(struct.pack("<IIII", 0x08074B50, crc, csize, size))
        self._record(raw, crc, csize, size, offset, flags=0x08)

    def close(self) -> None:
        start = self.out.tell()
        directory = b"".join(self.central)
        self.out.write(directory)
        self.out.write(struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(self.central),
                                   len(self.central), len(directory), start, 0))
