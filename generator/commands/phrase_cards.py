"""`fieldprint phrase-cards`: the service-phrase pocket card (服务用语口袋卡), one per engineer,
printed by the card engine from the data's `phrases` section."""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import Problem, UserError
from ..i18n import _, _l, ngettext
from .badges import SHEETS, SIDES, layout_option, load_for_cards, stop_with
from .clicktext import Range, command, option
from .common import (data_argument, only_option, report_problems, select, unknown_ids,
                     warning_prefix)


def _no_phrases(dataset) -> Problem:
    first = dataset.files[0] if dataset.files else Path("data.yaml")
    return Problem(_(
        "no phrases given: add a 'phrases:' section (what to say at each moment of a "
        "visit and what never to say) to the data files; fieldprint template phrases.yaml "
        "writes example phrases to put in your own words"),
        None, str(first))


def _run(dataset, *, layout, people, sides, sheet: str, copies: int = 1, jobs: int = 0,
         duplex: bool = True):
    """The CardRun of the phrase cards of `people`; `layout` a name or a compiled layout."""
    from ..card import CardRun, load_card_layout
    from ..phrases import card_context
    compiled = load_card_layout(layout) if isinstance(layout, (str, Path)) else layout
    company = dataset.require_company()
    if dataset.phrases is None:
        raise UserError(_no_phrases(dataset))
    return CardRun(compiled, company, people,
                   origins={p.id: dataset.origins.get(("staff", p.id)) for p in people},
                   sides=sides, sheet=sheet, copies=copies, jobs=jobs, what="phrase card",
                   duplex=duplex and len(sides) == 2, manifest=False,
                   context=card_context(dataset.phrases, company))


@command("phrase-cards", help=_l("""Print the service-phrase pocket card (服务用语口袋卡,
    98 × 140 mm, about A6) for each engineer to carry: what to say at each moment of a visit,
    from the booking call to goodbye with the hotline (front), and the phrases never to say
    with the service deadlines (back). The words are the data's 'phrases' section.

    \b
    Examples:
      fieldprint phrase-cards phrases.yaml staff.xlsx -o phrase-cards.pdf
      fieldprint phrase-cards phrases.yaml staff.yaml --only SZ10023 --sheet none"""))
@data_argument
@layout_option("phrase-card")
@option("--side", type=SIDES, default="both", show_default=True,
        help=_l("Which side to print; both: each front sheet followed by its back sheet, "
                "for duplex printing (flip on long edge)."))
@option("--sheet", type=SHEETS, default="a4", show_default=True,
        help=_l("a4: four cards to an A4 sheet, with crop marks. none: one card per page at "
                "the card's exact size."))
@only_option
@option("--png", "png_dir", type=click.Path(path_type=Path), metavar=_l("FOLDER"),
        help=_l("Also write one 300 dpi PNG per person and side into this folder."))
@option("--copies", type=Range(min=1, max=100), default=1, show_default=True,
        metavar=_l("N"), help=_l("Cards per person."))
@option("-o", "--output", type=click.Path(path_type=Path), metavar=_l("FILE.pdf"),
        help=_l("The PDF to write (default: phrase-cards.pdf; not written when only --png "
                "is given)."))
def phrase_cards(data, layout, side, sheet, only, png_dir, copies, output):
    from ..card import execute
    from ..card_kinds import CARD_LAYOUTS
    compiled, dataset, problems = load_for_cards(data, layout, CARD_LAYOUTS["phrase-cards"],
                                                 missing_files="ignore")
    people = select(dataset.staff, only, "staff", strict=not problems)
    if problems:   # an --only of no one, said with them
        problems += unknown_ids(only, dataset, "staff")
    sides = ("front", "back") if side == "both" else (side,)
    if problems:   # what the cards of the people who loaded would refuse is said too
        if dataset.phrases is None and not any(p.path.startswith("phrases")
                                               for p in problems):
            problems.append(_no_phrases(dataset))
        run = None
        if compiled is not None and dataset.company is not None and dataset.phrases:
            run = _run(dataset, layout=compiled, people=people, sides=sides, sheet=sheet)
        stop_with(problems, run, unread=dataset.unread_company)
    run = _run(dataset, layout=compiled, people=people, sides=sides, sheet=sheet,
               copies=copies)
    if output is None and png_dir is None:
        output = Path("phrase-cards.pdf")
    result = execute(run, output, png_dir)
    report_problems(result.warnings, prefix=warning_prefix())
    if output is not None:
        click.echo(_("wrote {path}: {cards}, {pages}").format(
            path=output, cards=ngettext("{n} phrase card", "{n} phrase cards",
                                        len(people)).format(n=len(people)),
            pages=ngettext("{n} page", "{n} pages", len(result.pages)).format(
                n=len(result.pages))))
        if sheet == "a4" and side == "both":
            click.echo(_("print double-sided, flip on long edge, at actual size (100 %)"))
    if png_dir is not None:
        click.echo(ngettext("wrote {n} PNG file into {folder}/", "wrote {n} PNG files into "
                            "{folder}/", len(result.pngs)).format(n=len(result.pngs),
                                                                 folder=png_dir))


def demo(examples_dir: Path, out_dir: Path) -> list[Path]:
    """Phrase cards of the first four example engineers on A4, and PNGs of the first one."""
    from ..card import execute
    from ..data.dataset import load_dataset
    from ..output import check_target
    files = [examples_dir / "phrases.yaml", examples_dir / "staff.yaml"]
    if not all(f.is_file() for f in files):
        return []
    dataset = load_dataset(files, missing_files="ignore")
    check_target(out_dir, directory=True)
    target = out_dir / "phrase-cards.pdf"
    execute(_run(dataset, layout="phrase-card", people=dataset.staff[:4],
                 sides=("front", "back"), sheet="a4"), target, None)
    pngs = execute(_run(dataset, layout="phrase-card", people=dataset.staff[:1],
                        sides=("front", "back"), sheet="none"),
                   None, out_dir / "phrase-cards-png").pngs
    return [target, *pngs]


COMMANDS = [phrase_cards]
