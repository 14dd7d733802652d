"""Which characters a font has a glyph for, kept as ranges (no object per character).

Noto Sans CJK maps 44,810 code points in about 2,000 runs of consecutive ones. Kept as a set
or as the keys of a dict of widths, every run of fieldprint built 44,810 int objects per face
just to be able to ask "does this font have this character" (~7 ms a face, read from the
cache); as range bounds it is 16 KB of bytes, read as they are.
"""
from __future__ import annotations

import sys
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator


class Coverage:
    """An immutable set of code points: `bounds` holds ascending half-open ranges flattened
    (start0, end0, start1, end1, ...), none empty and none touching the next.

    ``cp in coverage`` (an int) is a binary search; iterating gives the code points in
    ascending order (`of` makes any code points so).
    """

    __slots__ = ("bounds",)

    def __init__(self, bounds: array | None = None):
        self.bounds = array("I") if bounds is None else bounds

    @classmethod
    def of(cls, code_points: Iterable[int]) -> Coverage:
        """The coverage of any code points (repeats and order do not matter)."""
        bounds = array("I")
        end = -1
        for cp in sorted(set(code_points)):
            if cp != end:
                if end >= 0:
                    bounds.append(end)
                bounds.append(cp)
            end = cp + 1
        if end >= 0:
            bounds.append(end)
        return cls(bounds)

    @classmethod
    def from_bytes(cls, data: bytes) -> Coverage:
        """As `to_bytes` wrote it (little-endian 32-bit bounds)."""
        bounds = array("I")
        bounds.frombytes(data)
        if sys.byteorder == "big":
            bounds.byteswap()
        return cls(bounds)

    def to_bytes(self) -> bytes:
        bounds = array("I", self.bounds)
        if sys.byteorder == "big":
            bounds.byteswap()
        return bounds.tobytes()

    def __contains__(self, cp: int) -> bool:
        return bisect_right(self.bounds, cp) & 1 == 1

    def ranges(self) -> Iterator[tuple[int, int]]:
        """(start, end) half-open, ascending."""
        bounds = self.bounds
        return zip(bounds[::2], bounds[1::2])

    def __iter__(self) -> Iterator[int]:
        for start, end in self.ranges():
            yield from range(start, end)

    def __len__(self) -> int:
        bounds = self.bounds
        return sum(bounds[1::2]) - sum(bounds[::2])

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Coverage) and self.bounds == other.bounds

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Coverage({len(self)} code points in {len(self.bounds) // 2} ranges)"

    def __sub__(self, other: Coverage) -> Coverage:
        """The code points of this one that `other` lacks; the cost follows the ranges of
        this one and the ranges of `other` they meet, not the size of `other`."""
        theirs = other.bounds
        if not theirs or not self.bounds:
            return self
        out = array("I")
        for start, end in self.ranges():
            i = bisect_right(theirs, start)
            if i & 1:                       # start is inside one of theirs: skip to its end
                start = theirs[i]
                i += 1
            while start < end:
                cut = theirs[i] if i < len(theirs) else end
                if cut > start:
                    out.extend((start, min(cut, end)))
                if i >= len(theirs) or cut >= end:
                    break
                start = theirs[i + 1]       # past their range
                i += 2
        return Coverage(out)

    def __or__(self, other: Coverage) -> Coverage:
        """Both together; the cost follows the ranges of `other` this one lacks."""
        if not self.bounds:
            return other
        extra = other - self
        if not extra.bounds:
            return self
        ours = self.bounds
        out = array("I")
        pos = 0
        for start, end in extra.ranges():     # each in a gap between ranges of ours
            i = bisect_right(ours, start)
            out.extend(ours[pos:i])
            pos = i
            if out and out[-1] == start:      # one of ours ends where it starts: joined
                out.pop()
            else:
                out.append(start)
            if pos < len(ours) and ours[pos] == end:    # one of ours starts where it ends
                pos += 1
            else:
                out.append(end)
        out.extend(ours[pos:])
        return Coverage(out)
