"""The form engine: flowing A4/A5 pages (work orders, confirmations, reports) from a layout file.

    layout = load_form("work-order")          # built-in name or a .yaml path; cached
    result = render_pdf(layout, records, target, fonts)

A layout (generator.form.model) has a page size and orientation, a header (title, document
number as Code 128 and QR), blocks (fields, table, checklist, choice, text, signatures, note,
group) and a footer with "第 x 页 / 共 y 页" per document. Values are sandboxed Jinja2,
compiled once when the layout is loaded.

Pipeline: layout (generator.form.layout, with blocks, pieces and typeset: pure, pages of the
drawing ops in generator.form.ops, in mm) -> draw (generator.form.draw: reportlab canvas) ->
write (here: parts of pages, joined by generator.pdfjoin, written atomically).
"""
from __future__ import annotations

import functools
import io
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, Callable, Iterable, Iterator

from typing import TYPE_CHECKING

from ..content import find_layout
from ..errors import Location, Problem, UserError, display_path, in_reading_order
from ..i18n import _
from ..layoutfile import content_key, layout_source, load_layout
from ..templating import name_problems
from ..data.yamlsource import locate
from .values import Text, Value

if TYPE_CHECKING:
    from ..fonts import FontSet
    from .cache import RunCache
    from .layout import Document, HeaderParts
    from .model import FormLayout
    from .typeset import Typesetter

# The model, the layout and the drawing (pydantic, reportlab) are imported where they are
# first used: the card engine reads its expressions through generator.form.values, and
# `fieldprint validate` checks badges without ever laying out a form.

__all__ = ["FormLayout", "Record", "RenderResult", "load_form", "layout_record", "render_pdf"]


def __getattr__(name: str):
    """`generator.form.FormLayout`, imported when first asked for (see above)."""
    if name == "FormLayout":
        from .model import FormLayout
        return FormLayout
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

# Pages drawn into one reportlab document before it is saved (to a temporary file) and a new
# one begun; the parts are joined at the end (generator.pdfjoin). Memory stays flat: about
# 15 KB a page while its part is open. A batch of at most this many pages is reportlab's own
# file as is.
CHUNK_PAGES = 2000


@dataclass
class Record:
    """One document to print: its context, and how messages name it."""

    context: dict[str, Any]
    label: str = ""                  # e.g. "work order WO-20261121-0001"
    location: Location | None = None  # where the record starts in the data


@dataclass
class RenderResult:
    documents: int = 0
    pages: int = 0
    problems: list[Problem] = field(default_factory=list)     # warnings
    unprintable: list[Problem] = field(default_factory=list)  # errors unless allowed


# ------------------------------------------------------------------------------ loading
def load_form(name_or_path: str | Path, shape: dict[str, Any] | None = None) -> FormLayout:
    """A built-in form by name (work-order) or a layout file; validated, expressions compiled
    and labelled with file:line for runtime messages. Parsed once per process (again when
    the file changes).

    `shape` (generator.orders.order_shape() for the order forms) is every key the records'
    contexts can have: a name the layout reads that it lacks (a typo) is a UserError with
    file:line, all of them at once. Raises UserError for a layout that is not valid."""
    path = Path(find_layout(str(name_or_path), "forms")).resolve()
    try:
        layout = _load_form(path, content_key(path))
    except UserError as exc:   # the names it reads are checked too, in the same round
        if shape is None:
            raise
        raise UserError(in_reading_order(list(dict.fromkeys(
            exc.problems + _names_of_unread(path, shape))))) from None
    if shape is not None:
        problems = [Problem(message, where, label)
                    for source, where, label, local in _expressions(layout)
                    for message in name_problems(source, shape, local)]
        if problems:
            raise UserError(in_reading_order(list(dict.fromkeys(problems))))
    return layout


def _names_of_unread(path: Path, shape: dict[str, Any]) -> list[Problem]:
    """The names a layout file that does not validate reads that the records lack, as far
    as its expressions can be read (`_raw_expressions`)."""
    from .model import FormLayout
    try:
        raw = layout_source(path)
    except UserError:   # not YAML: said by the load
        return []
    found: list = []
    _raw_expressions(raw, FormLayout, (), frozenset(), raw, display_path(path), found)
    return [Problem(message, where, label) for source, where, label, local in found
            for message in name_problems(source, shape, local)]


