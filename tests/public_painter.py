"""The form engine's pages drawn through reportlab's public canvas API only: the reference
for generator.form.draw.Painter, which writes PDF operators itself through reportlab's
internals (its font subsetting, form XObjects, the page list) because that is several times
faster (benchmarks/painter.py). tests/test_form_draw.py checks that both give the same pages
(pixels and text)."""
from __future__ import annotations

from reportlab.lib.colors import HexColor
from reportlab.pdfbase import pdfmetrics

from generator import qr as qrcodes
from generator.form.ops import BARS, BOX, LINE, QR, RECT, TEXT
from generator.form.values import Fixed
from generator.units import MM


def _merged(lines: list[tuple]) -> list[tuple]:
    """Cell borders that meet or overlap joined into one line (as the form engine draws its
    grid: a border shared by two cells is one line, not two anti-aliased over each other)."""
    from generator.form.draw import _merge
    along: dict[tuple, list] = {}
    out = []
    for _, x1, y1, x2, y2, width, col in lines:
        if abs(y1 - y2) < 1e-6:
            along.setdefault(("h", round(y1, 3), width, col), []).append((min(x1, x2),
                                                                          max(x1, x2)))
        elif abs(x1 - x2) < 1e-6:
            along.setdefault(("v", round(x1, 3), width, col), []).append((min(y1, y2),
                                                                          max(y1, y2)))
        else:
            out.append((x1, y1, x2, y2, width, col))
    for (kind, at, width, col), spans in along.items():
        for a, b in _merge(spans):
            out.append((a, at, b, at, width, col) if kind == "h" else (at, a, at, b, width, col))
    return out


class PublicPainter:
    """Draws pages of ops (generator.form.ops) on a canvas with public calls, in the order
    Painter draws them: fills, text (the layout's wording first), strokes, lines, the rest."""

    def __init__(self, canvas, fonts, page_h: float):
        self.c = canvas
        self.fonts = fonts
        self.H = page_h

    def page(self, ops: list[tuple]) -> None:
        kinds = {k: [] for k in ("fill", "fixed", "text", "stroke", "line", "extra")}
        for op in ops:
            if op[0] == TEXT:
                kinds["fixed" if type(op[3]) is Fixed else "text"].append(op)
            elif op[0] == LINE:
                kinds["line"].append(op)
            elif op[0] == RECT:
                kinds["fill" if op[5] else "stroke"].append(op)
                if op[5] and op[6]:
                    kinds["stroke"].append(op)
            else:
                kinds["extra"].append(op)
        c, H = self.c, self.H
        c.saveState()
        for _, x, y, w, h, fill, _s, _w in kinds["fill"]:
            c.setFillColor(HexColor(fill))
            c.rect(x * MM, (H - y - h) * MM, w * MM, h * MM, stroke=0, fill=1)
        for op in kinds["fixed"] + kinds["text"]:
            self.text(op)
        for _, x, y, w, h, _f, stroke, width in kinds["stroke"]:
            if stroke:
                c.setStrokeColor(HexColor(stroke))
                c.setLineWidth(width)
                c.rect(x * MM, (H - y - h) * MM, w * MM, h * MM, stroke=1, fill=0)
        by_style: dict[tuple, list] = {}
        for x1, y1, x2, y2, width, col in _merged(kinds["line"]):
            by_style.setdefault((width, col), []).append((x1, y1, x2, y2))
        for (width, col), segments in sorted(by_style.items()):
            path = c.beginPath()        # one stroke per style: crossings are not drawn twice
            for x1, y1, x2, y2 in segments:
                path.moveTo(x1 * MM, (H - y1) * MM)
                path.lineTo(x2 * MM, (H - y2) * MM)
            c.setStrokeColor(HexColor(col))
            c.setLineWidth(width)
            c.drawPath(path, stroke=1, fill=0)
        for op in kinds["extra"]:
            {BOX: self.box, BARS: self.bars, QR: self.qr}[op[0]](op)
        c.restoreState()

    def text(self, op) -> None:
        _, x, y, text, size, bold, col, align, spacing = op
        name = self.fonts.face(bold)
        cs = spacing * MM
        width = pdfmetrics.stringWidth(text, name, size) + cs * max(0, len(text) - 1)
        px = x * MM - {"l": 0, "c": width / 2, "r": width}[align]
        self.c.saveState()        # the render mode (Tr) is graphics state, kept after ET
        t = self.c.beginText()
        t.setFont(name, size)
        t.setFillColor(HexColor(col))
        if bold and self.fonts.fake_bold:
            t.setTextRenderMode(2)
            self.c.setStrokeColor(HexColor(col))
            self.c.setLineWidth(size * 0.025)
        t.setCharSpace(cs)
        t.setTextOrigin(round(px, 2), round((self.H - y) * MM, 2))
        t.textOut(text)
        self.c.drawText(t)
        self.c.restoreState()

    def box(self, op) -> None:
        _, x, y, size, ticked, col = op
        c, H = self.c, self.H
        c.setStrokeColorRGB(0.2, 0.2, 0.2)
        c.setLineWidth(0.6)
        c.rect(x * MM, (H - y - size) * MM, size * MM, size * MM, stroke=1, fill=0)
        if ticked:
            pts = [(x + size * 0.18, y + size * 0.52), (x + size * 0.42, y + size * 0.80),
                   (x + size * 0.88, y + size * 0.12)]
            path = c.beginPath()
            path.moveTo(pts[0][0] * MM, (H - pts[0][1]) * MM)
            for px, py in pts[1:]:
                path.lineTo(px * MM, (H - py) * MM)
            c.setStrokeColor(HexColor(col))
            c.setLineWidth(1.3)
            c.setLineCap(1)
            c.setLineJoin(1)
            c.drawPath(path, stroke=1, fill=0)
            c.setLineCap(0)
            c.setLineJoin(0)

    def bars(self, op) -> None:
        _, x, y, module, height, pattern = op
        c, H = self.c, self.H
        c.saveState()                   # in module units: whole numbers, no seams
        c.transform(round(module * MM, 2), 0, 0, round(height * MM, 2), round(x * MM, 2),
                    round((H - y - height) * MM, 2))
        c.setFillColorRGB(0, 0, 0)
        path = c.beginPath()
        left, bar = 0, True
        for ch in pattern:
            w = int(ch)
            if bar:
                path.rect(left, 0, w, 1)
            left += w
            bar = not bar
        c.drawPath(path, stroke=0, fill=1)
        c.restoreState()

    def qr(self, op) -> None:
        _, x, y, size, payload = op
        rows = qrcodes.matrix(payload)
        unit = size / (len(rows) + 2 * qrcodes.QUIET_MODULES)
        ox = x + qrcodes.QUIET_MODULES * unit
        top = y + qrcodes.QUIET_MODULES * unit
        c, H = self.c, self.H
        c.saveState()                   # in module units, (0, 0) the top-left module
        c.transform(round(unit * MM, 2), 0, 0, round(-unit * MM, 2), round(ox * MM, 2),
                    round((H - top) * MM, 2))
        c.setFillColorRGB(0, 0, 0)
        path = c.beginPath()
        for r, start, length in qrcodes.dark_runs(rows):
            path.rect(start, r, length, 1)
        c.drawPath(path, stroke=0, fill=1)
        c.restoreState()
