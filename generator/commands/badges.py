"""`fieldprint badges`: badge cards (工号牌) for the staff, front and back as separate cards."""
from __future__ import annotations

from pathlib import Path

import click

from .common import data_argument, load, only_option, report_problems, select

SIDE_WORDS = {"front": "fronts", "back": "backs", "both": "fronts and backs"}


def layout_option(default: str):
    return click.option("--layout", "layout", default=default, show_default=True,
                        metavar="NAME|FILE",
                        help="A built-in layout by name (see `fieldprint layouts list`) or an "
                             "edited layout file.")


def card_options(func):
    """The options badges and service cards share."""
    options = [
        click.option("--side", type=click.Choice(["front", "back", "both"]), default="both",
                     show_default=True,
                     help="Which side to print. Front and back are separate cards; with both, "
                          "each front sheet is followed by its back sheet, ready for duplex "
                          "printing (flip on long edge)."),
        click.option("--sheet", type=click.Choice(["a4", "none"]), default="a4",
                     show_default=True,
                     help="a4: as many cards as fit on A4 paper, with crop marks for cutting. "
                          "none: one card per page at the card's exact size (card printers)."),
        only_option,
        click.option("--png", "png_dir", type=click.Path(path_type=Path), metavar="DIR",
                     help="Also write one 300 dpi PNG per person and side into DIR, named by "
                          "employee ID (SZ10023-front.png): to send by phone."),
        click.option("--jobs", type=click.IntRange(min=0), default=0, metavar="N",
                     help="Photos decoded by N processes at once (default: every core). The "
                          "PDF is the same whatever N is."),
    ]
    for option in reversed(options):
        func = option(func)
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
    report_problems(result.warnings, prefix="warning: ")
    n_people = len(people)
    pages = len(result.pages)
    if output is not None:
        where = (f"{result.sheets} A4 sheet{'s' if result.sheets != 1 else ''}"
                 if sheet == "a4" else f"{pages} card-size page{'s' if pages != 1 else ''}")
        copies_text = f" × {copies}" if copies != 1 else ""
        click.echo(f"wrote {output}: {SIDE_WORDS[side]} of {n_people} "
                   f"{what}{'s' if n_people != 1 else ''}{copies_text}, {where} "
                   f"({compiled.model.title})")
        if sheet == "a4" and side == "both":
            click.echo("print double-sided, flip on long edge, at actual size (100 %)")
    if png_dir is not None:
        click.echo(f"wrote {len(result.pngs)} PNG files into {png_dir}/")


class _PageProgress:
    """The shared progress line (stderr, terminals only, not with --quiet), counting pages."""

    def __init__(self, what: str):
        self.what = what
        self.bar = None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            from ..progress import Progress
            self.bar = Progress(total, f"{self.what} pages").__enter__()
        self.bar.advance()
        if done == total:
            self.bar.__exit__(None, None, None)


@click.command("badges")
@data_argument
@layout_option("badge")
@card_options
@click.option("-o", "--output", type=click.Path(path_type=Path), metavar="FILE.pdf",
              help="The PDF to write (default: badges.pdf; not written when only --png is "
                   "given).")
@click.option("--allow-missing-photos", is_flag=True,
              help="Print a neutral placeholder where a photo is missing or unreadable (a "
                   "warning names the person) instead of stopping.")
def badges(data, layout, side, sheet, only, png_dir, jobs, output, allow_missing_photos):
    """Badge cards (工号牌) for everyone on the staff list: photo, name, employee ID, unit
    (marked as authorised service partner) and WeChat QR code on the front; the company's
    official-account QR codes on the back.

    Built-in layouts: badge (75 × 100 mm, the default), badge-insert (55 × 90 mm, the card
    inside a 75 × 100 holder) and badge-insert-landscape (90 × 55 mm).

    \b
    Examples:
      fieldprint badges examples/staff.yaml -o badges.pdf
      fieldprint badges staff.yaml --layout badge-insert --only SZ10023 --side front
      fieldprint badges staff.yaml --sheet none --png phone-badges/
    """
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
