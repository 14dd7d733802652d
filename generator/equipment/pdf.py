"""The equipment report as a printed PDF: A4 landscape, the counts by status and by team, then
the items grouped by team and holder, most urgent first.

FALLBACK RENDERER. The issue asks for the form engine (generator/form/); it had no renderer
when this was written, so this module lays out its own tables on a raw reportlab canvas
(generator.pdf.new_canvas, generator.fonts.font_set: every glyph embedded). `report_context`
builds the data in the shape a form layout would read (summary rows, team rows, groups of
teams and holders), so moving to a layout file is a matter of writing that layout.

Two passes, like the rest of fieldprint: `layout(report)` places every row on a page (pure:
positions in mm, testable without drawing), then `draw` paints the pages. Rows are one line,
two when the explanation needs it; tables repeat their header on each page and a team's band
repeats with "（续）". Cost is linear: a 100,000-item register is a few thousand pages.
"""
from __future__ import annotations

import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from reportlab.pdfbase.pdfmetrics import stringWidth

from ..errors import Problem
from ..fonts import FontSet, font_set, missing_chars, describe_chars
from ..pdf import new_canvas
from ..units import MM, pt
from .report import (KIND_ZH, NO_HOLDER, NO_TEAM, STATUS_ZH, Report, action_zh)
from .rules import STATUSES, URGENCY, Status
from .xlsx import STATUS_FILL

PAGE_W, PAGE_H = 297.0, 210.0          # A4 landscape, mm
MARGIN = 12.0
HEADER_H = 16.0                        # title band on every page
FOOTER_H = 8.0
BODY_TOP = MARGIN + HEADER_H
BODY_BOTTOM = PAGE_H - MARGIN - FOOTER_H
BODY_W = PAGE_W - 2 * MARGIN

SIZE = 8.0                             # body text, points
MIN_SIZE = 6.0                         # shrink long cells down to this, then wrap / cut
LINE = 3.6                             # mm per extra line inside a row
ROW_H = 5.6                            # one-line row
HEAD_H = 6.4                           # table header row
BAND_H = 7.2                           # team band
TITLE_H = 9.0                          # section title ("按状态汇总")

ACCENT = "#1F3864"
BAND = "#E6ECF5"
GRID = "#9AA3AF"
TEXT = "#111111"
MUTED = "#5F6670"

STATUS_MEANING = {
    "overdue": "已过到期日，须立即检测或更换，检测合格前不得使用",
    "due_today": "今日为最后有效日",
    "due_soon": "将在预警期内到期，请安排检测",
    "invalid": "登记数据自相矛盾，请核实更正",
    "scrapped": "已报废（检测/外观不合格、整批报废或已停用），须更换",
    "ok": "在有效期内",
    "not_in_service": "尚未发放启用",
}


@dataclass(frozen=True)
class Col:
    header: str
    width: float                       # mm
    align: str = "left"                # left | center | right


@dataclass
class Cell:
    text: str
    fill: str | None = None            # background, "#RRGGBB"
    colour: str | None = None
    bold: bool = False
    lines: list[str] | None = None     # set when the text is wrapped
    size: float = SIZE


@dataclass
class Op:
    """One thing drawn on a page, at `y` mm from the top."""

    kind: str                          # title | band | thead | row
    y: float
    height: float
    cols: tuple[Col, ...] = ()
    cells: list[Cell] = field(default_factory=list)
    text: str = ""
    rule: bool = False                 # a heavier line above (a new holder)


ITEM_COLS = (Col("持有人", 34), Col("编号", 24), Col("种类", 14), Col("批次", 22),
             Col("状态", 16, "center"), Col("到期日", 19, "center"), Col("剩余天数", 15, "right"),
             Col("在用天数", 15, "right"), Col("处理", 17, "center"))
ITEM_COLS += (Col("说明", BODY_W - sum(c.width for c in ITEM_COLS)),)
STATUS_COLS = (Col("状态", 30), Col("数量", 22, "right"), Col("含义", 120))
TEAM_COLS = ((Col("班组", 58),) + tuple(Col(STATUS_ZH[k], 22, "right") for k in STATUSES)
             + (Col("合计", 22, "right"),))


