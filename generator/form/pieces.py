"""The pieces a block is laid out into, each with its height (rows of cells, table rows, ruled
lines), and a Flow: one block's pieces, which the pager puts on pages."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from .ops import BORDER_PT, BOX, BOX_MM, LINE, PAD, RECT, RULE_PT, TEXT
from .typeset import Typesetter


class Piece:
    __slots__ = ()               # TableRow keeps its attributes in slots (others: a __dict__)
    height: float = 0.0
    keep_with_next: bool = False
    memo: dict | None = None     # ops drawn at each position, for pieces reused across records

    def draw(self, ops: list, x: float, y: float) -> None:
        raise NotImplementedError

    def draw_at(self, ops: list, x: float, y: float) -> None:
        """draw(), or the ops it drew at this position before (static blocks are laid out
        once per layout and drawn at the same place on most records)."""
        memo = self.memo
        if memo is None:
            self.draw(ops, x, y)
            return
        hit = memo.get((x, y))
        if hit is not None:
            ops.extend(hit)
            return
        start = len(ops)
        self.draw(ops, x, y)
        if len(memo) < 64:
            memo[(x, y)] = ops[start:]

    def split(self, avail: float) -> tuple["Piece", "Piece"] | None:
        return None


@dataclass
class Cell:
    x: float                    # offset from the piece's left edge
    w: float
    lines: list[str]
    size: float
    bold: bool = False
    colour: str | None = None
    fill: str | None = None
    align: str = "l"            # l, c, r
    sides: str = "TBLR"
    box: bool | None = None     # None: no checkbox; False: empty; True: ticked


class Row(Piece):
    """A row of bordered cells with wrapped lines; splits between lines when too tall."""

    def __init__(self, ts: Typesetter, cells: list[Cell], min_height: float,
                 line_h: float, *, keep_with_next: bool = False, border: str | None = None,
                 valign: str = "middle"):
        self.ts = ts
        self.cells = cells
        self.line_h = line_h
        self.min_height = min_height
        n = max((len(c.lines) for c in cells), default=0)
        self.height = max(min_height, n * line_h + 2 * PAD)
        self.keep_with_next = keep_with_next
        self.border = border or ts.style.border
        self.valign = valign

    def draw(self, ops: list, x: float, y: float) -> None:
        h = self.height
        cells = self.cells
        key = (x, tuple([(c.x, c.w, c.sides, c.align, c.box is not None) for c in cells]))
        cache = self.ts.cache
        geometry = cache.row_geometry.get(key)
        if geometry is None:
            geometry = cache.bounded(cache.row_geometry)[key] = _row_geometry(cells, x)
        text_x, box_x, top_spans, bottom_spans, verticals = geometry
        style = self.ts.style
        append = ops.append
        for c in cells:
            if c.fill:
                append((RECT, x + c.x, y, c.w, h, c.fill, None, 0))
        line_h = self.line_h
        middle = self.valign == "middle"
        baselines = cache.baselines
        for c, ax, bx in zip(cells, text_x, box_x):
            lines = c.lines
            if bx is not None:
                top = y + (h - BOX_MM) / 2 if len(lines) <= 1 else \
                    y + PAD + (line_h - BOX_MM) / 2
                append((BOX, bx, top, BOX_MM, c.box, style.accent))
            if lines:
                size = c.size
                block = len(lines) * line_h
                top = y + (h - block) / 2 if middle else y + PAD
                key = (self.ts.regular.name, size, line_h)
                off = baselines.get(key)
                if off is None:
                    off = baselines[key] = self.ts.baseline(size, line_h)
                base = top + off
                colour = c.colour or style.text
                if len(lines) == 1:
                    if lines[0]:
                        append((TEXT, ax, base, lines[0], size, c.bold, colour, c.align, 0.0))
                    continue
                for i, line in enumerate(lines):
                    if line:
                        append((TEXT, ax, base + i * line_h, line, size, c.bold, colour,
                                c.align, 0.0))
        border = self.border
        yb = y + h
        for a, b in top_spans:
            append((LINE, a, y, b, y, BORDER_PT, border))
        for a, b in bottom_spans:
            append((LINE, a, yb, b, yb, BORDER_PT, border))
        for vx in verticals:
            append((LINE, vx, y, vx, yb, BORDER_PT, border))

    def split(self, avail: float):
        k = int((avail - 2 * PAD) / self.line_h)
        if k < 1:
            return None
        first, rest = [], []
        for c in self.cells:
            first.append(Cell(**{**c.__dict__, "lines": c.lines[:k],
                                 "sides": c.sides.replace("B", "")}))
            rest.append(Cell(**{**c.__dict__, "lines": c.lines[k:],
                                "sides": c.sides if "T" in c.sides else c.sides + "T"}))
        a = Row(self.ts, first, 0, self.line_h, border=self.border, valign="top")
        b = Row(self.ts, rest, 0, self.line_h, border=self.border, valign="top")
        return a, b


def _row_geometry(cells: list[Cell], x: float) -> tuple:
    """Where a row of these cells at left edge `x` puts things, whatever its height and top:
    (text x per cell, checkbox x per cell or None, top border spans, bottom border spans,
    vertical borders' x). Borders: one line per run of cells sharing a top (bottom) edge,
    one per vertical edge."""
    text_x, box_x = [], []
    for c in cells:
        cx = x + c.x
        tx = cx + PAD
        if c.box is not None:
            box_x.append(cx + PAD + 0.4)
            tx += BOX_MM + 1.6
        else:
            box_x.append(None)
        if c.align == "c":
            text_x.append(cx + c.w / 2 + (tx - cx - PAD) / 2)
        elif c.align == "r":
            text_x.append(cx + c.w - PAD)
        else:
            text_x.append(tx)
    spans = []
    for side in ("T", "B"):
        runs = []
        start = end = None
        for c in cells:
            if side in c.sides:
                if start is None:
                    start = x + c.x
                elif end is not None and abs(x + c.x - end) > 1e-6:
                    runs.append((start, end))
                    start = x + c.x
                end = x + c.x + c.w
            elif start is not None:
                runs.append((start, end))
                start = end = None
        if start is not None:
            runs.append((start, end))
        spans.append(tuple(runs))
    seen = set()
    verticals = []
    for c in cells:
        for side, vx in (("L", x + c.x), ("R", x + c.x + c.w)):
            if side in c.sides:
                key = round(vx, 3)
                if key not in seen:
                    seen.add(key)
                    verticals.append(vx)
    return tuple(text_x), tuple(box_x), spans[0], spans[1], tuple(verticals)


class TableShape:
    """What the body rows of one table share: the columns, and where a row of one-line cells
    puts its fills, text and borders (worked out once per left edge and row height, with the
    same arithmetic as Row.draw, so the ops are the same to the last bit)."""

    def __init__(self, ts: Typesetter, xs: list[float], widths: list[float], aligns: list[str],
                 size: float, line_h: float, min_height: float):
        self.ts = ts
        self.xs, self.widths, self.aligns = xs, widths, aligns
        self.size, self.line_h, self.min_height = size, line_h, min_height
        self.border = ts.style.border
        self.colour = ts.style.text
        self._placed: dict[tuple[float, float], tuple] = {}

    def cells(self, lines: list[list[str]], fills: list[str | None]) -> list[Cell]:
        return [Cell(x, w, ls, self.size, False, None, fill, align)
                for x, w, ls, align, fill in zip(self.xs, self.widths, lines, self.aligns, fills)]

    def placed(self, x: float, h: float) -> tuple:
        """(text x per column, (h - line) / 2, baseline, top spans, bottom spans, verticals)."""
        key = (x, h)
        hit = self._placed.get(key)
        if hit is not None:
            return hit
        # tables of the same columns (the same block on every record) share it
        shared = (x, h, tuple(self.xs), tuple(self.widths), tuple(self.aligns), self.size,
                  self.line_h, self.min_height, self.border, self.ts.regular.name)
        cache = self.ts.cache
        hit = cache.placed.get(shared)
        if hit is None:
            hit = cache.bounded(cache.placed)[shared] = self._work_out(x, h)
        self._placed[key] = hit
        return hit

    def _work_out(self, x: float, h: float) -> tuple:
        probe = Row(self.ts, self.cells([["x"]] * len(self.xs), [None] * len(self.xs)),
                    self.min_height, self.line_h)
        ops: list[tuple] = []
        probe.height = h
        probe.draw(ops, x, 0.0)
        text_x = tuple(op[1] for op in ops if op[0] == TEXT)
        lines = [op for op in ops if op[0] == LINE]
        top = tuple((op[1], op[3]) for op in lines if op[2] == op[4] == 0.0)
        bottom = tuple((op[1], op[3]) for op in lines if op[2] == op[4] == h)
        verticals = tuple(op[1] for op in lines if op[1] == op[3])
        assert len(text_x) == len(self.xs) and len(top) + len(bottom) + len(verticals) == \
            len(lines)
        return (text_x, (h - self.line_h) / 2, self.ts.baseline(self.size, self.line_h), top,
                bottom, verticals)


class TableRow(Piece):
    """A body row of a table (see TableShape): drawn as Row draws it, without a Cell per
    value when every value is one line (a 100,000-item register).

    A team's table may hold 80,000 of these until its pages are counted and drawn, so a row
    of one-line values keeps only a tuple of its texts (None for a value with no line) and
    its fills (None when it has none)."""

    __slots__ = ("shape", "texts", "fills", "height", "keep_with_next", "memo", "_lines")

    def __init__(self, shape: TableShape, lines: list[list[str]], fills: list[str | None]):
        self.shape = shape
        self.keep_with_next = False
        self.memo = None
        n = max(map(len, lines), default=0)
        self.height = max(shape.min_height, n * shape.line_h + 2 * PAD)
        if n <= 1:
            self.texts = tuple([ls[0] if ls else None for ls in lines])
            self._lines = None
        else:
            self.texts = None
            self._lines = lines
        self.fills = tuple(fills) if any(fills) else None

    @property
    def lines(self) -> list[list[str]]:
        if self.texts is None:
            return self._lines
        return [[t] if t is not None else [] for t in self.texts]

    def row(self) -> Row:
        shape = self.shape
        fills = list(self.fills) if self.fills is not None else [None] * len(shape.xs)
        return Row(shape.ts, shape.cells(self.lines, fills), shape.min_height, shape.line_h)

    def draw(self, ops: list, x: float, y: float) -> None:
        texts = self.texts
        if texts is None:
            self.row().draw(ops, x, y)
            return
        shape = self.shape
        h = self.height
        text_x, half, base_off, top, bottom, verticals = shape.placed(x, h)
        fills = self.fills
        if fills is not None:
            for cx, w, fill in zip(shape.xs, shape.widths, fills):
                if fill:
                    ops.append((RECT, x + cx, y, w, h, fill, None, 0))
        base = (y + half) + base_off
        size, colour = shape.size, shape.colour
        for ax, text, align in zip(text_x, texts, shape.aligns):
            if text:
                ops.append((TEXT, ax, base, text, size, False, colour, align, 0.0))
        border = shape.border
        yb = y + h
        for a, b in top:
            ops.append((LINE, a, y, b, y, BORDER_PT, border))
        for a, b in bottom:
            ops.append((LINE, a, yb, b, yb, BORDER_PT, border))
        for vx in verticals:
            ops.append((LINE, vx, y, vx, yb, BORDER_PT, border))

    def split(self, avail: float):
        return self.row().split(avail)


class Ruled(Piece):
    """Lines of text on ruled lines, for handwriting (text blocks); splits between lines."""

    def __init__(self, ts: Typesetter, x: float, w: float, lines: list[str], line_h: float,
                 size: float, label: Cell | None = None, sides: str = "BLR",
                 top_pad: float = 0.8):
        self.ts, self.x, self.w, self.lines = ts, x, w, lines
        self.line_h, self.size, self.label, self.sides = line_h, size, label, sides
        self.top_pad = top_pad
        self.height = len(lines) * line_h + top_pad + 1.6

    def draw(self, ops: list, x: float, y: float) -> None:
        style = self.ts.style
        h = self.height
        if self.label is not None:
            Row(self.ts, [Cell(**{**self.label.__dict__, "sides": ""})], h,
                self.ts.line_mm(self.label.size), valign="top").draw(ops, x, y)
        left = x + self.x + PAD + 0.6
        right = x + self.x + self.w - PAD - 0.6
        base_off = self.line_h - 1.7
        for i, line in enumerate(self.lines):
            top = y + self.top_pad + i * self.line_h
            ops.append((LINE, left, top + self.line_h - 0.6, right, top + self.line_h - 0.6,
                        RULE_PT, "#9AA3AE"))
            if line:
                ops.append((TEXT, left + 0.6, top + base_off, line, self.size, False,
                            style.text, "l", 0.0))
        _outline(ops, x, y, x + self.x + self.w, h, self.sides, style.border)
        if self.label is not None:
            ops.append((LINE, x + self.x, y, x + self.x, y + h, BORDER_PT, style.border))

    def split(self, avail: float):
        k = int((avail - self.top_pad - 1.6) / self.line_h)
        if k < 1 or k >= len(self.lines):
            return None
        a = Ruled(self.ts, self.x, self.w, self.lines[:k], self.line_h, self.size,
                  self.label, self.sides.replace("B", ""), self.top_pad)
        b = Ruled(self.ts, self.x, self.w, self.lines[k:], self.line_h, self.size,
                  self.label, self.sides + ("T" if "T" not in self.sides else ""), self.top_pad)
        return a, b


def _outline(ops, x, y, right, h, sides, colour):
    if "T" in sides:
        ops.append((LINE, x, y, right, y, BORDER_PT, colour))
    if "B" in sides:
        ops.append((LINE, x, y + h, right, y + h, BORDER_PT, colour))
    if "L" in sides:
        ops.append((LINE, x, y, x, y + h, BORDER_PT, colour))
    if "R" in sides:
        ops.append((LINE, right, y, right, y + h, BORDER_PT, colour))


class Custom(Piece):
    """A piece drawn by a function (signatures, option grids): kept whole."""

    def __init__(self, height: float, draw: Callable[[list, float, float], None],
                 keep_with_next: bool = False):
        self.height = height
        self._draw = draw
        self.keep_with_next = keep_with_next

    def draw(self, ops, x, y):
        self._draw(ops, x, y)


@dataclass
class Flow:
    pieces: list[Piece]
    keep_together: bool = True
    repeat: list[Piece] = field(default_factory=list)   # drawn again at the top of a new page
    repeat_after: int = 0       # ... once this many pieces have been placed
    gap: float = 3.0
    join: bool = False
    page_break: bool = False
    keep_with_previous: bool = False    # signatures: never alone on a page

    @property
    def height(self) -> float:
        return sum(p.height for p in self.pieces)
