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
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Iterable

from .. import qr
from ..context import company_context, person_context, today
from ..company_fields import company_word
from ..data.headers import field_word
from ..errors import Location, PersonPhoto, PersonProblem, Problem, UserError, display_path
from ..fonts import FontSet, describe_chars, missing_chars
from ..i18n import N_, _, pgettext
from ..units import MM
from . import images
from .images import EmbeddedImage, ImageProblem, PhotoJob
from .qrimage import FoundCode, find_code
from .layout import CompiledElement, CompiledLayout
from .model import (BarcodeElement, BoxElement, ImageElement, LineElement, PhotoElement, QrElement,
                    RectElement, TextElement)
from .text import Fit, fit_text

MIN_BAR_MM = 0.19   # narrowest Code 128 bar that scans reliably from print
CAPTION_GAP = 0.6   # mm between a QR code and its caption
FITS_KEPT = 4096    # fitted texts a renderer remembers (see CardRenderer._fits)


# The advice of a card refused for a missing photo or QR code, by where it is said (`medium`:
# CardRun.medium): the command line's options, or the web page's own choice (a placeholder box;
# the web has no option to print without the QR code)
REFUSED_PHOTO = {
    "command": N_("{why}; fix it, or run with --allow-missing-photos to print a placeholder"),
    "web": N_("{why}; fix it, or tick 'print a placeholder where a photo is missing'"),
}
REFUSED_QR = {
    "command": N_("; fix it, or run with --allow-missing-qr to print without it"),
    "web": N_("; fill it in in the staff sheet"),
}
# a QR picture the data names that cannot be used (not there, not a picture): no option prints
# without it, the fix is in the data
QR_PICTURE_FIX = N_("; fix the picture, or give the code's link or text instead of it")


def refused_photo(why: str, medium: str) -> str:
    """A card refused for its photo (`why`), with the advice of `medium` (REFUSED_PHOTO)."""
    return _(REFUSED_PHOTO[medium]).format(why=why)


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
    origin: Any = None              # company: (path inside the section) -> Location

    def problem(self, element: CompiledElement, message: str, field_name: str | None = None) -> Problem:
        what = field_name or element.label
        if what.startswith("person."):  # the staff record's field: 照片 (photo in English)
            what = what[len("person."):]
        side = pgettext("--side", element.side)  # 正面 / front
        location = self.location
        if self.origin is not None:   # the company: YAML keys, where they are
            location = self.origin(_data_path(what)) or location
            return Problem(message, location, _("{field} ({side})").format(field=what, side=side))
        field = _("{field} ({side})").format(field=field_word("staff", what), side=side)
        return PersonProblem(message, location, self.label + ": " + field, who=self.label,
                             field=field)

    def empty(self, element: CompiledElement, why: str, medium: str) -> Problem:
        """An element the card must show (`required`: `why`) whose value is empty, with what
        to do where it is said (`medium`): a company field added to company.yaml (or filled
        in on the web's 公司信息 page), a person's field filled in."""
        what = element.model.when.strip()   # the value it shows when there is one
        problem = self.problem(element, "", what)
        advice = _("fill it in")
        steps = _data_path(what)
        if self.origin is not None and steps and isinstance(steps[0], str):
            advice = fill_in_company(steps[0], problem.location, medium)
        return replace(problem, message=_(
            "is empty, but this card must show it: {why}; {advice}").format(why=why,
                                                                             advice=advice))


def fill_in_company(key: str, location: Location | None, medium: str) -> str:
    """What to do about an empty company field `key` where it is said (`medium`): on the
    web, fill it in on the 公司信息 page; in the command line, write it on its line of the
    company file (`location` has a line), or add that line."""
    word = company_word(key) or key
    if medium == "web":
        return _("fill in the {word} on the Company page").format(word=word)
    if location is not None and location.line:
        return _("write the {word} after \"{key}:\" on this line").format(word=word, key=key)
    file = Path(location.file).name if location is not None and location.file else \
        "company.yaml"
    return _("add a line \"{key}: …\" under \"company:\" in {file}, with the {word} after "
             "the colon").format(key=key, file=file, word=word)


_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")


def _data_path(label: str) -> tuple:
    """'company.qr_codes[2].caption' -> ('qr_codes', 1, 'caption'), for finding its line."""
    if not label.startswith("company."):
        return ()
    steps: list = []
    for name, index in _STEP.findall(label[len("company."):].split(" ")[0]):
        steps.append(int(index) - 1 if index else name)
    return tuple(steps)


@dataclass
class PreparedCard:
    who: Who
    sides: dict[str, list]          # side -> operations
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    ident: str = ""                 # the person's id and name, for the manifest
    name: str = ""


