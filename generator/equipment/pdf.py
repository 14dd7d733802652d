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

import functools
import gc
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from reportlab.lib.rl_accel import escapePDF
from reportlab.pdfbase.pdfmetrics import getFont, stringWidth

from ..errors import Problem
from ..fonts import FontSet, font_set, missing_chars, describe_chars
from ..pdf import new_canvas
from ..units import MM
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


def _cell(fitter: Fitter, text: str, col: Col) -> Cell | str:
    """A plain text cell: the text itself when it fits at the body size (the common case: a
    row's cells are mostly plain strings, which keeps 100,000 rows light)."""
    fitted, size = fitter.one_line(text, col.width)
    return fitted if size == SIZE else Cell(fitted, size=size)


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
        for op in self.repeat:  # the same header on several pages: one copy each
            self._put(Op(op.kind, 0, op.height, op.cols, op.cells, op.text, op.rule))

    def _put(self, op: Op):
        op.y = self.y
        self.pages[-1].append(op)
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
    holder_col, id_col, batch_col, reason_col = ITEM_COLS[0], ITEM_COLS[1], ITEM_COLS[3], \
        ITEM_COLS[-1]
    status_cells = {k: Cell(STATUS_ZH[k], fill="#" + bg, colour="#" + fg, bold=True)
                    for k, (bg, fg) in STATUS_FILL.items()}
    actions: dict[tuple, Cell] = {}

    def action_cell(s: Status) -> Cell:
        key = (s.kind, s.action, s.status in ("overdue", "due_today"))
        cell = actions.get(key)
        if cell is None:
            cell = actions[key] = Cell(action_zh(s), bold=key[2])
        return cell

    for number, group in enumerate(ctx["groups"], start=1):
        counts = ", ".join(f"{STATUS_ZH[k]} {n}" for k, n in
                           sorted(group["counts"].items(), key=lambda kv: URGENCY[kv[0]]) if n)
        title = f"{group['team']}　{group['total']} 件：{counts}"
        band = Op("band", 0, BAND_H, text=title)
        pages.repeat = []
        pages.add(band, keep_with=HEAD_H + ROW_H)
        pages.add(Op("thead", 0, HEAD_H, ITEM_COLS))  # placed ops are never shared
        pages.repeat = [Op("band", 0, BAND_H, text=f"{group['team']}（续）"), item_head]
        for holder in group["holders"]:
            who = (f"{holder['name']}（{holder['holder']}）" if holder["name"]
                   else holder["holder"] or NO_HOLDER)
            who_cell = _cell(fit, who, holder_col)
            first = True
            for s in holder["items"]:
                item = s.item
                reason = fit.two_lines(s.reason_zh or "", reason_col.width)
                due = s.due
                left = "" if due is None else str((due - as_of).days)
                days = s.in_service_days
                cells = [who_cell if first else "", _cell(fit, item.id, id_col),
                         KIND_ZH[item.kind], _cell(fit, item.batch or "", batch_col),
                         status_cells[s.status], "" if due is None else due.isoformat(),
                         Cell(left, colour="#9C0006") if left[:1] == "-" else left,
                         "" if days is None else str(days), action_cell(s), reason]
                height = ROW_H + LINE if reason.lines and len(reason.lines) > 1 else ROW_H
                if pages.add(Op("row", 0, height, ITEM_COLS, cells, rule=first)):
                    cells[0] = who_cell  # a new page names the holder again
                first = False
        pages.space(3)
    return pages.pages


# ------------------------------------------------------------------------------- drawing
@functools.lru_cache(maxsize=64)
def _rgb(colour: str) -> str:
    """'#1F3864' -> '0.122 0.22 0.392' (PDF colour operands)."""
    return " ".join(f"{int(colour[i:i + 2], 16) / 255:.3f}".rstrip("0").rstrip(".") or "0"
                    for i in (1, 3, 5))


