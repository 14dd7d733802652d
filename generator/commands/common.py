"""What every command shares: the DATA argument, loading, and printing problems."""
from __future__ import annotations

from pathlib import Path

import click

from typing import TYPE_CHECKING
from ..errors import Problem, UserError, suggest, terminal_text
from ..i18n import N_, _, _l, _lp, ngettext, words
from .clicktext import Words, argument, option

if TYPE_CHECKING:   # loading (pydantic, yaml) is imported when a command runs, not for --help
    from ..data.dataset import Dataset


TABLE_OPTIONS = "fieldprint.table_options"  # click context meta: --section, --encoding


def _table_option(ctx: click.Context, param: click.Parameter, value):
    if value is not None:
        ctx.meta.setdefault(TABLE_OPTIONS, {})[param.name] = value
    return value


SECTIONS = Words({"staff": _lp("--section", "staff"),
                  "work_orders": _lp("--section", "work_orders"),
                  "equipment": _lp("--section", "equipment"),
                  "checks": _lp("--section", "checks")})


def data_argument(func):
    """DATA... plus the spreadsheet options every data command takes (--section, --encoding);
    the options reach `load()` through the click context, so commands do not declare them."""
    func = option(
        "--encoding", expose_value=False, callback=_table_option, metavar=_l("NAME"),
        help=_l("Encoding of CSV files (default: detect UTF-8 or GBK/GB18030)."))(func)
    func = option(
        "--section", expose_value=False, callback=_table_option, type=SECTIONS,
        help=_l("What spreadsheets (.csv/.xlsx) hold, when neither the file name nor the "
                "headers say."))(func)
    return argument("data", nargs=-1, required=True, type=click.Path(path_type=Path),
                    metavar=_l("DATA..."))(func)


def only_option(func):
    """The --only ID option (repeatable) of the commands that print records."""
    return option("--only", "only", multiple=True, metavar="ID",
                  help=_l("Only these records, by ID (repeat: --only SZ10023 --only "
                          "SZ10024)."))(func)