# ------------------------------------------------------------------------------ renderer
class CardRenderer:
    """Evaluates a layout for a company and its people."""

    def __init__(self, layout: CompiledLayout, company, fonts: FontSet, *,
                 sides: tuple[str, ...] = ("front", "back"), allow_missing_photos: bool = False,
                 allow_missing_qr: bool = False, company_origin=None, as_of=None,
                 context: dict | None = None, missing_said: Iterable[Path] = (),
                 check_only: bool = False, photo_reasons: dict[str, str] | None = None,
                 medium: str = "command", pictures: dict | None = None):
        self.layout = layout
        self.medium = medium   # where a refusal is said: its advice (REFUSED_ADVICE)
        self.company = company
        self.fonts = fonts
        self.sides = sides
        self.allow_missing_photos = allow_missing_photos
        self.allow_missing_qr = allow_missing_qr
        # files already said to be missing (by the data's loading, in `fieldprint validate`):
        # an element showing one is left out (a photo: its placeholder), not said again
        self.missing_said = frozenset(Path(p).absolute() for p in missing_said)
        self.check_only = check_only   # nothing will be drawn: pictures are only checked
        self.photo_reasons = photo_reasons or {}   # person id -> why no photo (CardRun)
        self._codes: dict[str, FoundCode | ImageProblem] = {}
        self.base = {**(context or {}), "company": company_context(company),
                     "today": as_of or today()}
        # the pictures made (or, `check_only`, checked) in this run: by file, size and fit
        # (by file when checked), shared with the run's other renderers that are given it
        self._pictures: dict = {} if pictures is None else pictures
        # text fitted to a box, by everything fit_text depends on: the unit, team, hotline
        # repeat on every card of a run (bounded: a big run's names do not pile up)
        self._fits: dict[tuple, Fit] = {}
        self.static_problems: list[Problem] = []
        self.static_warnings: list[Problem] = []
        self._runs: dict[str, list] = {}      # side -> [FormOp | [CompiledElement...]]
        who = Who("company", None, company_origin or (lambda path: None))
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
        card = PreparedCard(who, {}, ident=person.id, name=person.name)
        if getattr(person, "qr", None) and getattr(person, "qr_image", None) and self._uses_qr():
            card.warnings.append(Problem(
                _("both {qr} (a link) and {qr_image} (a picture) are given: the link in {qr} is "
                  "printed, the picture {path} is not used; remove one of them").format(
                    qr=field_word("staff", "qr"), qr_image=field_word("staff", "qr_image"),
                    path=display_path(person.qr_image)), location,
                f"{who.label}: {field_word('staff', 'qr_image')}"))
        for side in self.sides:
            ops: list = []
            stacked: dict[str, list[tuple[float, list]]] = {}
            for run in self._runs[side]:
                if isinstance(run, FormOp):
                    ops.append(run)
                    continue
                for element in run:
                    made = self._element_ops(element, context, who, card.problems, card.warnings)
                    stack = getattr(element.model, "stack", None)
                    if stack:
                        made = list(made)
                        stacked.setdefault(stack, []).append((_top(element.model), made))
                        ops.append(made)
                    else:
                        ops.extend(made)
            for rows in stacked.values():
                _close_gaps(rows)
            card.sides[side] = [op for item in ops
                                for op in (item if isinstance(item, list) else [item])]
        return card

    def _uses_qr(self) -> bool:
        """True when a QR element of a printed side takes person.qr."""
        return any(element.type == "qr" and "person.qr" in (element.model.data or "")
                   for side in self.sides for element in self.layout.sides[side])

    # -------------------------------------------------------------------------- elements
    def _element_ops(self, element: CompiledElement, context: dict, who: Who,
                     problems: list[Problem], warnings: list[Problem]) -> list:
        model = element.model
        if element.when is not None and not element.when(context):
            if model.required:
                problems.append(who.empty(element, model.required, self.medium))
            return []
        if element.each is None:
            return self._build(element, context, _box(model), who, problems, warnings)
        items = element.each(context)
        if items is None:
            return []
        if isinstance(items, (str, bytes, dict)) or not hasattr(items, "__iter__"):
            raise UserError(_("{where}.each: {each!r} should give a list, not {kind}").format(
                where=element.where, each=element.model.each, kind=type(items).__name__))
        items = list(items)
        ops: list = []
        for index, (item, cell) in enumerate(zip(items, _cells(element, len(items)))):
            inner = dict(context, item=item, index=index + 1)
            named = replace(element, label=element.label.replace(
                "item", f"{element.model.each.strip()}[{index + 1}]", 1),  # company.qr_codes[2].data
                each_count=len(items))
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
            # the web has no company file to edit: its sheet and its 公司信息 page's fonts
            from ..advice import UNPRINTABLE_CHARS
            advice = UNPRINTABLE_CHARS.says() if self.medium == "web" else _(
                "change the text, or ask whoever set up fieldprint to add a font that has it "
                "(fonts: in company.yaml)")
            problems.append(who.problem(
                element, _("the font cannot print {chars} in {text!r}; {advice}").format(
                    chars=describe_chars(missing), text=text, advice=advice), field_name))
            return None
        x, y, w, h = box
        # a run that only checks needs whether the text fits, not which lines are drawn: the
        # balanced lines (and the size a step smaller that ends them at a name's parts) are
        # searched among sizes that fit already
        balance = balance and not self.check_only
        key = (text, font, w, h, size, min_size, lines, line_height, letter_spacing, balance)
        fit = self._fits.get(key)
        if fit is None:
            fit = fit_text(text, font, w, h, size=size, min_size=min_size, max_lines=lines,
                           line_height=line_height, letter_spacing=letter_spacing,
                           balance=balance)
            if len(self._fits) >= FITS_KEPT:
                self._fits.clear()
            self._fits[key] = fit
        if not fit.fits:
            problems.append(who.problem(
                element, _("{text!r} does not fit in its box ({w} × {h} mm) even at "
                           "{size:g} pt: {reason}; {advice}").format(
                    text=text, w=_mm(w), h=_mm(h), size=fit.size, reason=fit.reason,
                    advice=self._too_long(element, text, field_name, who)), field_name))
            return None
        return TextOp(x, y, w, h, fit, font, colour, align, valign, letter_spacing)

    def _too_long(self, element: CompiledElement, text: str, field_name: str | None,
                  who) -> str:
        """What to do about `text` that does not fit its box, said to whoever can do it: a
        person's field is shortened in the staff list (a name of several parts, such as a
        Uyghur name, to the parts used at work), a company's in its file; the layout's box is
        the second way, for whoever keeps the layouts; a text of the layout itself is the
        layout's to change."""
        layout = self.layout.path.name
        what = field_name or element.label
        web = self.medium == "web"   # the web: its pages, not the files behind them
        if what.startswith("person."):
            field = what[len("person."):]
            parts = text.split("·")
            example = _(" (such as {short})").format(short="·".join(parts[:2])) \
                if field == "name" and len(parts) > 2 else ""
            return (_("write it shorter in the {column} column of the staff sheet{example} and "
                      "upload it again; or ask whoever keeps the layouts to give this box more "
                      "room") if web else
                    _("write it shorter in the {column} column of the staff list{example}; or "
                      "ask whoever keeps the layouts to give this box more room (lines, "
                      "min_size in {layout})")).format(
                column=field_word("staff", field), example=example, layout=layout)
        where = who.origin(_data_path(what)) if who.origin is not None else who.location
        if what.startswith("company.") and where is not None:
            field = company_word(what.split(".")[1].split("[")[0]) or what
            return (_("write it shorter on the “{page}” page; or ask whoever keeps the layouts "
                      "to give this box more room").format(page=_("Company")) if web else
                    _("write it shorter in {file} ({field}); or ask whoever keeps the layouts "
                      "to give this box more room (lines, min_size in {layout})").format(
                        file=Path(where.file).name, field=field, layout=layout))
        return _("shorten the text, or give the box more room (lines, min_size) in the layout "
                 "{layout}").format(layout=layout)

    def picture(self, path: Path, box_mm: tuple[float, float], fit: str) -> EmbeddedImage | None:
        """A logo or artwork file sized for a `box_mm` (width, height) box, once per file, size
        and fit in this run; None when the run only checks (`check_only`: the file decoded,
        nothing sized). Raises ImageProblem (again, for each use, when it did once)."""
        if self.check_only:
            _once(self._pictures, str(path), lambda: images.check_picture(path) or True)
            return None
        key = (str(path), round(box_mm[0], 3), round(box_mm[1], 3), fit)
        return _once(self._pictures, key, lambda: images.load_picture(path, box_mm, fit=fit))

    def qr_picture(self, path: Path) -> FoundCode:
        """The QR code found in a picture, once per file and run. Raises ImageProblem."""
        return _once(self._codes, str(path), lambda: find_code(path))

    def resolve(self, element: CompiledElement, key: str, value: str) -> Path:
        """A file named by an element. Written in the layout itself (artwork), a relative path
        is read from the layout's folder; from the data, it was already resolved against the
        data file that names it (made absolute here, as written: no link is followed, so
        messages name the file the user named)."""
        path = Path(value).expanduser()
        if path.is_absolute():
            return path
        template = element.templates.get(key)
        from_data = template is not None and template._plain is None
        return path.absolute() if from_data else self.layout.folder / path


