"""The printer calibration sheet: a 100 mm ruler on both axes, a cross at a known place on each
side of the paper, and a frame at the printer margin. The user prints it (duplex, flip on long
edge, actual size), measures, and gives what they measured back as `--offset` (front) and
`--back-offset` (back), or stores it in the company file (`printer: {offset, back_offset}`).

    offset x = CROSS - measured distance from the left paper edge to the cross (that side's
               left, as you look at it); offset y = CROSS - distance from the top edge.

Pure drawing into a PDF (mm from the top-left of the page); `write_sheet` is the whole API.
"""
from __future__ import annotations

from pathlib import Path

from ..fonts import font_set
from ..output import atomic_path
from ..pdf import new_canvas
from ..units import A4, pt

RULER = 100.0         # mm: the length the user checks with a real ruler
CROSS = 30.0          # mm from the left and top paper edges to the centre of each cross
CROSS_ARM = 8.0       # mm, half the length of a cross's arms
FRAME = 5.5           # mm from the edge: a printer that cuts this frame cannot print 5 mm
H_RULER = (55.0, 70.0)    # left end and baseline of the horizontal ruler
V_RULER = (30.0, 95.0)    # x and top end of the vertical ruler
LINE = 0.15           # mm, the width of ticks and lines


def ruler_ticks(length: float = RULER) -> list[tuple[float, float]]:
    """(position, tick length) in mm for every millimetre of a ruler: 5 mm ticks longer,
    10 mm ticks longest."""
    out = []
    for mm in range(int(length) + 1):
        out.append((float(mm), 6.0 if mm % 10 == 0 else 4.0 if mm % 5 == 0 else 2.5))
    return out


def write_sheet(target: Path, *, offset: tuple[float, float] = (0.0, 0.0),
                back_offset: tuple[float, float] = (0.0, 0.0)) -> None:
    """Write the two-page calibration PDF (front, back) atomically; with offsets the sheet is
    printed shifted as cards would be, to check a correction."""
    fonts = font_set(None)
    with atomic_path(Path(target)) as tmp:
        canvas = new_canvas(str(tmp), A4, font=fonts.pdf_font(), title="打印机校准页")
        for side, shift in (("front", offset), ("back", back_offset)):
            _page(canvas, side, shift, fonts)
            canvas.showPage()
        canvas.save()


def _page(c, side: str, shift: tuple[float, float], fonts) -> None:
    W, H = A4

    def at(x, y):
        return pt(x + shift[0]), pt(H - y - shift[1])

    def line(x1, y1, x2, y2):
        c.line(*at(x1, y1), *at(x2, y2))

    def text(x, y, s, size=9, bold=False, centre=False):
        c.setFont(fonts.pdf_font(bold), size)
        (c.drawCentredString if centre else c.drawString)(*at(x, y), s)

    c.setStrokeColorRGB(0, 0, 0)
    c.setFillColorRGB(0, 0, 0)
    c.setLineWidth(pt(LINE))
    # the printer-margin frame, dashed
    c.saveState()
    c.setDash(pt(2), pt(2))
    c.setStrokeColorRGB(0.5, 0.5, 0.5)
    line(FRAME, FRAME, W - FRAME, FRAME)
    line(W - FRAME, FRAME, W - FRAME, H - FRAME)
    line(W - FRAME, H - FRAME, FRAME, H - FRAME)
    line(FRAME, H - FRAME, FRAME, FRAME)
    c.restoreState()
    # the cross, CROSS mm from this side's left and top edges, with a circle round it
    cx, cy = CROSS, CROSS
    line(cx - CROSS_ARM, cy, cx + CROSS_ARM, cy)
    line(cx, cy - CROSS_ARM, cx, cy + CROSS_ARM)
    c.circle(*at(cx, cy), pt(3), stroke=1, fill=0)
    name = "正面" if side == "front" else "反面"
    text(cx + CROSS_ARM + 3, cy - 2, f"{name}十字：中心应距本面左边 {CROSS:g} mm、上边 {CROSS:g} mm",
         size=9, bold=True)
    text(cx + CROSS_ARM + 3, cy + 3, "量出实际距离 a（左）、b（上），"
         + ("正面偏移 --offset" if side == "front" else "反面偏移 --back-offset")
         + f" = {CROSS:g}-a,{CROSS:g}-b", size=8)
    if side == "front":
        # the rulers: 100 mm each way
        x0, base = H_RULER
        for mm, tick in ruler_ticks():
            line(x0 + mm, base, x0 + mm, base - tick)
            if mm % 10 == 0:
                text(x0 + mm, base - tick - 1.5, f"{mm:g}", size=6, centre=True)
        line(x0, base, x0 + RULER, base)
        text(x0, base + 5, f"横向标尺：两端长刻度之间应正好 {RULER:g} mm", size=8)
        vx, top = V_RULER
        for mm, tick in ruler_ticks():
            line(vx, top + mm, vx + tick, top + mm)
            if mm % 10 == 0:
                text(vx + tick + 1, top + mm + 1, f"{mm:g}", size=6)
        line(vx, top, vx, top + RULER)
        c.saveState()
        c.translate(*at(vx - 3, top + RULER))
        c.rotate(90)
        c.setFont(fonts.pdf_font(), 8)
        c.drawString(0, 0, f"纵向标尺：应正好 {RULER:g} mm")
        c.restoreState()
        lines = [
            "打印机校准页 —— 用 A4 纸、双面打印（长边翻转）、按实际大小（100%）打印本页。",
            "1. 用直尺量两把标尺：都应正好 100 mm。不是 100 mm 说明打印时被缩放了：在打印对话框选“实际大小”。",
            "2. 在正面和反面各量十字中心到该面左边、上边的距离 a、b，算出偏移（毫米，可为负数、可带小数）。",
            "3. 打印工号牌、服务卡时加上 --offset X,Y 和 --back-offset X,Y，或写进 company.yaml：",
            "      printer: {offset: \"X,Y\", back_offset: \"X,Y\"}",
            "4. 再用 fieldprint calibrate --offset X,Y --back-offset X,Y 打印一次核对：十字应正好在 30 mm 处。",
            "5. 虚线框距纸边 5.5 mm：若虚线打不全，说明打印机的不可打印边距超过 5 mm。",
            "反面十字对着光看应与正面十字重合（双面对准）。",
        ]
        for i, s in enumerate(lines):
            text(48, 110 + i * 7, s, size=8 if i else 10, bold=(i == 0))
    else:
        text(W / 2, H / 2, "反面（长边翻转后在正面的背后）", size=12, bold=True, centre=True)