@functools.lru_cache(maxsize=16)
def _load_form(path: Path, content: tuple) -> FormLayout:
    from .model import FormLayout
    layout = load_layout(path, FormLayout)
    _annotate(layout, path)
    return layout


def _walk(layout: FormLayout, visit: Callable[[Any, tuple, frozenset], None]) -> None:
    """`visit(value, loc, local)` for every Text and Value of a layout: its path in the file,
    and the names the layout binds there (a table's or group's `as`, and `index`)."""
    from . import model

    def walk(obj: Any, loc: tuple, local: frozenset) -> None:
        if isinstance(obj, (Text, Value)):
            visit(obj, loc, local)
        elif isinstance(obj, model.Model):
            bound = getattr(obj, "as_", None)
            inner = local | {bound, "index"} if isinstance(bound, str) else local
            for name, info in type(obj).model_fields.items():
                walk(getattr(obj, name), loc + (info.alias or name,), inner)
        elif isinstance(obj, (list, tuple)):
            for i, item in enumerate(obj):
                walk(item, loc + (i,), local)
    walk(layout, (), frozenset())


def _annotate(layout: FormLayout, path: Path) -> None:
    raw = layout_source(path)
    shown = display_path(path)

    def visit(obj, loc, local):
        where = locate(raw, loc)
        line = f":{where.line}" if where is not None and where.line else ""
        obj.where = f"{shown}{line}: " + _dotted(loc)
        obj.location = Location(shown, where.line if where else None,
                                where.column if where else None)
        obj.label = _dotted(loc)
    _walk(layout, visit)


def _expressions(layout: FormLayout) -> list[tuple[str, Location, str, frozenset]]:
    """(source as a template, where, label, local names) of every expression of a layout."""
    out = []

    def visit(obj, loc, local):
        if isinstance(obj, Text):
            if obj.is_plain:
                return
            source = obj.source
        else:
            source = "{{ " + obj.expression + " }}"
        out.append((source, obj.location, obj.label, local))
    _walk(layout, visit)
    return out


def _raw_expressions(raw: Any, model: type, loc: tuple, local: frozenset, root: Any,
                     shown: str, out: list) -> None:
    """`_expressions` for a layout file that does not validate: every expression that can be
    read where the file gives it (a block by its `type`, a table's or group's `as`), so that
    a name the records lack is said with the layout's other mistakes, not after them."""
    if not isinstance(raw, dict):
        return
    bound = raw.get("as", getattr(model.model_fields.get("as_"), "default", None))
    inner = local | {bound, "index"} if "as_" in model.model_fields and isinstance(bound, str) \
        else local
    for name, info in model.model_fields.items():
        key = info.alias or name
        if key in raw:
            _raw_value(raw[key], info.annotation, loc + (key,), inner, root, shown, out)


def _raw_value(value: Any, annotation: Any, loc: tuple, local: frozenset, root: Any,
               shown: str, out: list) -> None:
    from . import model as m
    kinds = _kinds(annotation)
    if isinstance(value, list) and list in kinds:
        for i, item in enumerate(value):
            _raw_value(item, kinds[list], loc + (i,), local, root, shown, out)
        return
    for before in kinds.get("before", ()):
        try:
            value = before(value)
        except (ValueError, TypeError):
            return
    if isinstance(value, dict):
        target = kinds.get("block") and m.BLOCK_TYPES.get(value.get("type")) \
            or kinds.get("model")
        if target is not None:
            _raw_expressions(value, target, loc, local, root, shown, out)
        return
    if not isinstance(value, str) or not ({"text", "value"} & kinds.keys()):
        return
    try:
        obj = Text(value) if "text" in kinds else Value(value)
    except ValueError:
        return   # said by the layout's own check
    if isinstance(obj, Text) and obj.is_plain:
        return
    source = obj.source if isinstance(obj, Text) else "{{ " + obj.expression + " }}"
    where = locate(root, loc)
    out.append((source, Location(shown, where.line if where else None,
                                 where.column if where else None), _dotted(loc), local))