def _once(cache: dict, key, make):
    """`make()` the first time `key` is asked for in this run (`cache` belongs to the run); an
    ImageProblem it raised is remembered too and raised again at each later use."""
    found = cache.get(key)
    if found is None:
        try:
            found = make()
        except ImageProblem as exc:
            found = exc
        cache[key] = found
    if isinstance(found, ImageProblem):
        raise found
    return found


# ------------------------------------------------------------------------------ geometry
def _mm(value: float) -> str:
    """A length for a message: rounded to 0.1 mm, no trailing zero (3.3, 17)."""
    return f"{round(value, 1):g}"


def _top(model) -> float:
    return model.y if isinstance(model, BoxElement) else min(model.y1, model.y2)


def _close_gaps(rows: list[tuple[float, list]]) -> None:
    """Elements of one `stack`, as (top in mm, their operations): a row (the elements sharing a
    top) that printed nothing gives its place to the rows below it, which move up."""
    tops = sorted({top for top, _ in rows})
    printed = {top: any(ops for t, ops in rows if t == top) for top in tops}
    shift, shifts = 0.0, {}
    for i, top in enumerate(tops):
        shifts[top] = shift
        if not printed[top] and i + 1 < len(tops):
            shift += tops[i + 1] - top
    for top, ops in rows:
        if shifts[top]:
            ops[:] = [_moved(op, shifts[top]) for op in ops]