def load(data: tuple[Path, ...], quiet_failure: bool = False, **options) -> Dataset:
    """Load and validate (`options` go to load_dataset, e.g. missing_files="apart": the
    command says the missing files itself, by name), printing warnings (with the problems
    too, when there are any, unless `quiet_failure`: the caller may load again); UserError
    propagates to the CLI's exit 2."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None:
        options = {**ctx.meta.get(TABLE_OPTIONS, {}), **options}
    from ..data.dataset import load_dataset
    try:
        dataset = load_dataset(data, **options)
    except UserError as error:
        if not quiet_failure:
            report_problems(error.warnings, prefix=warning_prefix())
        raise
    report_problems(dataset.warnings, prefix=warning_prefix())
    _output_is_not_read(ctx, dataset)
    return dataset


OUTPUT_PARAMS = ("out", "output", "png_dir")


def _output_is_not_read(ctx, dataset: Dataset) -> None:
    """-o naming a file the data was read from (company.yaml found beside it too) or a photo,
    logo or font the data names is refused (issue 15.9); the files on the command line itself
    are checked by output.check_target, before any work."""
    from ..output import refuse_inputs
    outputs = []
    while ctx is not None:
        outputs += [ctx.params.get(name) for name in OUTPUT_PARAMS if ctx.params.get(name)]
        ctx = ctx.parent
    if not outputs:
        return
    files = list(dataset.read)   # a company.yaml found beside the data is an input too
    company = dataset.company
    if company is not None:
        files += [company.logo] + [q.image for q in company.qr_codes]
        for entry in company.fonts:
            files += [entry.regular, entry.bold]
    for person in dataset.staff:
        files += [person.photo, person.qr_image]
    files = [f for f in files if f is not None]
    for out in outputs:
        if str(out) != "-":
            refuse_inputs(Path(out), files)


SHOW_AT_MOST = 100  # a thousand copies of one mistake help nobody


def warning_prefix() -> str:
    """What starts a warning line ("warning: " / "注意："), in the current language."""
    return _("warning: ")


def report_problems(problems: list[Problem], prefix: str = "", checking: bool = False) -> None:
    """Print problems on stderr, at most SHOW_AT_MOST; without a prefix they are errors and a
    summary line counts them and says nothing was written (only counts them when `checking`:
    validate writes nothing anyway). Warnings pass `prefix=warning_prefix()` (the English
    "warning: " is translated too)."""
    if prefix == "warning: ":
        prefix = warning_prefix()
    count = len(problems)
    problems = grouped(problems)
    for problem in problems[:SHOW_AT_MOST]:
        click.echo(f"{prefix}{terminal_text(str(problem), one_line=True)}", err=True)
    if len(problems) > SHOW_AT_MOST:
        more = len(problems) - SHOW_AT_MOST
        click.echo(prefix + ngettext("... and {n} more like this", "... and {n} more like these",
                                     more).format(n=more), err=True)
    if problems and not prefix:
        n = count
        if checking:
            click.echo(ngettext("{n} problem found.", "{n} problems found.", n).format(n=n),
                       err=True)
        else:
            click.echo(ngettext("{n} problem found; nothing was written.",
                                "{n} problems found; nothing was written.", n).format(n=n),
                       err=True)


NAMED_AT_MOST = 20  # people named in one grouped line; the rest are counted


def grouped(problems: list[Problem]) -> list[Problem]:
    """`problems` as the command line says them: each said once (the same words at the same
    place, found twice on the way, are one); the same problem of two or more people's cards
    (`PersonProblem`: no QR code given, no photo given) said as one line per staff file,
    naming them, where the first of them was; their photos that are not there (`PersonPhoto`
    with a `file`) one line per staff file and photo folder: "15 people's photos cannot be
    found: there is no folder photos/ (SZ10001 顾振东 (row 2), ...)", with what to do once.
    One person's is said as it is."""
    seen: set[str] = set()
    once = []
    for problem in problems:
        if str(problem) not in seen:
            seen.add(str(problem))
            once.append(problem)
    groups: dict = {}
    for problem in once:
        key = _group(problem)
        if key is not None:
            groups.setdefault(key, []).append(problem)
    out = []
    for problem in once:
        group = groups.get(_group(problem))
        if group is None or len(group) < 2:
            out.append(problem)
        elif problem is group[0]:
            out.append(_photos_said_once(group) if _photo_of_a_file(group[0]) else
                       _said_once(group))
    return out


def _photo_of_a_file(problem) -> bool:
    """Is `problem` a person's photo whose file is not there (said by folder)?"""
    from ..errors import PersonPhoto
    return isinstance(problem, PersonPhoto) and bool(problem.file)


def _group(problem) -> tuple | None:
    """What people's problems said as one line share, or None for a problem said alone."""
    from ..errors import PersonProblem
    if not isinstance(problem, PersonProblem) or not problem.who:
        return None
    where = problem.location
    place = (where and where.file, where and where.sheet, problem.field)
    if _photo_of_a_file(problem):
        return (*place, str(Path(problem.file).parent), problem.placeholder)
    return (*place, problem.message)


def _people(group: list) -> str:
    """The people of `group` (PersonProblem), each with their row or line, at most
    NAMED_AT_MOST of them named."""
    people = []
    for problem in group:
        where = problem.location
        if where is None or where.line is None:
            people.append(problem.who)
        elif where.sheet is not None:
            people.append(_("{who} (row {row})").format(who=problem.who, row=where.line))
        else:
            people.append(_("{who} (line {line})").format(who=problem.who, line=where.line))
    named = words(people[:NAMED_AT_MOST], "plain")
    if len(people) > NAMED_AT_MOST:
        more = len(people) - NAMED_AT_MOST
        named += ngettext("… and {n} more", "… and {n} more", more).format(n=more)
    return named


def _where(group: list):
    from ..errors import Location
    first = group[0].location
    return None if first is None else Location(first.file, sheet=first.sheet)


def _said_once(group: list) -> Problem:
    """One line for the people of `group`: the same problem of the same field."""
    return Problem(_("{n} people ({people}), {field}: {message}").format(
        n=len(group), people=_people(group), field=group[0].field,
        message=group[0].message), _where(group))


