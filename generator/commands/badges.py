"""`fieldprint badges`: badge cards (工号牌) for the staff, front and back as separate cards."""
from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _, _l, _lp, ngettext
from .clicktext import Range, Words, command, option
from .common import data_argument, load, only_option, report_problems, select, warning_prefix

SIDES = Words({"front": _lp("--side", "front"), "back": _lp("--side", "back"),
               "both": _lp("--side", "both")})
SHEETS = Words({"a4": _lp("--sheet", "a4"), "none": _lp("--sheet", "none")})


def layout_option(default: str):
    return option("--layout", "layout", default=default, show_default=True,
                  metavar=_l("NAME|FILE"),
                  help=_l("A built-in layout by name (see `fieldprint layouts list`) or an "
                          "edited layout file."))


def card_options(func):
    """The options badges and service cards share."""
    options = [
        option("--side", type=SIDES, default="both", show_default=True,
               help=_l("Which side to print. Front and back are separate cards; with both, "
                       "each front sheet is followed by its back sheet, ready for duplex "
                       "printing (flip on long edge).")),
        option("--sheet", type=SHEETS, default="a4", show_default=True,
               help=_l("a4: as many cards as fit on A4 paper, with crop marks for cutting. "
                       "none: one card per page at the card's exact size (card printers).")),
        only_option,
        option("--png", "png_dir", type=click.Path(path_type=Path), metavar=_l("FOLDER"),
               help=_l("Also write one 300 dpi PNG per person and side into this folder, "
                       "named by employee ID (SZ10023-front.png): to send by phone.")),
        option("--jobs", type=Range(min=0), default=0, metavar=_l("N"),
               help=_l("How many processor cores prepare the photos at once (default 0: all "
                       "of them). The PDF is the same either way.")),
    ]
    for decorate in reversed(options):
        func = decorate(func)
    return func


def run_cards(data, *, layout: str, side: str, sheet: str, only, output: Path | None,
              png_dir: Path | None, jobs: int, allow_missing_photos: bool, copies: int,
              what: str, default_output: str) -> None:
    """Load, check and print; shared by badges and service cards."""
    from ..card import CardRun, execute, load_card_layout  # the card engine: only when used
    compiled = load_card_layout(layout)          # a broken layout fails before the data is read
    dataset = load(data, missing_files="ignore")  # photos are checked per person, with names
    company = dataset.require_company()
    people = select(dataset.staff, only, "staff")
    if output is None and png_dir is None:
        output = Path(default_output)
    sides = ("front", "back") if side == "both" else (side,)
    run = CardRun(compiled, company, people,
                  origins={p.id: dataset.origins.get(("staff", p.id)) for p in people},
                  sides=sides, sheet=sheet, copies=copies,
                  allow_missing_photos=allow_missing_photos, jobs=jobs, what=what)
    result = execute(run, output, png_dir, progress=_PageProgress(what))
    report_problems(result.warnings, prefix=warning_prefix())
    n_people = len(people)
    pages = len(result.pages)
    if output is not None:
        where = (ngettext("{n} A4 sheet", "{n} A4 sheets", result.sheets).format(
                     n=result.sheets) if sheet == "a4" else
                 ngettext("{n} card-size page", "{n} card-size pages", pages).format(n=pages))
        copies_text = f" × {copies}" if copies != 1 else ""
        cards = (ngettext("{n} badge", "{n} badges", n_people) if what == "badge" else
                 ngettext("{n} service card", "{n} service cards", n_people)).format(n=n_people)
        sides = {"front": _("fronts of {cards}"), "back": _("backs of {cards}"),
                 "both": _("fronts and backs of {cards}")}[side].format(cards=cards)
        click.echo(_("wrote {path}: {sides}{copies}, {where} ({layout})").format(
            path=output, sides=sides, copies=copies_text, where=where,
            layout=compiled.model.title))
        if sheet == "a4" and side == "both":
            click.echo(_("print double-sided, flip on long edge, at actual size (100 %)"))
    if png_dir is not None:
        click.echo(ngettext("wrote {n} PNG file into {folder}/", "wrote {n} PNG files into "
                            "{folder}/", len(result.pngs)).format(n=len(result.pngs),
                                                                 folder=png_dir))


class _PageProgress:
    """The shared progress line (stderr, terminals only, not with --quiet), counting pages."""

    def __init__(self, what: str):
        self.what = what
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            from ..progress import Progress
            label = _("badge pages") if self.what == "badge" else _("service card pages")
            self.bar = Progress(total, label).__enter__()
        self.bar.advance()
        if done == total:
            self.bar.__exit__(None, None, None)


@command("badges", help=_l("""Print badge cards (工号牌) for everyone on the staff list, for HR
    to hand out: photo, name, employee ID, unit (marked as authorised service partner) and
    WeChat QR code on the front; the company's official-account QR codes on the back.

    Built-in layouts: badge (75 × 100 mm, the default), badge-insert (55 × 90 mm, the card
    inside a 75 × 100 mm holder) and badge-insert-landscape (90 × 55 mm).

    \b
    Examples:
      fieldprint badges examples/staff.yaml -o badges.pdf
      fieldprint badges staff.yaml --layout badge-insert --only SZ10023 --side front
      fieldprint badges staff.yaml --sheet none --png phone-badges/"""))
@data_argument
@layout_option("badge")
@card_options
@option("-o", "--output", type=click.Path(path_type=Path), metavar=_l("FILE.pdf"),
        help=_l("The PDF to write (default: badges.pdf; not written when only --png is "
                "given)."))
@option("--allow-missing-photos", is_flag=True,
        help=_l("Print a neutral placeholder where a photo is missing or unreadable (a "
                "warning names the person) instead of stopping."))
def badges(data, layout, side, sheet, only, png_dir, jobs, output, allow_missing_photos):
    run_cards(data, layout=layout, side=side, sheet=sheet, only=only, output=output,
              png_dir=png_dir, jobs=jobs, allow_missing_photos=allow_missing_photos, copies=1,
              what="badge", default_output="badges.pdf")


def demo(examples_dir: Path, out_dir: Path) -> list[Path]:
    """Badges of the example staff: the default layout on A4 (both sides), the insert layouts
    at card size, and PNGs of the first person."""
    from ..card import CardRun, execute, load_card_layout
    from ..data.dataset import load_dataset
    from ..output import check_target
    dataset = load_dataset([examples_dir / "staff.yaml"], missing_files="ignore")
    company = dataset.require_company()
    origins = {p.id: dataset.origins.get(("staff", p.id)) for p in dataset.staff}
    written: list[Path] = []
    check_target(out_dir, directory=True)
    for name, target, sheet, png in (
            ("badge", out_dir / "badges.pdf", "a4", out_dir / "badges-png"),
            ("badge-insert", out_dir / "badges-insert.pdf", "a4", None),
            ("badge-insert-landscape", out_dir / "badges-insert-landscape.pdf", "a4", None)):
        run = CardRun(load_card_layout(name), company, dataset.staff, origins,
                      sides=("front", "back"), sheet=sheet, allow_missing_photos=True,
                      what="badge")
        result = execute(run, target, None)
        written.append(target)
        if png is not None:
            first = CardRun(run.layout, company, dataset.staff[:1], origins,
                            sides=("front", "back"), sheet="none", allow_missing_photos=True)
            written.extend(execute(first, None, png).pngs)
        del result
    return written


COMMANDS = [badges]