def _kinds(annotation: Any) -> dict:
    """What a field's type of a form layout takes, for `_raw_value`: {list: the item's type,
    "before": [validators run first], "block": True (a block, by its `type`), "model": a
    model, "text": True (a TextValue), "value": True (an Expr)}."""
    from typing import Annotated, get_args, get_origin

    from pydantic import BaseModel, BeforeValidator, WrapValidator

    from . import model as m
    found: dict = {}

    def visit(kind: Any) -> None:
        origin = get_origin(kind)
        if origin is list:
            found.setdefault(list, get_args(kind)[0])
        elif origin is Annotated:
            base, *meta = get_args(kind)
            for extra in meta:
                if isinstance(extra, BeforeValidator):
                    found.setdefault("before", []).append(extra.func)
                elif isinstance(extra, WrapValidator) and extra.func is m._block:
                    found["block"] = True
            visit(base)
        elif isinstance(kind, type):
            if issubclass(kind, BaseModel):
                found["model"] = kind
            elif issubclass(kind, Text):
                found["text"] = True
            elif issubclass(kind, Value):
                found["value"] = True
        else:
            for arg in get_args(kind):
                visit(arg)
    visit(annotation)
    return found


def _dotted(loc: tuple) -> str:
    out = ""
    for step in loc:
        out += f"[{step + 1}]" if isinstance(step, int) else (f".{step}" if out else step)
    return out


# ------------------------------------------------------------------------------ rendering
def header_parts(layout: FormLayout, ts: Typesetter, ctx: dict) -> HeaderParts:
    """The header's parts for one record: title, number, QR text and Code 128 bars (None when the
    number cannot be a barcode: a problem is added to `ts.problems`)."""
    from .draw import code128_pattern, no_barcode
    from .layout import HeaderParts
    spec = layout.header
    number = ts.value(spec.number, ctx, spec.number_label or "number")
    qr = ""
    if spec.qr is True:
        qr = number
    elif isinstance(spec.qr, Text):
        qr = ts.value(spec.qr, ctx, "QR code")
    bars = None
    if spec.barcode and number:
        bars = code128_pattern(number)
        if bars is None:
            ts.problems.append(Problem(no_barcode(number), ts.location,
                                       f"{ts.record}: {spec.number_label or 'number'}"))
    if qr:
        from ..qr import fit_problem
        why = fit_problem(qr, min(spec.height, 26.0))
        if why:
            ts.problems.append(Problem(_("{why}; printed without the QR code").format(why=why),
                                       ts.location, f"{ts.record}: QR code"))
            qr = ""
    return HeaderParts(company=ts.value(spec.company, ctx, "company"),
                       title=ts.value(spec.title, ctx, "title"),
                       subtitle=ts.value(spec.subtitle, ctx, "subtitle"),
                       number=number, qr=qr, bars=bars,
                       continued=ts.value(spec.continued, ctx, "continued"))


def layout_record(layout: FormLayout, record: Record, fonts: FontSet,
                  cache: RunCache | None = None, before: int = 0) -> Document:
    """One record laid out into pages (no drawing): positions in mm, page count, problems.
    `before`: the pages of the PDF before it (a footer's `file_page`).

    `cache`: what the records of one batch share (generator.form.cache); a new one when not
    given. Raises UserError (naming the record) when a layout value fails for it."""
    from .layout import layout_document
    from .text import metrics
    from .typeset import Typesetter
    ts = Typesetter(layout, metrics(fonts.regular), metrics(fonts.bold),
                    record.label, record.location, cache)
    try:
        parts = header_parts(layout, ts, record.context)
        return layout_document(layout, record.context, ts, parts, before=before)
    except UserError as exc:
        if not record.label:
            raise
        raise UserError([Problem(p.message, p.location or record.location,
                                 f"{record.label}" + (f": {p.path}" if p.path else ""))
                         for p in exc.problems]) from None


