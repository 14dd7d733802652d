"""QR codes as vectors. Matrices are built once per distinct payload and drawn as filled
rectangles, one per run of dark modules.

Choosing the mask is most of what building a code costs: the `qrcode` package lays the code
out 8 times and scores each with Python loops over every module (~2 ms for a 21 × 21 code,
~5 ms for 33 × 33). Here the 8 candidates are scored on whole matrices held as integers (one
bit per module, rows and columns), so each rule of the standard's penalty is a few shifts,
ANDs and bit counts; the scores are qrcode's own (its quirks included), the choice the same
(lowest score, first on a tie), and the final matrix is laid out by qrcode itself.
"""
from __future__ import annotations

import bisect
import functools
from typing import Iterator

import qrcode
from qrcode import util as _util
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_M, ERROR_CORRECT_Q
from qrcode.exceptions import DataOverflowError

QUIET_MODULES = 4       # the quiet zone the standard asks for, inside the QR box
MIN_MODULE_MM = 0.4     # smaller modules do not scan reliably from a phone at arm's length
_LEVELS = {"M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}


class _Unfilled(qrcode.QRCode):
    """A code laid out up to its data: function patterns, format and version areas as the
    mask test sees them (light), data modules None."""

    def map_data(self, data, mask_pattern):
        pass


class _Grid:
    """Everything about one version's module grid that scoring a mask needs, as integers:
    bit r * (n + 1) + c is module (r, c) in the row layout, c * (n + 1) + r in the column
    layout; bit c = n of each line is a light guard that stops runs and patterns there."""

    def __init__(self, version: int):
        probe = _Unfilled(version=version, border=0)
        probe.data_cache = []           # not None: nothing to encode
        probe.makeImpl(True, 0)
        modules = probe.modules
        n = self.n = len(modules)
        s = self.stride = n + 1
        self.length = n * s
        # the data modules in qrcode's placement order (see QRCode.map_data)
        order: list[tuple[int, int]] = []
        inc, row = -1, n - 1
        for col in range(n - 1, 0, -2):
            if col <= 6:
                col -= 1
            while True:
                for c in (col, col - 1):
                    if modules[row][c] is None:
                        order.append((row, c))
                row += inc
                if row < 0 or n <= row:
                    row -= inc
                    inc = -inc
                    break
        self.capacity = len(order)
        # the data bits' string is '0' + bits + '0'*: index 0 reads a light module
        index_row = [0] * self.length
        index_col = [0] * self.length
        for k, (r, c) in enumerate(order, 1):
            index_row[self.length - 1 - (r * s + c)] = k
            index_col[self.length - 1 - (c * s + r)] = k
        self._pick_row = index_row
        self._pick_col = index_col
        self.func_row = self._bits((r, c) for r in range(n) for c in range(n)
                                   if modules[r][c])
        self.func_col = self._transpose_bits(self.func_row)
        self.all_row = self._bits((r, c) for r in range(n) for c in range(n))
        self.all_col = self.all_row  # square: the same set of bits either way
        self.masks_row = []
        self.masks_col = []
        for pattern in range(8):
            test = _util.mask_func(pattern)
            bits = self._bits((r, c) for r, c in order if test(r, c))
            self.masks_row.append(bits)
            self.masks_col.append(self._transpose_bits(bits))

    def _bits(self, cells) -> int:
        s = self.stride
        out = 0
        for r, c in cells:
            out |= 1 << (r * s + c)
        return out

    def _transpose_bits(self, bits: int) -> int:
        s, n = self.stride, self.n
        out = 0
        for r in range(n):
            for c in range(n):
                if bits >> (r * s + c) & 1:
                    out |= 1 << (c * s + r)
        return out

    def data_bits(self, data: list[int]) -> tuple[int, int]:
        """The unmasked data modules (row layout, column layout) of a code's codewords."""
        bits = "".join([format(b, "08b") for b in data])
        src = "0" + bits[:self.capacity] + "0" * (self.capacity - len(bits) + 1)
        get = src.__getitem__
        return (int("".join(map(get, self._pick_row)), 2),
                int("".join(map(get, self._pick_col)), 2))


@functools.lru_cache(maxsize=None)
def _grid(version: int) -> _Grid:
    return _Grid(version)


# Finder-like pattern of the penalty's third rule, 1:1:3:1:1 with 4 light modules, both ways
# round: (offset, dark?) for each of the 11 modules of a window
_FINDER = (tuple(enumerate(map(int, "10111010000"))), tuple(enumerate(map(int, "00001011101"))))


def _runs_and_finders(dark: int, light: int) -> int:
    """Rules 1 and 3 of the penalty over every line of one layout (rows or columns)."""
    lost = 0
    for x in (dark, light):
        # a bit per 5 same-coloured modules in a row: a run of L >= 5 has L - 4 of them and
        # costs L - 2, i.e. one per window plus 2 for the run (its first window)
        five = x & (x >> 1) & (x >> 2) & (x >> 3) & (x >> 4)
        if five:
            lost += five.bit_count() + 2 * (five & ~(five << 1)).bit_count()
    for pattern in _FINDER:
        hit = -1
        for offset, is_dark in pattern:
            hit &= (dark if is_dark else light) >> offset
            if not hit:
                break
        else:
            lost += 40 * hit.bit_count()
    return lost


def _lost_point(grid: _Grid, row: int, col: int) -> int:
    """qrcode.util.lost_point of the matrix whose dark modules are `row` (row layout) and
    `col` (the same, column layout)."""
    light_row = grid.all_row & ~row
    light_col = grid.all_col & ~col
    lost = _runs_and_finders(row, light_row) + _runs_and_finders(col, light_col)
    s = grid.stride
    for x in (row, light_row):  # rule 2: 2 x 2 blocks of one colour
        pairs = x & (x >> 1)
        lost += 3 * (pairs & (pairs >> s)).bit_count()
    n = grid.n
    percent = float(row.bit_count()) / (n ** 2)
    return lost + int(abs(percent * 100 - 50) / 5) * 10


def best_mask(version: int, data: list[int]) -> int:
    """The mask qrcode's QRCode.best_mask_pattern would choose for these codewords."""
    grid = _grid(version)
    data_row, data_col = grid.data_bits(data)
    best = lowest = 0
    for pattern in range(8):
        lost = _lost_point(grid, grid.func_row | (data_row ^ grid.masks_row[pattern]),
                           grid.func_col | (data_col ^ grid.masks_col[pattern]))
        if pattern == 0 or lost < lowest:
            best, lowest = pattern, lost
    return best


# A payload is drawn again soon after, if at all (a header on each page of one order, the
# company's code on every card): a few hundred remembered do that; 4,096 held ~18 MB of
# tuples through a 50,000-order batch, each order's code drawn once.
@functools.lru_cache(maxsize=256)
def matrix(payload: str, level: str = "M") -> tuple[tuple[bool, ...], ...]:
    """The module matrix (no border) of a payload; ValueError when it is too long for any QR."""
    code = qrcode.QRCode(error_correction=_LEVELS[level], border=0)
    code.add_data(payload.encode("utf-8"))
    code.version = (size_modules(payload, level) - 17) // 4   # qrcode's best fit, cached
    code.data_cache = _util.create_data(code.version, code.error_correction, code.data_list)
    code.makeImpl(False, best_mask(code.version, code.data_cache))
    return tuple(tuple(row) for row in code.modules)


# bits of one chunk's data by its mode (qrcode.util.QRData.write, counted, not written)
_DATA_BITS = {
    _util.MODE_NUMBER: lambda n: 10 * (n // 3) + (0, 4, 7)[n % 3],
    _util.MODE_ALPHA_NUM: lambda n: 11 * (n // 2) + 6 * (n % 2),
    _util.MODE_8BIT_BYTE: lambda n: 8 * n,
}


def _version(chunks: list, level: int) -> int:
    """qrcode.QRCode.best_fit of these data chunks, by arithmetic on their lengths instead of
    writing every bit into a buffer; `tests/test_qr.py` holds it to best_fit."""
    limits = _util.BIT_LIMIT_TABLE[level]
    start = 1
    while True:
        sizes = _util.mode_sizes_for_version(start)
        needed = sum(4 + sizes[c.mode] + _DATA_BITS[c.mode](len(c.data)) for c in chunks)
        version = bisect.bisect_left(limits, needed, start)
        if version == 41:
            raise DataOverflowError()
        if sizes is _util.mode_sizes_for_version(version):
            return version
        start = version


@functools.lru_cache(maxsize=8192)   # a record's check, then its drawing: soon after
def size_modules(payload: str, level: str = "M") -> int:
    """The side of a payload's code in modules, without building it (the version qrcode's
    best fit chooses, counted from the lengths of its data chunks); ValueError when it is too
    long for any QR code."""
    code = qrcode.QRCode(error_correction=_LEVELS[level], border=0)
    code.add_data(payload.encode("utf-8"))
    try:
        version = _version(code.data_list, code.error_correction)
    except (DataOverflowError, ValueError):  # qrcode says "Invalid version (was 41...)"
        raise ValueError(f"too long for a QR code ({len(payload.encode('utf-8'))} bytes)") from None
    return version * 4 + 17


def module_mm(size_mm: float, modules: int, quiet: int = QUIET_MODULES) -> float:
    """The printed size of one module when a code of `modules` fills a box with its quiet zone."""
    return size_mm / (modules + 2 * quiet)


def fit_problem(payload: str, size_mm: float, level: str = "M", advice: str | None = None
                ) -> str | None:
    """Why this payload cannot be printed in a box of this size, or None when it can.
    `advice` says what to do about a code too fine to scan (default: a shorter text or a
    larger box)."""
    from .i18n import _
    try:
        n = size_modules(payload, level)
    except ValueError as exc:
        return str(exc)
    module = module_mm(size_mm, n)
    if module < MIN_MODULE_MM:
        if advice is None:
            advice = _("shorten the text ({n} characters) or make the box larger").format(
                n=len(payload))
        return _("the QR code would have {module} mm modules (at least {least} mm scan "
                 "reliably) in a {size} mm box: {advice}").format(
            module=f"{module:.2f}", least=MIN_MODULE_MM, size=f"{round(size_mm, 1):g}",
            advice=advice)
    return None


def dark_runs(rows: list) -> Iterator[tuple[int, int, int]]:
    """(row, first column, length) of each run of dark modules: one rectangle each."""
    for r, row in enumerate(rows):
        c, n = 0, len(row)
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                yield r, start, c - start
            else:
                c += 1


def module_rects(rows: list) -> tuple[int, str]:
    """A matrix as `draw` takes it: its side in modules, and its dark modules as PDF path
    operators in module units, one `re` per run of dark modules, module (0, 0) the unit
    square at the origin and rows going up the y axis (`draw` flips them)."""
    return len(rows), " ".join([f"{start} {r} {length} 1 re"
                                for r, start, length in dark_runs(rows)])


def draw(canvas, left_pt: float, bottom_pt: float, size_pt: float, payload: str,
         level: str = "M", colour=(0, 0, 0), rects: tuple[int, str] | None = None) -> None:
    """Draw a QR code with its quiet zone filling a square box (PDF points, bottom-left origin).
    `rects`: the payload's `module_rects` when already made (say, in a worker process).

    The quiet zone is left unpainted: put the code on a light background.
    """
    from reportlab.pdfgen.pathobject import PDFPathObject

    n, operators = rects if rects is not None else module_rects(matrix(payload, level))
    unit = size_pt / (n + 2 * QUIET_MODULES)
    canvas.saveState()
    # module (0, 0) at the top-left corner inside the quiet zone, y growing downwards
    canvas.transform(unit, 0, 0, -unit, left_pt + QUIET_MODULES * unit,
                     bottom_pt + size_pt - QUIET_MODULES * unit)
    canvas.setFillColorRGB(*colour)
    canvas.drawPath(PDFPathObject(code=[operators]), stroke=0, fill=1)
    canvas.restoreState()
