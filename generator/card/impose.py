"""Placing cards on pages: n-up on A4 with gaps and crop marks, or one card per page.

Pure geometry in millimetres from the page's top-left corner; no drawing here.

Sides, as the standard wants them (SPEC §1, seed 002: 正、反面两张卡片独立印刷): by default the
fronts and the backs are separate single-sided cards, so a run gives every front sheet, then
every back sheet, the backs in the same slots as their fronts (a person's back is found where
their front was). `duplex=True` makes one double-sided card instead (service cards): each front
sheet is followed by its back sheet, the columns of the back mirrored, so that printing with
"flip on long edge" puts every back behind its front.

Every built-in sheet keeps all ink, crop marks and the sheet's label included, at least
`SheetSpec.printer_margin` (5 mm) from the paper edge: office lasers cannot print the outer
4.2-5 mm. When a layout asks for more rows or columns than fit with gaps, the cards are butted
on shared cut lines (gap 0) on that axis, and a card's bleed is kept only on its outer sides.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..advice import FEWER_ON_SHEET, SHEET_NONE, START_SLOT
from ..errors import UserError
from ..i18n import _
from ..units import A4

MARK_LENGTH = 5.0    # mm, longest crop mark
MARK_OFFSET = 1.0    # mm between the bleed edge and a crop mark
MIN_MARK = 0.5       # shorter marks are left out (two meet in a narrow gap)
LABEL_ROOM = 3.0     # mm kept free above the printer margin for the sheet's label line


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
    printer_margin: float = 5.0

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    @property
    def bottom(self) -> float:
        """Distance in mm from the last row's trim to the bottom of the sheet."""
        return self.sheet[1] - self.top - self.rows * self.card[1] - (self.rows - 1) * self.gap_y

    def position(self, slot: int, mirrored: bool = False) -> tuple[float, float]:
        """Top-left corner of the card in a slot (row-major), mirrored for a duplex back."""
        row, col = divmod(slot, self.columns)
        if mirrored:
            col = self.columns - 1 - col
        return (self.left + col * (self.card[0] + self.gap_x),
                self.top + row * (self.card[1] + self.gap_y))

    def bleeds(self, slot: int, mirrored: bool = False) -> tuple[float, float, float, float]:
        """How far a card's colour may run past each edge (left, top, right, bottom): the bleed,
        except on a cut line it shares with a butted neighbour."""
        row, col = divmod(slot, self.columns)
        if mirrored:
            col = self.columns - 1 - col
        b = self.bleed
        shared_x = self.gap_x < 2 * b
        shared_y = self.gap_y < 2 * b
        return (0.0 if shared_x and col > 0 else b, 0.0 if shared_y and row > 0 else b,
                0.0 if shared_x and col < self.columns - 1 else b,
                0.0 if shared_y and row < self.rows - 1 else b)