# ------------------------------------------------------------------------------- data
def report_context(report: Report) -> dict[str, Any]:
    """The report as plain data: what a form layout would read.

    {as_of, policy, summary: [{status, label, count, meaning}], total,
     teams: [{team, counts: {status: n}, total}],
     groups: [{team, counts, holders: [{holder, name, items: [Status…]}]}]}
    Teams and holders are ordered by their most urgent item, items most urgent first.
    """
    counts = report.summary
    teams: dict[str, dict[str, list[Status]]] = {}
    for s in report.urgent_first():
        team = report.team(s) or NO_TEAM
        teams.setdefault(team, {}).setdefault(s.holder or "", []).append(s)
    # dicts keep insertion order: the first item seen is each group's most urgent
    groups = []
    for team, holders in teams.items():
        c = Counter(s.status for items in holders.values() for s in items)
        groups.append({
            "team": team,
            "counts": {k: c[k] for k in STATUSES},
            "total": sum(c.values()),
            "holders": [{"holder": h or None, "name": report.holder_name(items[0]) or None,
                         "items": items} for h, items in holders.items()],
        })
    return {
        "as_of": report.as_of,
        "policy": report.policy,
        "summary": [{"status": k, "label": STATUS_ZH[k], "count": counts[k],
                     "meaning": STATUS_MEANING[k]} for k in sorted(STATUSES, key=URGENCY.get)],
        "total": sum(counts.values()),
        "teams": sorted(({"team": g["team"], "counts": g["counts"], "total": g["total"]}
                         for g in groups), key=lambda t: t["team"]),
        "groups": groups,
    }


# ------------------------------------------------------------------------------- text fitting
_TOKENS = re.compile(r"[A-Za-z0-9][A-Za-z0-9\-./:_]*|\s+|.", re.S)


class Fitter:
    """Makes a text fit a cell: as is, smaller, on two lines, or cut with '…'."""

    def __init__(self, font: str):
        self.font = font
        self._em = 1.0 / MM            # mm per point of font size for a full-width glyph

    def width(self, text: str, size: float) -> float:
        return stringWidth(text, self.font, size) / MM

    def fits(self, text: str, size: float, width: float) -> bool:
        # cheap bound first: no glyph is wider than 1 em
        return len(text) * size * self._em <= width or self.width(text, size) <= width

    def one_line(self, text: str, width: float) -> tuple[str, float]:
        """A single line: shrink to MIN_SIZE, then cut."""
        width -= 1.6  # padding
        if self.fits(text, SIZE, width):
            return text, SIZE
        size = max(MIN_SIZE, SIZE * width / self.width(text, SIZE))
        if self.width(text, size) <= width:
            return text, size
        return self.cut(text, MIN_SIZE, width), MIN_SIZE

    def cut(self, text: str, size: float, width: float) -> str:
        while text and self.width(text + "…", size) > width:
            text = text[:-1]
        return text + "…"

    def wrap(self, text: str, size: float, width: float) -> list[str]:
        lines, line = [], ""
        for token in _TOKENS.findall(text):
            trial = line + token
            if line and self.width(trial, size) > width:
                lines.append(line.rstrip())
                line = token.lstrip()
            else:
                line = trial
        if line:
            lines.append(line)
        return lines

    def two_lines(self, text: str, width: float) -> Cell:
        """One line if it fits at full size, else two (shrinking if needed), else cut."""
        width -= 1.6
        if self.fits(text, SIZE, width):
            return Cell(text)
        for size in (SIZE, 7.0, MIN_SIZE):
            lines = self.wrap(text, size, width)
            if len(lines) <= 2:
                return Cell(text, lines=lines, size=size)
        lines = self.wrap(text, MIN_SIZE, width)
        return Cell(text, lines=[lines[0], self.cut("".join(lines[1:]), MIN_SIZE, width)],
                    size=MIN_SIZE)


def _cell(fitter: Fitter, text: str, col: Col, **style) -> Cell:
    fitted, size = fitter.one_line(text, col.width)
    return Cell(fitted, size=size, **style)


