"""Laying out one document: a form layout and one record's context -> pages of drawing ops.

Pure: nothing is drawn here. A page is a list of tuples (see OPS) with positions in mm from
the page's top-left, so tests can check positions without rendering, and the page count of a
document is known before its first page is drawn ("第 1 页 / 共 2 页").

Each block becomes a Flow (blocks.py): a list of pieces (pieces.py: a title band, table rows,
a signature row...) with a height each, their texts evaluated and measured by the Typesetter
(typeset.py). The pager here puts pieces on pages: a block is kept together when it fits on a
page, a table breaks between rows and repeats its header row, and a piece taller than a whole
page (a 2,000-character address) is split between its lines. Then the header and footer.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from ..errors import Problem
from ..linebreak import CLAUSE_ENDS
from ..units import MM
from . import model as m
from .ops import BARS, LINE, QR, RULE_PT, TEXT
from .blocks import BlockBuilder
from .pieces import Flow, Piece
from .typeset import Typesetter
from .values import Fixed


@dataclass
class Document:
    """One record laid out: pages of ops, and what the record's data could not print.
    `pages` is a list, or for a long document laid out `streamed` an iterator that makes
    each page when asked (`page_count` is known either way)."""

    pages: list[list[tuple]] | Iterator[list[tuple]]
    problems: list[Problem] = field(default_factory=list)     # warnings (codes left out)
    title: str = ""
    unprintable: list[Problem] = field(default_factory=list)  # text that cannot print as typed
    page_count: int = 0


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
                 next_header: Callable[[list], float], *,
                 finished: Callable[[list], None] | None = None, dry: bool = False):
        """`finished(ops)`: told of each page once nothing more is added to it (the last
        page: by `close`), which is then let go (`pages` keeps None in its place). `dry`:
        only count pages: the pieces are placed without their ops."""
        self.geo = geo
        self.first_header = first_header
        self.next_header = next_header
        self.finished = finished
        self.dry = dry
        self.pages: list[list[tuple] | None] = []
        self.y = 0.0
        self.fresh = True
        self.body = 0.0
        self.last: tuple[int, int, Piece] | None = None   # (page, its first op, piece)
        self.new_page()

    @property
    def remaining(self) -> float:
        return self.geo.body_bottom - self.y

    def new_page(self) -> None:
        if self.finished is not None and self.pages:
            self.finished(self.pages[-1])
            self.pages[-1] = None
        ops: list[tuple] = []
        self.pages.append(ops)
        header = self.first_header if len(self.pages) == 1 else self.next_header
        self.y = header(ops)
        self.body = self.geo.body_bottom - self.y
        self.fresh = True

    def keep_section(self, flows: list[Flow]) -> None:
        """Start a new page before a section (a titled block and the blocks joined to it)
        that does not fit in what is left of this page but fits on a page of its own. A
        section with a table that breaks between its rows flows on as before."""
        if self.fresh or not flows or flows[0].page_break or flows[0].keep_with_previous \
                or not all(f.keep_together for f in flows):
            return
        height = flows[0].gap + sum(f.height for f in flows)
        if height > self.remaining + 1e-6 and height - flows[0].gap <= self.next_body:
            self.new_page()

    @property
    def next_body(self) -> float:
        """The body height of a page after the first."""
        return self.geo.body_bottom - self.next_header([])

    def close(self) -> None:
        """The document is complete: its last page is finished."""
        if self.finished is not None and self.pages and self.pages[-1] is not None:
            self.finished(self.pages[-1])
            self.pages[-1] = None

    def place(self, piece: Piece) -> None:
        self.last = (len(self.pages), len(self.pages[-1]), piece)
        if not self.dry:
            piece.draw_at(self.pages[-1], self.geo.left, self.y)
        self.y += piece.height

    def _take_last_along(self, flow: Flow) -> None:
        """A flow kept with what precedes it (signatures) that does not fit here starts a new
        page together with the last piece placed (the record's last row), so it is never
        alone on a page."""
        if (self.fresh or self.last is None or self.last[0] != len(self.pages)
                or flow.gap + flow.height <= self.remaining + 1e-6):
            return
        _, start, piece = self.last
        if flow.height + flow.gap + piece.height > self.next_body or start == 0:
            return
        del self.pages[-1][start:]
        self.new_page()
        self.place(piece)
        self.fresh = False

    def add(self, flow: Flow) -> None:
        for _ in self.adding(flow):
            pass

    def adding(self, flow: Flow) -> Iterator[None]:
        """`add`, step by step: yields after each piece is placed, so that a page finished
        meanwhile can be drawn and let go before the rest of a long table is placed."""
        if not flow.pieces:
            return
        if flow.page_break and not self.fresh:
            self.new_page()
        elif flow.keep_with_previous:
            self._take_last_along(flow)
        if not self.fresh and not flow.join:
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
            yield

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
    continued: str = ""   # the following pages' header, between the title and the number


def first_header(ts: Typesetter, geo: Geometry, spec: m.Header, parts: HeaderParts,
                 ops: list) -> float:
    """Lay out the first page's header (title, number, barcode, QR) into `ops`; returns the y (mm
    from the page's top) where the content starts below it."""
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
        size = style.font_size + 0.5
        lines += [(line, size, False, style.text, 0.0)
                  for line in _subtitle_lines(ts, parts.subtitle, avail, size)]
    heights = [s / MM * 1.3 for _, s, *_ in lines]
    # a subtitle of two lines may make the title block taller than the header: the rules
    # and the body move down, the page's other lines stay
    tall = max(h, sum(heights))
    y = y0 + (tall - sum(heights)) / 2
    for (text, size, bold, colour, sp), lh in zip(lines, heights):
        base = y + ts.baseline(size, lh)
        text = _fit(ts, text, avail, size, bold)
        ops.append((TEXT, centre + sp / 2, base, text, size, bold, colour, "c", sp))
        y += lh
    rule = y0 + tall + 1.5
    ops.append((LINE, x0, rule, right_edge, rule, 1.4, style.accent))
    ops.append((LINE, x0, rule + 0.9, right_edge, rule + 0.9, 0.4, style.accent))
    return rule + 4.0


def next_header(ts: Typesetter, geo: Geometry, spec: m.Header, parts: HeaderParts,
                ops: list) -> float:
    """Lay out the short header of the following pages ('title（续）' and the number) into `ops`;
    returns the y (mm from the page's top) where the content starts below it."""
    style = ts.style
    x0, y0, width = geo.left, geo.top, geo.width
    size = style.font_size + 0.5
    title = f"{parts.title}（续）"
    ops.append((TEXT, x0, y0 + 4.2, title, size, True, style.accent, "l", 0.0))
    right = 0.0
    if parts.number:
        label = f"{spec.number_label}：" if spec.number_label else ""
        ops.append((TEXT, x0 + width, y0 + 4.2, f"{label}{parts.number}", size - 0.5, False,
                    style.text, "r", 0.0))
        right = ts.width(f"{label}{parts.number}", size - 0.5)
    if parts.continued:   # centred, or cut with '…' between the title and the number
        left = ts.width(title, size, True)
        room = width - 2 * max(left, right) - 8
        text = parts.continued.replace("\n", " ")
        if room > 20 and ts.width(text, size) <= room:
            ops.append((TEXT, x0 + width / 2, y0 + 4.2, text, size, False, style.text, "c",
                        0.0))
        else:
            room = width - left - right - 8
            ops.append((TEXT, x0 + left + 4, y0 + 4.2, _fit(ts, text, room, size, False), size,
                        False, style.text, "l", 0.0))
    ops.append((LINE, x0, y0 + 6.5, x0 + width, y0 + 6.5, 0.8, style.accent))
    return y0 + 10.0


FOOTER_LINE = 3.1   # mm between the baselines of a footer of two lines (7.5 pt text)


def footer(ts: Typesetter, geo: Geometry, spec: m.Footer, text: str, page: int, pages: int,
           ops: list, ctx: dict | None = None, file_page: int | None = None,
           room: float | None = None) -> None:
    """Lay out the footer (rule, `text`, 'page N of M') of page `page` of `pages` into `ops`.
    With the layout's own `numbers` wording, that over `ctx` and the page numbers
    (`file_page`: the page in the whole PDF).

    The text takes the room left beside the page numbers (`room`, mm: the same on every page
    of a document, see `footer_room`; this page's own numbers when not given). Text longer
    than that is broken onto two lines, the rule raised into the gap between the body and the
    footer (the body, so the page count, does not change); only text longer than two lines
    is cut, with '…'."""
    style = ts.style
    x0, width = geo.left, geo.width
    rule = geo.page_h - geo.bottom + 4.0
    base = rule + 3.6
    size = style.small_size
    right_w = 0.0
    line: list[tuple] = []
    if spec.page_numbers:
        numbers = footer_numbers(ts, spec, ctx, page, pages, file_page)
        if ts.width(numbers, size) > width:      # a team's name of a hundred characters
            numbers = _fit(ts, numbers, width, size, False)
        line.append((TEXT, x0 + width, base, numbers, size, False, style.text, "r", 0.0))
        right_w = ts.width(numbers, size) + 4
    if text:
        flat = text.replace("\n", " ")
        avail = width - (right_w if room is None else max(right_w, width - room))
        if avail < width / 3:     # the numbers take most of the line: the text above them
            lines = [_fit(ts, flat, width, size, False), ""]
        else:
            lines = ts.wrap(flat, avail, size)
            if len(lines) > 1:
                lines = _two_lines(ts, flat, lines[0], avail, size)
        if len(lines) > 1:
            rule -= FOOTER_LINE
        for i, piece in enumerate(lines):
            if piece:
                line.append((TEXT, x0, base - FOOTER_LINE * (len(lines) - 1 - i), piece, size,
                             False, style.muted, "l", 0.0))
    ops.append((LINE, x0, rule, x0 + width, rule, 0.4, style.border))
    ops.extend(line)


def _two_lines(ts: Typesetter, text: str, first: str, width: float, size: float) -> list[str]:
    """`text` on two lines of `width`: the first as wrapped (`first`), moved back to its last
    clause's end (，；。) when the rest still fits one line (a rule is not cut between a
    number and its unit); a rest longer than a line cut with '…'."""
    if not text.startswith(first):
        return [first, _fit(ts, text[len(first):].lstrip(), width, size, False)]
    end = max((i + 1 for i, ch in enumerate(first) if ch in CLAUSE_ENDS), default=0)
    if 0 < end < len(first) and ts.width(text[end:].lstrip(), size) <= width:
        first = text[:end]
    return [first.rstrip(), _fit(ts, text[len(first):].lstrip(), width, size, False)]


def footer_numbers(ts: Typesetter, spec: m.Footer, ctx: dict | None, page: int, pages: int,
                   file_page: int | None = None) -> str:
    """The page numbers of a footer: the layout's `numbers` wording, or 第 N 页 / 共 M 页."""
    if spec.numbers is None:
        return Fixed(f"第 {page} 页 / 共 {pages} 页")  # the same on most pages
    return ts.value(spec.numbers, {**(ctx or {}), "page": page, "pages": pages,
                                   "file_page": file_page or page}, "footer")


def footer_room(ts: Typesetter, geo: Geometry, spec: m.Footer, pages: int,
                ctx: dict | None = None, before: int = 0) -> float:
    """The width (mm) the footer's text has beside the widest page numbers of a document of
    `pages` pages (its last page's): the text breaks at the same place on every page."""
    if not spec.page_numbers:
        return geo.width
    numbers = footer_numbers(ts, spec, ctx, pages, pages, before + pages)
    return geo.width - ts.width(numbers, ts.style.small_size) - 4


def _subtitle_lines(ts: Typesetter, text: str, width: float, size: float) -> list[str]:
    """A header's subtitle as one line, or two when it does not fit one. Its parts (between
    ideographic spaces, 　) are kept whole: the second line takes as many of the last parts
    as fit (a report's 统计日 is never cut), the first the others, cut with '…' only when
    they do not fit a line. A subtitle of one part is broken where lines end well."""
    if "\n" in text:
        text = text.replace("\n", " ")
    if ts.width(text, size, False) <= width:
        return [text]   # as it is: the layout's own wording stays so (typeset.Fixed)
    parts = [p for p in text.split("\u3000") if p.strip()]
    if len(parts) < 2:
        lines = ts.wrap(text, width, size)
        return lines if len(lines) <= 2 else [
            _fit(ts, text[:len(text) - len(lines[-1])].rstrip(), width, size, False), lines[-1]]
    cut = len(parts) - 1           # the parts of the second line: parts[cut:]
    while cut > 1 and ts.width("\u3000".join(parts[cut - 1:]), size, False) <= width:
        cut -= 1
    return ["\u3000".join(parts[:cut]), "\u3000".join(parts[cut:])]


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
STREAM_PIECES = 2000   # a document of more pieces (table rows...) is laid out streamed


def layout_document(layout: m.FormLayout, ctx: dict, ts: Typesetter,
                    header_parts: HeaderParts, streamed: bool | None = None,
                    before: int = 0) -> Document:
    """One record's document. `streamed` (default: when it has more than STREAM_PIECES
    pieces, say a team's 80,000 items): its pages are counted first (pieces placed without
    their ops), then made one at a time as `pages` is iterated, each let go once drawn, so a
    document of any length takes the memory of one page. The pages are the same either way
    (tests/test_form_chunks.py). `before`: pages of the PDF before this document (the
    footer's `file_page`)."""
    w, h = layout.page.size_mm
    mg = layout.page.margins
    geo = Geometry(w, h, mg.left, mg.right, mg.top, mg.bottom)
    builder = BlockBuilder(ts, geo.width)
    flows = builder.flows(layout.blocks, ctx)
    foot = ts.value(layout.footer.text, ctx, "footer") if layout.footer.text else ""
    if streamed is None:
        streamed = sum(len(flow.pieces) for flow in flows) > STREAM_PIECES

    def made(**how) -> Iterator[list[tuple]]:
        """Each page's ops as soon as the page is complete (`how`: Pager's options)."""
        done: list[list[tuple]] = []
        pager = Pager(geo,
                      lambda ops: first_header(ts, geo, layout.header, header_parts, ops),
                      lambda ops: next_header(ts, geo, layout.header, header_parts, ops),
                      finished=done.append, **how)
        for i, flow in enumerate(flows):
            if not flow.join:
                end = i + 1
                while end < len(flows) and flows[end].join:
                    end += 1
                pager.keep_section(flows[i:end])
            for _ in pager.adding(flow):
                yield from done
                done.clear()
        pager.close()
        yield from done

    def footed(pages: Iterable[list[tuple]], total: int) -> Iterator[list[tuple]]:
        room = footer_room(ts, geo, layout.footer, total, ctx, before) if foot else None
        for number, ops in enumerate(pages, 1):
            footer(ts, geo, layout.footer, foot, number, total, ops, ctx, before + number,
                   room)
            yield ops

    if not streamed:
        pages = list(made())
        return Document(list(footed(pages, len(pages))), ts.problems, header_parts.title,
                        ts.unprintable, len(pages))
    total = sum(1 for _ in made(dry=True))   # counted first: "共 N 页" is on every page
    return Document(footed(made(), total), ts.problems, header_parts.title, ts.unprintable,
                    total)


def today_text(day: dt.date | None) -> str:
    """A date as printed on forms (2026-11-21), empty for None."""
    return "" if day is None else f"{day:%Y-%m-%d}"
