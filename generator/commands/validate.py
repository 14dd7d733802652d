"""`fieldprint validate`: check data files and list every problem."""
from __future__ import annotations

import click

from ..errors import MissingFile, UserError, in_reading_order, terminal_text
from ..i18n import _, _l
from .clicktext import command
from .common import (data_argument, load, report_problems, staff_file, unchecked,
                     warning_prefix, with_fixes, without_unread)


@command("validate", help=_l("""Check data files before printing and list every problem at once, with
    file, line and column: for whoever keeps the staff list, the orders or the register.

    Also warns, person by person, about what `fieldprint badges` would refuse (a missing photo
    or QR code, a name too long for the badge), and about what `fieldprint service-cards`
    requires of the company (the complaint phone and the service promise), so everything is
    fixed in one round.

    Exits 2 when the data must be fixed (nothing can print from it), else 0, also when some
    badges or service cards would be refused as it stands (said as warnings and in the last
    line, which then does not say OK): the data serves every document, and the photos may
    come later (badges --photos) while the orders and the register print without them.

    \b
    Examples:
      fieldprint validate staff.xlsx work_orders.csv equipment.xlsx"""))
@data_argument
def validate(data):
    from ..startup import importing
    with importing():   # what validate uses, imported before the data is read
        from ..card import check  # noqa: F401
        from ..data.dataset import load_dataset  # noqa: F401
        from ..orders import order_warnings
    # a file the data names that is missing leaves its record loaded; the badges of the
    # people who loaded are checked even when the data has problems: all fixed in one round
    from ..data.dataset import DataProblems
    try:
        dataset = load(data, missing_files="apart")
        problems = dataset.missing
    except DataProblems as exc:
        dataset, problems = exc.partial, exc.problems
    except UserError as exc:   # said as found, not as "nothing was written"
        raise UserError(exc.problems, exc.warnings, checking=True) from None
    # a person's photo or QR picture that is not there yet is what the badges refuse, said
    # by their check as a warning with its fix, not a problem of the data (the help's promise)
    later = [p for p in problems if staff_file(p)]
    problems = [p for p in problems if not staff_file(p)]
    refused, said = 0, [p for p in problems if isinstance(p, MissingFile)]
    checked = dataset.readable()   # a company with problems: as far as it reads
    pictures: dict = {}   # the logo, checked once for the badges and the service cards
    if checked.company is not None or not dataset.company_given:   # else said as a problem
        refused, warned = _badge_problems(checked, said=said, later=later, pictures=pictures)
        said = said + warned
    else:
        refused = _said_here(later, checked=())
    cards_refused = checked.company is not None and _service_card_problems(
        checked, said, dataset.unread_company, pictures)
    if problems:
        raise UserError(problems, checking=True)
    report_problems(order_warnings(dataset), prefix=warning_prefix())
    counts = dict(company=dataset.company.name if dataset.company else _("no company"),
                  staff=len(dataset.staff), orders=len(dataset.work_orders),
                  items=len(dataset.equipment))
    # the data reads, but it is not "OK": some badges (or service cards) cannot print as it
    # stands. Still exit 0: validate checks the data of every document, and an office that
    # prints no badges (or not yet: photos come later) must not see its orders' check fail
    if refused:
        click.echo(terminal_text(_(
            "{company}; {staff} staff, {orders} work orders, {items} equipment items: the "
            "data reads, but {n} people's badges would be refused as it stands (see the "
            "warnings above); fix them before printing").format(n=refused, **counts)))
    elif cards_refused:
        click.echo(terminal_text(_(
            "{company}; {staff} staff, {orders} work orders, {items} equipment items: the "
            "data reads, but service cards would be refused as it stands (see the warnings "
            "above); fill in the company's details before printing them").format(**counts)))
    else:
        click.echo(terminal_text(_("OK: {company}; {staff} staff, {orders} work orders, "
                                   "{items} equipment items.").format(**counts)))


def _service_card_problems(dataset, said: list, unread=frozenset(), pictures=None) -> bool:
    """Warn about what `fieldprint service-cards` (default layout) refuses of the company
    itself: the complaint phone and the service promise the card must carry (《家客代维人员
    上门服务规范》: “咨询服务电话、投诉电话和服务承诺”), a promise too long for its box; what
    was said already (`said`: a missing file, the badge check's logo) is not said again, nor
    anything of a company field that did not read (`unread`: its mistake is said); `pictures`:
    those the badge check read (`CardRun.pictures`). Returns whether there was anything to
    say."""
    from pathlib import Path

    from ..card import load_card_layout
    from ..card.job import company_problems
    known = {str(p) for p in said}
    problems = [p for p in without_unread(company_problems(
        load_card_layout("service-card"), dataset.company, dataset.company_location,
        frozenset(Path(p.file) for p in said if isinstance(p, MissingFile)),
        pictures=pictures), unread)
        if str(p) not in known]
    report_problems(problems, prefix=warning_prefix() + _("service cards: "))
    return bool(problems)


def _said_here(later: list, checked) -> int:
    """Warn about the people's missing files (`later`: `staff_file` problems) that the badge
    check did not look at (`checked`: the people it checked), each with its fix; returns how
    many records."""
    unsaid = unchecked(later, checked)
    report_problems(with_fixes(unsaid), prefix=warning_prefix())
    return len({p.path.split(".")[0] for p in unsaid})


def _badge_problems(dataset, said=(), later=(), pictures=None) -> tuple[int, list]:
    """Warn, person by person, about everything `fieldprint badges` (default layout) would
    refuse: a missing photo or QR code, a name that does not fit. Returns how many people, and
    the warnings said. `said`: the MissingFile problems already reported (their files are not
    said again); `later`: the people's missing photos and QR pictures (`staff_file`), said by
    the check of each person's badge, or here when it did not look at them (a row the
    check cannot take: a repeated ID); `pictures`: shared with the service-card check
    (`CardRun.pictures`)."""
    unloaded = [p for p, _where in dataset.unloaded_staff]   # their rows' other problems
    if not dataset.staff and not unloaded:                    # are said as problems
        return _said_here(later, checked=()), []
    if dataset.company is None:   # badges cannot print without it: said now, not by badges
        try:
            dataset.require_company()
        except UserError as exc:
            report_problems(exc.problems, prefix=warning_prefix())
        _said_here(later, checked=())
        return len(dataset.staff), []
    from pathlib import Path

    from ..card import CardRun, check, load_card_layout
    people = dataset.staff
    origins = {p.id: dataset.origins.get(("staff", p.id)) for p in people}
    origins.update((p.id, where) for p, where in dataset.unloaded_staff)
    run = CardRun(load_card_layout("badge"), dataset.company, people + unloaded,
                  origins=origins,
                  company_origin=dataset.company_location,
                  missing_said=frozenset(Path(p.file) for p in said),
                  pictures={} if pictures is None else pictures)
    problems = in_reading_order(without_unread(check(run), dataset.unread_company))
    report_problems(problems, prefix=warning_prefix())
    return len({p.path.split(":")[0] for p in problems if p.path}) + _said_here(
        later, checked=people + unloaded), problems


COMMANDS = [validate]