# ------------------------------------------------------------------------------- layout
class Pages:
    """Places ops top to bottom, starting new pages; a table's header (and its band) repeat."""

    def __init__(self):
        self.pages: list[list[Op]] = []
        self.y = BODY_BOTTOM           # forces a first page
        self.repeat: list[Op] = []     # drawn again at the top of each new page

    def new_page(self):
        self.pages.append([])
        self.y = BODY_TOP
        for op in self.repeat:
            self._put(op)

    def _put(self, op: Op):
        self.pages[-1].append(Op(op.kind, self.y, op.height, op.cols, op.cells, op.text, op.rule))
        self.y += op.height

    def room(self, height: float) -> bool:
        return self.y + height <= BODY_BOTTOM + 1e-6

    def add(self, op: Op, keep_with: float = 0.0) -> bool:
        """Place `op`; a new page first when it (and `keep_with` mm after it) do not fit.
        True when a new page was started."""
        fresh = False
        if not self.pages or not self.room(op.height + keep_with):
            self.new_page()
            fresh = True
        self._put(op)
        return fresh

    def space(self, mm: float):
        if self.pages and self.room(mm):
            self.y += mm


def layout(report: Report, fonts: FontSet | None = None) -> list[list[Op]]:
    """Every page's ops, in mm from the top-left. Pure: nothing is drawn."""
    fonts = fonts or font_set(report.company)
    fit = Fitter(fonts.regular)
    ctx = report_context(report)
    pages = Pages()

    # ---- 1. counts by status
    pages.add(Op("title", 0, TITLE_H, text=f"一、按状态汇总（共 {ctx['total']} 件）"),
              keep_with=HEAD_H + ROW_H)
    head = Op("thead", 0, HEAD_H, STATUS_COLS)
    pages.add(head)
    for entry in ctx["summary"]:
        bg, fg = STATUS_FILL[entry["status"]]
        pages.add(Op("row", 0, ROW_H, STATUS_COLS, [
            Cell(entry["label"], fill="#" + bg, colour="#" + fg, bold=True),
            Cell(str(entry["count"])), _cell(fit, entry["meaning"], STATUS_COLS[2])]))
    pages.add(Op("row", 0, ROW_H, STATUS_COLS, [Cell("合计", bold=True),
                                                 Cell(str(ctx["total"]), bold=True), Cell("")]))
    pages.space(6)

    # ---- 2. counts by team
    pages.add(Op("title", 0, TITLE_H, text=f"二、按班组汇总（{len(ctx['teams'])} 个班组）"),
              keep_with=2 * HEAD_H + ROW_H)
    head = Op("thead", 0, HEAD_H, TEAM_COLS)
    pages.add(head)
    pages.repeat = [head]
    for team in ctx["teams"]:
        cells = [_cell(fit, team["team"], TEAM_COLS[0])]
        for key in STATUSES:
            n = team["counts"][key]
            bg, fg = STATUS_FILL[key]
            urgent = n and key in ("overdue", "due_today", "due_soon", "invalid")
            cells.append(Cell(str(n) if n else "·", fill="#" + bg if urgent else None,
                              colour="#" + fg if urgent else MUTED, bold=bool(urgent)))
        cells.append(Cell(str(team["total"]), bold=True))
        pages.add(Op("row", 0, ROW_H, TEAM_COLS, cells))
    totals = [Cell("合计", bold=True)] + [Cell(str(s["count"]), bold=True)
                                         for s in sorted(ctx["summary"],
                                                         key=lambda e: STATUSES.index(e["status"]))]
    pages.add(Op("row", 0, ROW_H, TEAM_COLS, totals + [Cell(str(ctx["total"]), bold=True)]))
    pages.repeat = []

    # ---- 3. the items, by team and holder, urgent first; a new page
    pages.y = BODY_BOTTOM
    as_of = report.as_of
    item_head = Op("thead", 0, HEAD_H, ITEM_COLS)
    holder_col, reason_col = ITEM_COLS[0], ITEM_COLS[-1]
    for number, group in enumerate(ctx["groups"], start=1):
        counts = ", ".join(f"{STATUS_ZH[k]} {n}" for k, n in
                           sorted(group["counts"].items(), key=lambda kv: URGENCY[kv[0]]) if n)
        title = f"{group['team']}　{group['total']} 件：{counts}"
        band = Op("band", 0, BAND_H, text=title)
        pages.repeat = []
        pages.add(band, keep_with=HEAD_H + ROW_H)
        pages.add(item_head)
        pages.repeat = [Op("band", 0, BAND_H, text=f"{group['team']}（续）"), item_head]
        for holder in group["holders"]:
            who = (f"{holder['name']}（{holder['holder']}）" if holder["name"]
                   else holder["holder"] or NO_HOLDER)
            who_cell = _cell(fit, who, holder_col)
            first = True
            for s in holder["items"]:
                item = s.item
                bg, fg = STATUS_FILL[s.status]
                reason = fit.two_lines(s.reason_zh or "", reason_col.width)
                height = ROW_H + (LINE if reason.lines and len(reason.lines) > 1 else 0)
                left = s.days_left(as_of)
                cells = [
                    who_cell if first else Cell(""), _cell(fit, item.id, ITEM_COLS[1]), Cell(KIND_ZH[item.kind]),
                    _cell(fit, item.batch or "", ITEM_COLS[3]),
                    Cell(STATUS_ZH[s.status], fill="#" + bg, colour="#" + fg, bold=True),
                    Cell(s.due.isoformat() if s.due else ""),
                    Cell("" if left is None else str(left),
                         colour="#9C0006" if left is not None and left < 0 else None),
                    Cell("" if s.in_service_days is None else str(s.in_service_days)),
                    Cell(action_zh(s), bold=s.status in ("overdue", "due_today")),
                    reason]
                if pages.add(Op("row", 0, height, ITEM_COLS, cells, rule=first)):
                    cells[0] = who_cell  # a new page names the holder again
                first = False
        pages.space(3)
    return pages.pages