def _documents(layout: FormLayout, records: Iterable[Record], fonts: FontSet,
               result: RenderResult, on_document: Callable[[], None] | None,
               strict: bool) -> Iterator[Document]:
    from .cache import RunCache
    cache = RunCache()
    before = 0    # pages of the documents before: their count is known before they are drawn
    for record in records:
        doc = layout_record(layout, record, fonts, cache, before)
        before += doc.page_count
        result.documents += 1
        result.problems.extend(doc.problems)
        if doc.unprintable:
            (result.unprintable if strict else result.problems).extend(doc.unprintable)
        yield doc
        if on_document is not None:
            on_document()


def render_pdf(layout: FormLayout, records: Iterable[Record], target: Path | io.BytesIO,
               fonts: FontSet, *, title: str | None = None, chunk_pages: int = CHUNK_PAGES,
               on_document: Callable[[], None] | None = None, strict: bool = True
               ) -> RenderResult:
    """Every record's document, in order, into one PDF written atomically to `target`.

    Raises UserError (and writes nothing) when a layout value fails for some record, and,
    when `strict`, when some text cannot print as typed (characters the font lacks, control
    characters): every such text of the whole batch is reported at once. Not strict, they
    are warnings and print as empty boxes (controls left out).
    `on_document` is called after each document (a progress bar).
    """
    from ..output import atomic_path
    from ..pdf import new_canvas
    from ..pdfjoin import Spool
    from .draw import Painter
    result = RenderResult()
    page_w, page_h = layout.page.size_mm
    title = title or layout.name
    last: list[bytes] = []           # the latest finished part, still in memory
    canvas = painter = None
    in_chunk = 0

    def start():
        nonlocal canvas, painter, in_chunk
        if last:                       # more than one part: the one before goes to disk
            spool.add(last.pop())
        buffer = io.BytesIO()
        canvas = new_canvas(buffer, (page_w, page_h), font=fonts.pdf_font(), title=title,
                            subject=layout.description)
        canvas._fieldprint_buffer = buffer
        painter = Painter(canvas, fonts, page_h)
        in_chunk = 0

    def finish():
        canvas.save()
        last.append(canvas._fieldprint_buffer.getvalue())

    def write(put: Callable[[BinaryIO], object]) -> None:
        if isinstance(target, io.BytesIO):
            put(target)
        else:
            with atomic_path(Path(target)) as tmp, open(tmp, "wb") as out:
                put(out)

    with Spool() as spool:
        for doc in _documents(layout, records, fonts, result, on_document, strict):
            if result.unprintable:
                continue               # failing: lay out the rest only to report it all
            if canvas is None:
                start()
            for ops in doc.pages:
                painter.page(ops)
                canvas.showPage()
                _compress_last_page(canvas)
                in_chunk += 1
                result.pages += 1
            if in_chunk >= chunk_pages:
                finish()
                canvas = None
        if canvas is not None and not result.unprintable:
            finish()
        if result.unprintable:
            raise UserError(result.unprintable)
        if not last:
            raise UserError(_("nothing to print: no records were given"))
        if not spool.parts:            # one part: reportlab's own file, as is
            write(lambda out: out.write(last[0]))
        else:                          # parts joined page by page: memory stays flat
            spool.add(last.pop())
            write(spool.join_into)
    return result


def _compress_last_page(canvas) -> None:
    """Compress the page just finished now rather than when the document is saved.

    reportlab keeps every page's content as text until it saves (~45 KB a form page); kept
    compressed it is ~4 KB, so 10,000 pages fit in one document in a few dozen MB and need
    no joining. The bytes written are the same as reportlab's own (same zlib call, same
    stream dictionary), which the tests check.
    """
    from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFName, PDFStream
    page = canvas._doc.Pages.pages[-1]
    stream = page.stream
    if not stream or page.Contents or not page.compression:
        return
    data = stream.encode("utf8") if isinstance(stream, str) else stream
    page.Contents = PDFStream(PDFDictionary({"Filter": PDFArray([PDFName("FlateDecode")])}),
                              zlib.compress(data))
    page.stream = None


def page_size_pt(layout: FormLayout) -> tuple[float, float]:
    """The layout's page size (width, height) in points, from its millimetres."""
    from ..units import pt
    w, h = layout.page.size_mm
    return pt(w), pt(h)