def _moved(op, dy: float):
    if isinstance(op, LineOp):
        return replace(op, y1=op.y1 - dy, y2=op.y2 - dy)
    return replace(op, y=op.y - dy)


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
    path = r.resolve(el, "source", source)
    if path in r.missing_said:
        return []
    try:
        picture = r.picture(path, (w, h), m.fit)
    except ImageProblem as exc:
        problems.append(who.problem(el, str(exc)))
        return []
    if picture is None:   # checked only: nothing is drawn
        return []
    return [PictureOp(x, y, w, h, picture, picture.getSize(), m.fit, m.align, m.opacity)]


def _photo(r: CardRenderer, el: CompiledElement, ctx, box, who, problems, warnings):
    m: PhotoElement = el.model
    x, y, w, h = box
    source = r._value(el, "source", ctx)
    background = tuple(round(c * 255) for c in el.colours["background"])

    def placeholder(why: str | None, missing=None):
        # `why` None: the file was said to be missing already; `missing`: the path where no
        # file is (the command line says many of them as one, by folder)
        if why is not None:
            said = who.problem(el, _("{why}; printed a placeholder instead").format(why=why)
                               if r.allow_missing_photos else refused_photo(why, r.medium),
                               "photo")
            (warnings if r.allow_missing_photos else problems).append(PersonPhoto(
                said.message, said.location, said.path, who=who.label,
                field=getattr(said, "field", ""), file=str(missing or ""),
                placeholder=r.allow_missing_photos))
        return [PhotoOp(x, y, w, h, None, m.radius, el.colours.get("border"), m.border_width, who)]

    reason = r.photo_reasons.get((ctx.get("person") or {}).get("id"))
    if not source and reason:
        return placeholder(reason)
    if not source:
        from ..advice import NO_PHOTO_GIVEN
        return placeholder(NO_PHOTO_GIVEN.says())
    path = r.resolve(el, "source", source)
    if path in r.missing_said:
        return placeholder(None)
    try:
        _size, low = images.probe_photo(path, (w, h))
    except ImageProblem as exc:
        return placeholder(str(exc), None if path.exists() else path)
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
        problems.append(who.problem(el, _("the box ({w} × {h} mm) leaves no room for the code "
                                          "above its caption").format(w=_mm(w), h=_mm(h))))
        return []
    left = x + (w - size) / 2
    top = y + (h - size - caption_h) / 2
    ops: list = []
    if payload:
        why = qr.fit_problem(payload, size, m.level, advice=_qr_advice(r, el, picture=False))
        if why:
            problems.append(who.problem(el, why))
            return []
        ops.append(QrOp(left, top, size, payload, m.level, el.colours["colour"],
                        el.colours.get("background")))
    elif image_source:
        path = r.resolve(el, "image", image_source)
        if path in r.missing_said:
            return []
        try:
            found = r.qr_picture(path)
        except ImageProblem as exc:
            problems.append(who.problem(el, str(exc) + _(QR_PICTURE_FIX),
                                        _sibling(el.label, "image")))
            return []
        module = qr.module_mm(size, found.modules)
        if module < qr.MIN_MODULE_MM:
            problems.append(who.problem(el, _(
                "the QR code in {path} has {n} × {n} modules: in this {size} mm box they print "
                "{module} mm wide (at least {least} mm scan reliably); {advice}").format(
                    path=display_path(path), n=found.modules, size=_mm(size),
                    module=f"{module:.2f}",
                    least=qr.MIN_MODULE_MM, advice=_qr_advice(r, el, picture=True)),
                _sibling(el.label, "image")))
            return []
        picture = EmbeddedImage("qrpicture-" + images.digest(found.text, found.modules,
                                                             found.image.size,
                                                             found.image.tobytes()),
                                pil=found.image)
        if el.colours.get("background"):
            ops.append(RectOp(left, top, size, size, el.colours["background"]))
        ops.append(PictureOp(left, top, size, size, picture, picture.getSize()))
    else:
        message = _("no QR code given: fill in the qr column with the code's link or text, or "
                    "the qr_image column with a picture of the code")
        if m.missing == "error" and not r.allow_missing_qr:
            problems.append(who.problem(el, message + _(REFUSED_QR[r.medium])))
        elif m.missing in ("warn", "error"):
            warnings.append(who.problem(el, message + _("; printed without it")))
        return []
    if caption:
        op = r.text_op(el, caption, (x, top + size + CAPTION_GAP, w, caption_h - CAPTION_GAP),
                       size=m.caption_size, min_size=m.caption_min_size or m.caption_size * 0.75,
                       lines=1, line_height=1.2, align="center", valign="top", bold=False,
                       colour=el.colours["caption_colour"], letter_spacing=0, balance=False,
                       who=who, problems=problems, field_name=_sibling(el.label, "caption"))
        if op:
            ops.append(op)
    return ops