# ------------------------------------------------------------------------------- drawing
def _hex(canvas, colour: str, stroke: bool = False):
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    (canvas.setStrokeColorRGB if stroke else canvas.setFillColorRGB)(r, g, b)


class Painter:
    def __init__(self, canvas, fonts: FontSet, report: Report, total_pages: int):
        self.c = canvas
        self.fonts = fonts
        self.report = report
        self.total = total_pages
        company = report.company
        self.company = (company.name if company is not None else "")
        p = report.policy
        self.rules = (f"规则：安全帽自生产日期起 {p.helmet_life_months} 个月有效"
                      + (f"，到期前 {p.extension_window_days} 天内抽检合格可延用 "
                         f"{p.extension_months} 个月，抽检不合格整批报废" if p.extend_by_test
                         else "，到期即更换")
                      + f"；绝缘鞋每 {p.shoes_test_months} 个月预防性试验；"
                        f"外观检查不合格即报废；提前 {p.warn_days} 天预警。")

    def text(self, x: float, y: float, s: str, size: float, colour: str = TEXT,
             bold: bool = False, align: str = "left"):
        """Text with its baseline at y mm from the top; x is the left, centre or right edge."""
        c = self.c
        font = self.fonts.face(bold)
        if align != "left":
            w = stringWidth(s, font, size) / MM
            x = x - w if align == "right" else x - w / 2
        _hex(c, colour)
        t = c.beginText(pt(x), pt(PAGE_H - y))
        t.setFont(font, size)
        if bold and self.fonts.fake_bold:
            _hex(c, colour, stroke=True)
            c.setLineWidth(size * 0.035)
            t.setTextRenderMode(2)
        t.textOut(s)
        if bold and self.fonts.fake_bold:
            t.setTextRenderMode(0)  # Tr is graphics state: it would outlive this text object
        c.drawText(t)

    def page(self, number: int, ops: list[Op]):
        c = self.c
        # header
        self.text(MARGIN, MARGIN + 7, "安全防护用品检测台账（安全帽 · 绝缘鞋）", 15, ACCENT, bold=True)
        as_of = self.report.as_of
        self.text(PAGE_W - MARGIN, MARGIN + 2.8, self.company, 9, MUTED, align="right")
        self.text(PAGE_W - MARGIN, MARGIN + 7.6,
                  f"统计日：{as_of.year}年{as_of.month}月{as_of.day}日", 9, TEXT, align="right")
        _hex(c, ACCENT, stroke=True)
        c.setLineWidth(1.2)
        c.line(pt(MARGIN), pt(PAGE_H - MARGIN - 10.5), pt(PAGE_W - MARGIN),
               pt(PAGE_H - MARGIN - 10.5))
        for op in ops:
            getattr(self, op.kind)(op)
        # footer
        y = PAGE_H - MARGIN - 1.5
        self.text(MARGIN, y, self.rules, 6.5, MUTED)
        self.text(PAGE_W - MARGIN, y, f"第 {number} 页 / 共 {self.total} 页", 8, TEXT,
                  align="right")

    def title(self, op: Op):
        self.text(MARGIN, op.y + op.height - 2.6, op.text, 11, ACCENT, bold=True)

    def band(self, op: Op):
        c = self.c
        _hex(c, BAND)
        c.rect(pt(MARGIN), pt(PAGE_H - op.y - op.height + 0.8), pt(BODY_W), pt(op.height - 0.8),
               stroke=0, fill=1)
        _hex(c, ACCENT)
        c.rect(pt(MARGIN), pt(PAGE_H - op.y - op.height + 0.8), pt(1.2), pt(op.height - 0.8),
               stroke=0, fill=1)
        self.text(MARGIN + 3, op.y + op.height - 2.2, op.text, 10, ACCENT, bold=True)

    def thead(self, op: Op):
        c = self.c
        _hex(c, ACCENT)
        width = sum(col.width for col in op.cols)
        c.rect(pt(MARGIN), pt(PAGE_H - op.y - op.height), pt(width), pt(op.height),
               stroke=0, fill=1)
        x = MARGIN
        for col in op.cols:
            self._in_cell(x, op.y, col, op.height, col.header, SIZE, "#FFFFFF", True)
            x += col.width

    def row(self, op: Op):
        c = self.c
        x = MARGIN
        top = PAGE_H - op.y
        for col, cell in zip(op.cols, op.cells):
            if cell.fill:
                _hex(c, cell.fill)
                c.rect(pt(x + 0.3), pt(top - op.height + 0.3), pt(col.width - 0.6),
                       pt(op.height - 0.6), stroke=0, fill=1)
            if cell.lines and len(cell.lines) > 1:
                for i, line in enumerate(cell.lines):
                    self.text(x + 0.8, op.y + 3.9 + i * LINE, line, cell.size,
                              cell.colour or TEXT, cell.bold)
            elif cell.text:
                self._in_cell(x, op.y, col, op.height, cell.lines[0] if cell.lines else cell.text,
                              cell.size, cell.colour or TEXT, cell.bold)
            x += col.width
        width = x - MARGIN
        _hex(c, ACCENT if op.rule else GRID, stroke=True)
        c.setLineWidth(0.6 if op.rule else 0.25)
        if op.rule:
            c.line(pt(MARGIN), pt(top), pt(MARGIN + width), pt(top))
        _hex(c, GRID, stroke=True)
        c.setLineWidth(0.25)
        c.line(pt(MARGIN), pt(top - op.height), pt(MARGIN + width), pt(top - op.height))

    def _in_cell(self, x, y, col: Col, height, s, size, colour, bold):
        baseline = y + height / 2 + size * 0.35 / MM
        if col.align == "right":
            self.text(x + col.width - 0.8, baseline, s, size, colour, bold, "right")
        elif col.align == "center":
            self.text(x + col.width / 2, baseline, s, size, colour, bold, "center")
        else:
            self.text(x + 0.8, baseline, s, size, colour, bold)