def grid(card: tuple[float, float], bleed: float, spec, sheet: tuple[float, float] = A4) -> Grid:
    """As many cards as fit, centred, gaps at least spec.gap (and room for the bleed), the bleed
    at least spec.printer_margin from the paper edge. A layout that asks for more rows or
    columns than fit with gaps gets them butted (gap 0), when that fits."""
    min_gap = max(spec.gap, 2 * bleed)
    printer = getattr(spec, "printer_margin", 0.0)
    edge = max(spec.margin, printer + bleed)     # from the paper edge to the trim

    def count(length, size, wanted, key) -> tuple[int, bool]:
        fit = max(0, math.floor((length - 2 * edge + min_gap) / (size + min_gap)))
        if wanted is None:
            return fit, False
        if wanted <= fit:
            return wanted, False
        butted = math.floor((length - 2 * edge) / size + 1e-9)
        if wanted <= butted:
            return wanted, True
        most = max(fit, butted)   # none: the card does not fit at all, whatever the layout asks
        advice = SHEET_NONE.says() if most < 1 else FEWER_ON_SHEET.says(key=key, n=most)
        raise UserError(_("the layout asks for {wanted} cards of {size} mm across a {length} mm "
                          "sheet; at most {fit} fit, {printer} mm from the paper edge; "
                          "{advice}").format(
            wanted=wanted, size=f"{size:g}", length=f"{length:g}", fit=most,
            printer=f"{edge - bleed:g}", advice=advice))

    cols, butt_x = count(sheet[0], card[0], spec.columns, "columns")
    rows, butt_y = count(sheet[1], card[1], spec.rows, "rows")
    if cols < 1 or rows < 1:
        raise UserError(_("a {w} × {h} mm card does not fit on a {sw} × {sh} mm sheet; "
                          "{advice}").format(w=f"{card[0]:g}", h=f"{card[1]:g}",
                                             sw=f"{sheet[0]:g}", sh=f"{sheet[1]:g}",
                                             advice=SHEET_NONE.says()))

    def gap(length, size, n, butted):
        if n < 2 or butted:
            return 0.0
        spare = (length - 2 * edge - n * size) / (n - 1)
        return max(min_gap, min(spec.max_gap, spare))

    gx, gy = gap(sheet[0], card[0], cols, butt_x), gap(sheet[1], card[1], rows, butt_y)
    left = (sheet[0] - cols * card[0] - (cols - 1) * gx) / 2
    top = (sheet[1] - rows * card[1] - (rows - 1) * gy) / 2
    return Grid(sheet, card, bleed, cols, rows, gx, gy, left, top, printer)


@dataclass(frozen=True)
class Slot:
    card: int                   # index into the list of cards (copies included)
    side: str
    x: float                    # top-left of the card (trim), mm from the page's top-left
    y: float
    number: int = 1             # 1-based slot on its sheet (row-major, as seen on the front)
    bleeds: tuple[float, float, float, float] | None = None   # l, t, r, b; None: the bleed


@dataclass
class Page:
    size: tuple[float, float]
    slots: list[Slot]
    side: str
    sheet_number: int           # 1-based; a duplex front and its back share one
    marks: list[tuple[float, float, float, float]] = field(default_factory=list)
    trim: tuple[float, float, float, float] | None = None   # x0, y0, x1, y1 for a card page
    bleed_box: tuple[float, float, float, float] | None = None
    sheets: int = 1             # how many sheets this page's stack has (for its label)
    duplex: bool = False
    label_room: float = 0.0     # mm between the printer margin and the lowest ink of the cards
    offset: tuple[float, float] = (0.0, 0.0)   # mm the whole page is shifted (printer calibration)
    printer_margin: float = 0.0


def plan(n_cards: int, sides: tuple[str, ...], card: tuple[float, float], bleed: float,
         spec, sheet: str, *, duplex: bool = False, start: int = 1, with_bleed: bool = False,
         offset: tuple[float, float] = (0.0, 0.0),
         back_offset: tuple[float, float] = (0.0, 0.0)) -> tuple[list[Page], Grid | None]:
    """The pages of a run, in print order.

    sheet "a4": n-up sheets; `start` (1-based) is the first free slot of the first sheet, for
    fronts and backs alike. sheet "none": one card per page, the page the card's size, or with
    `with_bleed` the card plus its bleed all round (TrimBox the card, BleedBox the page).
    Separate sides (the default) give every front, then every back; `duplex` alternates them.
    `offset` / `back_offset` (mm, x right, y down) shift front / back pages as printed.
    Raises UserError for a start slot the sheet does not have."""
    pages: list[Page] = []
    shift = {"front": tuple(offset), "back": tuple(back_offset)}
    if sheet == "none":
        b = bleed if with_bleed else 0.0
        size = (card[0] + 2 * b, card[1] + 2 * b)
        box = (b, b, b + card[0], b + card[1])
        order = ([(i, s) for i in range(n_cards) for s in sides] if duplex
                 else [(i, s) for s in sides for i in range(n_cards)])
        for i, side in order:
            pages.append(Page(size, [Slot(i, side, b, b)], side, i + 1, trim=box,
                              bleed_box=(0.0, 0.0, *size) if b else box, sheets=n_cards,
                              duplex=duplex, offset=shift[side]))
        return pages, None
    g = grid(card, bleed, spec)
    if not 1 <= start <= g.per_sheet:
        raise UserError(START_SLOT.says(start=start, n=g.per_sheet))
    first = start - 1
    n_sheets = math.ceil((first + n_cards) / g.per_sheet) if n_cards else 0
    full_marks: dict[bool, list] = {}

    def page_for(number: int, side: str) -> Page:
        mirrored = duplex and side == "back"
        slots = []
        for k in range(g.per_sheet):
            index = (number - 1) * g.per_sheet + k - first
            if 0 <= index < n_cards:
                slots.append(Slot(index, side, *g.position(k, mirrored), number=k + 1,
                                  bleeds=g.bleeds(k, mirrored)))
        if len(slots) == g.per_sheet:
            if mirrored not in full_marks:
                full_marks[mirrored] = crop_marks(g, slots)
            marks = full_marks[mirrored]
        else:
            marks = crop_marks(g, slots)
        room = g.bottom - bleed - g.printer_margin
        return Page(g.sheet, slots, side, number, marks, sheets=n_sheets, duplex=duplex,
                    label_room=room, offset=shift[side], printer_margin=g.printer_margin)

    if duplex:
        for number in range(1, n_sheets + 1):
            for side in sides:
                pages.append(page_for(number, side))
    else:
        for side in sides:
            for number in range(1, n_sheets + 1):
                pages.append(page_for(number, side))
    return pages, g


