"""From a compiled layout and one person to what will be drawn: evaluate, fit, check.

`CardRenderer.prepare(person)` evaluates every element for one card and returns the drawing
operations of each side plus the problems found (text that does not fit, characters the font
lacks, photos that are missing or unreadable, QR payloads too long for their box), each naming
the person and the field. Nothing is drawn here; `draw.py` draws the operations.

Elements that do not depend on the person (backgrounds, the company name, the company's QR
codes) are evaluated once per run and drawn as shared PDF form objects.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from reportlab.graphics.barcode.code128 import Code128

from .. import qr
from ..context import company_context, person_context, today
from ..errors import Location, Problem, UserError
from ..fonts import FontSet, describe_chars, missing_chars
from ..units import MM
from . import images
from .images import EmbeddedImage, ImageProblem, PhotoJob
from .layout import CompiledElement, CompiledLayout
from .model import (BarcodeElement, BoxElement, ImageElement, LineElement, PhotoElement, QrElement,
                    RectElement, TextElement)
from .text import Fit, fit_text

MIN_BAR_MM = 0.19   # narrowest Code 128 bar that scans reliably from print
CAPTION_GAP = 0.6   # mm between a QR code and its caption


# ------------------------------------------------------------------------------ operations
@dataclass
class RectOp:
    x: float
    y: float
    w: float
    h: float
    fill: Any = None                  # rgb, or [rgb, rgb] for a gradient
    gradient: str = "vertical"
    stroke: Any = None
    stroke_width: float = 0.3
    radius: float = 0.0
    opacity: float = 1.0


@dataclass
class TextOp:
    x: float
    y: float
    w: float
    h: float
    fit: Fit
    font: str
    colour: Any
    align: str
    valign: str
    fake_bold: bool
    letter_spacing: float


@dataclass
class PictureOp:
    x: float
    y: float
    w: float
    h: float
    image: EmbeddedImage
    size: tuple[int, int]             # pixels, for fitting
    fit: str = "contain"
    align: str = "center"
    opacity: float = 1.0


@dataclass
class PhotoOp:
    x: float
    y: float
    w: float
    h: float
    job: PhotoJob | None              # None: the placeholder
    radius: float = 0.0
    border: Any = None
    border_width: float = 0.5
    who: "Who | None" = None
    image: EmbeddedImage | None = None  # filled in when processed


@dataclass
class QrOp:
    x: float
    y: float
    size: float
    payload: str
    level: str
    colour: Any
    background: Any


@dataclass
class BarcodeOp:
    x: float
    y: float
    w: float
    h: float
    data: str
    colour: Any


@dataclass
class LineOp:
    x1: float
    y1: float
    x2: float
    y2: float
    colour: Any
    width: float
    dash: list[float] | None


@dataclass
class FormOp:
    """A run of elements shared by every card, drawn once into a PDF form object."""

    name: str
    ops: list


# ------------------------------------------------------------------------------ naming
@dataclass(frozen=True)
class Who:
    """The record a card is for, as messages name it."""

    label: str                      # "SZ10023 王建国" or "company"
    location: Location | None = None

    def problem(self, element: CompiledElement, message: str, field_name: str | None = None) -> Problem:
        what = field_name or element.label
        return Problem(message, self.location, f"{self.label}: {what} ({element.side})")


@dataclass
class PreparedCard:
    who: Who
    sides: dict[str, list]          # side -> operations
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    def photo_ops(self, side: str) -> list[PhotoOp]:
        return [op for op in self.sides.get(side, ()) if isinstance(op, PhotoOp)]


# ------------------------------------------------------------------------------ renderer
class CardRenderer:
    """Evaluates a layout for a company and its people."""

    def __init__(self, layout: CompiledLayout, company, fonts: FontSet, *,
                 sides: tuple[str, ...] = ("front", "back"), allow_missing_photos: bool = False,
                 as_of=None):
        self.layout = layout
        self.company = company
        self.fonts = fonts
        self.sides = sides
        self.allow_missing_photos = allow_missing_photos
        self.base = {"company": company_context(company), "today": as_of or today()}
        self._pictures: dict[tuple, EmbeddedImage | ImageProblem] = {}
        self.static_problems: list[Problem] = []
        self.static_warnings: list[Problem] = []
        self._runs: dict[str, list] = {}      # side -> [FormOp | [CompiledElement...]]
        who = Who("company")
        for side in sides:
            runs: list = []
            for element in layout.sides[side]:
                if element.dynamic:
                    if runs and isinstance(runs[-1], list):
                        runs[-1].append(element)
                    else:
                        runs.append([element])
                else:
                    ops = self._element_ops(element, self.base, who, self.static_problems,
                                            self.static_warnings)
                    for op in ops:  # a fixed photo (artwork through a photo element)
                        if isinstance(op, PhotoOp) and op.job is not None:
                            op.image = EmbeddedImage(op.job.key, jpeg=images.process_photo(op.job))
                    if not ops:
                        continue
                    if runs and isinstance(runs[-1], FormOp):
                        runs[-1].ops.extend(ops)
                    else:
                        runs.append(FormOp(f"fp-{side}-{len(runs)}", ops))
            self._runs[side] = runs

    def forms(self) -> list[FormOp]:
        return [run for side in self.sides for run in self._runs[side] if isinstance(run, FormOp)]

    def side_is_shared(self, side: str) -> bool:
        """True when this side is the same on every card (e.g. a back with company codes)."""
        return all(isinstance(run, FormOp) for run in self._runs[side])

    def prepare(self, person, location: Location | None = None) -> PreparedCard:
        who = Who(f"{person.id} {person.name}", location)
        context = dict(self.base)
        context["person"] = person_context(person, self.company)
        card = PreparedCard(who, {})
        for side in self.sides:
            ops: list = []
            for run in self._runs[side]:
                if isinstance(run, FormOp):
                    ops.append(run)
                    continue
                for element in run:
                    ops.extend(self._element_ops(element, context, who, card.problems,
                                                 card.warnings))
            card.sides[side] = ops
        return card

    # -------------------------------------------------------------------------- elements
    def _element_ops(self, element: CompiledElement, context: dict, who: Who,
                     problems: list[Problem], warnings: list[Problem]) -> list:
        model = element.model
        if element.when is not None and not element.when(context):
            return []
        if element.each is None:
            return self._build(element, context, _box(model), who, problems, warnings)
        items = element.each(context)
        if items is None:
            return []
        if isinstance(items, (str, bytes, dict)) or not hasattr(items, "__iter__"):
            raise UserError(f"{element.where}.each: {element.model.each!r} should give a list, "
                            f"not {type(items).__name__}")
        items = list(items)
        ops: list = []
        for index, (item, cell) in enumerate(zip(items, _cells(element, len(items)))):
            inner = dict(context, item=item, index=index + 1)
            named = replace(element, label=element.label.replace(
                "item", f"{element.model.each.strip()}[{index + 1}]", 1))  # company.qr_codes[2].data
            ops.extend(self._build(named, inner, cell, who, problems, warnings))
        return ops

    def _build(self, element: CompiledElement, context: dict, box, who: Who,
               problems: list[Problem], warnings: list[Problem]) -> list:
        model = element.model
        builder = _BUILDERS[type(model)]
        return builder(self, element, context, box, who, problems, warnings)

    def _value(self, element: CompiledElement, key: str, context: dict) -> str:
        template = element.templates.get(key)
        return template.render(context).strip() if template is not None else ""

    def text_op(self, element: CompiledElement, text: str, box, *, size, min_size, lines,
                line_height, align, valign, bold, colour, letter_spacing, balance, who,
                problems, field_name=None) -> TextOp | None:
        text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
        if not text.strip():
            return None
        font = self.fonts.face(bold)
        missing = missing_chars(text, font)
        if missing:
            problems.append(who.problem(
                element, f"the font cannot print {describe_chars(missing)} in {text!r}; change "
                "the text or name a font that has it in company.fonts", field_name))
            return None
        x, y, w, h = box
        fit = fit_text(text, font, w, h, size=size, min_size=min_size, max_lines=lines,
                       line_height=line_height, letter_spacing=letter_spacing, balance=balance)
        if not fit.fits:
            problems.append(who.problem(
                element, f"{text!r} does not fit in its box ({w:g} × {h:g} mm) even at "
                f"{fit.size:g} pt: {fit.reason}; shorten the text, or give the box more room "
                f"(lines, min_size) in the layout {self.layout.path.name}", field_name))
            return None
        return TextOp(x, y, w, h, fit, font, colour, align, valign,
                      bold and self.fonts.fake_bold, letter_spacing)

    def picture(self, path: Path, box_mm: tuple[float, float], fit: str) -> EmbeddedImage:
        key = (str(path), round(box_mm[0], 3), round(box_mm[1], 3), fit)
        cached = self._pictures.get(key)
        if cached is None:
            try:
                cached = images.load_picture(path, box_mm, fit=fit)
            except ImageProblem as exc:
                cached = exc
            self._pictures[key] = cached
        if isinstance(cached, ImageProblem):
            raise cached
        return cached

    def resolve(self, element: CompiledElement, key: str, value: str) -> Path:
        """A file named by an element. Written in the layout itself (artwork), a relative path
        is read from the layout's folder; from the data, it was already resolved against the
        data file that names it."""
        path = Path(value).expanduser()
        if path.is_absolute():
            return path
        template = element.templates.get(key)
        from_data = template is not None and template._plain is None
        return path.resolve() if from_data else self.layout.folder / path


# ------------------------------------------------------------------------------ geometry
def _box(model) -> tuple[float, float, float, float] | None:
    if not isinstance(model, BoxElement):
        return None  # a line: its ends are its geometry
    return (model.x, model.y, model.width, model.height)


def _cells(element: CompiledElement, n: int) -> list[tuple[float, float, float, float]]:
    """Divide an element's box into n cells (row, column, or the grid with the largest cells)."""
    model = element.model
    if n <= 0:
        return []
    x, y, w, h = _box(model)
    gap = model.gap
    caption = _caption_height(model) if isinstance(model, QrElement) else 0.0
    options = {"row": [n], "column": [1]}.get(model.arrange, list(range(1, n + 1)))
    best = None
    for cols in options:
        rows = math.ceil(n / cols)
        cw = (w - gap * (cols - 1)) / cols
        ch = (h - gap * (rows - 1)) / rows
        score = min(cw, ch - caption)
        if best is None or score > best[0] + 1e-9:
            best = (score, cols, rows, cw, ch)
    _, cols, rows, cw, ch = best
    cells = []
    for i in range(n):
        r, c = divmod(i, cols)
        in_row = min(cols, n - r * cols)              # centre a short last row
        offset = (cols - in_row) * (cw + gap) / 2
        cells.append((x + offset + c * (cw + gap), y + r * (ch + gap), cw, ch))
    return cells