def check_glyphs(report: Report, fonts: FontSet | None = None) -> list[Problem]:
    """Characters the font cannot print, per item and field (each distinct text checked once)."""
    fonts = fonts or font_set(report.company)
    seen: dict[str, list[str]] = {}
    problems = []
    for s in report.statuses:
        texts = (("id", s.item.id), ("batch", s.item.batch), ("holder", report.holder_name(s)),
                 ("team", report.team(s)))
        for name, text in texts:
            if not text or text.isascii():
                continue
            missing = seen.get(text)
            if missing is None:
                missing = seen[text] = missing_chars(text, fonts.regular)
            if missing:
                problems.append(Problem(f"the font cannot print {describe_chars(missing)}; "
                                        "it will show as a blank box. Name a font that has it "
                                        "in company.fonts", None, f"equipment {s.id}.{name}"))
    return problems


def to_pdf(report: Report) -> bytes:
    fonts = font_set(report.company)
    pages = layout(report, fonts)
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, (PAGE_W, PAGE_H), font=fonts.regular,
                        title=f"安全防护用品检测台账 {report.as_of.isoformat()}",
                        subject="safety equipment report")
    painter = Painter(canvas, fonts, report, len(pages))
    for number, ops in enumerate(pages, start=1):
        painter.page(number, ops)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()