def crop_marks(g: Grid, slots: list[Slot]) -> list[tuple[float, float, float, float]]:
    """Short lines on the extension of each card edge, outside the card and its bleed, never
    reaching a neighbouring card, ending at the printer margin (at the bottom LABEL_ROOM mm
    above it, for the sheet's label): (x1, y1, x2, y2) in mm from the page's top-left."""
    w, h = g.card
    boxes = []
    for s in slots:
        bl, bt, br, bb = s.bleeds if s.bleeds is not None else (g.bleed,) * 4
        boxes.append((s.x - bl, s.y - bt, s.x + w + br, s.y + h + bb))
    marks: set[tuple[float, float, float, float]] = set()
    edge = max(g.printer_margin, 1.0)
    keep = (edge, edge, edge, edge + (LABEL_ROOM if g.printer_margin else 0.0))  # l, t, r, b
    for s in slots:
        x, y = s.x, s.y
        for cx in (x, x + w):
            for cy in (y, y + h):
                # horizontal mark on the line y = cy, pointing away from the card
                direction = -1 if cx == x else 1
                _add(marks, boxes, g.sheet, keep, (cx + direction * (g.bleed + MARK_OFFSET), cy),
                     (direction, 0))
                direction = -1 if cy == y else 1
                _add(marks, boxes, g.sheet, keep, (cx, cy + direction * (g.bleed + MARK_OFFSET)),
                     (0, direction))
    return sorted(marks)


def _add(marks, boxes, sheet, keep, start, direction) -> None:
    """A mark from `start` along `direction`, stopped short of any card and `keep` mm (left,
    top, right, bottom) from the sheet's edges."""
    sx, sy = start
    dx, dy = direction
    left, top, right, bottom = keep
    length = MARK_LENGTH
    if not (left <= sx <= sheet[0] - right and top <= sy <= sheet[1] - bottom):
        return
    for x0, y0, x1, y1 in boxes:
        if x0 - 1e-6 <= sx <= x1 + 1e-6 and y0 - 1e-6 <= sy <= y1 + 1e-6:
            return  # the start lies on a card (butted cards, or tiny gaps)
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
    if dx:
        room = (sheet[0] - right - sx) if dx > 0 else (sx - left)
    else:
        room = (sheet[1] - bottom - sy) if dy > 0 else (sy - top)
    length = min(length, room)
    if length < MIN_MARK:
        return
    end = (sx + dx * length, sy + dy * length)
    marks.add(tuple(round(v, 4) for v in (sx, sy, *end)))