def _sibling(label: str, key: str) -> str:
    """'company.qr_codes[2].data' -> 'company.qr_codes[2].caption'; 'person.qr' -> 'person.qr_image'
    for the picture; otherwise the label and the key."""
    if label.endswith(".data"):
        return label[: -len("data")] + key
    if key == "image" and label == "person.qr":
        return "person.qr_image"
    return f"{label} {key}" if key != "image" else label


def _qr_advice(r: CardRenderer, el: CompiledElement, *, picture: bool) -> str:
    """What the user can do about a code too fine to scan, for where it comes from."""
    layout = r.layout.said
    if el.each is not None and el.each_count > 1:
        return _("print fewer codes on this side ({n} share the box now: {each}), or use a "
                 "layout with a larger box than {layout}").format(
            n=el.each_count, each=el.model.each.strip(), layout=layout)
    if picture:
        return _("use a layout with a larger code box than {layout} (the badge layout), or fill "
                 "in the code's link in the {qr} column instead").format(
            layout=layout, qr=field_word("staff", "qr"))
    return _("use a layout with a larger code box than {layout}, or a shorter link or "
             "text").format(layout=layout)


def _barcode(r: CardRenderer, el: CompiledElement, ctx, box, who, problems, warnings):
    data = r._value(el, "data", ctx)
    if not data:
        return []
    x, y, w, h = box
    if not data.isascii() or not data.isprintable():
        problems.append(who.problem(el, _("{data!r} cannot be a Code 128 barcode: only "
                                          "letters, digits and ASCII punctuation").format(
            data=data)))
        return []
    from reportlab.graphics.barcode.code128 import Code128   # with reportlab.platypus: 50 ms
    modules = Code128(data, barWidth=1, quiet=0, humanReadable=0).width
    if w / modules < MIN_BAR_MM:
        problems.append(who.problem(
            el, _("the barcode of {data!r} would have {bar:.2f} mm bars (at least {least} mm "
                  "scan reliably): widen the box to {width:.0f} mm").format(
                data=data, bar=w / modules, least=MIN_BAR_MM, width=modules * MIN_BAR_MM)))
        return []
    return [BarcodeOp(x, y, w, h, data, el.colours["colour"])]


def _line(r: CardRenderer, el: CompiledElement, ctx, box, who, problems, warnings):
    m: LineElement = el.model
    return [LineOp(m.x1, m.y1, m.x2, m.y2, el.colours["colour"], m.width, m.dash)]


_BUILDERS = {RectElement: _rect, TextElement: _text, ImageElement: _image,
             PhotoElement: _photo, QrElement: _qr, BarcodeElement: _barcode,
             LineElement: _line}
