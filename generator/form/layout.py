"""Laying out one document: a form layout and one record's context -> pages of drawing ops.

Pure: nothing is drawn here. A page is a list of tuples (see OPS) with positions in mm from
the page's top-left, so tests can check positions without rendering, and the page count of a
document is known before its first page is drawn ("第 1 页 / 共 2 页").

Each block becomes a Flow: a list of pieces (a title band, table rows, a signature row...)
with a height each. The pager puts pieces on pages: a block is kept together when it fits on
a page, a table breaks between rows and repeats its header row, and a piece taller than a
whole page (a 2,000-character address) is split between its lines.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from typing import Any, Callable

from ..errors import Location, Problem
from ..units import MM
from . import model as m
from .text import Metrics, unprintable_message
from .values import Fixed, Text, Value

# ops, first element says which: positions in mm from the top-left, sizes in pt
TEXT = "text"      # (TEXT, x, baseline_y, text, size_pt, bold, colour, align 'l'|'c'|'r', spacing_mm)
LINE = "line"      # (LINE, x1, y1, x2, y2, width_pt, colour)
RECT = "rect"      # (RECT, x, y, w, h, fill or None, stroke or None, width_pt)
BOX = "box"        # (BOX, x, y, size, ticked, colour)  a checkbox, y its top
QR = "qr"          # (QR, x, y, size, payload)
BARS = "bars"      # (BARS, x, y, module_mm, height_mm, pattern)  Code 128 bars
OPS = (TEXT, LINE, RECT, BOX, QR, BARS)

LEADING = 1.38      # line height / font size
PAD = 1.2           # mm inside cells
BORDER_PT = 0.5
RULE_PT = 0.35
BOX_MM = 3.0


@dataclass
class Document:
    """One record laid out: pages of ops, and what the record's data could not print."""

    pages: list[list[tuple]]
    problems: list[Problem] = field(default_factory=list)     # warnings (codes left out)
    title: str = ""
    unprintable: list[Problem] = field(default_factory=list)  # text that cannot print as typed


# ------------------------------------------------------------------------------ typesetting
class Typesetter:
    """Evaluates texts for one record and measures them; collects missing-glyph problems."""

    def __init__(self, layout: m.FormLayout, regular: Metrics, bold: Metrics,
                 record: str = "", location: Location | None = None):
        self.layout = layout
        self.style = layout.style
        self.regular = regular
        self.bold = bold
        self.record = record
        self.location = location
        self.problems: list[Problem] = []
        self.unprintable: list[Problem] = []
        self._reported: set[tuple[str, str]] = set()

    def metrics(self, bold: bool) -> Metrics:
        return self.bold if bold else self.regular

    def value(self, text: Text | None, ctx: dict, label: str = "") -> str:
        """The printable text of a layout value for this record (checked against the font)."""
        if text is None:
            return ""
        raw = text(ctx)
        if not raw:
            return ""
        if raw.isascii() and raw.isprintable():
            return raw                   # prints as typed (what clean would say)
        if text.is_plain:
            return self.clean(raw, label)
        return self.clean(raw, label, text.data_path)

    def clean(self, raw: str, label: str = "", data_path: str | None = None) -> str:
        cleaned, missing = self.regular.clean(raw)
        if missing:
            where = data_path or label or "text"
            if data_path and label:
                where = f"{data_path} ({label})"
            key = (where, "".join(missing))
            if key not in self._reported:
                self._reported.add(key)
                self.unprintable.append(Problem(
                    unprintable_message(missing), self.location,
                    f"{self.record}: {where}" if self.record else where))
        return cleaned

    def line_mm(self, size: float) -> float:
        return size * LEADING / MM

    def wrap(self, text: str, width: float, size: float, bold: bool = False) -> list[str]:
        if not text:
            return []
        m = self.bold if bold else self.regular
        if "\n" not in text and m.fits(text, max(width, 1.0) * MM * 1000.0 / size):
            return [text]    # most values: one line, no breaking to work out
        key = (m.name, text, width, size)
        lines = _WRAPPED.get(key)
        if lines is None:
            lines = m.wrap(text, max(width, 1.0), size)
            if type(text) is Fixed:      # the layout's own wording: so is each of its lines
                lines = [Fixed(line) for line in lines]
            if len(text) < 40:           # labels and short values repeat from record to record
                if len(_WRAPPED) > 20000:
                    _WRAPPED.clear()
                _WRAPPED[key] = lines
        return list(lines)

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return self.metrics(bold).width(text, size)

    def baseline(self, size: float, line_h: float) -> float:
        """Distance from the top of a line box to the baseline, in mm."""
        r = self.regular
        size_mm = size / MM
        return (line_h - (r.ascent + r.descent) * size_mm) / 2 + r.ascent * size_mm