def _caption_height(model: QrElement) -> float:
    return model.caption_size * 1.25 / MM + CAPTION_GAP if model.caption else 0.0


# ------------------------------------------------------------------------------ builders
def _rect(r: CardRenderer, el: CompiledElement, ctx, box, who, problems, warnings):
    m: RectElement = el.model
    x, y, w, h = box
    bleed = r.layout.model.bleed if m.bleed else 0.0
    if bleed:
        W, H = r.layout.size
        if x <= 0.01:
            x, w = x - bleed, w + bleed
        if y <= 0.01:
            y, h = y - bleed, h + bleed
        if x + w >= W - 0.01:
            w += bleed
        if y + h >= H - 0.01:
            h += bleed
    fill = el.colours.get("fill")
    if m.fill is None and m.stroke is None:
        return []
    return [RectOp(x, y, w, h, fill, m.gradient, el.colours.get("stroke"), m.stroke_width,
                   m.radius, m.opacity)]


def _text(r: CardRenderer, el: CompiledElement, ctx, box, who, problems, warnings):
    m: TextElement = el.model
    text = r._value(el, "text", ctx)
    op = r.text_op(el, text, box, size=m.size, min_size=m.min_size, lines=m.lines,
                   line_height=m.line_height, align=m.align, valign=m.valign, bold=m.bold,
                   colour=el.colours["colour"], letter_spacing=m.letter_spacing,
                   balance=m.balance, who=who, problems=problems)
    return [op] if op else []