# what `grouped` says of two or more people's photos not there, by (whether their folder is
# there, whether placeholders were printed)
PHOTOS_SAID_ONCE = {
    (False, False): N_("{n} people's photos cannot be found: there is no folder {folder} "
                       "({people}); put the photos in it, or name the folder they are in with "
                       "--photos, or run with --allow-missing-photos to print placeholders"),
    (False, True): N_("{n} people's photos cannot be found: there is no folder {folder} "
                      "({people}); printed placeholders instead"),
    (True, False): N_("{n} people's photos are not in the folder {folder} ({people}); add "
                      "them under the names the staff list gives (such as {example}), or run "
                      "with --allow-missing-photos to print placeholders"),
    (True, True): N_("{n} people's photos are not in the folder {folder} ({people}); printed "
                     "placeholders instead"),
}


def _photos_said_once(group: list) -> Problem:
    """One line for the people of `group` (PersonPhoto of one staff file and photo folder)."""
    from ..errors import display_path
    folder = Path(group[0].file).parent
    message = _(PHOTOS_SAID_ONCE[folder.is_dir(), group[0].placeholder])
    return Problem(message.format(n=len(group), folder=display_path(folder) + "/",
                                  people=_people(group), example=Path(group[0].file).name),
                   _where(group))


def select(records: list, only: tuple[str, ...], section: str, strict: bool = True) -> list:
    """Records in data order, limited to --only IDs; an unknown ID is a usage error (unless
    not `strict`: the data has problems, and the record may be one that did not load)."""
    if not only:
        return list(records)
    if strict:
        unknown = _unknown_ids(only, {r.id for r in records}, section)
        if unknown:
            raise UserError(unknown)
    wanted = set(only)
    return [r for r in records if r.id in wanted]


def unknown_ids(only: tuple[str, ...], dataset, section: str) -> list[Problem]:
    """When the data has problems: the --only IDs that name no record of `section`, neither
    one that loaded nor one that did not for a problem of its own (`Dataset.unread_ids`);
    none when no record of it could be read at all (a file that does not read)."""
    records = getattr(dataset, section)
    unread = dataset.unread_ids.get(section, set())
    if not only or (not records and not unread):
        return []
    return _unknown_ids(only, {r.id for r in records} | unread, section)


def _unknown_ids(only: tuple[str, ...], known: set[str], section: str) -> list[Problem]:
    return [Problem(_("--only {id}: no such ID in {section}").format(
        id=i, section=SECTIONS.word(section)) + suggest(i, known))
        for i in only if i not in known]


def date_value(ctx, param, value):
    """A click callback: the option's YYYY-MM-DD text as a date (None when not given); a
    mistake is click's usage error naming the option (exit 2)."""
    if value is None:
        return None
    from ..dates import parse_date
    try:
        return parse_date(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def staff_file(problem: Problem) -> bool:
    """Is `problem` a photo or QR picture a person's record names that is not there (a
    `MissingFile` of the staff)? Only the cards show them: the forms and the equipment report
    print without them, and `validate` says them as the badges' warning (photos may come
    later)."""
    from ..errors import MissingFile
    return type(problem) is MissingFile and problem.path.startswith("staff")


def with_fixes(problems: list[Problem]) -> list[Problem]:
    """People's missing files (`staff_file` problems) with what `fieldprint badges` says of
    them: fix it, or the option that prints a placeholder (a QR picture has none)."""
    from dataclasses import replace

    from ..card.render import QR_PICTURE_FIX, refused_photo
    return [replace(p, message=refused_photo(p.message, "command")) if p.path.endswith(".photo")
            else replace(p, message=p.message + _(QR_PICTURE_FIX)) for p in problems]


def unchecked(later: list[Problem], checked) -> list[Problem]:
    """The people's missing files (`later`: `staff_file` problems) that the check of the cards
    of `checked` (people) does not look at: a row it cannot take (a repeated ID)."""
    looked = {Path(f).absolute() for person in checked
              for f in (person.photo, person.qr_image) if f is not None}
    return [p for p in later if Path(p.file).absolute() not in looked]


def without_unread(problems: list[Problem], unread: frozenset[str]) -> list[Problem]:
    """`problems` of the cards but those of a company field that did not read (`unread`:
    checked with its default, what they say of it is not true of the data)."""
    if not unread:
        return problems
    said = tuple(f"company.{name}" for name in unread)
    return [p for p in problems if not any(s in p.path for s in said)]
