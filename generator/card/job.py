"""One print run of cards, from people to a PDF and PNGs: what `fieldprint badges` and
`fieldprint service-cards` share.

    prepare every card (all problems at once, nothing written) -> plan the pages ->
    write the PDF to a temporary file (photos decoded on the way) -> PNGs -> rename
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from ..errors import Problem, UserError
from ..fonts import font_set
from ..output import atomic_path, check_target
from .document import PhotoSource, default_jobs, write_pdf
from .impose import Page, plan
from .layout import CompiledLayout
from .render import CardRenderer, PreparedCard

PNG_DPI = 300


@dataclass
class CardRun:
    layout: CompiledLayout
    company: object
    people: list                       # Person records, in print order
    origins: dict = field(default_factory=dict)   # person id -> Location
    sides: tuple[str, ...] = ("front", "back")
    sheet: str = "a4"                  # "a4" | "none"
    copies: int = 1
    allow_missing_photos: bool = False
    jobs: int = 0                      # 0: every core
    what: str = "card"                 # "badge", "service card": for the sheet's label


@dataclass
class RunResult:
    pdf: Path | None
    pngs: list[Path]
    pages: list[Page]
    cards: int
    sheets: int
    warnings: list[Problem]


def prepare(run: CardRun, photos: PhotoSource | None = None
            ) -> tuple[CardRenderer, list[PreparedCard], list[Problem]]:
    """Evaluate every card; raises UserError listing every problem of every person. Photos
    are handed to `photos` as each card is ready, so decoding starts while the rest are
    still being checked."""
    if not run.people:
        raise UserError("no staff to print: the data has no 'staff' records"
                        " (or --only matched none)")
    sides = tuple(s for s in ("front", "back") if s in run.sides)
    missing = [s for s in sides if not run.layout.sides[s]]
    if missing:
        raise UserError(f"the layout {run.layout.path.name} has no {missing[0]} side; "
                        f"use --side {'back' if missing[0] == 'front' else 'front'}")
    fonts = font_set(run.company)
    renderer = CardRenderer(run.layout, run.company, fonts, sides=sides,
                            allow_missing_photos=run.allow_missing_photos)
    problems = list(renderer.static_problems)
    warnings = list(renderer.static_warnings)
    cards = []
    for person in run.people:
        card = renderer.prepare(person, run.origins.get(person.id))
        problems.extend(card.problems)
        warnings.extend(card.warnings)
        cards.append(card)
        if photos is not None and not problems:
            for side in sides:
                for op in card.photo_ops(side):
                    if op.job is not None:
                        photos.submit(op.job)
    if problems:
        raise UserError(problems)
    return renderer, cards, warnings


def execute(run: CardRun, pdf: Path | None, png_dir: Path | None,
            progress: Callable[[int, int], None] | None = None) -> RunResult:
    """Write the PDF (and PNGs); the PDF appears only when every card is right."""
    if pdf is not None:
        check_target(pdf)
    if png_dir is not None:
        check_target(png_dir, directory=True)
    photos = PhotoSource(run.jobs or default_jobs(), len(run.people))
    try:
        return _execute(run, pdf, png_dir, progress, photos)
    except BaseException:
        photos.close(cancel=True)
        raise
    finally:
        photos.close()


def _execute(run, pdf, png_dir, progress, photos) -> RunResult:
    renderer, prepared, warnings = prepare(run, photos)
    fonts = renderer.fonts
    sides = renderer.sides
    cards = [card for card in prepared for _ in range(run.copies)]
    pages, grid = plan(len(cards), sides, run.layout.size, run.layout.model.bleed,
                       run.layout.model.sheet, run.sheet)
    title = f"{run.layout.model.title} — {getattr(run.company, 'name', '')}".strip(" —")
    label = f"{run.layout.model.title}"
    pngs: list[Path] = []

    def tick(done: int) -> None:
        if progress:
            progress(done, len(pages))

    def render_into(path: Path):
        written = write_pdf(path, renderer, cards, pages, title=title, fonts=fonts,
                            photos=photos, sheet_label=label, progress=tick)
        warnings.extend(written.warnings)
        if written.problems:
            raise UserError(written.problems)
        if png_dir is not None:
            pngs.extend(export_pngs(path, pages, cards, run.layout.size, png_dir, run.copies))

    if pdf is not None:
        with atomic_path(pdf) as tmp:
            render_into(tmp)
    else:
        with tempfile.TemporaryDirectory(dir=png_dir) as scratch:
            render_into(Path(scratch) / "cards.pdf")
    sheets = max((p.sheet_number for p in pages), default=0)
    return RunResult(pdf, pngs, pages, len(cards), sheets, warnings)


# ------------------------------------------------------------------------------ PNG
_UNSAFE = re.compile(r"[^\w.\-]+", re.UNICODE)


def png_name(card: PreparedCard, side: str) -> str:
    """The employee ID as a file name: SZ10023-front.png."""
    ident = card.who.label.split(" ", 1)[0]
    safe = _UNSAFE.sub("_", ident).strip("._") or "card"
    return f"{safe}-{side}.png"


def export_pngs(pdf: Path, pages: list[Page], cards: list[PreparedCard],
                card_mm: tuple[float, float], out_dir: Path, copies: int = 1) -> list[Path]:
    """One 300-dpi PNG per person and side, cut from the PDF pages exactly at the card's trim:
    the PNG is what prints."""
    import pypdfium2 as pdfium

    from ..units import pt, px
    written: list[Path] = []
    done: set[tuple[int, str]] = set()
    document = pdfium.PdfDocument(str(pdf))
    try:
        for index, page in enumerate(pages):
            pdf_page = None
            for slot in page.slots:
                person = slot.card // copies
                if (person, slot.side) in done:
                    continue
                done.add((person, slot.side))
                if pdf_page is None:
                    pdf_page = document[index]
                w, h = page.size
                crop = (pt(slot.x), pt(h - slot.y - card_mm[1]),
                        pt(w - slot.x - card_mm[0]), pt(slot.y))
                # whole pixels: 75 mm at 300 dpi is 885.8 px, a PNG of 886 (pdfium rounds down)
                size_px = (px(card_mm[0], PNG_DPI), px(card_mm[1], PNG_DPI))
                scale = max(size_px[0] / pt(card_mm[0]), size_px[1] / pt(card_mm[1])) * (1 + 1e-6)
                bitmap = pdf_page.render(scale=scale, crop=crop)
                image = bitmap.to_pil()
                if image.size != size_px:
                    image = image.crop((0, 0, *size_px))
                target = out_dir / png_name(cards[slot.card], slot.side)
                with atomic_path(target) as tmp:
                    image.save(tmp, "PNG", dpi=(PNG_DPI, PNG_DPI), optimize=False)
                written.append(target)
            if pdf_page is not None:
                pdf_page.close()
    finally:
        document.close()
    return written
