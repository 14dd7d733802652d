"""Drawing prepared operations on a reportlab canvas, one handler per operation type.

Coordinates in the operations are millimetres from the card's top-left corner; the canvas is
already translated so that the card's bottom-left corner is at (0, 0) in points.

`PlainPainter` draws through reportlab's public canvas API, one call per string; `Painter`
(what the PDF is drawn with) writes a text op's PDF operators itself, through reportlab's font
subsetting but without reportlab's text object per string: a quarter of drawing 1,000
people's badges. It is tested against `PlainPainter` on generated text
(tests/test_card_painter.py).
"""
from __future__ import annotations

from reportlab.lib.colors import Color
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase import pdfmetrics

from .. import qr
from ..fonts import chain
from ..fonts.shaping import Shaped, pdf_operators
from ..units import pt
from .render import (BarcodeOp, FormOp, LineOp, PhotoOp, PictureOp, QrOp, RectOp, TextOp)
from .text import ascent_descent, block_height, text_width

PLACEHOLDER_BG = (0.886, 0.914, 0.945)
PLACEHOLDER_FG = (0.741, 0.788, 0.851)


class PlainPainter:
    """Draws operations onto one canvas for cards of one height, through reportlab's canvas
    API: the general path `Painter` is tested against."""

    def __init__(self, canvas, card_height_mm: float):
        self.c = canvas
        self.H = pt(card_height_mm)

    def rect_pt(self, x, y, w, h):
        """mm from the top-left -> points from the bottom-left."""
        return pt(x), self.H - pt(y + h), pt(w), pt(h)

    def draw(self, ops) -> None:
        for op in ops:
            _HANDLERS[type(op)](self, op)

    # ---------------------------------------------------------------------------- handlers
    def rect(self, op: RectOp) -> None:
        c = self.c
        x, y, w, h = self.rect_pt(op.x, op.y, op.w, op.h)
        r = min(pt(op.radius), w / 2, h / 2)
        c.saveState()
        if op.opacity < 1:
            c.setFillAlpha(op.opacity)
            c.setStrokeAlpha(op.opacity)
        fill = op.fill
        if isinstance(fill, list) and len(fill) == 2:
            path = c.beginPath()
            path.roundRect(x, y, w, h, r) if r else path.rect(x, y, w, h)
            c.saveState()
            c.clipPath(path, stroke=0, fill=0)
            start, end = {"vertical": ((x, y + h), (x, y)), "horizontal": ((x, y), (x + w, y)),
                          "diagonal": ((x, y + h), (x + w, y))}[op.gradient]
            c.linearGradient(*start, *end, (Color(*fill[0]), Color(*fill[1])), extend=False)
            c.restoreState()
            fill = None
        elif isinstance(fill, list):
            fill = fill[0]
        if fill is not None:
            c.setFillColorRGB(*fill)
        if op.stroke is not None:
            c.setStrokeColorRGB(*op.stroke)
            c.setLineWidth(pt(op.stroke_width))
        if fill is not None or op.stroke is not None:
            if r:
                c.roundRect(x, y, w, h, r, stroke=int(op.stroke is not None), fill=int(fill is not None))
            else:
                c.rect(x, y, w, h, stroke=int(op.stroke is not None), fill=int(fill is not None))
        c.restoreState()

    def placed_lines(self, op: TextOp):
        """(x, baseline y, line) in points of each line of `op` with something to draw."""
        fit = op.fit
        ascent, _ = ascent_descent(op.font)
        block = block_height(len(fit.lines), fit.size, fit.leading, op.font)
        top = self.H - pt(op.y)
        box_h = pt(op.h)
        if op.valign == "top":
            block_top = top
        elif op.valign == "bottom":
            block_top = top - box_h + block
        else:
            block_top = top - (box_h - block) / 2
        baseline = block_top - ascent * fit.size
        left, width = pt(op.x), pt(op.w)
        for i, line in enumerate(fit.lines):
            if not line:
                continue
            if op.align == "left":
                x = left
            else:
                line_w = text_width(line, op.font, fit.size, op.letter_spacing)
                x = left + (width - line_w) / (2 if op.align == "center" else 1)
            yield x, baseline - i * fit.leading, line

    def text(self, op: TextOp) -> None:
        c = self.c
        size = op.fit.size
        c.saveState()
        c.setFillColorRGB(*op.colour)
        fonts = chain(op.font)
        for x, y, line in self.placed_lines(op):
            pieces = fonts.pieces(line)
            if len(pieces) == 1 and not isinstance(pieces[0], Shaped):
                c.setFont(pieces[0][0], size)
                c.drawString(x, y, line, charSpace=op.letter_spacing)
                continue
            # several fonts on one line (a character only a later font of the chain has), or
            # a shaped right-to-left run (a Uyghur name)
            t = c.beginText(x, y)
            t.setCharSpace(op.letter_spacing)
            for piece in pieces:           # Tj and TJ advance the pen: runs follow each other
                if isinstance(piece, Shaped):
                    t.setFont(piece.font, size)
                    t._code.extend(pdf_operators(piece, pdfmetrics.getFont(piece.font),
                                                 c._doc, c._escape, size))
                    t._curSubset = -1       # our Tf: reportlab must set its own again
                else:
                    t.setFont(piece[0], size)
                    t.textOut(piece[1])
            c.drawText(t)
        c.restoreState()

    def picture(self, op: PictureOp) -> None:
        c = self.c
        x, y, w, h = self.rect_pt(op.x, op.y, op.w, op.h)
        iw, ih = op.size
        scale = (max if op.fit == "cover" else min)(w / iw, h / ih)
        dw, dh = iw * scale, ih * scale
        dx = {"left": 0, "center": (w - dw) / 2, "right": w - dw}[op.align]
        dy = (h - dh) / 2
        c.saveState()
        if op.fit == "cover":
            path = c.beginPath()
            path.rect(x, y, w, h)
            c.clipPath(path, stroke=0, fill=0)
        if op.opacity < 1:
            c.setFillAlpha(op.opacity)
        c.drawImage(op.image, x + dx, y + dy, dw, dh, mask="auto")
        c.restoreState()

    def photo(self, op: PhotoOp) -> None:
        c = self.c
        x, y, w, h = self.rect_pt(op.x, op.y, op.w, op.h)
        r = min(pt(op.radius), w / 2, h / 2)
        c.saveState()
        path = c.beginPath()
        path.roundRect(x, y, w, h, r) if r else path.rect(x, y, w, h)
        c.clipPath(path, stroke=0, fill=0)
        if op.image is not None:
            c.drawImage(op.image, x, y, w, h)
        else:
            _silhouette(c, x, y, w, h)
        c.restoreState()
        if op.border is not None and op.border_width > 0:
            c.saveState()
            c.setStrokeColorRGB(*op.border)
            c.setLineWidth(pt(op.border_width))
            if r:
                c.roundRect(x, y, w, h, r, stroke=1, fill=0)
            else:
                c.rect(x, y, w, h, stroke=1, fill=0)
            c.restoreState()

    def qr(self, op: QrOp, rects=None) -> None:
        """`rects`: the payload's `qr.module_rects` when already made."""
        x, y, size, _ = self.rect_pt(op.x, op.y, op.size, op.size)
        if op.background is not None:
            self.c.saveState()
            self.c.setFillColorRGB(*op.background)
            self.c.rect(x, y, size, size, stroke=0, fill=1)
            self.c.restoreState()
        qr.draw(self.c, x, y, size, op.payload, op.level, op.colour, rects)

    def barcode(self, op: BarcodeOp) -> None:
        from reportlab.graphics.barcode.code128 import Code128   # with reportlab.platypus
        x, y, w, h = self.rect_pt(op.x, op.y, op.w, op.h)
        modules = Code128(op.data, barWidth=1, quiet=0, humanReadable=0).width
        code = Code128(op.data, barWidth=w / modules, barHeight=h, quiet=0, humanReadable=0)
        code.barFillColor = Color(*op.colour)
        code.drawOn(self.c, x, y)

    def line(self, op: LineOp) -> None:
        c = self.c
        c.saveState()
        c.setStrokeColorRGB(*op.colour)
        c.setLineWidth(pt(op.width))
        if op.dash:
            c.setDash([pt(d) for d in op.dash])
        c.line(pt(op.x1), self.H - pt(op.y1), pt(op.x2), self.H - pt(op.y2))
        c.restoreState()

    def form(self, op: FormOp) -> None:
        self.c.doForm(op.name)