def _image(r: CardRenderer, el: CompiledElement, ctx, box, who, problems, warnings):
    m: ImageElement = el.model
    source = r._value(el, "source", ctx)
    if not source:
        return []
    x, y, w, h = box
    try:
        picture = r.picture(r.resolve(el, "source", source), (w, h), m.fit)
    except ImageProblem as exc:
        problems.append(who.problem(el, str(exc)))
        return []
    return [PictureOp(x, y, w, h, picture, picture.getSize(), m.fit, m.align, m.opacity)]


def _photo(r: CardRenderer, el: CompiledElement, ctx, box, who, problems, warnings):
    m: PhotoElement = el.model
    x, y, w, h = box
    source = r._value(el, "source", ctx)
    background = tuple(round(c * 255) for c in el.colours["background"])

    def placeholder(why: str):
        if r.allow_missing_photos:
            warnings.append(who.problem(el, f"{why}; printed a placeholder instead", "photo"))
        else:
            problems.append(who.problem(
                el, f"{why}; fix it, or run with --allow-missing-photos to print a placeholder",
                "photo"))
        return [PhotoOp(x, y, w, h, None, m.radius, el.colours.get("border"), m.border_width, who)]

    if not source:
        return placeholder("no photo given (add photo: photos/<id>.jpg to the staff record)")
    path = r.resolve(el, "source", source)
    try:
        _, low = images.probe_photo(path, (w, h))
    except ImageProblem as exc:
        return placeholder(str(exc))
    if low:
        warnings.append(who.problem(el, low, "photo"))
    job = PhotoJob(str(path), path.stat().st_mtime_ns, (round(w, 4), round(h, 4)), m.focus,
                   background)
    return [PhotoOp(x, y, w, h, job, m.radius, el.colours.get("border"), m.border_width, who)]


