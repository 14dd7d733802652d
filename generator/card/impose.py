"""Placing cards on pages: n-up on A4 with gaps and crop marks, or one card per page.

Pure geometry in millimetres from the page's top-left corner; no drawing here.

With both sides on A4, each front sheet is followed by its back sheet, the cards of the back
in mirrored column order: printed duplex with "flip on long edge", every back lands behind its
front. With `--sheet none` the pages are front, back, front, back... at the card's exact size.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..errors import UserError
from ..units import A4

MARK_LENGTH = 5.0    # mm, longest crop mark
MARK_OFFSET = 1.0    # mm between the bleed edge and a crop mark
MIN_MARK = 0.8       # shorter marks are left out


@dataclass(frozen=True)
class Grid:
    sheet: tuple[float, float]
    card: tuple[float, float]
    bleed: float
    columns: int
    rows: int
    gap_x: float
    gap_y: float
    left: float
    top: float

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    def position(self, slot: int, mirrored: bool = False) -> tuple[float, float]:
        """Top-left corner of the card in a slot (row-major), mirrored for a duplex back."""
        row, col = divmod(slot, self.columns)
        if mirrored:
            col = self.columns - 1 - col
        return (self.left + col * (self.card[0] + self.gap_x),
                self.top + row * (self.card[1] + self.gap_y))


def grid(card: tuple[float, float], bleed: float, spec, sheet: tuple[float, float] = A4) -> Grid:
    """As many cards as fit, centred, gaps at least spec.gap (and room for the bleed)."""
    min_gap = max(spec.gap, 2 * bleed)

    def count(length, size, wanted):
        fit = max(0, math.floor((length - 2 * spec.margin + min_gap) / (size + min_gap)))
        if wanted is not None:
            if wanted > fit:
                raise UserError(f"the layout asks for {wanted} cards of {size:g} mm across a "
                                f"{length:g} mm sheet; at most {fit} fit with {min_gap:g} mm gaps "
                                f"and {spec.margin:g} mm margins")
            return wanted
        return fit

    cols = count(sheet[0], card[0], spec.columns)
    rows = count(sheet[1], card[1], spec.rows)
    if cols < 1 or rows < 1:
        raise UserError(f"a {card[0]:g} × {card[1]:g} mm card does not fit on a "
                        f"{sheet[0]:g} × {sheet[1]:g} mm sheet; use --sheet none")

    def gap(length, size, n):
        if n < 2:
            return 0.0
        spare = (length - 2 * spec.margin - n * size) / (n - 1)
        return max(min_gap, min(spec.max_gap, spare))

    gx, gy = gap(sheet[0], card[0], cols), gap(sheet[1], card[1], rows)
    left = (sheet[0] - cols * card[0] - (cols - 1) * gx) / 2
    top = (sheet[1] - rows * card[1] - (rows - 1) * gy) / 2
    return Grid(sheet, card, bleed, cols, rows, gx, gy, left, top)


@dataclass(frozen=True)
class Slot:
    card: int                   # index into the list of cards (copies included)
    side: str
    x: float                    # top-left of the card (trim), mm from the page's top-left
    y: float


@dataclass
class Page:
    size: tuple[float, float]
    slots: list[Slot]
    side: str
    sheet_number: int           # 1-based, counting sheets of paper (a front and its back share one)
    marks: list[tuple[float, float, float, float]] = field(default_factory=list)
    trim: tuple[float, float, float, float] | None = None   # x0, y0, x1, y1 for a card page


def plan(n_cards: int, sides: tuple[str, ...], card: tuple[float, float], bleed: float,
         spec, sheet: str) -> tuple[list[Page], Grid | None]:
    """The pages of a run, in print order."""
    pages: list[Page] = []
    if sheet == "none":
        for i in range(n_cards):
            for side in sides:
                pages.append(Page(card, [Slot(i, side, 0.0, 0.0)], side, i + 1,
                                  trim=(0.0, 0.0, card[0], card[1])))
        return pages, None
    g = grid(card, bleed, spec)
    duplex = len(sides) == 2
    marks = None
    for number, start in enumerate(range(0, n_cards, g.per_sheet), 1):
        count = min(g.per_sheet, n_cards - start)
        for side in sides:
            mirrored = duplex and side == "back"
            slots = [Slot(start + k, side, *g.position(k, mirrored)) for k in range(count)]
            if marks is None or count != g.per_sheet:
                sheet_marks = crop_marks(g, [(s.x, s.y) for s in slots])
            else:
                sheet_marks = marks
            if count == g.per_sheet and marks is None:
                marks = sheet_marks
            pages.append(Page(g.sheet, slots, side, number, sheet_marks))
    return pages, g


def crop_marks(g: Grid, corners: list[tuple[float, float]]) -> list[tuple[float, float, float, float]]:
    """Short lines on the extension of each card edge, outside the card and its bleed, never
    reaching a neighbouring card: (x1, y1, x2, y2) in mm from the page's top-left."""
    w, h = g.card
    b = g.bleed
    boxes = [(x - b, y - b, x + w + b, y + h + b) for x, y in corners]
    marks: set[tuple[float, float, float, float]] = set()
    offset = b + MARK_OFFSET
    for x, y in corners:
        for cx in (x, x + w):
            for cy in (y, y + h):
                # horizontal mark on the line y = cy, pointing away from the card
                direction = -1 if cx == x else 1
                _add(marks, boxes, g.sheet, (cx + direction * offset, cy), (direction, 0))
                direction = -1 if cy == y else 1
                _add(marks, boxes, g.sheet, (cx, cy + direction * offset), (0, direction))
    return sorted(marks)


def _add(marks, boxes, sheet, start, direction) -> None:
    """A mark from `start` along `direction`, stopped 1 mm short of any card or the sheet edge."""
    sx, sy = start
    dx, dy = direction
    length = MARK_LENGTH
    if not (0 <= sx <= sheet[0] and 0 <= sy <= sheet[1]):
        return
    for x0, y0, x1, y1 in boxes:
        if x0 - 1e-6 <= sx <= x1 + 1e-6 and y0 - 1e-6 <= sy <= y1 + 1e-6:
            return  # the start lies on a card (only when gaps are tiny)
        # the distance along the direction until the segment would enter this box
        if dx:
            if y0 - 1e-6 <= sy <= y1 + 1e-6:
                edge = x0 - sx if dx > 0 else sx - x1
                if edge >= 0:
                    length = min(length, edge / 2)   # share the gap with the neighbour's mark
        else:
            if x0 - 1e-6 <= sx <= x1 + 1e-6:
                edge = y0 - sy if dy > 0 else sy - y1
                if edge >= 0:
                    length = min(length, edge / 2)
    # stay on the sheet, 1 mm from its edge
    if dx:
        room = (sheet[0] - 1 - sx) if dx > 0 else (sx - 1)
    else:
        room = (sheet[1] - 1 - sy) if dy > 0 else (sy - 1)
    length = min(length, room)
    if length < MIN_MARK:
        return
    end = (sx + dx * length, sy + dy * length)
    marks.add(tuple(round(v, 4) for v in (sx, sy, *end)))
