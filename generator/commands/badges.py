"""`fieldprint badges`: badge cards (工号牌) for the staff, front and back as separate cards."""
from __future__ import annotations

from pathlib import Path

import click

from ..card_kinds import MAX_COPIES
from ..errors import Problem, UserError, in_reading_order
from ..i18n import _, _l, _lp, ngettext
from .clicktext import Range, Words, command, option
from .common import (data_argument, load, only_option, report_problems, select, staff_file,
                     unchecked, unknown_ids, warning_prefix, with_fixes, without_unread)

SIDES = Words({"front": _lp("--side", "front"), "back": _lp("--side", "back"),
               "both": _lp("--side", "both")})
SHEETS = Words({"a4": _lp("--sheet", "a4"), "none": _lp("--sheet", "none")})
SORTS = Words({"team": _lp("--sort", "team"), "id": _lp("--sort", "id"),
               "name": _lp("--sort", "name")})
PARTIAL = 3     # exit code: --skip-invalid printed the valid cards and listed the rest


def layout_option(default: str):
    """The --layout option of the card commands, `default` the built-in layout's name."""
    return option("--layout", "layout", default=default, show_default=True,
                  metavar=_l("NAME|FILE"),
                  help=_l("A built-in layout by name (see `fieldprint layouts list`) or an "
                          "edited layout file."))


def offset_value(ctx, param, value):
    """--offset X,Y: two numbers in mm, or a usage error saying what to write."""
    if value is None:
        return None
    from ..data.models import parse_offset
    try:
        return parse_offset(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx, param) from None


def card_options(*, duplex: bool, copies: int):
    """The options badges and service cards share; `duplex` and `copies` are the defaults
    (badges: separate single-sided cards, 1 each; service cards: double-sided, 10 each)."""
    def decorate(func):
        options = [
            option("--side", type=SIDES, default="both", show_default=True,
                   help=_l("Which side to print. Front and back are separate cards, each "
                           "printed single-sided (see --duplex).")),
            option("--duplex/--no-duplex", default=duplex, show_default=True,
                   help=_l("One double-sided card: each front sheet followed by its back "
                           "sheet, backs mirrored for duplex printing (flip on long edge). "
                           "Without it: all front sheets, then all back sheets, each "
                           "single-sided, cut separately.")),
            option("--sheet", type=SHEETS, default="a4", show_default=True,
                   help=_l("a4: as many cards as fit on A4 paper, with crop marks for cutting. "
                           "none: one card per page at the card's exact size (card printers).")),
            option("--bleed", is_flag=True,
                   help=_l("With --sheet none: pages of the card plus its bleed (TrimBox "
                           "and BleedBox set), for card printers and print shops.")),
            option("--start", type=Range(min=1), default=1, metavar=_l("N"),
                   help=_l("Start at slot N of the first sheet (fronts and backs alike), "
                           "to use up a partly used sheet.")),
            option("--copies", type=Range(min=1, max=MAX_COPIES), default=copies,
                   show_default=True, metavar=_l("N"),
                   help=_l("Cards per person. With --side back and a back that is the "
                           "same for everyone, N backs in all.")),
            only_option,
            option("--team", metavar=_l("TEAM"), help=_l("Only the people of this team.")),
            option("--sort", type=SORTS,
                   help=_l("Print order (default: the order of the data); names go in "
                           "pinyin order.")),
            option("--photos", "photo_dir", type=click.Path(path_type=Path),
                   metavar=_l("FOLDER"),
                   help=_l("A folder of photos named by employee ID or name (SZ10023.jpg, "
                           "王建国.jpg), for people whose record has no photo or names one "
                           "that is not there (said as a warning).")),
            option("--png", "png_dir", type=click.Path(path_type=Path), metavar=_l("FOLDER"),
                   help=_l("Also write one 300 dpi PNG per person and side into this folder, "
                           "named by employee ID (SZ10023-front.png): to send by phone.")),
            option("--offset", callback=offset_value, metavar="X,Y",
                   help=_l("Shift the fronts by X,Y mm (right, down), as measured with "
                           "`fieldprint calibrate` (default: company.printer.offset).")),
            option("--back-offset", callback=offset_value, metavar="X,Y",
                   help=_l("Shift the backs by X,Y mm (default: "
                           "company.printer.back_offset).")),
            option("--manifest", type=click.Path(path_type=Path), metavar=_l("FILE.csv"),
                   help=_l("Where to write the list of cards printed (default: beside the "
                           "PDF, with .csv).")),
            option("--changed-since", type=click.Path(path_type=Path, exists=True,
                                                      dir_okay=False),
                   metavar=_l("MANIFEST"),
                   help=_l("Print only the people whose card differs from that earlier "
                           "run's manifest (a new photo, a new title): for re-issue.")),
            option("--skip-invalid", is_flag=True,
                   help=_l("Print every valid card, list the people refused and why, and "
                           "exit 3.")),
            option("--jobs", type=Range(min=0), default=0, metavar=_l("N"),
                   help=_l("How many processor cores prepare the photos at once (default 0: all "
                           "of them). The PDF is the same either way.")),
        ]
        for decorator in reversed(options):
            func = decorator(func)
        return func
    return decorate