def _qr(r: CardRenderer, el: CompiledElement, ctx, box, who, problems, warnings):
    m: QrElement = el.model
    x, y, w, h = box
    payload = r._value(el, "data", ctx)
    image_source = r._value(el, "image", ctx) if not payload else ""
    caption = r._value(el, "caption", ctx)
    caption_h = _caption_height(m) if caption else 0.0
    size = min(w, h - caption_h, m.max_size or w)
    if size <= 0:
        problems.append(who.problem(el, f"the box ({w:g} × {h:g} mm) leaves no room for the "
                                    "code above its caption"))
        return []
    left = x + (w - size) / 2
    top = y + (h - size - caption_h) / 2
    ops: list = []
    if payload:
        why = qr.fit_problem(payload, size, m.level)
        if why:
            problems.append(who.problem(el, why))
            return []
        ops.append(QrOp(left, top, size, payload, m.level, el.colours["colour"],
                        el.colours.get("background")))
    elif image_source:
        try:
            picture = r.picture(r.resolve(el, "image", image_source), (size, size), "contain")
        except ImageProblem as exc:
            problems.append(who.problem(el, str(exc)))
            return []
        if el.colours.get("background"):
            ops.append(RectOp(left, top, size, size, el.colours["background"]))
        ops.append(PictureOp(left, top, size, size, picture, picture.getSize()))
    else:
        message = "no QR code given (add qr: with the link or text, or qr_image: with a picture)"
        if m.missing == "error":
            problems.append(who.problem(el, message))
        elif m.missing == "warn":
            warnings.append(who.problem(el, message + "; printed without it"))
        return []
    if caption:
        op = r.text_op(el, caption, (x, top + size + CAPTION_GAP, w, caption_h - CAPTION_GAP),
                       size=m.caption_size, min_size=m.caption_min_size or m.caption_size * 0.75,
                       lines=1, line_height=1.2, align="center", valign="top", bold=False,
                       colour=el.colours["caption_colour"], letter_spacing=0, balance=False,
                       who=who, problems=problems, field_name=f"{el.label} caption")
        if op:
            ops.append(op)
    return ops


def _barcode(r: CardRenderer, el: CompiledElement, ctx, box, who, problems, warnings):
    data = r._value(el, "data", ctx)
    if not data:
        return []
    x, y, w, h = box
    if not data.isascii() or not data.isprintable():
        problems.append(who.problem(el, f"{data!r} cannot be a Code 128 barcode: only letters, "
                                    "digits and ASCII punctuation"))
        return []
    modules = Code128(data, barWidth=1, quiet=0, humanReadable=0).width
    if w / modules < MIN_BAR_MM:
        problems.append(who.problem(
            el, f"the barcode of {data!r} would have {w / modules:.2f} mm bars (at least "
            f"{MIN_BAR_MM} mm scan reliably): widen the box to {modules * MIN_BAR_MM:.0f} mm"))
        return []
    return [BarcodeOp(x, y, w, h, data, el.colours["colour"])]


def _line(r: CardRenderer, el: CompiledElement, ctx, box, who, problems, warnings):
    m: LineElement = el.model
    return [LineOp(m.x1, m.y1, m.x2, m.y2, el.colours["colour"], m.width, m.dash)]


_BUILDERS = {RectElement: _rect, TextElement: _text, ImageElement: _image,
             PhotoElement: _photo, QrElement: _qr, BarcodeElement: _barcode,
             LineElement: _line}
