"""Drawing laid-out pages on a reportlab canvas: text, lines, boxes, ticks, QR and Code 128.

Every op (generator.form.ops) comes from generator.form.layout (mm from the top-left); this is the one place
that turns them into PDF points. Text is drawn as plain strings (never markup), in the
embedded fonts of the FontSet's chains (each run of text in the font that has it).

Speed: a page is written as one block of PDF operators (one text object for all its text,
one path per line style), through reportlab's font subsetting but not through a
reportlab object per string. Cell borders that meet or overlap are merged into single
lines first, so a table's grid is a few dozen strokes, not hundreds. What the pages of a
document share - the fills and the layout's own wording (text marked `Fixed` by the layout),
and the grid - is written once as a form XObject that each page names, so a work-order page
carries only its record's values and codes (half the bytes to compress).
"""
from __future__ import annotations

import functools

from reportlab.lib.colors import HexColor
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.pdfdoc import PDFFormXObject

from .. import qr as qrcodes
from ..fonts import FontSet, chain
from ..fonts.shaping import HAS_RTL, Shaped, pdf_operators
from ..units import MM
from .ops import BARS, BOX, LINE, QR, RECT, TEXT
from .text import metrics
from .values import Fixed

FORMS = 64   # form XObjects per document (backgrounds and grids shared by pages)


@functools.lru_cache(maxsize=256)
def colour(hex_: str):
    """A reportlab colour from '#rrggbb'. Raises ValueError for anything else."""
    return HexColor(hex_)


@functools.lru_cache(maxsize=256)
def _rgb(hex_: str) -> str:
    c = HexColor(hex_)
    return f"{c.red:.3f} {c.green:.3f} {c.blue:.3f}"


def _n(v: float) -> str:
    """A PDF number: two decimals of a point are 1/280 mm, finer than any printer."""
    return "%.2f" % v


def _scale(v: float) -> str:
    """A module's width as a scaling factor: multiplied by up to a hundred modules, so five
    decimals (two would shift a code's far edge by a sixth of a point)."""
    return "%.5f" % v


def code128_pattern(value: str) -> str | None:
    """Bar and space widths (in modules, bar first) of `value` as Code 128, quiet zones not
    included; None when Code 128 cannot carry the value (it encodes ASCII only)."""
    if not value or not value.isascii() or not value.isprintable():
        return None
    from reportlab.graphics.barcode.code128 import Code128   # with reportlab.platypus: 50 ms
    code = Code128(value, quiet=0, barWidth=1)
    code.validate()
    if not code.valid:
        return None
    code.encode()
    code.decompose()
    return code.decomposed.translate(_MODULES)


def no_barcode(value: str) -> str:
    """Why `value` is printed without its Code 128 barcode (code128_pattern gave None)."""
    from ..i18n import _
    return _("the number {number!r} has characters a Code 128 barcode cannot carry (letters, "
             "digits and ASCII signs only); printed without the barcode").format(number=value)