_WRAPPED: dict[tuple, list[str]] = {}   # (font, text, width, size) -> lines, short texts only
_MISSING = object()


# ------------------------------------------------------------------------------ pieces
class Piece:
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
        geometry = _ROW_GEOMETRY.get(key)
        if geometry is None:
            if len(_ROW_GEOMETRY) > 4096:
                _ROW_GEOMETRY.clear()
            geometry = _ROW_GEOMETRY[key] = _row_geometry(cells, x)
        text_x, box_x, top_spans, bottom_spans, verticals = geometry
        style = self.ts.style
        append = ops.append
        for c in cells:
            if c.fill:
                append((RECT, x + c.x, y, c.w, h, c.fill, None, 0))
        line_h = self.line_h
        middle = self.valign == "middle"
        baselines = _BASELINES
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


_ROW_GEOMETRY: dict[tuple, tuple] = {}
_PLACED: dict[tuple, tuple] = {}      # table columns, left edge, row height -> TableShape.placed
_BASELINES: dict[tuple, float] = {}   # (font, size, line height) -> baseline offset


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
        hit = _PLACED.get(shared)
        if hit is None:
            hit = self._work_out(x, h)
            if len(_PLACED) > 1024:
                _PLACED.clear()
            _PLACED[shared] = hit
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
    value when every value is one line (a 100,000-item register)."""

    def __init__(self, shape: TableShape, lines: list[list[str]], fills: list[str | None]):
        self.shape = shape
        self.lines = lines
        self.fills = fills
        n = max(map(len, lines), default=0)
        self.height = max(shape.min_height, n * shape.line_h + 2 * PAD)
        self.single = n <= 1

    def row(self) -> Row:
        shape = self.shape
        return Row(shape.ts, shape.cells(self.lines, self.fills), shape.min_height, shape.line_h)

    def draw(self, ops: list, x: float, y: float) -> None:
        if not self.single:
            self.row().draw(ops, x, y)
            return
        shape = self.shape
        h = self.height
        text_x, half, base_off, top, bottom, verticals = shape.placed(x, h)
        fills = self.fills
        if any(fills):
            for cx, w, fill in zip(shape.xs, shape.widths, fills):
                if fill:
                    ops.append((RECT, x + cx, y, w, h, fill, None, 0))
        base = (y + half) + base_off
        size, colour = shape.size, shape.colour
        for ax, lines, align in zip(text_x, self.lines, shape.aligns):
            if lines and lines[0]:
                ops.append((TEXT, ax, base, lines[0], size, False, colour, align, 0.0))
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

    @property
    def height(self) -> float:
        return sum(p.height for p in self.pieces)


# ------------------------------------------------------------------------------ blocks
class BlockBuilder:
    def __init__(self, ts: Typesetter, width: float):
        self.ts = ts
        self.width = width
        self.style = ts.style

    def size(self, block) -> float:
        return block.size or self.style.font_size

    def flows(self, blocks: list, ctx: dict) -> list[Flow]:
        out: list[Flow] = []
        for block in blocks:
            if block.when is not None and not block.when(ctx):
                continue
            if isinstance(block, m.GroupBlock):
                items = block.for_each(ctx) or []
                _require_list(items, block.for_each)
                first = True
                for item in items:
                    sub = self.flows(block.blocks, {**ctx, block.as_: item})
                    if first and sub:
                        head = sub[0]
                        pieces = list(head.pieces)
                        if block.title is not None:
                            title = self.ts.value(block.title, ctx, "title")
                            if title:
                                pieces.insert(0, self.band(title, self.size(block)))
                        sub[0] = replace(head, pieces=pieces,
                                         gap=head.gap if head.join else block.gap,
                                         page_break=head.page_break or block.page_break)
                        first = False
                    out.extend(sub)
                continue
            if _is_static(block):
                key = (id(block), self.width, self.ts.regular.name, self.ts.bold.name)
                flow = _STATIC_FLOWS.get(key)
                if flow is None:
                    flow = _STATIC_FLOWS[key] = self._flow(block, ctx)
                    for piece in flow.pieces:
                        piece.memo = {}
                out.append(flow)
                continue
            out.append(self._flow(block, ctx))
        return out

    def _flow(self, block, ctx: dict) -> Flow:
        flow = getattr(self, "_" + block.type)(block, ctx)
        flow.gap, flow.join, flow.page_break = block.gap, block.join, block.page_break
        if block.title is not None:
            title = self.ts.value(block.title, ctx, "title")
            if title:
                flow.pieces.insert(0, self.band(title, self.size(block)))
                flow.repeat_after += 1
        return flow

    # ---------------------------------------------------------------- shared parts
    def band(self, title: str, size: float) -> Row:
        key = None
        if type(title) is Fixed:   # the layout's own words: the same row on every record,
            key = (title, size, self.width, self.ts.bold.name, self.ts.regular.name)
            hit = _SHARED_ROWS.get(key)   # drawn from memory where it was drawn before
            if hit is not None and hit[0] is self.style:
                return hit[1]
        size = size + 0.5
        lh = self.ts.line_mm(size)
        lines = self.ts.wrap(title, self.width - 2 * PAD, size, True)
        row = Row(self.ts, [Cell(0, self.width, lines, size, True, self.style.accent,
                                 self.style.band)], 6.4, lh, keep_with_next=True)
        if key is not None:
            _share(key, self.style, row)
        return row

    def label_cell(self, x: float, w: float, label: str, size: float, sides: str = "TBLR"
                   ) -> Cell:
        lines = self.ts.wrap(label, w - 2 * PAD, size, True)
        return Cell(x, w, lines, size, True, None, self.style.label_fill, "l", sides)

    # ---------------------------------------------------------------- fields
    def _fields(self, b: m.FieldsBlock, ctx: dict) -> Flow:
        ts, size = self.ts, self.size(b)
        lh = ts.line_mm(size)
        col_w = self.width / b.columns
        label_w = min(b.label_width, col_w * 0.6)
        pieces: list[Piece] = []
        labels = _LABEL_CELLS
        for row in _field_rows(b):
            cells: list[Cell] = []
            x = 0.0
            for f, span in row:
                w = col_w * span
                # a label in the layout's own words is the same cell on every record
                key = (id(f), x, label_w, size, ts.bold.name)
                hit = labels.get(key)
                if hit is not None and hit[0] is f:
                    label, cell = hit[1], hit[2]
                else:
                    before = len(ts.unprintable)
                    label = ts.value(f.label, ctx, "label")
                    cell = self.label_cell(x, label_w, label, size)
                    if f.label.is_plain and len(ts.unprintable) == before:
                        if len(labels) > 4096:
                            labels.clear()
                        labels[key] = (f, label, cell)
                cells.append(cell)
                text = ts.value(f.value, ctx, label)
                vw = w - label_w
                cells.append(Cell(x + label_w, vw, ts.wrap(text, vw - 2 * PAD, size, f.bold),
                                  size, f.bold))
                x += w
            pieces.append(Row(ts, cells, b.row_height, lh))
        return Flow(pieces, keep_together=True)

    # ---------------------------------------------------------------- table
    def _table(self, b: m.TableBlock, ctx: dict) -> Flow:
        ts, size = self.ts, self.size(b)
        lh = ts.line_mm(size)
        widths = _column_widths(b, self.width)
        items = b.rows(ctx)
        if items is None:
            items = []
        _require_list(items, b.rows)
        xs = [sum(widths[:i]) for i in range(len(widths))]
        heads = ([Fixed(ts.clean(b.number_header))] if b.numbered else []) + \
            [ts.value(c.header, ctx, "header") for c in b.columns]
        aligns = (["c"] if b.numbered else []) + [c.align[0] for c in b.columns]
        key = None
        if all(type(h) is Fixed for h in heads):   # the layout's words: shared (see band)
            key = (id(b), tuple(heads), tuple(widths), size, ts.bold.name, ts.regular.name)
            hit = _SHARED_ROWS.get(key)
            header = hit[1] if hit is not None and hit[0] is b else None
        else:
            header = None
        if header is None:
            header = Row(ts, [Cell(x, w, ts.wrap(h, w - 2 * PAD, size, True), size, True,
                                   None, self.style.label_fill, "c")
                              for x, w, h in zip(xs, widths, heads)], b.row_height, lh,
                         keep_with_next=True)
            if key is not None:
                _share(key, b, header)
        pieces: list[Piece] = [header]
        shape = TableShape(ts, xs, widths, aligns, size, lh, b.row_height)
        # A value that is one field of the row (`{{ row.id }}`) is read straight from the
        # row, as Text would read it; anything else goes through Text with the row's context
        as_ = b.as_
        columns = [(c.value, label, c.value.path[1]
                    if c.value.path is not None and len(c.value.path) == 2
                    and c.value.path[0] == as_ and as_ != "index" else None,
                    w - 2 * PAD)
                   for c, label, w in zip(b.columns, heads[-len(b.columns):],
                                          widths[-len(b.columns):])]
        fill_columns = [(c.fill, c.fill.path[1] if c.fill is not None and c.fill.path is not None
                         and len(c.fill.path) == 2 and c.fill.path[0] == as_ and as_ != "index"
                         else None) for c in b.columns]
        wrap, clean, value = ts.wrap, ts.clean, ts.value
        for index, item in enumerate(items, 1):
            row_ctx = None
            if b.numbered:
                lines, fills = [wrap(str(index), widths[0] - 2 * PAD, size)], [None]
            else:
                lines, fills = [], []
            for text, label, key, inner in columns:
                raw = item.get(key, _MISSING) if key is not None and type(item) is dict \
                    else _MISSING
                if raw is None:
                    shown = ""
                elif type(raw) is str:
                    shown = raw if not raw or (raw.isascii() and raw.isprintable()) \
                        else clean(raw, label, text.data_path)
                else:
                    if row_ctx is None:
                        row_ctx = {**ctx, as_: item, "index": index}
                    shown = value(text, row_ctx, label)
                lines.append(wrap(shown, inner, size))
            for fill, key in fill_columns:
                if fill is None:
                    fills.append(None)
                    continue
                raw = item.get(key, _MISSING) if key is not None and type(item) is dict \
                    else _MISSING
                if raw is None:
                    fills.append(None)
                elif type(raw) is str and raw.isascii() and raw.isprintable():
                    fills.append(_fill(raw))
                else:
                    if row_ctx is None:
                        row_ctx = {**ctx, as_: item, "index": index}
                    fills.append(_fill(value(fill, row_ctx, "fill")))
            pieces.append(TableRow(shape, lines, fills))
        for _ in range(max(0, b.min_rows - len(items))):
            pieces.append(Row(ts, [Cell(x, w, [], size) for x, w in zip(xs, widths)],
                              b.row_height, lh))
        if len(pieces) == 1 and b.empty:
            pieces.append(Row(ts, [Cell(0, self.width, [Fixed(ts.clean(b.empty))], size,
                                        colour=self.style.muted, align="c")], b.row_height, lh))
        if len(pieces) > 1:
            pieces[0].keep_with_next = True
        return Flow(pieces, keep_together=False, repeat=[header], repeat_after=1)

    # ---------------------------------------------------------------- checklist and choice
    def _grid(self, label: str | None, label_w: float, entries: list[tuple[str, bool]],
              columns: int, row_height: float, size: float) -> Flow:
        ts = self.ts
        lh = ts.line_mm(size)
        x0 = label_w if label else 0.0
        col_w = (self.width - x0) / columns
        rows = [entries[i:i + columns] for i in range(0, len(entries), columns)]
        pieces: list[Piece] = []
        for r, row in enumerate(rows):
            cells: list[Cell] = []
            last_row = r == len(rows) - 1
            for c, (text, ticked) in enumerate(row):
                lines = ts.wrap(text, col_w - 2 * PAD - BOX_MM - 1.6, size)
                sides = ("T" if r == 0 else "") + ("B" if last_row else "")
                if c == len(row) - 1:
                    sides += "R"
                    w = self.width - x0 - c * col_w
                else:
                    w = col_w
                cells.append(Cell(x0 + c * col_w, w, lines, size, bool(ticked), None, None,
                                  "l", sides, bool(ticked)))
            pieces.append(Row(ts, cells, row_height, lh))
        total = sum(p.height for p in pieces)
        if label:
            cell = self.label_cell(0, label_w, label, size)
            rows_ = pieces

            def draw(ops, x, y, rows_=rows_, cell=cell, total=total):
                Row(ts, [cell], total, lh).draw(ops, x, y)
                yy = y
                for p in rows_:
                    p.draw(ops, x, yy)
                    yy += p.height
            pieces = [Custom(total, draw)]
        return Flow(pieces, keep_together=True)

    def _checklist(self, b: m.ChecklistBlock, ctx: dict) -> Flow:
        entries = [(self.ts.value(item.label, ctx, "checklist"),
                    bool(item.checked(ctx)) if item.checked is not None else False)
                   for item in b.items]
        label = self.ts.value(b.label, ctx, "label") if b.label is not None else None
        return self._grid(label, b.label_width, entries, b.columns, b.row_height, self.size(b))

    def _choice(self, b: m.ChoiceBlock, ctx: dict) -> Flow:
        selected = b.selected(ctx) if b.selected is not None else None
        options = b.option_list
        entries = [(Fixed(self.ts.clean(o.label)), selected is not None and str(selected) == o.value)
                   for o in options]
        columns = b.columns or len(options)
        return self._grid(self.ts.value(b.label, ctx, "label"), b.label_width, entries, columns,
                          b.row_height, self.size(b))

    # ---------------------------------------------------------------- text
    def _text(self, b: m.TextBlock, ctx: dict) -> Flow:
        ts, size = self.ts, self.size(b)
        label = ts.value(b.label, ctx, "label") if b.label is not None else None
        value = ts.value(b.value, ctx, label or "text")
        if label and b.label_position == "left":
            lw = min(b.label_width, self.width * 0.4)
            lines = ts.wrap(value, self.width - lw - 2 * PAD - 1.8, size)
            lines += [""] * max(0, max(b.lines, 1) - len(lines))
            cell = self.label_cell(0, lw, label, size, "")
            piece = Ruled(ts, lw, self.width - lw, lines, b.line_height, size, cell,
                          sides="TBLR", top_pad=0.8)
            return Flow([piece], keep_together=True)
        lines = ts.wrap(value, self.width - 2 * PAD - 1.8, size)
        lines += [""] * max(0, b.lines - len(lines))
        pieces: list[Piece] = []
        if label:
            lh = ts.line_mm(size)
            head = Row(ts, [Cell(0, self.width, [label], size, True, None, None, "l", "TLR")],
                       lh + PAD, lh, keep_with_next=True, valign="top")
            pieces.append(head)
        if lines:
            pieces.append(Ruled(ts, 0, self.width, lines, b.line_height, size,
                                sides="BLR" if label else "TBLR", top_pad=0.0 if label else 0.8))
        elif pieces:
            pieces[0] = Row(ts, [Cell(0, self.width, [label], size, True)], 7, ts.line_mm(size))
        return Flow(pieces, keep_together=True)

    # ---------------------------------------------------------------- signatures
    def _signatures(self, b: m.SignaturesBlock, ctx: dict) -> Flow:
        ts, size = self.ts, self.size(b)
        style = self.style
        n = len(b.items)
        w = self.width / n
        h = b.height
        entries = []
        for s in b.items:
            label = ts.value(s.label, ctx, "label")
            entries.append((label, ts.value(s.name, ctx, label), s.date))
        small = style.small_size

        def draw(ops, x, y):
            for i, (label, name, date) in enumerate(entries):
                cx = x + i * w
                ops.append((RECT, cx, y, w, h, None, style.border, BORDER_PT))
                base1 = y + h * 0.42
                ops.append((TEXT, cx + 2.4, base1, _colon(label), size, True, style.text, "l",
                            0.0))
                lw = ts.width(label + "：", size, True)
                ops.append((LINE, cx + 2.4 + lw + 1, base1 + 0.9, cx + w - 3, base1 + 0.9,
                            RULE_PT, style.text))
                if name:
                    ops.append((TEXT, cx + 2.4 + lw + 2, base1 + 4.2, name, small, False,
                                style.muted, "l", 0.0))
                if date != "none":
                    base2 = y + h - 3.2
                    ops.append((TEXT, cx + 2.4, base2, Fixed("日期："), size, False, style.text,
                                "l", 0.0))
                    _date_blanks(ops, ts, cx + 2.4 + ts.width("日期：", size), base2, size,
                                 date == "datetime", style.text)
        return Flow([Custom(h, draw)], keep_together=True)

    # ---------------------------------------------------------------- note
    def _note(self, b: m.NoteBlock, ctx: dict) -> Flow:
        ts = self.ts
        size = b.size or self.style.small_size + 0.5
        text = ts.value(b.text, ctx, "note")
        lh = ts.line_mm(size)
        colour = self.style.muted if b.muted else self.style.text
        lines = ts.wrap(text, self.width - 2 * PAD, size)
        if not lines:
            return Flow([], keep_together=True)
        sides = "TBLR" if b.box else ""
        align = "c" if b.align == "center" else "l"
        row = Row(ts, [Cell(0, self.width, lines, size, False, colour, None, align, sides)],
                  0, lh, valign="top")
        return Flow([row], keep_together=True)


# Rows of the layout's own words (block titles, table headers) made once and shared by every
# record: a Row draws the same ops wherever it is put, so they remember them (Piece.memo)
_SHARED_ROWS: dict[tuple, tuple] = {}   # key -> (the object the key's id stands for, row)


def _share(key: tuple, owner, row: Row) -> None:
    if len(_SHARED_ROWS) > 1024:
        _SHARED_ROWS.clear()
    row.memo = {}
    _SHARED_ROWS[key] = (owner, row)


_LABEL_CELLS: dict[tuple, tuple] = {}   # (field, x, width, size, font) -> (field, label, cell)
_FIELD_ROWS: dict[int, tuple] = {}


def _field_rows(b: m.FieldsBlock) -> list[list[tuple[m.FieldItem, int]]]:
    """The fields of a block by row, each with its span (the last one stretched to the end)."""
    known = _FIELD_ROWS.get(id(b))
    if known is not None and known[0] is b:
        return known[1]
    rows: list[list[tuple[m.FieldItem, int]]] = [[]]
    used = 0
    for f in b.fields:
        if used + f.span > b.columns:
            rows.append([])
            used = 0
        rows[-1].append((f, f.span))
        used += f.span
    for row in rows:
        total = sum(span for _, span in row)
        if total < b.columns:  # stretch the last field to the end of the row
            f, span = row[-1]
            row[-1] = (f, span + b.columns - total)
    _FIELD_ROWS[id(b)] = (b, rows)
    return rows


# Blocks whose every value is fixed wording are laid out once per layout and width, and their
# pieces remember what they drew where (see Piece.draw_at).
_STATIC_FLOWS: dict[tuple, Flow] = {}
_STATIC: dict[int, tuple[object, bool]] = {}


def _is_static(block) -> bool:
    known = _STATIC.get(id(block))
    if known is not None and known[0] is block:
        return known[1]

    def fixed(obj) -> bool:
        if isinstance(obj, Value):
            return False
        if isinstance(obj, Text):
            return obj.is_plain
        if isinstance(obj, m.Model):
            return all(fixed(getattr(obj, name)) for name in type(obj).model_fields)
        if isinstance(obj, (list, tuple)):
            return all(fixed(item) for item in obj)
        return True
    result = not isinstance(block, (m.GroupBlock, m.TableBlock)) and fixed(block)
    _STATIC[id(block)] = (block, result)
    return result


def _date_blanks(ops, ts, x, base, size, with_time, colour):
    """'    年    月    日    时    分' with room to write the numbers."""
    gap_year, gap = 11.0, 7.0
    parts = [("年", gap_year), ("月", gap), ("日", gap)]
    if with_time:
        parts += [("时", gap + 2), ("分", gap)]
    for word, space in parts:
        x += space
        ops.append((TEXT, x, base, Fixed(word), size, False, colour, "l", 0.0))
        x += ts.width(word, size)


def _colon(label: str) -> str:
    return Fixed(label + "：") if type(label) is Fixed else label + "："


def _fill(value: str) -> str | None:
    value = value.strip()
    if not value:
        return None
    if len(value) == 7 and value[0] == "#":
        try:
            int(value[1:], 16)
            return value.upper()
        except ValueError:
            pass
    return None


def _require_list(items: Any, expr) -> None:
    from ..errors import UserError
    if not isinstance(items, (list, tuple)):
        raise UserError(f"{expr.where}: {expr.source!r} should give a list, not "
                        f"{type(items).__name__}")


def _column_widths(b: m.TableBlock, width: float) -> list[float]:
    fixed = ([10.0] if b.numbered else []) + [c.width for c in b.columns]
    known = sum(w for w in fixed if w is not None)
    free = [i for i, w in enumerate(fixed) if w is None]
    rest = width - known
    if free:
        share = max(rest / len(free), 8.0)
        widths = [w if w is not None else share for w in fixed]
    else:
        widths = list(fixed)
    total = sum(widths)
    if abs(total - width) > 0.01:  # scale everything to the page's width
        widths = [w * width / total for w in widths]
    return widths


# ------------------------------------------------------------------------------ pages
@dataclass
class Geometry:
    page_w: float
    page_h: float
    left: float
    right: float
    top: float
    bottom: float

    @property
    def width(self) -> float:
        return self.page_w - self.left - self.right

    @property
    def body_bottom(self) -> float:
        return self.page_h - self.bottom


class Pager:
    """Places flows on pages; the first page gets the full header, the others a short one."""

    def __init__(self, geo: Geometry, first_header: Callable[[list], float],
                 next_header: Callable[[list], float]):
        self.geo = geo
        self.first_header = first_header
        self.next_header = next_header
        self.pages: list[list[tuple]] = []
        self.y = 0.0
        self.fresh = True
        self.body = 0.0
        self.new_page()

    @property
    def remaining(self) -> float:
        return self.geo.body_bottom - self.y

    def new_page(self) -> None:
        ops: list[tuple] = []
        self.pages.append(ops)
        header = self.first_header if len(self.pages) == 1 else self.next_header
        self.y = header(ops)
        self.body = self.geo.body_bottom - self.y
        self.fresh = True

    def place(self, piece: Piece) -> None:
        piece.draw_at(self.pages[-1], self.geo.left, self.y)
        self.y += piece.height

    def add(self, flow: Flow) -> None:
        if not flow.pieces:
            return
        if flow.page_break and not self.fresh:
            self.new_page()
        elif not self.fresh and not flow.join:
            self.y += flow.gap
        if (flow.keep_together and not self.fresh
                and self.remaining + 1e-6 < flow.height <= self.body):
            self.new_page()
        pieces = flow.pieces
        n = len(pieces)
        placed = 0
        for i, piece in enumerate(pieces):
            need = piece.height
            j = i
            while pieces[j].keep_with_next and j + 1 < n:
                j += 1
                need += pieces[j].height
            if need > self.remaining + 1e-6 and not self.fresh and need <= self.body:
                self._break(flow, placed)
            while piece.height > self.remaining + 1e-6:
                parts = piece.split(self.remaining)
                if parts is None:
                    if self.fresh:
                        break          # taller than a page and cannot split: let it overflow
                    self._break(flow, placed)
                    continue
                head, piece = parts
                self.place(head)
                self.fresh = False
                self._break(flow, placed)
            self.place(piece)
            self.fresh = False
            placed += 1

    def _break(self, flow: Flow, placed: int) -> None:
        self.new_page()
        if flow.repeat and placed >= flow.repeat_after:
            for piece in flow.repeat:
                self.place(piece)


# ------------------------------------------------------------------------------ header/footer
@dataclass
class HeaderParts:
    company: str
    title: str
    subtitle: str
    number: str
    qr: str
    bars: str | None      # Code 128 pattern (see draw.code128_pattern)


def first_header(ts: Typesetter, geo: Geometry, spec: m.Header, parts: HeaderParts,
                 ops: list) -> float:
    style = ts.style
    x0, y0, width = geo.left, geo.top, geo.width
    h = spec.height
    right_edge = x0 + width
    # QR at the right, the full header height
    left_zone = 0.0
    right_zone = 0.0
    if parts.qr:
        size = min(h, 26.0)
        ops.append((QR, right_edge - size, y0 + (h - size) / 2, size, parts.qr))
        right_zone = size
    # barcode and number at the left
    num_size = 8.5
    label = f"{spec.number_label}：" if spec.number_label else ""
    if parts.bars:
        modules = _pattern_modules(parts.bars)
        module = spec.barcode_module
        max_w = width * 0.36
        if modules * module > max_w:
            module = max(0.19, max_w / modules)
        bars_w = modules * module
        num_line = f"{label}{parts.number}"
        block_h = spec.barcode_height + 1.2 + num_size / MM
        top = y0 + (h - block_h) / 2
        ops.append((BARS, x0, top, module, spec.barcode_height, parts.bars))
        ops.append((TEXT, x0 + bars_w / 2, top + spec.barcode_height + 1.0 + num_size / MM * 0.8,
                    num_line, num_size, False, style.text, "c", 0.0))
        left_zone = max(bars_w, ts.width(num_line, num_size))
    elif parts.number:
        num_line = f"{label}{parts.number}"
        ops.append((TEXT, x0, y0 + h / 2 + 1.5, num_line, num_size + 0.5, True, style.text, "l",
                    0.0))
        left_zone = ts.width(num_line, num_size + 0.5, True)
    elif spec.number is not None:  # a blank form: a place to write the number
        ops.append((TEXT, x0, y0 + h / 2 + 1.5, label, num_size + 0.5, True, style.text, "l",
                    0.0))
        lw = ts.width(label, num_size + 0.5, True)
        ops.append((LINE, x0 + lw, y0 + h / 2 + 2.3, x0 + lw + 36, y0 + h / 2 + 2.3, RULE_PT,
                    style.text))
        left_zone = lw + 36
    # title block, centred on the page (or between the side zones when it would collide)
    side = max(left_zone, right_zone) + 3
    avail = width - 2 * side
    centre = x0 + width / 2
    title_size = style.title_size
    spacing = spec.title_spacing
    tw = ts.width(parts.title, title_size, True) + spacing * max(0, len(parts.title) - 1)
    while tw > avail and title_size > 10:
        title_size -= 1
        spacing = min(spacing, 0.3)
        tw = ts.width(parts.title, title_size, True) + spacing * max(0, len(parts.title) - 1)
    lines = []
    if parts.company:
        lines.append((parts.company, style.small_size + 1, False, style.muted, 0.0))
    lines.append((parts.title, title_size, True, style.accent, spacing))
    if parts.subtitle:
        lines.append((parts.subtitle, style.font_size + 0.5, False, style.text, 0.0))
    heights = [s / MM * 1.3 for _, s, *_ in lines]
    y = y0 + (h - sum(heights)) / 2
    for (text, size, bold, colour, sp), lh in zip(lines, heights):
        base = y + ts.baseline(size, lh)
        text = _fit(ts, text, avail, size, bold)
        ops.append((TEXT, centre + sp / 2, base, text, size, bold, colour, "c", sp))
        y += lh
    rule = y0 + h + 1.5
    ops.append((LINE, x0, rule, right_edge, rule, 1.4, style.accent))
    ops.append((LINE, x0, rule + 0.9, right_edge, rule + 0.9, 0.4, style.accent))
    return rule + 4.0


def next_header(ts: Typesetter, geo: Geometry, spec: m.Header, parts: HeaderParts,
                ops: list) -> float:
    style = ts.style
    x0, y0, width = geo.left, geo.top, geo.width
    size = style.font_size + 0.5
    ops.append((TEXT, x0, y0 + 4.2, f"{parts.title}（续）", size, True, style.accent, "l", 0.0))
    if parts.number:
        label = f"{spec.number_label}：" if spec.number_label else ""
        ops.append((TEXT, x0 + width, y0 + 4.2, f"{label}{parts.number}", size - 0.5, False,
                    style.text, "r", 0.0))
    ops.append((LINE, x0, y0 + 6.5, x0 + width, y0 + 6.5, 0.8, style.accent))
    return y0 + 10.0


def footer(ts: Typesetter, geo: Geometry, spec: m.Footer, text: str, page: int, pages: int,
           ops: list) -> None:
    style = ts.style
    x0, width = geo.left, geo.width
    rule = geo.page_h - geo.bottom + 4.0
    base = rule + 3.6
    size = style.small_size
    ops.append((LINE, x0, rule, x0 + width, rule, 0.4, style.border))
    right_w = 0.0
    if spec.page_numbers:
        numbers = Fixed(f"第 {page} 页 / 共 {pages} 页")  # the same on most pages
        ops.append((TEXT, x0 + width, base, numbers, size, False, style.text, "r", 0.0))
        right_w = ts.width(numbers, size) + 4
    if text:
        avail = width - right_w
        ops.append((TEXT, x0, base, _fit(ts, text, avail, size, False), size, False,
                    style.muted, "l", 0.0))


def _fit(ts: Typesetter, text: str, width: float, size: float, bold: bool) -> str:
    """The text cut with '…' to fit one line (headers and footers are one line)."""
    if "\n" in text:
        text = text.replace("\n", " ")
    if ts.width(text, size, bold) <= width:
        return text
    while text and ts.width(text + "…", size, bold) > width:
        text = text[:-1]
    return text + "…"


def _pattern_modules(pattern: str) -> int:
    return sum(int(c) for c in pattern)


# ------------------------------------------------------------------------------ document
def layout_document(layout: m.FormLayout, ctx: dict, ts: Typesetter,
                    header_parts: HeaderParts) -> Document:
    w, h = layout.page.size_mm
    mg = layout.page.margins
    geo = Geometry(w, h, mg.left, mg.right, mg.top, mg.bottom)
    pager = Pager(geo,
                  lambda ops: first_header(ts, geo, layout.header, header_parts, ops),
                  lambda ops: next_header(ts, geo, layout.header, header_parts, ops))
    builder = BlockBuilder(ts, geo.width)
    for flow in builder.flows(layout.blocks, ctx):
        pager.add(flow)
    foot = ts.value(layout.footer.text, ctx, "footer") if layout.footer.text else ""
    total = len(pager.pages)
    for number, ops in enumerate(pager.pages, 1):
        footer(ts, geo, layout.footer, foot, number, total, ops)
    return Document(pager.pages, ts.problems, header_parts.title, ts.unprintable)


def today_text(day: dt.date | None) -> str:
    return "" if day is None else f"{day:%Y-%m-%d}"