def _silhouette(c, x, y, w, h) -> None:
    """A neutral head-and-shoulders placeholder for a missing photo."""
    c.setFillColorRGB(*PLACEHOLDER_BG)
    c.rect(x, y, w, h, stroke=0, fill=1)
    c.setFillColorRGB(*PLACEHOLDER_FG)
    cx = x + w / 2
    head = min(w, h) * 0.2
    c.circle(cx, y + h * 0.6, head, stroke=0, fill=1)
    c.ellipse(cx - w * 0.36, y - h * 0.22, cx + w * 0.36, y + h * 0.42, stroke=0, fill=1)


_HANDLERS = {RectOp: PlainPainter.rect, TextOp: PlainPainter.text,
             PictureOp: PlainPainter.picture, PhotoOp: PlainPainter.photo, QrOp: PlainPainter.qr,
             BarcodeOp: PlainPainter.barcode, LineOp: PlainPainter.line,
             FormOp: PlainPainter.form}


class Painter(PlainPainter):
    """Draws as PlainPainter does, a text op's PDF operators written here: one text object
    for all its lines, each run of one font subset a `Tf` and a `Tj` (what reportlab's text
    object writes for it, without the object). A line with a shaped right-to-left run (a
    Uyghur name) takes the general path."""

    def draw(self, ops) -> None:
        for op in ops:
            if type(op) is TextOp:
                self.text(op)
            else:
                _HANDLERS[type(op)](self, op)

    def text(self, op: TextOp) -> None:
        doc, escape = self.c._doc, self.c._escape
        fonts = chain(op.font)
        size = fp_str(op.fit.size)
        out = ["q", f"{fp_str(*op.colour)} rg", "BT"]
        if op.letter_spacing:
            out.append(f"{fp_str(op.letter_spacing)} Tc")
        face = None
        for x, y, line in self.placed_lines(op):
            pieces = fonts.pieces(line)
            if any(isinstance(piece, Shaped) for piece in pieces):
                return super().text(op)
            out.append(f"1 0 0 1 {fp_str(x, y)} Tm")
            for name, run in pieces:
                font = pdfmetrics.getFont(name)
                for subset, chunk in font.splitString(run, doc):
                    if (name, subset) != face:
                        face = (name, subset)
                        out.append(f"{font.getSubsetInternalName(subset, doc)} {size} Tf")
                    out.append(f"({escape(chunk)}) Tj")
        out += ("ET", "Q")
        self.c._code.append(" ".join(out))
