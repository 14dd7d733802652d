"""`fieldprint equipment`: the safety-equipment schedule (helmets, insulated shoes)."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..errors import Problem, UserError, in_reading_order, terminal_text
from ..i18n import _, _l, _lp, ngettext, words
from .clicktext import Range, Words, command, option
from .common import (SHOW_AT_MOST, data_argument, date_value, load, report_problems,
                     warning_prefix)

from ..equipment import FORMATS
DEMO_AS_OF = dt.date(2026, 11, 21)




def _notify(ctx, param, values):
    """--notify KIND:URL (or 'company') -> a list of Target and/or the word 'company'."""
    if not values:   # called without --notify too: nothing to import then
        return []
    from ..equipment.notify import APPS, Target
    out: list = []
    for value in values:
        if value.strip().lower() == "company":
            out.append("company")
            continue
        app, sep, url = value.partition(":")
        app = app.strip().lower()
        if not sep or app not in APPS:
            raise click.BadParameter(_(
                "{value!r}: give KIND:URL, KIND one of wecom, dingtalk, feishu and URL the "
                "group robot's webhook address (or 'company' for the groups in the company "
                "file's notify: list)").format(value=value))
        url = url.strip()
        from ..data.models import webhook_problem
        if webhook_problem(url):
            raise click.BadParameter(_(
                "{value!r}: the webhook address should start with https:// (copy it from the "
                "robot's settings in the group)").format(value=value))
        out.append(Target(app, url, where="--notify"))
    return out


def notify_targets(requested: list, secret: str | None, report) -> list:
    """The groups to tell: those given as --notify KIND:URL (signed with `secret` when it is
    DingTalk's or Feishu's), and for 'company' the company file's notify: list. A 'company'
    without one is a UserError; a team no holder belongs to is a warning (returned as
    problems with the targets)."""
    from dataclasses import replace

    from ..equipment.notify import Target
    targets, problems = [], []
    for entry in requested:
        if entry != "company":
            if secret and entry.app in ("dingtalk", "feishu"):
                entry = replace(entry, secret=secret)
            targets.append(entry)
            continue
        groups = report.company.notify if report.company is not None else []
        if not groups:
            raise UserError(Problem(_(
                "--notify company: the company file has no notify: list; add one entry per "
                "group robot, e.g. notify: [{{app: wecom, url: 'https://qyapi.weixin.qq.com/"
                "cgi-bin/webhook/send?key=...', team: 园区装维一班}}] (see docs/notify.md)"
            ).format()))
        teams = {report.team(s) for s in report.statuses} | {
            p.team for p in report.people.values() if p.team}
        for i, group in enumerate(groups, 1):
            where = f"company notify[{i}]"
            if group.team is not None and group.team not in teams:
                from ..errors import suggest
                problems.append(Problem(_(
                    "{where}: no holder is in team {team!r}, so this group hears nothing"
                    "{hint}").format(where=where, team=group.team,
                                     hint=suggest(group.team, sorted(t for t in teams if t)))))
            targets.append(Target(group.app, group.url, group.secret, group.team, where))
    return targets, problems


def _warn_data_to_fix(incomplete: list[Problem], unmatched: list[Problem]) -> None:
    """The data to fix, as the files read (the order `validate` says them): the records
    assessed on what can be read of them, and the checks that name nothing of the register
    (they count for no item), each with its own words."""
    apart = {id(p) for p in unmatched}
    ordered = in_reading_order(incomplete + unmatched)
    for problem in ordered[:SHOW_AT_MOST]:
        report_problems([problem], prefix=_(
            "warning (data to fix; this check names nothing of the register and counts for "
            "no item): ") if id(problem) in apart else _(
            "warning (data to fix; the item is assessed on what can be read): "))
    if len(ordered) > SHOW_AT_MOST:   # the rest counted, as report_problems counts them
        more = len(ordered) - SHOW_AT_MOST
        click.echo(warning_prefix() + ngettext("... and {n} more like this",
                                               "... and {n} more like these", more
                                               ).format(n=more), err=True)


def make_report(data: tuple[Path, ...], as_of: dt.date, warn_days: int | None,
                policy_file: Path | None):
    """Load, validate and assess: a Report, or a UserError with every problem."""
    from ..equipment import DEFAULT_POLICY, build_report, load_policy
    policy, problems = DEFAULT_POLICY, []
    if policy_file is not None:
        try:
            policy = load_policy(policy_file)
        except UserError as exc:   # said with the data's problems
            problems = list(exc.problems)
    if warn_days is not None:
        policy = policy.model_copy(update={"warn_days": warn_days})
    if any(p.suffix.lower() in (".yaml", ".yml") for p in data):
        from ..data.yamlsource import warn_if_pure_python
        warn_if_pure_python()
    # photos and logos play no part here: a missing one must not stop the safety report; nor
    # does one incomplete record: it is assessed on what can be read, its problems said; nor a wrong
    # staff record: the person is left out, their items listed under their staff id
    options = dict(missing_files="ignore", keep_incomplete=True, keep_valid_staff=True)
    # nor a mistake of the staff list itself (a header typo, a repeated 工号: HR's sheet),
    # named or found beside the register: the report is made without it, the holders by
    # their staff id, and its problems said as warnings
    from ..data.staff_list import without_faulty_staff

    def read(left_out: frozenset[Path]):   # a failed load's warnings said once, below
        return load(tuple(p for p in data if p.resolve() not in left_out),
                    quiet_failure=True, staff_beside=not left_out, **options)
    try:
        dataset, unused = without_faulty_staff(read)
    except UserError as exc:
        report_problems(exc.warnings, prefix=warning_prefix())
        raise UserError(problems + exc.problems) from None
    report_problems(unused, prefix=_(
        "warning (the staff list was not used: the holders are listed by their staff id "
        "until it is corrected): "))
    if dataset.refused_staff:
        report_problems(dataset.refused_staff, prefix=_(
            "warning (person left out of the staff list; their items are listed under "
            "their staff id): "))
    incomplete = [p for _pos, _item, problems in dataset.incomplete for p in problems] + [
        p for _check, problems in dataset.incomplete_batch_checks for p in problems]
    from ..equipment.report import checks_by
    _warn_data_to_fix(incomplete, checks_by(dataset.unmatched_checks, as_of))
    if not dataset.equipment and not dataset.incomplete:
        problems.append(Problem(_(
            "no equipment in the data: add an 'equipment:' section, one entry per helmet or "
            "pair of insulated shoes (fieldprint template equipment.xlsx writes a register to "
            "fill in)")))
    if problems:
        raise UserError(problems)
    return build_report(dataset, as_of, policy)


FAIL_ON = Words({"due-soon": _lp("--fail-on", "due-soon"),
                 "overdue": _lp("--fail-on", "overdue")})


@command("equipment", help=_l("""The safety-equipment report, for the safety officer: which
    helmets (安全帽) and insulated shoes (绝缘鞋) are due, overdue or scrapped, as a table, a
    spreadsheet, a PDF to post, JSON or a calendar.

    \b
    The rules, from the standard 终端装维人员上门服务规范 (2020 revision),
    its 安全帽 and 绝缘鞋 parts: a helmet lasts 30 months from manufacture; a
    passing spot-check test within 30 days of the due date (or after it)
    keeps it for 12 more months; a failed spot-check scraps the whole
    batch. Insulated shoes get a preventive test 6 months after going into
    service, then every 6 months. A failed visual check, or 'retired',
    scraps an item. Records dated after --as-of are ignored.

    \b
    A record with a value that cannot be read, or that contradicts itself,
    is assessed on what can be read, the cautious way (such a check extends
    nothing): when that says overdue, due or scrapped, the item shows it,
    marked 'data to fix'; otherwise it is 'invalid'. Either way the value
    to fix is named with its place.

    \b
    Every number can be changed in a --policy file, for example:
      helmet_life_months: 30
      extension_window_days: 30
      extension_months: 12
      extend_by_test: true      # false: replace helmets at end of life
      shoes_test_months: 6
      warn_days: 30

    \b
    The JSON lists items in register order; the other formats put the
    most urgent first. A staff list beside the first data file (staff.xlsx,
    staff.yaml, 花名册.xlsx …) is used for holders' names and teams when no
    staff list is given.
    Exit codes: 0 done, 1 --fail-on found something, 2 bad input, 4 a
    --notify group could not be told (the report was written all the same,
    and the other groups were told).

    \b
    Examples:
      fieldprint equipment equipment.xlsx --as-of 2026-11-21
      fieldprint equipment equipment.xlsx -o report.pdf
      fieldprint equipment equipment.yaml staff.yaml --format json -o status.json
      fieldprint equipment equipment.xlsx --fail-on overdue --format ics -o due.ics
      fieldprint equipment equipment.yaml -o report.pdf --notify wecom:https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=KEY"""))
@data_argument
@option("--as-of", "as_of", metavar=_l("YYYY-MM-DD"), callback=date_value,
        help=_l("The day to report for (default: today)."))
@option("--warn-days", type=Range(min=0), metavar=_l("DAYS"),
        help=_l("Call an item 'due soon' this many days before its due date (default 30)."))
@option("--policy", "policy_file", metavar=_l("FILE.yaml"),
        type=click.Path(exists=True, dir_okay=False, path_type=Path),
        help=_l("A YAML file overriding the rules' numbers (see above)."))
@option("--format", "fmt", type=click.Choice(list(FORMATS)), metavar="table|csv|json|xlsx|pdf|ics",
        help=_l("table (the default on a screen), csv, json, xlsx (Excel), pdf or ics "
                "(calendar); taken from -o's suffix when not given."))
@option("-o", "--output", "out", type=click.Path(path_type=Path), metavar=_l("FILE"),
        help=_l("Write here (default: the screen; a made-up name for xlsx and pdf)."))
@option("--layout", metavar=_l("NAME|FILE"),
        help=_l("The PDF's form layout (default: the built-in equipment-report; "
                "`fieldprint layouts export FOLDER` gives a copy to change)."))
@option("--fail-on", type=FAIL_ON,
        help=_l("Exit 1 when something is overdue, invalid or has data to fix (overdue), or "
                "also due today or soon (due-soon): for a daily scheduled job."))
@option("--allow-unprintable", is_flag=True,
        help=_l("PDF: print even when some text cannot print as typed (a character the font "
                "lacks prints as an empty box, control characters are left out); each is "
                "still listed. Without it, nothing is written until the data is fixed. The "
                "other formats keep every text as typed."))
@option("--notify", "notify", metavar=_l("KIND:URL"), multiple=True, callback=_notify,
        help=_l("Post what needs doing to a chat group's robot: KIND wecom, dingtalk or "
                "feishu, URL the robot's webhook address. Repeatable. 'company' posts to "
                "the groups in the company file's notify: list (one per team if set)."))
@option("--notify-secret", metavar=_l("SECRET"), envvar="FIELDPRINT_NOTIFY_SECRET",
        help=_l("The secret of a signed DingTalk or Feishu robot given with --notify "
                "(default: $FIELDPRINT_NOTIFY_SECRET)."))
@option("--notify-always", is_flag=True,
        help=_l("Post even when nothing is overdue, due today or due soon."))
def equipment(data, as_of, warn_days, policy_file, fmt, out, layout, fail_on,
              allow_unprintable, notify, notify_secret, notify_always):
    return _equipment(data, as_of, warn_days, policy_file, fmt, out, layout, fail_on,
                      allow_unprintable, notify, notify_secret, notify_always)


def _equipment(data, as_of, warn_days, policy_file, fmt, out, layout, fail_on,
               allow_unprintable, notify=(), notify_secret=None, notify_always=False):
    from ..equipment import fails, render
    from ..equipment.report import status_word, summary_line
    from ..output import check_target, write_bytes

    streamed = out is not None and str(out) == "-"   # -o -: standard output, as without -o
    if streamed:
        out = None
    if fmt is None:
        suffix = out.suffix.lower().lstrip(".") if out is not None else ""
        fmt = suffix if suffix in FORMATS else "table"
        if suffix == "txt":
            fmt = "table"
    from ..context import today
    as_of = as_of or today()
    binary = FORMATS[fmt].binary
    if streamed and binary and click.get_binary_stream("stdout").isatty():
        raise UserError(Problem(_("-o - writes {fmt} to standard output, which is a terminal "
                                  "here; give a file name, or send it into a pipe").format(
                                      fmt=fmt)))
    if out is None and binary and not streamed:
        out = Path(f"equipment-{as_of.isoformat()}.{fmt}")
    if out is not None:
        check_target(out)  # before any work
    if layout is not None:
        if fmt != "pdf":
            raise UserError(Problem(_("--layout is for --format pdf: the other formats have "
                                      "no layout")))
        from ..form import load_form
        load_form(layout)  # a wrong layout is said before the register is read
    report = make_report(data, as_of, warn_days, policy_file)
    messages, notify_problems = [], []
    if notify:
        from ..equipment.notify import build_all, unrouted
        targets, notify_problems = notify_targets(list(notify), notify_secret, report)
        messages = build_all(report, targets, out.name if out is not None else None,
                             notify_always)
        missed = unrouted(report, targets)
        if missed:
            shown = words((s.id for s in missed[:10]), "plain")
            notify_problems.append(Problem(_(
                "{count} items needing attention belong to no team that has a group, so no "
                "group hears about them: {ids}").format(
                    count=len(missed), ids=shown + (" …" if len(missed) > 10 else ""))))
    from ..progress import Progress
    with Progress(len(report.statuses) if FORMATS[fmt].slow else 0,
                  _("equipment {format}").format(format=fmt.upper())) as bar:
        if fmt == "pdf":
            from ..equipment.pdf import render_pdf_report, unprintable
            # said per item and field; the engine would name only the team and the column
            cannot = unprintable(report)
            if cannot and not allow_unprintable:
                raise UserError(cannot)
            # written to -o as it is made (content None); to standard output as bytes
            content, problems = render_pdf_report(report, layout, bar.advance,
                                                  strict=not allow_unprintable, target=out)
            if cannot:
                problems = cannot + [p for p in problems
                                     if not p.message.startswith("the font cannot print")]
        else:
            content, problems = render(report, fmt, bar.advance), []
    report_problems(problems, prefix=warning_prefix())
    if out is None:
        with click.open_file("-", "wb") as stream:   # standard output, left open
            stream.write(content)
            stream.flush()
    else:
        if content is not None:
            write_bytes(out, content)
        click.echo(terminal_text(_("wrote {path}: {summary}").format(
            path=out, summary=summary_line(report))), err=True)

    report_problems(notify_problems, prefix=_("warning: "))
    failed = _post(messages) if messages else 0
    if notify and not messages:
        click.echo(_("nothing is overdue, due today or due soon: no group was told "
                     "(--notify-always posts anyway)"), err=True)

    hits = fails(report.statuses, fail_on)
    if hits:
        shown = _(", ").join(f"{s.id} ({status_word(s.status)})" for s in hits[:10])
        more = (_(" and {n} more").format(n=len(hits) - 10) if len(hits) > 10 else "")
        said = ngettext("--fail-on {fail_on}: {n} item needs attention: {items}{more}",
                        "--fail-on {fail_on}: {n} items need attention: {items}{more}",
                        len(hits)).format(fail_on=FAIL_ON.word(fail_on), n=len(hits),
                                          items=shown, more=more)
        click.echo(terminal_text(said, one_line=True), err=True)
    # a failing check that names nothing of the register may scrap a batch (listed with
    # the report's summary): a daily job's --fail-on hears of it too
    alerts = len(report.unmatched_failures) if fail_on else 0
    if alerts:
        click.echo(ngettext("--fail-on {fail_on}: {n} failing check names a batch or item "
                            "the register lacks (see above)",
                            "--fail-on {fail_on}: {n} failing checks name a batch or item "
                            "the register lacks (see above)", alerts).format(
            fail_on=FAIL_ON.word(fail_on), n=alerts), err=True)
    if failed:
        return 4
    return 1 if hits or alerts else 0


def _post(messages) -> int:
    """Send each message (every group is tried); say what happened; the number that failed."""
    from ..webhook import describe, send
    failed = 0
    for message in messages:
        problem = send(message)
        group = describe(message)
        if problem is None:
            click.echo(_("told {group}: {count} items listed").format(
                group=group, count=message.listed) + (
                _(", {more} more left out for the app's size limit").format(
                    more=message.left_out) if message.left_out else ""), err=True)
        else:
            failed += 1
            click.echo(_("could not tell {group}: {problem}").format(
                group=group, problem=problem), err=True)
    return failed


def demo(examples_dir: Path, out_dir: Path) -> list[Path]:
    """The equipment report of the example register as of 2026-11-21: PDF, spreadsheet,
    JSON and calendar."""
    register = examples_dir / "equipment.yaml"
    if not register.is_file():
        return []
    from ..equipment import render
    from ..output import write_bytes
    report = make_report((register,), DEMO_AS_OF, None, None)
    written = []
    for fmt in ("pdf", "xlsx", "json", "ics"):
        target = out_dir / f"equipment-{DEMO_AS_OF.isoformat()}.{fmt}"
        write_bytes(target, render(report, fmt))
        written.append(target)
    return written


COMMANDS = [equipment]