# Code128.decompose writes bar widths as letters (A = 1 module, bars upper case, spaces lower)
_MODULES = {ord(c): str(ord(c) - (64 if c.isupper() else 96))
            for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"}


class Painter:
    """Draws pages of ops on one canvas whose pages are `page_h` mm tall."""

    def __init__(self, canvas, fonts: FontSet, page_h: float):
        self.c = canvas
        self.fonts = fonts
        self.page_h = page_h
        self.doc = canvas._doc
        self._chains = {name: chain(name) for name in (fonts.regular, fonts.bold)}
        self._fonts = {font: pdfmetrics.getFont(font)
                       for c in self._chains.values() for font in c.fonts}
        self._metrics = {name: metrics(name) for name in self._chains}
        self._encoded: dict[tuple[str, str], tuple[tuple[int, str], ...]] = {}
        self._fills: dict[tuple, list[str]] = {}
        self._grids: dict[tuple, list[str]] = {}
        self._xs: dict[float, str] = {}        # x (mm) -> PDF x, left-aligned text
        self._ys: dict[float, str] = {}        # baseline (mm) -> PDF y
        self._shifted: dict[tuple, str] = {}   # centred or right-aligned text -> PDF x
        self._tf: dict[tuple, str] = {}        # (font, subset, size) -> "/F1+0 9.50 Tf"
        self._ascii: dict[str, bool] = {}
        self._forms: dict[tuple, str] = {}     # content -> form name ("fp3")
        self._sightings: dict[tuple, int] = {}
        self._last_background: tuple | None = None   # (name, fills, fixed texts)
        self._last_grid: tuple | None = None         # (name, lines)

    def page(self, ops: list[tuple]) -> None:
        H = self.page_h
        out: list[str] = []
        fills: list[tuple] = []
        strokes: list[tuple] = []
        fixed: list[tuple] = []
        texts: list[tuple] = []
        lines: list[tuple] = []
        extras: list[tuple] = []
        for op in ops:
            kind = op[0]
            if kind == TEXT:
                (fixed if type(op[3]) is Fixed else texts).append(op)
            elif kind == LINE:
                lines.append(op)
            elif kind == RECT:
                (fills if op[5] else strokes).append(op)
                if op[5] and op[6]:
                    strokes.append(op)
            else:
                extras.append(op)
        # fills first (backgrounds), then text, then lines over them, then boxes and codes.
        # Most pages of a batch share their fills, the layout's own wording (labels, titles)
        # and their grid: drawn once per document as form XObjects, each page naming them.
        if fills or fixed:
            last = self._last_background   # most pages: the same as the page before
            if last is not None and last[1] == fills and last[2] == fixed:
                self._name(last[0], out)
            else:
                key = ("background", tuple(fills), tuple(fixed))
                name = self._form(key)
                if name is None:
                    self._background(key, out)
                else:
                    self._name(name, out)
                    self._last_background = (name, fills, fixed)
        if texts:
            self._texts(texts, out)
        for _, x, y, w, h, _f, stroke, width in strokes:
            if stroke:
                out.append(f"{_rgb(stroke)} RG {_n(width)} w {_n(x * MM)} "
                           f"{_n((H - y - h) * MM)} {_n(w * MM)} {_n(h * MM)} re S")
        if lines:
            last = self._last_grid
            if last is not None and last[1] == lines:
                self._name(last[0], out)
            else:
                key = ("grid", tuple(lines))
                name = self._form(key)
                if name is None:
                    out.extend(self._cached(self._grids, key[1], self._lines))
                else:
                    self._name(name, out)
                    self._last_grid = (name, lines)
        for op in extras:
            if op[0] == BOX:
                self._box(op, out)
            elif op[0] == BARS:
                self._bars(op, out)
            elif op[0] == QR:
                self._qr(op, out)
        self.c.addLiteral("q\n" + "\n".join(out) + "\nQ")

    def _background(self, key: tuple, out: list[str]) -> None:
        _, fills, fixed = key
        if fills:
            out.extend(self._cached(self._fills, fills, self._fill_ops))
        if fixed:
            self._texts(fixed, out)

    def _form(self, key: tuple) -> str | None:
        """The form XObject of content seen on an earlier page of this document (made the
        second time it is seen, at most FORMS per document); None: draw it on the page."""
        name = self._forms.get(key)
        if name is None:
            seen = self._sightings.get(key, 0)
            if not seen or len(self._forms) >= FORMS:
                if len(self._sightings) > 256:
                    self._sightings.clear()
                self._sightings[key] = seen + 1
                return None
            content: list[str] = []
            if key[0] == "background":     # fills and the layout's wording
                self._background(key, content)
            else:                          # the grid
                content.extend(self._cached(self._grids, key[1], self._lines))
            form = PDFFormXObject(0, 0, *self.c._pagesize)
            form.compression = self.c._pageCompression
            form.setStreamList(content)
            external = f"fp{len(self._forms)}"
            state = self.doc.inObject
            self.doc.addForm(external, form)
            self.doc.inObject = state
            name = self._forms[key] = external
        return name

    def _name(self, name: str, out: list[str]) -> None:
        """Draw a form XObject here."""
        self.c._formsinuse.append(name)
        out.append(f"/{self.doc.getXObjectName(name)} Do")

    @staticmethod
    def _cached(cache: dict, key: tuple, make) -> list[str]:
        hit = cache.get(key)
        if hit is None:
            hit = []
            make(list(key), hit)
            if len(cache) > 256:
                cache.clear()
            cache[key] = hit
        return hit

    def _fill_ops(self, fills: list[tuple], out: list[str]) -> None:
        H = self.page_h
        for _, x, y, w, h, fill, _s, _w in fills:
            out.append(f"{_rgb(fill)} rg {_n(x * MM)} {_n((H - y - h) * MM)} {_n(w * MM)} "
                       f"{_n(h * MM)} re f")

    # ---------------------------------------------------------------- text
    def _texts(self, texts: list[tuple], out: list[str]) -> None:
        H = self.page_h
        fonts = self.fonts
        names = (fonts.face(False), fonts.face(True))
        chains = self._chains
        doc = self.doc
        escape = self.c._escape
        xs, ys, shifted = self._xs, self._ys, self._shifted
        encoded, tf = self._encoded, self._tf
        append = out.append
        append("BT")
        cur_font = cur_fill = None
        cur_cs = 0.0
        for _, x, y, text, size, bold, col, align, spacing in texts:
            name = names[1] if bold else names[0]
            if col != cur_fill:
                append(f"{_rgb(col)} rg")
                cur_fill = col
            cs = spacing * MM
            if cs != cur_cs:
                append(f"{_n(cs)} Tc")
                cur_cs = cs
            # the text matrix: x (after alignment) and y as printed, each remembered
            if align == "l":
                px = xs.get(x)
                if px is None:
                    px = xs[x] = _n(x * MM)
            else:
                key = (x, text, size, name, align, cs)
                px = shifted.get(key)
                if px is None:
                    units = (chains[name].units(text) if HAS_RTL.search(text)
                             else self._metrics[name].units(text))   # shaped: as drawn
                    width = units * size / 1000.0 + cs * max(0, len(text) - 1)
                    px = _n(x * MM - (width if align == "r" else width / 2))
                    if len(shifted) > 50000:
                        shifted.clear()
                    shifted[key] = px
            py = ys.get(y)
            if py is None:
                if len(ys) > 50000:
                    ys.clear()
                py = ys[y] = _n((H - y) * MM)
            append(f"1 0 0 1 {px} {py} Tm")
            key = (name, text)
            pieces = encoded.get(key)
            if pieces is None:
                primary = chains[name].fonts[0]
                if text.isascii() and text.isprintable() and self._ascii_as_is(primary):
                    # printable ASCII is itself in subset 0 (reportlab's asciiReadable)
                    pieces = ((primary, 0, f"({escape(text.encode('ascii'))}) Tj"),)
                else:
                    # (font, subset, "(...) Tj") per run of one font and subset; subsets are
                    # per document (chunk), and so is this cache: labels repeat on every page
                    pieces = tuple(self._encode(chains[name].pieces(text)))
                if len(encoded) > 50000:
                    encoded.clear()
                encoded[key] = pieces
            for font_name, subset, shown in pieces:
                if subset is None:          # a shaped run: its own Tf, TJ and Ts
                    for operator in shown(size):
                        append(operator)
                    cur_font = None
                    continue
                key = (font_name, subset, size)
                if key != cur_font:
                    face = tf.get(key)
                    if face is None:
                        font = self._fonts[font_name]
                        face = tf[key] = f"{font.getSubsetInternalName(subset, doc)} {_n(size)} Tf"
                    append(face)
                    cur_font = key
                append(shown)
        if cur_cs:
            append("0 Tc")
        append("ET")

    def _encode(self, pieces: list):
        """(font, subset, "(...) Tj") per run of one font and subset; a shaped run as
        (font, None, operators at a size)."""
        doc, escape = self.doc, self.c._escape
        for piece in pieces:
            if isinstance(piece, Shaped):
                font = self._fonts[piece.font]
                yield (piece.font, None,
                       lambda size, p=piece, f=font: pdf_operators(p, f, doc, escape, size))
            else:
                font_name, run = piece
                for subset, chunk in self._fonts[font_name].splitString(run, doc):
                    yield font_name, subset, f"({escape(chunk)}) Tj"

    def _ascii_as_is(self, name: str) -> bool:
        """Is every printable ASCII character its own code in subset 0 of this document's
        subsetting of the font? (Known once the font has been used in the document.)"""
        known = self._ascii.get(name)
        if known is None:
            state = self._fonts[name].state.get(self.doc)
            if state is None:
                return False
            assigned = state.assignments
            known = self._ascii[name] = all(assigned.get(c) == c for c in range(32, 127))
        return known

    # ---------------------------------------------------------------- lines
    def _lines(self, lines: list[tuple], out: list[str]) -> None:
        H = self.page_h
        horizontal: dict[tuple, list] = {}
        vertical: dict[tuple, list] = {}
        other: dict[tuple, list] = {}
        for _, x1, y1, x2, y2, width, col in lines:
            if abs(y1 - y2) < 1e-6:
                horizontal.setdefault((round(y1, 3), width, col), []).append(
                    (min(x1, x2), max(x1, x2)))
            elif abs(x1 - x2) < 1e-6:
                vertical.setdefault((round(x1, 3), width, col), []).append(
                    (min(y1, y2), max(y1, y2)))
            else:
                other.setdefault((width, col), []).append((x1, y1, x2, y2))
        by_style: dict[tuple, list[str]] = {}
        for (y, width, col), spans in horizontal.items():
            py = _n((H - y) * MM)
            for a, b in _merge(spans):
                by_style.setdefault((width, col), []).append(
                    f"{_n(a * MM)} {py} m {_n(b * MM)} {py} l")
        for (x, width, col), spans in vertical.items():
            px = _n(x * MM)
            for a, b in _merge(spans):
                by_style.setdefault((width, col), []).append(
                    f"{px} {_n((H - a) * MM)} m {px} {_n((H - b) * MM)} l")
        for (width, col), segs in other.items():
            for x1, y1, x2, y2 in segs:
                by_style.setdefault((width, col), []).append(
                    f"{_n(x1 * MM)} {_n((H - y1) * MM)} m {_n(x2 * MM)} {_n((H - y2) * MM)} l")
        out.append("0 J")
        for (width, col), segs in sorted(by_style.items()):
            out.append(f"{_rgb(col)} RG {_n(width)} w")
            out.extend(segs)
            out.append("S")

    # ---------------------------------------------------------------- boxes and codes
    def _box(self, op, out: list[str]) -> None:
        _, x, y, size, ticked, col = op
        H = self.page_h
        out.append(f"0.2 0.2 0.2 RG 0.6 w {_n(x * MM)} {_n((H - y - size) * MM)} "
                   f"{_n(size * MM)} {_n(size * MM)} re S")
        if ticked:
            pts = [(x + size * 0.18, y + size * 0.52), (x + size * 0.42, y + size * 0.80),
                   (x + size * 0.88, y + size * 0.12)]
            (ax, ay), (bx, by), (cx, cy) = [(px * MM, (H - py) * MM) for px, py in pts]
            out.append(f"{_rgb(col)} RG 1.3 w 1 J 1 j {_n(ax)} {_n(ay)} m {_n(bx)} {_n(by)} l "
                       f"{_n(cx)} {_n(cy)} l S 0 J 0 j")

    def _bars(self, op, out: list[str]) -> None:
        """Code 128 bars, in module units under a scaling matrix (whole numbers only)."""
        _, x, y, module, height, pattern = op
        H = self.page_h
        rects = [f"q {_scale(module * MM)} 0 0 {_n(height * MM)} {_n(x * MM)} "
                 f"{_n((H - y - height) * MM)} cm 0 0 0 rg"]
        left = 0
        bar = True
        for ch in pattern:
            w = int(ch)
            if bar:
                rects.append(f"{left} 0 {w} 1 re")
            left += w
            bar = not bar
        out.extend(rects)
        out.append("f Q")

    def _qr(self, op, out: list[str]) -> None:
        """Vector QR from generator.qr's matrix, quiet zone inside the box (left unpainted);
        drawn in module units under a scaling matrix, one rectangle per run of dark modules."""
        _, x, y, size, payload = op
        n, rects = qrcodes.module_rects(qrcodes.matrix(payload))
        unit = size / (n + 2 * qrcodes.QUIET_MODULES)
        ox = x + qrcodes.QUIET_MODULES * unit
        top = y + qrcodes.QUIET_MODULES * unit
        H = self.page_h
        # module (0, 0) is the top-left; y grows downwards in module units
        out.append(f"q {_scale(unit * MM)} 0 0 {_scale(-unit * MM)} {_n(ox * MM)} {_n((H - top) * MM)} "
                   "cm 0 0 0 rg")
        out.append(rects)
        out.append("f Q")


def _merge(spans: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Intervals joined where they touch or overlap."""
    spans.sort()
    merged = [list(spans[0])]
    for a, b in spans[1:]:
        last = merged[-1]
        if a <= last[1] + 1e-3:
            if b > last[1]:
                last[1] = b
        else:
            merged.append([a, b])
    return [(a, b) for a, b in merged]