class PageInk:
    """One page's drawing, written as PDF operators and added to the canvas in one piece.

    A 100,000-item report draws about a million cells; reportlab's text objects cost ~35 µs
    each, this ~5 µs. Text still goes through the font's own subsetting (`splitString`), so
    glyphs are embedded exactly as reportlab embeds them; only the operator writing is ours.
    Fills come first, then lines, then all the text in one BT…ET, inside q…Q so nothing
    leaks into the canvas's own state.
    """

    def __init__(self, painter: "Painter"):
        self.p = painter
        self.fills: dict[str, list[str]] = {}
        self.lines: dict[tuple[str, float], list[str]] = {}
        self.text: list[str] = []
        self.font = None               # subset name and size in effect
        self.size = None
        self.fill = None
        self.bold = False

    def rect(self, colour: str, x: float, y: float, w: float, h: float):
        """A filled rectangle; x, y its top-left in mm from the page's top-left."""
        self.fills.setdefault(colour, []).append(
            f"{x * MM:.2f} {(PAGE_H - y - h) * MM:.2f} {w * MM:.2f} {h * MM:.2f} re")

    def line(self, colour: str, width: float, x1: float, y: float, x2: float):
        """A horizontal line at y mm from the top."""
        yy = (PAGE_H - y) * MM
        self.lines.setdefault((colour, width), []).append(
            f"{x1 * MM:.2f} {yy:.2f} m {x2 * MM:.2f} {yy:.2f} l")

    def write(self, x: float, y: float, s: str, size: float, colour: str, bold: bool,
              align: str = "left"):
        """Text with its baseline y mm from the top; x the left, centre or right edge."""
        p = self.p
        face = p.fonts.bold if bold else p.fonts.regular
        runs, width = p.encode(face, s)
        if align != "left":
            w = width * size / 1000.0 / MM
            x = x - w if align == "right" else x - w / 2
        out = self.text
        if colour != self.fill:
            out.append(f"{_rgb(colour)} rg")
            self.fill = colour
        fake = bold and p.fonts.fake_bold
        if fake != self.bold or (fake and self.stroke != (colour, size)):
            if fake:
                out.append(f"{_rgb(colour)} RG {size * 0.035:.3f} w 2 Tr")
                self.stroke = (colour, size)
            else:
                out.append("0 Tr")
            self.bold = fake
        out.append(f"1 0 0 1 {x * MM:.2f} {(PAGE_H - y) * MM:.2f} Tm")
        for subset_name, escaped in runs:
            if subset_name != self.font or size != self.size:
                out.append(f"{subset_name} {size:g} Tf")
                self.font, self.size = subset_name, size
            out.append(f"({escaped}) Tj")

    stroke = None

    def code(self) -> str:
        parts = ["q"]
        for colour, rects in self.fills.items():
            parts.append(f"{_rgb(colour)} rg")
            parts.extend(rects)
            parts.append("f")
        for (colour, width), segments in self.lines.items():
            parts.append(f"{_rgb(colour)} RG {width:g} w")
            parts.extend(segments)
            parts.append("S")
        if self.text:
            parts.append("BT")
            parts.extend(self.text)
            parts.append("ET")
        parts.append("Q")
        return "\n".join(parts)


