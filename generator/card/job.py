"""One print run of cards, from people to a PDF, PNGs and a manifest: what `fieldprint badges`,
`fieldprint service-cards` and the web app share.

    prepare every card (all problems at once, nothing written) -> keep the changed ones
    (--changed-since) -> plan the pages -> write the PDF to a temporary file (photos decoded on
    the way) -> PNGs -> the manifest -> rename

`execute(CardRun(...), pdf, png_dir)` is the whole API: a CardRun says which layout, which
people (already chosen and sorted, see `people.py`) and how to print them.
"""
from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..errors import Location, Problem, UserError
from ..fonts import font_set
from ..i18n import _, ngettext, pgettext, words
from ..output import atomic_path, check_target, disk_full_is_user_error
from .layout import CompiledLayout
from .render import CardRenderer, PhotoOp, PreparedCard, QrOp

if TYPE_CHECKING:   # drawing, imposing and the manifest are imported by execute, not by check
    from .document import PhotoSource
    from .impose import Page

_OTHER_SIDE = {"front": "back", "back": "front"}

PNG_DPI = 300


@dataclass
class CardRun:
    """Everything one run needs. Lengths in mm; sides in print order of preference.

    sides: which sides to print; `duplex` False (the standard's badges) gives separate
    single-sided front and back sheets, True one double-sided card (service cards).
    sheet: "a4" (n-up with crop marks; `start` is the first free slot of the first sheet) or
    "none" (one card per page; `bleed` True makes the page the card plus its bleed).
    copies: cards per person; with only the back side and a back that is the same for
    everyone (the company's card), `copies` backs in all.
    offset, back_offset: (x, y) mm shift of front / back pages (printer calibration).
    skip_invalid: print the valid cards and report the others (RunResult.skipped) instead of
    stopping. changed_since: a manifest of an earlier run: only people whose card differs.
    manifest: where to write the manifest (None: beside the PDF, FILE.csv, and none for PNGs
    only; False: nowhere).
    company_origin: (path inside the company section) -> its Location, for messages.
    missing_said: files already said to be missing (`fieldprint validate`: by the data's
    loading); what shows them is left out without saying it again.
    photo_reasons: person id -> why they have no photo (`--photos`: none in the folder named
    so), said instead of the general "no photo given".
    """

    layout: CompiledLayout
    company: object
    people: list                       # Person records, in print order
    origins: dict = field(default_factory=dict)   # person id -> Location
    sides: tuple[str, ...] = ("front", "back")
    sheet: str = "a4"                  # "a4" | "none"
    copies: int = 1
    duplex: bool = False
    start: int = 1
    bleed: bool = False
    offset: tuple[float, float] = (0.0, 0.0)
    back_offset: tuple[float, float] = (0.0, 0.0)
    allow_missing_photos: bool = False
    allow_missing_qr: bool = False
    medium: str = "command"     # where refusals are said: their advice (render.REFUSED_PHOTO)
    skip_invalid: bool = False
    changed_since: Path | None = None
    manifest: Path | None | bool = None
    company_origin: Callable[[tuple], Location | None] | None = None
    jobs: int = 0                      # 0: every core
    what: str = "card"                 # "badge", "service card": for the sheet's label
    context: dict = field(default_factory=dict)   # more names for the layout (phrases)
    missing_said: frozenset[Path] = frozenset()
    photo_reasons: dict[str, str] = field(default_factory=dict)
    # the pictures (logo, artwork) this run has checked or made already: shared by the card
    # checks of one `fieldprint validate`, which read the same logo (CardRenderer.pictures)
    pictures: dict = field(default_factory=dict)


@dataclass
class RunResult:
    pdf: Path | None
    pngs: list[Path]
    pages: list[Page]
    cards: int                         # cards printed, copies included
    sheets: int                        # sheets of paper (a duplex front and back: one)
    warnings: list[Problem]
    people: int = 0                    # people printed
    skipped: list[Problem] = field(default_factory=list)   # why each refused person was refused
    skipped_people: int = 0
    unchanged: int = 0                 # people left out by changed_since
    manifest: Path | None = None
    shared_back: bool = False          # only backs, the same card for everyone