# --allow-missing-photos: badges, and service cards (a layout of the company's own may show
# a photo; the built-in service card shows none, so it changes nothing there)
allow_missing_photos_option = option(
    "--allow-missing-photos", is_flag=True,
    help=_l("Print a neutral placeholder where a photo is missing or unreadable (a warning "
            "names the person) instead of stopping."))


def check_output(output: Path | None) -> None:
    """Cards are written as PDF (or PNG files with --png DIR): refuse any other suffix."""
    if output is not None and output.suffix.lower() != ".pdf":
        raise UserError(Problem(_("-o {path}: cards are written as PDF (-o {stem}.pdf), or as "
                                  "PNG files with --png DIR").format(path=output,
                                                                     stem=output.stem or "cards")))


def load_for_cards(data, layout: str, offered=None, **options):
    """The card layout and the data, every problem of both kept, not raised: (the compiled
    layout or None, the Dataset as far as it loaded, the problems: the layout's, then the
    data's). `options` go to `load`. Raises UserError only when there is no data to speak of
    (no file named). A company section with problems is there as far as it reads
    (`Dataset.readable`): the cards are checked with it in the same round. See `stop_with`.
    `offered`: the built-in layouts of the command (card_kinds.CARD_LAYOUTS), those a name
    that is none is said with."""
    from ..card import load_card_layout
    from ..data.dataset import DataProblems
    problems: list[Problem] = []
    try:
        compiled = load_card_layout(layout, offered)
    except UserError as exc:   # said with the data's problems
        compiled, problems = None, list(exc.problems)
    try:
        dataset = load(data, **options)
    except DataProblems as exc:
        dataset = exc.partial.readable()
        problems += exc.problems
    except UserError as exc:
        raise UserError(problems + exc.problems) from None
    if problems and not dataset.company_given:   # "no company given" is one of them
        try:
            dataset.require_company()
        except UserError as missing:
            problems += missing.problems
    return compiled, dataset, problems


def keep_going(problems: list[Problem], make, default):
    """`make()`; when the input already has `problems`, a UserError it raises (--team, --photos
    naming what is not there) is added to them, to be said in the same round, and `default`
    is returned instead."""
    try:
        return make()
    except UserError as exc:
        if not problems:
            raise
        problems += exc.problems
        return default


