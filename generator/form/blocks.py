"""Each block of a form layout into a Flow of pieces: fields, table, checklist, choice, text,
signatures, note and group."""
from __future__ import annotations

from dataclasses import replace
from typing import Any

from . import model as m
from .cache import RunCache
from .ops import BORDER_PT, BOX_MM, LINE, PAD, RECT, RULE_PT, TEXT
from .pieces import Cell, Custom, Flow, Piece, Row, Ruled, TableRow, TableShape
from .typeset import Typesetter
from .values import Fixed, Text, Value

_MISSING = object()


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
            if _is_static(block, self.ts.cache):
                key = (id(block), self.width, self.ts.regular.name, self.ts.bold.name)
                flow = self.ts.cache.static_flows.get(key)
                if flow is None:
                    flow = self.ts.cache.static_flows[key] = self._flow(block, ctx)
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
            hit = self.ts.cache.shared_rows.get(key)   # drawn from memory where drawn before
            if hit is not None and hit[0] is self.style:
                return hit[1]
        size = size + 0.5
        lh = self.ts.line_mm(size)
        lines = self.ts.wrap(title, self.width - 2 * PAD, size, True)
        row = Row(self.ts, [Cell(0, self.width, lines, size, True, self.style.accent,
                                 self.style.band)], 6.4, lh, keep_with_next=True)
        if key is not None:
            _share(self.ts.cache, key, self.style, row)
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
        labels = ts.cache.label_cells
        for row in _field_rows(b, ts.cache):
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
            hit = ts.cache.shared_rows.get(key)
            header = hit[1] if hit is not None and hit[0] is b else None
        else:
            header = None
        if header is None:
            header = Row(ts, [Cell(x, w, ts.wrap(h, w - 2 * PAD, size, True), size, True,
                                   None, self.style.label_fill, "c")
                              for x, w, h in zip(xs, widths, heads)], b.row_height, lh,
                         keep_with_next=True)
            if key is not None:
                _share(ts.cache, key, b, header)
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
        return Flow([Custom(h, draw)], keep_together=True, keep_with_previous=True)

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


# Rows of the layout's own words (block titles, table headers) made once per run and shared by
# every record: a Row draws the same ops wherever it is put, so they remember them (Piece.memo)
def _share(cache: RunCache, key: tuple, owner, row: Row) -> None:
    row.memo = {}
    cache.shared_rows[key] = (owner, row)


def _field_rows(b: m.FieldsBlock, cache: RunCache) -> list[list[tuple[m.FieldItem, int]]]:
    """The fields of a block by row, each with its span (the last one stretched to the end)."""
    known = cache.field_rows.get(id(b))
    if known is not None:
        return known
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
    cache.field_rows[id(b)] = rows
    return rows


# Blocks whose every value is fixed wording are laid out once per run and width, and their
# pieces remember what they drew where (see Piece.draw_at).
def _is_static(block, cache: RunCache) -> bool:
    known = cache.static.get(id(block))
    if known is not None:
        return known

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
    result = cache.static[id(block)] = \
        not isinstance(block, (m.GroupBlock, m.TableBlock)) and fixed(block)
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
    """A list, tuple or other sequence (rows made as they are read), not a text."""
    from collections.abc import Sequence
    from ..errors import UserError
    from ..i18n import _
    if not isinstance(items, (list, tuple, Sequence)) or isinstance(items, (str, bytes)):
        raise UserError(_("{where}: {source!r} should give a list, not {kind}").format(
            where=expr.where, source=expr.source, kind=type(items).__name__))


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
