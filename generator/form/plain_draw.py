"""Drawing laid-out pages through reportlab's public canvas API, one call per op: the general
path that the fast painter (generator/form/draw.py, which writes PDF operators itself and
shares content between pages as form XObjects) is checked against
(tests/test_form_painter.py), and the drawing floor of the work-order benchmark
(benchmarks/floors.py).

The same ops (generator/form/ops.py), drawn in the same order as the fast painter draws them
(fills, then text, then stroked boxes, lines, tick boxes and codes), so both give the same
pixels. Right-to-left runs (Arabic script) are drawn by the same shaping code as the fast
path (`fonts.shaping.pdf_operators`): there is no public reportlab call for a shaped run.
"""
from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.pdfbase import pdfmetrics

from .. import qr as qrcodes
from ..fonts import FontSet, chain
from ..fonts.shaping import Shaped, pdf_operators
from ..units import MM
from .ops import BARS, BOX, LINE, QR, RECT, TEXT
from .values import Fixed


class PlainPainter:
    """Draws pages of ops on one canvas whose pages are `page_h` mm tall; colours are made
    once per painter (one document)."""

    def __init__(self, canvas, fonts: FontSet, page_h: float):
        self.c = canvas
        self.page_h = page_h
        self.chains = {False: chain(fonts.face(False)), True: chain(fonts.face(True))}
        self._colours: dict[str, HexColor] = {}

    def colour(self, hex_: str) -> HexColor:
        c = self._colours.get(hex_)
        if c is None:
            c = self._colours[hex_] = HexColor(hex_)
        return c

    def page(self, ops: list[tuple]) -> None:
        """Draw one page's ops (the caller ends the page: `canvas.showPage()`)."""
        c = self.c
        c.saveState()
        by_kind: dict[str, list[tuple]] = {k: [] for k in ("fill", "fixed", TEXT, "stroke",
                                                          LINE, "extra")}
        for op in ops:
            kind = op[0]
            if kind == TEXT:
                by_kind["fixed" if type(op[3]) is Fixed else TEXT].append(op)
            elif kind == RECT:
                if op[5]:
                    by_kind["fill"].append(op)
                if op[6]:
                    by_kind["stroke"].append(op)
            elif kind == LINE:
                by_kind[LINE].append(op)
            else:
                by_kind["extra"].append(op)
        for op in by_kind["fill"]:
            self.fill(op)
        for op in by_kind["fixed"] + by_kind[TEXT]:
            self.text(op)
        for op in by_kind["stroke"]:
            self.stroke(op)
        c.setLineCap(0)
        for op in by_kind[LINE]:
            self.line(op)
        for op in by_kind["extra"]:
            {BOX: self.box, BARS: self.bars, QR: self.qr}[op[0]](op)
        c.restoreState()

    def fill(self, op) -> None:
        _, x, y, w, h, fill, _stroke, _width = op
        self.c.setFillColor(self.colour(fill))
        self.c.rect(x * MM, (self.page_h - y - h) * MM, w * MM, h * MM, stroke=0, fill=1)

    def stroke(self, op) -> None:
        _, x, y, w, h, _fill, stroke, width = op
        self.c.setStrokeColor(self.colour(stroke))
        self.c.setLineWidth(width)
        self.c.rect(x * MM, (self.page_h - y - h) * MM, w * MM, h * MM, stroke=1, fill=0)

    def line(self, op) -> None:
        _, x1, y1, x2, y2, width, col = op
        H = self.page_h
        self.c.setStrokeColor(self.colour(col))
        self.c.setLineWidth(width)
        self.c.line(x1 * MM, (H - y1) * MM, x2 * MM, (H - y2) * MM)

    def text(self, op) -> None:
        """A string in its weight's chain of fonts, run by run, aligned on its measured
        width (reportlab's own metrics, not the engine's)."""
        _, x, y, text, size, bold, col, align, spacing = op
        c = self.c
        pieces = self.chains[bool(bold)].pieces(str(text))
        cs = spacing * MM
        width = 0.0
        for piece in pieces:
            if isinstance(piece, Shaped):
                width += piece.advance * size / 1000.0
            else:
                width += pdfmetrics.stringWidth(piece[1], piece[0], size)
        width += cs * max(0, len(text) - 1)
        left = x * MM - (0 if align == "l" else width if align == "r" else width / 2)
        c.setFillColor(self.colour(col))
        t = c.beginText(left, (self.page_h - y) * MM)
        t.setCharSpace(cs)
        for piece in pieces:
            if isinstance(piece, Shaped):
                font = pdfmetrics.getFont(piece.font)
                # no public call draws a shaped run: its operators join the text object
                # (the next run's setFont names its own font again)
                t._code.extend(pdf_operators(piece, font, c._doc, c._escape, size))
            else:
                t.setFont(piece[0], size)
                t.textOut(piece[1])
        c.drawText(t)

    def box(self, op) -> None:
        _, x, y, size, ticked, col = op
        c, H = self.c, self.page_h
        c.saveState()
        c.setStrokeColorRGB(0.2, 0.2, 0.2)
        c.setLineWidth(0.6)
        c.rect(x * MM, (H - y - size) * MM, size * MM, size * MM, stroke=1, fill=0)
        if ticked:
            c.setStrokeColor(self.colour(col))
            c.setLineWidth(1.3)
            c.setLineCap(1)
            c.setLineJoin(1)
            path = c.beginPath()
            path.moveTo((x + size * 0.18) * MM, (H - y - size * 0.52) * MM)
            path.lineTo((x + size * 0.42) * MM, (H - y - size * 0.80) * MM)
            path.lineTo((x + size * 0.88) * MM, (H - y - size * 0.12) * MM)
            c.drawPath(path, stroke=1, fill=0)
        c.restoreState()

    def bars(self, op) -> None:
        _, x, y, module, height, pattern = op
        c, H = self.c, self.page_h
        c.setFillColorRGB(0, 0, 0)
        path = c.beginPath()
        left, bar = x, True
        for ch in pattern:
            if bar:
                path.rect(left * MM, (H - y - height) * MM, int(ch) * module * MM, height * MM)
            left += int(ch) * module
            bar = not bar
        c.drawPath(path, stroke=0, fill=1)

    def qr(self, op) -> None:
        _, x, y, size, payload = op
        qrcodes.draw(self.c, x * MM, (self.page_h - y - size) * MM, size * MM, payload)
