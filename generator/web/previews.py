"""Previews: one card side, or one page of a form, as a PNG cut from the PDF that would print.

The renderers and layouts stay loaded for the life of the server (`Previews` belongs to one
app); PNGs are kept in a small LRU keyed by everything that changes them.
"""
from __future__ import annotations

import io
import os
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

PREVIEW_DPI = 130
FORM_DPI = 80           # a form page in the list of orders
FORM_LARGE_DPI = 150    # the same page enlarged, to read (an A4 page 1240 pixels wide)
_MEMORY = Path("/dev/shm")   # Linux: the one-card PDF never touches the disk
# PDFium (pypdfium2) is not thread-safe, nor are a shared CardRenderer and the caches below;
# the server answers requests on several threads, so previews are drawn one at a time.
# Concurrent previews crashed the process (a segmentation fault inside PDFium).
_DRAWING = threading.Lock()


class Previews:
    def __init__(self, scratch: Path, size: int = 256):
        self.scratch = Path(scratch)
        self.scratch.mkdir(parents=True, exist_ok=True)
        self._png: OrderedDict = OrderedDict()
        self._renderers: dict = {}
        self._kept: dict = {}
        self.size = size

    def _cached(self, key, make):
        if key in self._png:
            self._png.move_to_end(key)
            return self._png[key]
        value = make()
        self._png[key] = value
        while len(self._png) > self.size:
            self._png.popitem(last=False)
        return value

    def keep(self, key, make):
        """`make()`, remembered under `key` while nothing else is (one value at a time per
        key's first part: the staff of the current files). UserError is not remembered."""
        entry = self._kept.get(key[0])
        if entry is not None and entry[0] == key:
            return entry[1]
        value = make()
        self._kept[key[0]] = (key, value)
        return value

    def renderer(self, layout, company, company_key, context: dict | None = None,
                 context_key: str = ""):
        """A CardRenderer for both sides of `layout` with the layout's further names `context`
        (the phrases), kept while the company file and `context_key` are unchanged."""
        from ..card.render import CardRenderer
        from ..fonts import font_set
        from ..i18n import language   # its shared problems are said in the language of the page
        key = (str(layout.path), getattr(layout, "mtime", None), company_key, context_key,
               language())
        with _DRAWING:
            renderer = self._renderers.get(key)
            if renderer is None:
                sides = tuple(s for s in ("front", "back") if layout.sides[s])
                renderer = CardRenderer(layout, company, font_set(company), sides=sides,
                                        context=context or {}, allow_missing_photos=True,
                                        medium="web")
                self._renderers = {key: renderer} | {k: v for k, v in self._renderers.items()
                                                     if len(self._renderers) < 8}
            return renderer

    def card(self, renderer, person, where, side: str, key) -> tuple[bytes, list, list]:
        """(PNG, problems, warnings) of one side of one person's card."""
        def make():
            return card_png(renderer, person, where, side, self.scratch)
        with _DRAWING:
            return self._cached(("card", side) + tuple(key), make)

    def form_page(self, layout, record, fonts, page: int, key, dpi: int = FORM_DPI
                  ) -> tuple[bytes, int]:
        """(PNG, number of pages) of page `page` of one record's form at `dpi`."""
        def make():
            return form_png(layout, record, fonts, page, dpi)
        with _DRAWING:
            return self._cached(("form", page, dpi) + tuple(key), make)


def card_png(renderer, person, where, side: str, scratch: Path, dpi: int = PREVIEW_DPI
             ) -> tuple[bytes, list, list]:
    """One side of one card drawn exactly as the PDF draws it, at `dpi`."""
    from ..card.document import write_pdf
    from ..card.impose import plan
    layout = renderer.layout
    card = renderer.prepare(person, where)
    pages, _grid = plan(1, (side,), layout.size, layout.model.bleed, layout.model.sheet, "none")
    fd, name = tempfile.mkstemp(suffix=".pdf", dir=_MEMORY if _MEMORY.is_dir() else scratch)
    os.close(fd)
    try:
        written = write_pdf(Path(name), renderer, [card], pages, title=layout.model.title,
                            fonts=renderer.fonts)
        png = _rasterize(Path(name), 0, dpi)
    finally:
        os.unlink(name)
    return png, list(card.problems) + list(written.problems), list(card.warnings) + list(
        written.warnings)


def form_png(layout, record, fonts, page: int, dpi: int = FORM_DPI) -> tuple[bytes, int]:
    """(PNG of page `page` (0-based), number of pages) of one record's form."""
    from ..form import render_pdf
    buffer = io.BytesIO()
    render_pdf(layout, [record], buffer, fonts, strict=False)
    import pypdfium2 as pdfium
    document = pdfium.PdfDocument(buffer.getvalue())
    try:
        count = len(document)
        page = max(0, min(page, count - 1))
        return _render(document[page], dpi), count
    finally:
        document.close()


def _rasterize(pdf: Path, index: int, dpi: int) -> bytes:
    import pypdfium2 as pdfium
    document = pdfium.PdfDocument(str(pdf))
    try:
        return _render(document[index], dpi)
    finally:
        document.close()


def _render(page, dpi: int) -> bytes:
    bitmap = page.render(scale=dpi / 72)
    out = io.BytesIO()
    bitmap.to_pil().save(out, "PNG", compress_level=1)  # 3x faster than the default, ~1.3x larger
    page.close()
    return out.getvalue()
