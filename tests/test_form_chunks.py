"""Writing a big batch in chunks gives the same pages as writing it at once (issue 19).

Not timed. The work orders of the examples go through the real command twice: once as one
document (what every batch up to CHUNK_PAGES is), once cut into chunks of 3 pages that are
then joined; every page must read and look the same.
"""
from __future__ import annotations

import io

import pypdf
import pypdfium2 as pdfium
from PIL import Image, ImageChops

import generator.form as engine

from conftest import EXAMPLES


def _pages(pdf: bytes) -> list[tuple[str, Image.Image]]:
    texts = [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]
    document = pdfium.PdfDocument(pdf)
    pixels = [document[i].render(scale=60 / 72).to_pil().convert("RGB")
              for i in range(len(document))]
    return list(zip(texts, pixels))


def _same_picture(a: Image.Image, b: Image.Image) -> bool:
    """Equal but for rounding: the same glyphs come from another subset of the same font in
    each part, and the rasteriser may round a few edge pixels one level differently."""
    if a.size != b.size:
        return False
    worst = max(high for _low, high in ImageChops.difference(a, b).getextrema())
    return worst <= 2


def test_chunked_writing_gives_the_pages_of_writing_at_once(cli, tmp_path, monkeypatch):
    args = ("work-orders", EXAMPLES / "work_orders.yaml", EXAMPLES / "staff.yaml")
    whole = tmp_path / "whole.pdf"
    assert cli(*args, "-o", whole).code == 0
    real = engine.render_pdf
    chunks = []

    def in_chunks(*a, **k):
        k["chunk_pages"] = 3
        result = real(*a, **k)
        chunks.append(result.pages)
        return result

    monkeypatch.setattr(engine, "render_pdf", in_chunks)
    chunked = tmp_path / "chunked.pdf"
    assert cli(*args, "-o", chunked).code == 0
    assert chunks and chunks[0] > 6          # really several chunks
    one, many = _pages(whole.read_bytes()), _pages(chunked.read_bytes())
    assert len(one) == len(many) == chunks[0]
    for i, (a, b) in enumerate(zip(one, many)):
        # (pypdf may end a page's text with a newline or not as its resources are numbered)
        assert a[0].strip() == b[0].strip(), f"page {i + 1}: text differs"
        assert _same_picture(a[1], b[1]), f"page {i + 1}: pixels differ"
    reader = pypdf.PdfReader(chunked)
    assert reader.metadata.title == pypdf.PdfReader(whole).metadata.title
    # each part's font subsets keep distinct names in the joined file (a printer may cache
    # fonts by name)
    fonts = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            fonts[ref.idnum] = font["/BaseFont"]
    assert len(fonts) > 2 and len(set(fonts.values())) == len(fonts)



def test_a_long_document_laid_out_streamed_gives_the_same_pages(monkeypatch):
    """A team of the equipment register with thousands of items is laid out a page at a
    time (its pages counted first); the pages, their ops and the PDF are those of laying it
    out at once."""
    from test_equipment_pdf import make_report

    import generator.form.layout as layout_module
    from generator.equipment import pdf as eqpdf
    from generator.fonts import font_set
    from generator.form import Record, layout_record, load_form
    report = make_report(n_people=60)
    layout, fonts = load_form(eqpdf.FORM), font_set()
    contexts = list(eqpdf.form_contexts(report))
    streamed_any = False
    for ctx in contexts:
        whole = layout_record(layout, Record(ctx), fonts)
        monkeypatch.setattr(layout_module, "STREAM_PIECES", 0)
        streamed = layout_record(layout, Record(ctx), fonts)
        monkeypatch.setattr(layout_module, "STREAM_PIECES", 10 ** 9)
        assert isinstance(whole.pages, list) and not isinstance(streamed.pages, list)
        pages = list(streamed.pages)
        assert streamed.page_count == whole.page_count == len(pages) == len(whole.pages)
        assert pages == whole.pages
        streamed_any = streamed_any or len(pages) > 1
    assert streamed_any                       # a document of several pages was compared
    monkeypatch.setattr(layout_module, "STREAM_PIECES", 10 ** 9)
    at_once = eqpdf.to_pdf(report)
    monkeypatch.setattr(layout_module, "STREAM_PIECES", 0)
    assert eqpdf.to_pdf(report) == at_once    # byte for byte