def stop_with(problems: list[Problem], run=None, unloaded=(), unread=frozenset()) -> None:
    """Raise UserError with `problems` (of the layout and data, from `load_for_cards`) and, in
    the same round, what the card engine would refuse of the people who loaded (`run`, a
    CardRun, or None when there is no layout or company to check them with): a name too long
    for its box is said with a bad date in another row, not after it is fixed. Nothing when
    there are no problems. `unloaded`: the people whose rows have problems of their own, as
    far as they read (`Dataset.unloaded_staff` as `also_checked` gives it): checked too, so
    that a row's missing photo is said with its bad star rating. `unread`: the company's
    fields that did not read (`Dataset.unread_company`): what the cards say of them is not
    said (their problem is)."""
    if not problems:
        return
    people, origins, reasons = unloaded or ([], {}, {})
    if run is not None and run.layout is not None and run.company is not None and (
            run.people or people):
        from dataclasses import replace

        from ..card import check
        from ..errors import MissingFile
        # a person's photo or QR picture that is not there is said by the check of their
        # card, by name and with its fix, as when it is the only problem (and not at all when
        # the card does not show it); those of people not printed, with the fix, as found
        later = [p for p in problems if staff_file(p)]
        others = [p for p in problems if not staff_file(p)]
        said = frozenset(Path(p.file) for p in others if isinstance(p, MissingFile))
        checked = list(run.people) + people
        found = others + without_unread(check(replace(
            run, people=checked, origins={**run.origins, **origins},
            photo_reasons={**run.photo_reasons, **reasons},
            missing_said=run.missing_said | said)), unread) + with_fixes(unchecked(
                later, checked))
        problems = found or problems
    raise UserError(in_reading_order(problems))


def also_checked(dataset, only, team: str | None, photo_dir: Path | None
                 ) -> tuple[list, dict, dict]:
    """The people of the rows with problems of their own that the run would print (by `only`
    and `team`), as far as their rows read: (people, their places, why one has no photo from
    `photo_dir`), for `stop_with` to check in the same round."""
    wanted = set(only or ())
    pairs = [(p, where) for p, where in dataset.unloaded_staff
             if (not wanted or p.id in wanted) and (not team or (p.team or "") == team)]
    people = [p for p, _where in pairs]
    reasons = {}
    if photo_dir is not None and people:
        from ..card.people import match_photos
        matched = match_photos(people, photo_dir, everyone=dataset.staff + people)
        people = matched.people
        reasons = {person_id: reason.says("folder")
                   for person_id, reason in matched.reasons.items()}
    return people, {p.id: where for p, where in pairs}, reasons


