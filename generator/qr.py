"""QR codes as vectors. Matrices are built once per distinct payload (choosing the mask costs
most of the ~4 ms a code takes), and drawn as filled rectangles, one per run of dark modules."""
from __future__ import annotations

import functools

import qrcode
from qrcode.constants import ERROR_CORRECT_H, ERROR_CORRECT_M, ERROR_CORRECT_Q
from qrcode.exceptions import DataOverflowError

QUIET_MODULES = 4       # the quiet zone the standard asks for, inside the QR box
MIN_MODULE_MM = 0.4     # smaller modules do not scan reliably from a phone at arm's length
_LEVELS = {"M": ERROR_CORRECT_M, "Q": ERROR_CORRECT_Q, "H": ERROR_CORRECT_H}


@functools.lru_cache(maxsize=4096)
def matrix(payload: str, level: str = "M") -> tuple[tuple[bool, ...], ...]:
    """The module matrix (no border) of a payload; ValueError when it is too long for any QR."""
    code = qrcode.QRCode(error_correction=_LEVELS[level], border=0)
    code.add_data(payload.encode("utf-8"))
    try:
        code.make(fit=True)
    except DataOverflowError:
        raise ValueError(f"too long for a QR code ({len(payload.encode('utf-8'))} bytes)") from None
    return tuple(tuple(row) for row in code.get_matrix())


@functools.lru_cache(maxsize=65536)
def size_modules(payload: str, level: str = "M") -> int:
    """The side of a payload's code in modules, without building it: choosing the mask (most
    of the cost) is skipped, so checking a thousand payloads takes milliseconds."""
    code = qrcode.QRCode(error_correction=_LEVELS[level], border=0)
    code.add_data(payload.encode("utf-8"))
    try:
        version = code.best_fit()
    except (DataOverflowError, ValueError):  # qrcode says "Invalid version (was 41...)"
        raise ValueError(f"too long for a QR code ({len(payload.encode('utf-8'))} bytes)") from None
    return version * 4 + 17


def module_mm(size_mm: float, modules: int, quiet: int = QUIET_MODULES) -> float:
    """The printed size of one module when a code of `modules` fills a box with its quiet zone."""
    return size_mm / (modules + 2 * quiet)


def fit_problem(payload: str, size_mm: float, level: str = "M") -> str | None:
    """Why this payload cannot be printed in a box of this size, or None when it can."""
    try:
        n = size_modules(payload, level)
    except ValueError as exc:
        return str(exc)
    module = module_mm(size_mm, n)
    if module < MIN_MODULE_MM:
        return (f"the QR code would have {module:.2f} mm modules (at least {MIN_MODULE_MM} mm "
                f"scan reliably) in a {size_mm:g} mm box: shorten the payload "
                f"({len(payload)} characters) or make the box larger")
    return None


def draw(canvas, left_pt: float, bottom_pt: float, size_pt: float, payload: str,
         level: str = "M", colour=(0, 0, 0)) -> None:
    """Draw a QR code with its quiet zone filling a square box (PDF points, bottom-left origin).

    The quiet zone is left unpainted: put the code on a light background.
    """
    rows = matrix(payload, level)
    n = len(rows)
    unit = size_pt / (n + 2 * QUIET_MODULES)
    origin_x = left_pt + QUIET_MODULES * unit
    top = bottom_pt + size_pt - QUIET_MODULES * unit
    path = canvas.beginPath()
    for r, row in enumerate(rows):
        c = 0
        while c < n:
            if row[c]:
                start = c
                while c < n and row[c]:
                    c += 1
                path.rect(origin_x + start * unit, top - (r + 1) * unit, (c - start) * unit, unit)
            else:
                c += 1
    canvas.saveState()
    canvas.setFillColorRGB(*colour)
    canvas.drawPath(path, stroke=0, fill=1)
    canvas.restoreState()