def unprinted_uyghur(layout: CompiledLayout, people) -> list[Problem]:
    """People with a Uyghur name (name_ug) on a layout that does not print it: said, with the
    built-in bilingual layout of the same kind when there is one (the trial's Uyghur name went
    missing from the default badge without a word), in the words of where it is said
    (`advice.BILINGUAL`: the command's --layout, the web's 版式)."""
    named = [p for p in people if getattr(p, "name_ug", None)]
    if not named or layout.mentions("person.name_ug"):
        return []
    from ..card_kinds import CARD_LAYOUTS
    kind = next((names for names in CARD_LAYOUTS.values() if layout.name in names), None)
    bilingual = next((name for name in kind or () if name.endswith("-bilingual")), None)
    if kind and not bilingual:       # the phrase card: the engineer's own, no Uyghur version
        return []
    from ..advice import medium
    # the web names a layout by its title, as its 版式 list does; the command line by its
    # title and the name its --layout takes (“工号牌 75×100”（badge）)
    the_layout = _("the layout “{title}”").format(title=layout.model.title) \
        if medium() == "web" else _("the layout {layout}").format(layout=layout.said)
    said = ngettext("{n} person has a Uyghur name (name_ug: {names}) that {the_layout} does "
                    "not print",
                    "{n} people have a Uyghur name (name_ug: {names}) that {the_layout} does "
                    "not print", len(named)).format(
        n=len(named), names=words([p.name for p in named][:5]),
        the_layout=the_layout)
    if bilingual:
        from ..advice import BILINGUAL
        from .layout import load_card_layout
        # the web names the layout by its title, read from the file; the command line by
        # its name (validate would read and compile the bilingual layout for nothing)
        title = load_card_layout(bilingual).model.title if medium() == "web" else bilingual
        said += _("; {advice}").format(advice=BILINGUAL.says(bilingual=bilingual, title=title))
    return [Problem(said)]


def prepare(run: CardRun, photos: PhotoSource | None = None, *, check_only: bool = False
            ) -> tuple[CardRenderer, list[PreparedCard], list[Problem], list[PreparedCard]]:
    """Evaluate every card: (renderer, valid cards, warnings, refused cards). Raises UserError
    listing every problem of every person, unless `run.skip_invalid` (then problems of the
    layout or the company still stop the run). Photos are handed to `photos` as each card is
    ready, so decoding starts while the rest are still being checked. `check_only`: nothing
    will be drawn (`check`): the fonts are read for measuring only, pictures decoded only to
    check them."""
    if not run.people:
        from ..advice import NOBODY
        raise UserError(NOBODY.says())
    sides = tuple(s for s in ("front", "back") if s in run.sides)
    missing = [s for s in sides if not run.layout.sides[s]]
    if missing:
        from ..advice import OTHER_SIDE
        raise UserError(_("the layout {layout} has no {side} side; {advice}").format(
            layout=run.layout.said, side=pgettext("--side", missing[0]),
            advice=OTHER_SIDE.says(other=pgettext("--side", _OTHER_SIDE[missing[0]]))))
    fonts = font_set(run.company, embed=not check_only)
    renderer = CardRenderer(run.layout, run.company, fonts, sides=sides, context=run.context,
                            allow_missing_photos=run.allow_missing_photos,
                            allow_missing_qr=run.allow_missing_qr, medium=run.medium,
                            company_origin=run.company_origin,
                            missing_said=run.missing_said, check_only=check_only,
                            photo_reasons=run.photo_reasons, pictures=run.pictures)
    problems = list(renderer.static_problems)
    warnings = list(renderer.static_warnings) + unprinted_uyghur(run.layout, run.people)
    if problems:
        raise UserError(problems)
    people = run.people
    if sides == ("back",) and renderer.side_is_shared("back"):
        people = people[:1]            # the company's card: the same for everyone
    cards, refused = [], []
    if photos is not None:
        from .document import QrJob
    for person in people:
        card = renderer.prepare(person, run.origins.get(person.id))
        warnings.extend(card.warnings)
        if card.problems:
            (refused if run.skip_invalid else problems).append(card)
            continue
        cards.append(card)
        if photos is not None and not problems:   # the card's photos and codes
            photos.submit(*(op.job if type(op) is PhotoOp else QrJob(op.payload, op.level)
                            for side in sides for op in card.sides.get(side, ())
                            if (type(op) is PhotoOp and op.job is not None)
                            or type(op) is QrOp))
    if problems:
        raise UserError([p for card in problems for p in card.problems])
    return renderer, cards, warnings, refused