def run_cards(data, *, layout: str, side: str, sheet: str, only, output: Path | None,
              png_dir: Path | None, jobs: int, allow_missing_photos: bool, copies: int,
              what: str, default_output: str, duplex: bool = False, bleed: bool = False,
              start: int = 1, team: str | None = None, sort: str | None = None,
              photo_dir: Path | None = None, offset=None, back_offset=None,
              manifest: Path | None = None, changed_since: Path | None = None,
              skip_invalid: bool = False, allow_missing_qr: bool = False,
              copies_by_default: bool = False) -> int:
    """Load, check and print; shared by badges and service cards. Returns the exit code.
    `copies_by_default`: --copies was not given: the number is said before printing (a first
    try of service cards prints 10 of each person's card)."""
    from ..card import CardRun, execute  # the card engine: only when used
    from ..card.people import by_team, match_photos, sorted_people
    check_output(output)
    if bleed and sheet != "none":
        raise UserError(Problem(_("--bleed is for card pages: add --sheet none (A4 sheets "
                                  "always keep the bleed between the cards)")))
    if start != 1 and sheet == "none":
        raise UserError(Problem(_("--start is for A4 sheets; with --sheet none every card has "
                                  "its own page")))
    # photos are checked per person, by name; a missing one is said with the data's other
    # problems when there are some (unless a placeholder is allowed, or --photos names them)
    said = "apart" if not allow_missing_photos and photo_dir is None else "ignore"
    from ..card_kinds import CARD_LAYOUTS
    compiled, dataset, problems = load_for_cards(
        data, layout, CARD_LAYOUTS["service-cards" if what == "service card" else "badges"],
        missing_files=said,
        keep_valid_staff=skip_invalid)  # a wrong row refuses its person only
    company = dataset.company if problems else dataset.require_company()
    people = keep_going(problems, lambda: sorted_people(by_team(
        select(dataset.staff, only, "staff", strict=not problems), team), sort), [])
    if problems:   # an --only of no one, said with them
        problems += unknown_ids(only, dataset, "staff")
    origins = {p.id: dataset.origins.get(("staff", p.id)) for p in people}
    matched = None
    if photo_dir is not None:
        matched = keep_going(problems, lambda: match_photos(
            people, photo_dir, everyone=dataset.staff, also_named=dataset.left_out_names), None)
    if matched is not None:
        people = matched.people
        report_problems(matched.warnings(), prefix=warning_prefix())
        click.echo(_("matched {n} photos in {folder}").format(n=matched.matched,
                                                              folder=photo_dir), err=True)
    if output is None and png_dir is None:
        output = Path(default_output)
    printer = company.printer if company is not None else None
    sides = ("front", "back") if side == "both" else (side,)
    run = CardRun(compiled, company, people, origins=origins, sides=sides, sheet=sheet,
                  copies=copies, duplex=duplex, start=start, bleed=bleed,
                  offset=offset or (printer.offset if printer else (0.0, 0.0)),
                  back_offset=back_offset or (printer.back_offset if printer else (0.0, 0.0)),
                  allow_missing_photos=allow_missing_photos, allow_missing_qr=allow_missing_qr,
                  skip_invalid=skip_invalid, changed_since=changed_since, manifest=manifest,
                  company_origin=dataset.company_location, jobs=jobs, what=what,
                  photo_reasons={person_id: reason.says("folder") for person_id, reason
                                 in matched.reasons.items()} if matched is not None else {})
    if problems:
        stop_with(problems, run, also_checked(dataset, only, team, photo_dir),
                  dataset.unread_company)
    if copies_by_default and copies != 1:
        click.echo(_("{copies} cards for each of {n} people (the default; --copies N for "
                     "another number)").format(copies=copies, n=len(people)), err=True)
    result = execute(run, output, png_dir, progress=_PageProgress(what))
    report_problems(result.warnings, prefix=warning_prefix())
    report_problems(in_reading_order(dataset.refused_staff + result.skipped),
                    prefix=_("refused: "))
    refused = result.skipped_people + len({p.path.split(".")[0] for p in dataset.refused_staff})
    if changed_since is not None:
        click.echo(_("{n} unchanged since {manifest}, left out").format(
            n=result.unchanged, manifest=changed_since))
    if not result.pages:
        click.echo(_("no card to print; nothing was written."))
        return PARTIAL if refused else 0
    _summary(result, compiled, what, side, sheet, duplex, copies, output, png_dir)
    if refused:
        click.echo(_("printed {printed} people; refused {refused} (listed above with the "
                     "reason)").format(printed=result.people, refused=refused), err=True)
        return PARTIAL
    return 0