class Painter:
    def __init__(self, canvas, fonts: FontSet, report: Report, total_pages: int):
        self.c = canvas
        self.fonts = fonts
        self.report = report
        self.total = total_pages
        self._encoded: dict[tuple[str, str], list[tuple[str, str]]] = {}
        company = report.company
        self.company = (company.name if company is not None else "")
        p = report.policy
        self.rules = (f"规则：安全帽自生产日期起 {p.helmet_life_months} 个月有效"
                      + (f"，到期前 {p.extension_window_days} 天内抽检合格可延用 "
                         f"{p.extension_months} 个月，抽检不合格整批报废" if p.extend_by_test
                         else "，到期即更换")
                      + f"；绝缘鞋每 {p.shoes_test_months} 个月预防性试验；"
                        f"外观检查不合格即报废；提前 {p.warn_days} 天预警。")

    def encode(self, face: str, text: str) -> tuple[list[tuple[str, str]], float]:
        """(font subset name, escaped bytes) runs of a text, and its width at 1 pt in
        thousandths; cached, since labels, dates and names repeat. A character's subset
        and code never change once assigned."""
        key = (face, text)
        found = self._encoded.get(key)
        if found is None:
            font = getFont(face)
            doc = self.c._doc  # reportlab's document: where the font's subsets live
            found = ([(font.getSubsetInternalName(subset, doc), escapePDF(chunk))
                      for subset, chunk in font.splitString(text, doc)],
                     font.stringWidth(text, 1000.0))
            if len(self._encoded) < 200_000:
                self._encoded[key] = found
        return found

    def page(self, number: int, ops: list[Op]):
        ink = PageInk(self)
        # header
        ink.write(MARGIN, MARGIN + 7, "安全防护用品检测台账（安全帽 · 绝缘鞋）", 15, ACCENT, True)
        as_of = self.report.as_of
        ink.write(PAGE_W - MARGIN, MARGIN + 2.8, self.company, 9, MUTED, False, "right")
        ink.write(PAGE_W - MARGIN, MARGIN + 7.6,
                  f"统计日：{as_of.year}年{as_of.month}月{as_of.day}日", 9, TEXT, False, "right")
        ink.line(ACCENT, 1.2, MARGIN, MARGIN + 10.5, PAGE_W - MARGIN)
        for op in ops:
            getattr(self, op.kind)(ink, op)
        # footer
        y = PAGE_H - MARGIN - 1.5
        ink.write(MARGIN, y, self.rules, 6.5, MUTED, False)
        ink.write(PAGE_W - MARGIN, y, f"第 {number} 页 / 共 {self.total} 页", 8, TEXT, False,
                  "right")
        self.c.addLiteral(ink.code())

    def title(self, ink: PageInk, op: Op):
        ink.write(MARGIN, op.y + op.height - 2.6, op.text, 11, ACCENT, True)

    def band(self, ink: PageInk, op: Op):
        ink.rect(BAND, MARGIN, op.y + 0.8, BODY_W, op.height - 0.8)
        ink.rect(ACCENT, MARGIN, op.y + 0.8, 1.2, op.height - 0.8)
        ink.write(MARGIN + 3, op.y + op.height - 2.2, op.text, 10, ACCENT, True)

    def thead(self, ink: PageInk, op: Op):
        ink.rect(ACCENT, MARGIN, op.y, sum(col.width for col in op.cols), op.height)
        x = MARGIN
        for col in op.cols:
            self._in_cell(ink, x, op.y, col, op.height, col.header, SIZE, "#FFFFFF", True)
            x += col.width

    def row(self, ink: PageInk, op: Op):
        x = MARGIN
        y, height = op.y, op.height
        write = ink.write
        baseline = y + height / 2 + SIZE * 0.35 / MM
        for col, cell in zip(op.cols, op.cells):
            if cell.__class__ is str:  # plain text, body size
                if cell:
                    if col.align == "left":
                        write(x + 0.8, baseline, cell, SIZE, TEXT, False)
                    else:
                        self._in_cell(ink, x, y, col, height, cell, SIZE, TEXT, False)
                x += col.width
                continue
            if cell.fill:
                ink.rect(cell.fill, x + 0.3, y + 0.3, col.width - 0.6, height - 0.6)
            if cell.lines and len(cell.lines) > 1:
                for i, line in enumerate(cell.lines):
                    write(x + 0.8, y + 3.9 + i * LINE, line, cell.size,
                          cell.colour or TEXT, cell.bold)
            elif cell.text:
                self._in_cell(ink, x, y, col, height,
                              cell.lines[0] if cell.lines else cell.text, cell.size,
                              cell.colour or TEXT, cell.bold)
            x += col.width
        if op.rule:
            ink.line(ACCENT, 0.6, MARGIN, y, x)
        ink.line(GRID, 0.25, MARGIN, y + height, x)

    @staticmethod
    def _in_cell(ink: PageInk, x, y, col: Col, height, s, size, colour, bold):
        baseline = y + height / 2 + size * 0.35 / MM
        if col.align == "right":
            ink.write(x + col.width - 0.8, baseline, s, size, colour, bold, "right")
        elif col.align == "center":
            ink.write(x + col.width / 2, baseline, s, size, colour, bold, "center")
        else:
            ink.write(x + 0.8, baseline, s, size, colour, bold)


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
    # Millions of small objects and none of them cyclic: the cyclic GC would walk the whole
    # heap (the register included) again and again for nothing - a third of the time.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _to_pdf(report)
    finally:
        if paused:
            gc.enable()


def _to_pdf(report: Report) -> bytes:
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