def check(run: CardRun) -> list[Problem]:
    """Everything that would stop this run, person by person, without printing: the problems
    of the layout and company, and of every person refused (photo, QR, a text that does not
    fit, a character the font lacks)."""
    from dataclasses import replace
    try:
        _, _cards, _warnings, refused = prepare(replace(run, skip_invalid=True), check_only=True)
    except UserError as exc:
        return list(exc.problems)
    return [p for card in refused for p in card.problems]


def company_problems(layout: CompiledLayout, company, company_origin=None,
                     missing_said=frozenset(), medium: str = "command",
                     pictures: dict | None = None) -> list[Problem]:
    """What `layout` refuses of the company alone, before anyone's card: the elements every card
    shares (`CardRenderer.static_problems`), e.g. a field a layout `required` left empty (the
    service card's complaint phone and service promise, 《家客代维人员上门服务规范》), a logo that
    cannot be read, a promise too long for its box. `company_origin` places them in the
    company's file (`Dataset.company_location`); `missing_said`: the files already said to be
    missing (not said again, as `CardRun.missing_said`); `medium`: where they are said (their
    advice, `CardRun.medium`); `pictures`: those checked already (`CardRun.pictures`). Nothing
    is drawn."""
    renderer = CardRenderer(layout, company, font_set(company, embed=False),
                            sides=tuple(s for s in ("front", "back") if layout.sides[s]),
                            company_origin=company_origin, missing_said=missing_said,
                            check_only=True, medium=medium, pictures=pictures)
    return list(renderer.static_problems)


def execute(run: CardRun, pdf: Path | None, png_dir: Path | None,
            progress: Callable[[int, int], None] | None = None) -> RunResult:
    """Write the PDF (and PNGs, and the manifest); the PDF appears only when every card
    printed is right. Raises UserError (nothing written) for bad input."""
    if pdf is not None:
        check_target(pdf)
    if png_dir is not None:
        check_target(png_dir, directory=True)
    from .document import PhotoSource, default_jobs
    photos = PhotoSource(run.jobs or default_jobs(), len(run.people))
    try:
        return _execute(run, pdf, png_dir, progress, photos)
    except BaseException:
        photos.close(cancel=True)
        raise
    finally:
        photos.close()


def manifest_path(run: CardRun, pdf: Path | None, png_dir: Path | None) -> Path | None:
    """Where the manifest (the list of cards printed, CSV) of `run` goes: the path it names, beside
    `pdf` with .csv, or None (no manifest asked for, or PNGs only: not a print run)."""
    if run.manifest is False:
        return None
    if isinstance(run.manifest, Path):
        return run.manifest
    return pdf.with_suffix(".csv") if pdf is not None else None   # PNGs only: not a print run


