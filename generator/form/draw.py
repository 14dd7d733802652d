"""Drawing laid-out pages on a reportlab canvas: text, lines, boxes, ticks, QR and Code 128.

Every op comes from generator.form.layout (mm from the top-left); this is the one place
that turns them into PDF points. Text is drawn as plain strings (never markup), in the
embedded fonts of the FontSet; a bold face that does not exist is drawn by stroking.
"""
from __future__ import annotations

import functools

from reportlab.graphics.barcode.code128 import Code128
from reportlab.lib.colors import HexColor

from .. import qr as qrcodes
from ..fonts import FontSet
from ..units import MM
from .layout import BARS, BOX, LINE, QR, RECT, TEXT


@functools.lru_cache(maxsize=256)
def colour(hex_: str):
    return HexColor(hex_)


def code128_pattern(value: str) -> str | None:
    """Bar and space widths (in modules, bar first) of `value` as Code 128, quiet zones not
    included; None when Code 128 cannot carry the value (it encodes ASCII only)."""
    if not value or not value.isascii() or not value.isprintable():
        return None
    code = Code128(value, quiet=0, barWidth=1)
    code.validate()
    if not code.valid:
        return None
    code.encode()
    code.decompose()
    return "".join(str(ord(c) - (64 if c.isupper() else 96)) for c in code.decomposed)


class Painter:
    """Draws ops on one canvas of a given page height (mm)."""

    def __init__(self, canvas, fonts: FontSet, page_h: float):
        self.c = canvas
        self.fonts = fonts
        self.page_h = page_h
        self._font = None
        self._fill = None
        self._stroke = None
        self._width = None

    # state changes are only emitted when they change
    def _set_font(self, name: str, size: float) -> None:
        if self._font != (name, size):
            self.c.setFont(name, size)
            self._font = (name, size)

    def _set_fill(self, hex_: str) -> None:
        if self._fill != hex_:
            self.c.setFillColor(colour(hex_))
            self._fill = hex_

    def _set_stroke(self, hex_: str, width: float) -> None:
        if self._stroke != hex_:
            self.c.setStrokeColor(colour(hex_))
            self._stroke = hex_
        if self._width != width:
            self.c.setLineWidth(width)
            self._width = width

    def page(self, ops: list[tuple]) -> None:
        self._font = self._fill = self._stroke = self._width = None
        H = self.page_h
        c = self.c
        fonts = self.fonts
        lines = []
        for op in ops:
            kind = op[0]
            if kind is TEXT or kind == TEXT:
                _, x, y, text, size, bold, col, align, spacing = op
                name = fonts.face(bold)
                self._set_font(name, size)
                self._set_fill(col)
                px, py = x * MM, (H - y) * MM
                mode = 2 if bold and fonts.fake_bold else None
                if mode:
                    self._set_stroke(col, size * 0.025)
                cs = spacing * MM
                if align == "l":
                    c.drawString(px, py, text, mode=mode, charSpace=cs)
                elif align == "c":
                    c.drawCentredString(px, py, text, mode=mode, charSpace=cs)
                else:
                    c.drawRightString(px, py, text, mode=mode, charSpace=cs)
            elif kind == LINE:
                lines.append(op)
            elif kind == RECT:
                _, x, y, w, h, fill, stroke, width = op
                if fill:
                    self._set_fill(fill)
                if stroke:
                    self._set_stroke(stroke, width)
                c.rect(x * MM, (H - y - h) * MM, w * MM, h * MM, stroke=1 if stroke else 0,
                       fill=1 if fill else 0)
            elif kind == BOX:
                self._box(op)
            elif kind == QR:
                _, x, y, size, payload = op
                self._set_fill("#000000")
                qrcodes.draw(c, x * MM, (H - y - size) * MM, size * MM, payload)
                self._fill = None
            elif kind == BARS:
                self._bars(op)
        # lines last, grouped by style: fewer state changes, borders over fills
        lines.sort(key=lambda op: (op[6], op[5]))
        for _, x1, y1, x2, y2, width, col in lines:
            self._set_stroke(col, width)
            c.line(x1 * MM, (H - y1) * MM, x2 * MM, (H - y2) * MM)

    def _box(self, op) -> None:
        _, x, y, size, ticked, col = op
        H, c = self.page_h, self.c
        self._set_stroke("#333333", 0.6)
        c.rect(x * MM, (H - y - size) * MM, size * MM, size * MM, stroke=1, fill=0)
        if ticked:
            self._set_stroke(col, 1.3)
            p = c.beginPath()
            p.moveTo((x + size * 0.18) * MM, (H - y - size * 0.52) * MM)
            p.lineTo((x + size * 0.42) * MM, (H - y - size * 0.80) * MM)
            p.lineTo((x + size * 0.88) * MM, (H - y - size * 0.12) * MM)
            c.saveState()
            c.setLineCap(1)
            c.setLineJoin(1)
            c.drawPath(p, stroke=1, fill=0)
            c.restoreState()
            self._stroke = self._width = None

    def _bars(self, op) -> None:
        _, x, y, module, height, pattern = op
        H, c = self.page_h, self.c
        self._set_fill("#000000")
        path = c.beginPath()
        left = x
        bottom = (H - y - height) * MM
        bar = True
        for ch in pattern:
            w = int(ch) * module
            if bar:
                path.rect(left * MM, bottom, w * MM, height * MM)
            left += w
            bar = not bar
        c.drawPath(path, stroke=0, fill=1)