def _summary(result, compiled, what, side, sheet, duplex, copies, output, png_dir) -> None:
    """What was written and how to print it."""
    n_people = result.people
    pages = len(result.pages)
    if output is not None:
        if sheet == "none":
            where = ngettext("{n} card-size page", "{n} card-size pages", pages).format(n=pages)
        elif duplex or side != "both":
            where = ngettext("{n} A4 sheet", "{n} A4 sheets", result.sheets).format(
                n=result.sheets)
        else:
            half = result.sheets // 2
            where = _("{n} A4 sheets: {half} of fronts, then {half} of backs").format(
                n=result.sheets, half=half)
        if result.shared_back:
            cards = _("the company's back card")
        else:
            cards = (ngettext("{n} badge", "{n} badges", n_people) if what == "badge" else
                     ngettext("{n} service card", "{n} service cards", n_people)).format(
                n=n_people)
        copies_text = f" × {copies}" if copies != 1 else ""
        if result.shared_back:
            sides = cards
        else:
            sides = {"front": _("fronts of {cards}"), "back": _("backs of {cards}"),
                     "both": _("fronts and backs of {cards}")}[side].format(cards=cards)
        click.echo(_("wrote {path}: {sides}{copies}, {where} ({layout})").format(
            path=output, sides=sides, copies=copies_text, where=where,
            layout=compiled.model.title))
        if duplex and side == "both":
            click.echo(_("print double-sided, flip on long edge, at actual size (100 %)"))
        elif side == "both" and sheet == "a4":
            click.echo(_("print single-sided at actual size (100 %); fronts and backs are "
                         "separate cards: cut them apart and put them back to back in the "
                         "holder"))
        else:
            click.echo(_("print single-sided at actual size (100 %)"))
    if result.manifest is not None:
        click.echo(_("wrote {path}: every card printed, with a hash for --changed-since").format(
            path=result.manifest))
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
        if done == 1 and self.bar is not None:   # drawn again (a card refused on the way)
            self.bar = None
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

    Front and back are two separate cards, as the standard asks: the PDF has the front
    sheets, then the back sheets, each printed single-sided and cut on its own; --duplex makes
    one double-sided card instead.

    Built-in layouts: badge (75 × 100 mm, the default), badge-insert (55 × 90 mm, the card
    inside a 75 × 100 mm holder), badge-insert-landscape (90 × 55 mm), cr80 (85.6 × 54 mm,
    for card printers) and badge-bilingual (the Uyghur name, name_ug, under the Chinese one).

    \b
    Examples:
      fieldprint badges staff.xlsx -o badges.pdf
      fieldprint badges staff.yaml --layout badge-insert --only SZ10023 --side front
      fieldprint badges staff.yaml --side back --copies 20
      fieldprint badges staff.yaml --layout cr80 --sheet none --bleed -o cards.pdf"""))
@data_argument
@layout_option("badge")
@card_options(duplex=False, copies=1)
@option("-o", "--output", type=click.Path(path_type=Path), metavar=_l("FILE.pdf"),
        help=_l("The PDF to write (default: badges.pdf; not written when only --png is "
                "given)."))
@allow_missing_photos_option
@option("--allow-missing-qr", is_flag=True,
        help=_l("Print the badge without a QR code when a person has none (a warning "
                "names the person) instead of stopping."))
def badges(data, layout, output, allow_missing_photos, allow_missing_qr, **options):
    return run_cards(data, layout=layout, output=output,
                     allow_missing_photos=allow_missing_photos, allow_missing_qr=allow_missing_qr,
                     what="badge", default_output="badges.pdf", **options)


def demo(examples_dir: Path, out_dir: Path) -> list[Path]:
    """Badges of the example staff: the default layout on A4 (front sheets, then back
    sheets), the insert layouts on A4, and PNGs of the first person."""
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
                      allow_missing_qr=True, manifest=False, what="badge")
        result = execute(run, target, None)
        written.append(target)
        if png is not None:
            first = CardRun(run.layout, company, dataset.staff[:1], origins,
                            sides=("front", "back"), sheet="none", allow_missing_photos=True,
                            allow_missing_qr=True, manifest=False)
            written.extend(execute(first, None, png).pngs)
        del result
    # the bilingual badge, for the staff with a Uyghur name (name_ug)
    uyghur = [p for p in dataset.staff if p.name_ug]
    if uyghur:
        target = out_dir / "badges-bilingual.pdf"
        execute(CardRun(load_card_layout("badge-bilingual"), company, uyghur, origins,
                        sides=("front",), sheet="none", allow_missing_photos=True,
                        manifest=False, what="badge"), target, None)
        written.append(target)
    return written


COMMANDS = [badges]