def _execute(run, pdf, png_dir, progress, photos) -> RunResult:
    from . import manifest as manifests
    renderer, prepared, warnings, refused = prepare(run, photos)
    sides = renderer.sides
    hashes = manifests.Hasher()
    unchanged = 0
    if run.changed_since is not None:
        before = manifests.read(run.changed_since)
        kept = [card for card in prepared
                if any(before.get((card.ident, side)) != hashes.card(card, side)
                       for side in sides)]
        unchanged = len(prepared) - len(kept)
        prepared = kept
    shared_back = sides == ("back",) and renderer.side_is_shared("back")
    if shared_back:
        for card in prepared:          # the company's card: nobody's in particular
            card.ident, card.name = "", getattr(run.company, "name", "")
    result = RunResult(pdf, [], [], 0, 0, warnings, 0, [], 0, unchanged, None, shared_back)
    target_manifest = manifest_path(run, pdf, png_dir)
    # a photo that turns out broken while drawing (a truncated JPEG): with skip_invalid its
    # person is refused and the rest printed again; otherwise the run stops
    for _attempt in range(3):
        try:
            if pdf is not None:
                with atomic_path(pdf) as tmp:
                    pages, cards, pngs = _render(run, renderer, prepared, tmp, png_dir,
                                                 photos, hashes, warnings, progress)
                    if cards and target_manifest is not None:
                        manifests.write(target_manifest, pages, cards, sides, run.layout.name,
                                        hashes)
                    if not cards:
                        raise _Nothing()
            else:   # PNGs only: cut from a PDF drawn in a scratch folder among them
                with disk_full_is_user_error(png_dir), \
                        tempfile.TemporaryDirectory(dir=png_dir) as scratch:
                    pages, cards, pngs = _render(run, renderer, prepared,
                                                 Path(scratch) / "cards.pdf", png_dir, photos,
                                                 hashes, warnings, progress)
                if cards and target_manifest is not None:
                    manifests.write(target_manifest, pages, cards, sides, run.layout.name,
                                    hashes)
            break
        except _Nothing:
            pages, cards, pngs = [], [], []
            break
        except _LateProblems as late:
            if not run.skip_invalid:
                raise UserError(late.written.problems) from None
            broken = [card for card in prepared if card.who.label in late.written.failed]
            if not broken:
                raise UserError(late.written.problems) from None
            for card in broken:
                card.problems.extend(p for p in late.written.problems
                                     if p.path.startswith(card.who.label + ":"))
            refused = refused + broken
            prepared = [card for card in prepared if card not in broken]
    else:
        raise UserError(_("photos kept failing while the cards were drawn; nothing was written"))
    result.skipped = [p for card in refused for p in card.problems]
    result.skipped_people = len(refused)
    result.people = len(prepared)
    result.cards = len(cards)
    if not cards:
        result.pdf = None
        return result
    result.pages = pages
    result.pngs = pngs
    result.manifest = target_manifest
    n = max((p.sheet_number for p in pages), default=0)
    result.sheets = n if (run.duplex or run.sheet == "none") else n * len(sides)
    if run.sheet == "none":
        result.sheets = len(pages)
    return result


class _Nothing(Exception):
    """Every card was refused: no PDF (the temporary file is removed)."""


class _LateProblems(Exception):
    def __init__(self, written):
        self.written = written


def _render(run, renderer, prepared, path: Path, png_dir, photos, hashes, warnings, progress):
    """Plan and draw `prepared` (copies included) into the PDF at `path`, PNGs too:
    (pages, cards, pngs). Raises _LateProblems when a photo fails while drawing."""
    from .document import write_pdf
    from .impose import plan
    sides = renderer.sides
    cards = [card for card in prepared for _ in range(run.copies)]
    if not cards:
        return [], [], []
    pages, _grid = plan(len(cards), sides, run.layout.size, run.layout.model.bleed,
                        run.layout.model.sheet, run.sheet, duplex=run.duplex, start=run.start,
                        with_bleed=run.bleed, offset=run.offset, back_offset=run.back_offset)
    title = f"{run.layout.model.title} — {getattr(run.company, 'name', '')}".strip(" —")

    def tick(done: int) -> None:
        if progress:
            progress(done, len(pages))

    written = write_pdf(path, renderer, cards, pages, title=title, fonts=renderer.fonts,
                        photos=photos, sheet_label=run.layout.model.title, progress=tick)
    warnings.extend(written.warnings)
    hashes.know(written.digests)
    if written.problems:
        raise _LateProblems(written)
    pngs = []
    if png_dir is not None:
        pngs = export_pngs(path, pages, cards, run.layout.size, png_dir, run.copies)
    return pages, cards, pngs


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
                x, y = slot.x + page.offset[0], slot.y + page.offset[1]
                crop = (pt(x), pt(h - y - card_mm[1]), pt(w - x - card_mm[0]), pt(y))
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
