"""`fieldprint work-orders`, `confirmations`, `follow-ups`: the A4/A5 forms of each order,
as one print-ready PDF or as Word documents."""
from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import click

from ..errors import Problem, UserError, in_reading_order, terminal_text
from ..form_kinds import KINDS, Kind
from ..i18n import _, _l, _lp, ngettext, words
from .clicktext import Words, command, option
from .common import (data_argument, date_value, load, only_option, report_problems,
                     staff_file, warning_prefix)


def _count(n: int, noun: str) -> str:
    """'3 work orders' / '3 份工单' in the current language."""
    forms = {"work order": ngettext("{n} work order", "{n} work orders", n),
             "confirmation form": ngettext("{n} confirmation form", "{n} confirmation forms", n),
             "follow-up sheet": ngettext("{n} follow-up sheet", "{n} follow-up sheets", n),
             "page": ngettext("{n} page", "{n} pages", n),
             "PDF file": ngettext("{n} PDF file", "{n} PDF files", n),
             "Word document": ngettext("{n} Word document", "{n} Word documents", n)}
    return forms[noun].format(n=n)


def _noun(kind: "Kind") -> str:
    return {"work-orders": _("work order"), "confirmations": _("confirmation form"),
            "follow-ups": _("follow-up sheet")}[kind.command]


def _output_kind(output: str | None, fmt: str | None) -> tuple[str, bool, Path | None]:
    """(format, one file per order?, path) from --format and -o (a folder ends in /)."""
    as_dir = output is not None and (output.endswith(("/", os.sep)) or Path(output).is_dir())
    output = Path(output) if output is not None else None
    if fmt is None:
        suffix = output.suffix.lower() if output is not None and not as_dir else ""
        fmt = "docx" if suffix == ".docx" else "pdf"
    if output is not None and not as_dir:
        suffix = output.suffix.lower()
        if suffix and suffix != f".{fmt}":
            raise UserError(_("-o {path}: a {format} file should end in .{suffix} (or give "
                              "a folder, ending in /, for one file per order)").format(
                path=output, format=fmt.upper(), suffix=fmt))
    return fmt, as_dir, output


def run(kind: Kind, data, fmt, layout_name, template, only, output, blank,
        allow_unprintable: bool = False, *, selection=None, mask_phones: bool = False,
        include_open: bool = True, say_open: bool = True) -> str:
    """Render one command's output; returns the line that says what was written.
    `selection` (orders.Selection) adds to `only`; follow-ups leave out open orders unless
    `include_open`, and name them in a warning unless `say_open` is false (the demo's second
    follow-up run, which would only repeat it)."""
    from ..fonts import font_set
    from ..orders import (Selection, WorkingCalendar, blank_context, iter_contexts,
                          open_orders, open_orders_note, orders_not_named, select_orders)
    from ..output import check_target

    fmt, per_order, output = _output_kind(None if output is None else str(output), fmt)
    if fmt == "pdf" and template is not None:
        raise UserError(_("--template is a Word template (.docx): use it with --format docx; "
                          "for PDF, change the layout with --layout FILE.yaml"))
    if fmt == "docx" and layout_name is not None:
        raise UserError(_("--layout is a PDF form layout: use it with --format pdf; for "
                          "Word, give your own template with --template FILE.docx"))
    if output is None:
        output = Path(f"{kind.command}{'-blank' if blank else ''}.{fmt}")
    check_target(output, directory=per_order)

    # the layout (or Word template) and the data: the problems of both said at once
    from ..data.dataset import DataProblems
    problems: list[Problem] = []
    try:
        design = _layout(kind, fmt, layout_name) if fmt == "pdf" else _template(kind, template)
    except UserError as exc:
        design, problems = None, list(exc.problems)
    # a person's photo or QR picture is not on these forms: a missing one is no problem; a
    # staff row with a problem of its own stops only the orders that name that engineer
    # with --only, an order with a problem of its own stops the print only if it is named
    try:
        dataset = load(data, missing_files="apart", keep_valid_staff=True,
                       keep_valid_orders=bool(only) and not blank)
        found, loaded = list(dataset.missing), True
    except DataProblems as exc:
        dataset, found, loaded = exc.partial, list(exc.problems), False
    not_named = orders_not_named(dataset, only)
    if loaded:   # the problems of the orders left out are not among the load's problems
        found += [p for problems_of in dataset.refused_orders.values() for p in problems_of]
    kept = {id(p) for p in (*dataset.refused_staff, *not_named)}
    own = [p for p in found if id(p) not in kept and not staff_file(p)]
    if problems or own:   # and what else would stop the print, in the same round
        orders, chosen = ([], []) if blank else _orders_of_partial(
            dataset, selection or Selection(), only, not include_open)
        stopping, warned = dataset.left_out_engineers(orders)
        report_problems(warned, prefix=_left_out())
        report_problems(not_named, prefix=_not_named())
        raise UserError(problems + in_reading_order(own + stopping) + chosen
                        + _unprintable_of_partial(dataset, orders, design, fmt, mask_phones,
                                                  allow_unprintable or blank)) from None
    report_problems(not_named, prefix=_not_named())
    company = dataset.require_company()
    calendar = WorkingCalendar.for_company(company)
    selection = replace(selection or Selection(), only=tuple(only))
    skipped: list[Problem] = []
    if blank:
        if selection:
            raise UserError(_("--blank prints a form with no order data; leave out --only, "
                              "--engineer, --team, --from and --to"))
        report_problems(dataset.left_out_engineers([])[1], prefix=_left_out())
        records = _Records([("blank", blank_context(dataset), None)], 1)
    else:
        if not dataset.work_orders:
            report_problems(dataset.left_out_engineers([])[1], prefix=_left_out())
            raise UserError(_("no work orders in {files}: add a 'work_orders:' section or "
                              "sheet (fieldprint template work_orders.xlsx writes one to fill "
                              "in), or use --blank for empty forms").format(files=words(data)))
        orders = select_orders(dataset, selection)
        if not include_open:
            note = open_orders_note(open_orders(orders))
            if note is not None and say_open:
                skipped.append(note)
            orders = [o for o in orders if o.completed is not None]
        stopping, warned = dataset.left_out_engineers(orders)
        report_problems(warned, prefix=_left_out())
        if stopping:
            raise UserError(stopping)
        if not orders:
            report_problems(skipped, prefix=warning_prefix())
            raise UserError(_("no work orders match the selection; nothing to print"))
        contexts = iter_contexts(dataset, orders, calendar, mask_phones=mask_phones)
        records = _Records(((o.id, ctx, dataset.origins.get(("work_orders", o.id)))
                            for o, ctx in zip(orders, contexts)), len(orders))

    from ..progress import Progress
    with Progress(len(records), _noun(kind)) as bar:
        if fmt == "pdf":
            problems, summary = _pdf(kind, records, design, font_set(company), output,
                                     per_order, bar.advance, not allow_unprintable)
        else:
            problems, summary = _docx(kind, records, design, output, per_order, bar.advance,
                                      not allow_unprintable)
    report_problems(skipped + calendar.warnings() + problems, prefix=warning_prefix())
    return summary


class _Records:
    """The records of a batch, made one at a time, with their count known up front."""

    def __init__(self, items, count: int):
        self._items = iter(items)
        self.count = count

    def __iter__(self):
        return self._items

    def __len__(self) -> int:
        return self.count


def _layout(kind: Kind, fmt: str, layout_name):
    """The PDF form layout of `kind` (--layout or the built-in one), names checked."""
    from ..orders import order_shape
    from ..form import load_form
    return load_form(layout_name or kind.layout, order_shape())


def _template(kind: Kind, template):
    """The Word template of `kind` (--template or the built-in one), its warnings said."""
    from ..content import content_dir
    from ..docx.template import WordTemplate
    if template is None:
        if kind.template is None:
            raise UserError(_("there is no built-in Word template for {command}; give your "
                              "own with --template FILE.docx, or use --format pdf").format(
                command=kind.command))
        template = content_dir("templates") / kind.template
    word = WordTemplate(Path(template))
    report_problems(word.warnings, prefix=warning_prefix())
    return word


def _left_out() -> str:
    """The prefix of a problem of a staff row that does not stop these forms."""
    return _("warning (staff row left out; no order printed here names this engineer): ")


def _not_named() -> str:
    """The prefix of a problem of an order that does not stop the print: --only leaves it
    out."""
    return _("warning (an order not printed: --only does not name it): ")


def _orders_of_partial(dataset, selection, only, completed_only: bool
                       ) -> tuple[list, list[Problem]]:
    """When the data has problems: (the orders that loaded that the run would print
    (`completed_only`: follow-ups), the problems of the selection itself: an --only,
    --engineer or --team naming nothing in the data, said with the data's problems)."""
    from dataclasses import replace as _replace

    from ..orders import select_orders
    try:
        orders = select_orders(dataset, _replace(selection, only=tuple(only)))
        chosen: list[Problem] = []
    except UserError as exc:   # not said when no order could be read (a file unreadable)
        chosen = list(exc.problems) if dataset.work_orders or dataset.refused_orders else []
        wanted = set(only)
        orders = [o for o in dataset.work_orders if not wanted or o.id in wanted]
    if completed_only:
        orders = [o for o in orders if o.completed is not None]
    return orders, chosen


def _unprintable_of_partial(dataset, orders, design, fmt: str, mask_phones: bool,
                            allowed: bool) -> list:
    """When the data has problems: the text that could not print in the forms of `orders`,
    those that loaded, said in the same round as those problems: a PDF layout's (characters
    its fonts lack, control characters) or a Word template's (characters a Word document
    cannot hold). Nothing when there is no layout or template (it has problems of its own)
    or the run `allowed` them (--allow-unprintable, --blank)."""
    if design is None or allowed or dataset.company is None or not orders:
        return []
    from ..orders import WorkingCalendar, iter_contexts
    calendar = WorkingCalendar.for_company(dataset.company)
    contexts = iter_contexts(dataset, orders, calendar, mask_phones=mask_phones)
    origins = dataset.origins
    if fmt == "docx":
        return [p for o, ctx in zip(orders, contexts)
                for p in design.unprintable(ctx, o.id, origins.get(("work_orders", o.id)))]
    from ..fonts import font_set
    from ..form import layout_record
    from ..form.cache import RunCache
    fonts, cache = font_set(dataset.company, embed=False), RunCache()
    return [p for o, ctx in zip(orders, contexts)
            for p in layout_record(design, _record("work-orders", o.id, ctx, origins.get(
                ("work_orders", o.id))), fonts, cache).unprintable]


def _record(kind_command: str, rid, ctx, loc):
    """One record of a batch of forms, labelled for messages."""
    from ..form import Record
    label = (_("{form} (blank)").format(form=_noun(KINDS[kind_command])) if rid == "blank"
             else f"work_orders {rid}")
    return Record(ctx, label, loc)


def _pdf(kind: Kind, records, layout, fonts, output: Path, per_order: bool, advance,
         strict: bool):
    from ..form import layout_record, render_pdf
    from ..form.cache import RunCache

    def record(rid, ctx, loc):
        return _record(kind.command, rid, ctx, loc)

    if not per_order:
        result = render_pdf(layout, (record(*r) for r in records), output, fonts,
                            title=kind.title, on_document=advance, strict=strict)
        return result.problems, _("wrote {path}: {documents}, {pages}").format(
            path=output, documents=_count(result.documents, kind.noun),
            pages=_count(result.pages, "page"))
    records = list(records)
    if strict:   # check the whole batch first: nothing is written when some text cannot print
        cache = RunCache()
        unprintable = [p for r in records
                       for p in layout_record(layout, record(*r), fonts, cache).unprintable]
        if unprintable:
            raise UserError(unprintable)
    problems, pages, files = [], 0, 0
    for r in records:
        files += 1
        target = output / f"{_safe_name(r[0])}.pdf"
        result = render_pdf(layout, [record(*r)], target, fonts, title=f"{kind.title} {r[0]}",
                            on_document=advance, strict=False)
        problems += result.problems
        pages += result.pages
    return problems, _("wrote {files} into {folder}/ ({pages})").format(
        files=_count(files, "PDF file"), folder=output, pages=_count(pages, "page"))


def _docx(kind: Kind, records, word, output: Path, per_order: bool, advance,
          strict: bool):
    if per_order:
        written, problems = word.write_each(records, output, _safe_name, advance, strict)
        return problems, _("wrote {files} into {folder}/").format(
            files=_count(len(written), "Word document"), folder=output)
    problems = word.write_combined(records, output, advance, strict)
    return problems, _("wrote {path}: {documents}, one per page").format(
        path=output, documents=_count(len(records), kind.noun))


def _safe_name(record_id: str) -> str:
    """A file name from a record id: what the id says, minus characters file systems refuse."""
    bad = '<>:"/\\|?*'
    name = "".join("_" if (c in bad or ord(c) < 32) else c for c in record_id).strip(" .")
    return name[:120] or "order"


# ------------------------------------------------------------------------------ the commands
FORMATS = Words({"pdf": _lp("--format", "pdf"), "docx": _lp("--format", "docx")})




def _selection_options(func):
    """--engineer, --team, --from, --to: which orders to print, beside --only; --mask-phones."""
    func = option("--mask-phones", is_flag=True,
                  help=_l("Hide the middle of customers' phone numbers (139****0001) and their "
                          "account numbers: for copies that leave the office."))(func)
    func = option("--to", "received_to", metavar=_l("DATE"), callback=date_value,
                  help=_l("Only orders received on or before this day (2026-11-30)."))(func)
    func = option("--from", "received_from", metavar=_l("DATE"), callback=date_value,
                  help=_l("Only orders received on or after this day (2026-11-01)."))(func)
    func = option("--team", "teams", multiple=True, metavar=_l("NAME"),
                  help=_l("Only orders of engineers in this team (staff.yaml 'team'; repeat "
                          "for several)."))(func)
    func = option("--engineer", "engineers", multiple=True, metavar=_l("ID"),
                  help=_l("Only orders of this engineer (staff id; repeat for "
                          "several)."))(func)
    return func


def _selection(engineers, teams, received_from, received_to):
    from ..orders import Selection
    return Selection(engineers=tuple(engineers), teams=tuple(teams),
                     received_from=received_from, received_to=received_to)


def _options(func):
    func = _selection_options(func)
    func = option("-o", "--output", type=click.Path(), default=None,
                  metavar=_l("FILE|FOLDER/"),
                  help=_l("The file to write (.pdf or .docx), or a folder ending in / for one "
                          "file per order. Default: the command's name, e.g. "
                          "work-orders.pdf."))(func)
    func = option("--blank", is_flag=True,
                  help=_l("Print an empty form (company details only) for paper pads."))(func)
    func = only_option(func)
    func = option("--allow-unprintable", is_flag=True,
                  help=_l("Print even when some text cannot print as typed (a character the "
                          "font lacks prints as an empty box, control characters are left "
                          "out); each is still listed. Without it, nothing is written until "
                          "the data is fixed."))(func)
    func = option("--template", type=click.Path(path_type=Path, exists=True, dir_okay=False),
                  metavar=_l("FILE.docx"),
                  help=_l("Your own Word template (.docx) for --format docx; `fieldprint "
                          "layouts export FOLDER` gives copies of the built-in ones."))(func)
    func = option("--layout", "layout_name", metavar=_l("NAME|FILE"),
                  help=_l("Another form layout (.yaml) for PDF; see `fieldprint "
                          "layouts`."))(func)
    func = option("--format", "fmt", type=FORMATS, default=None,
                  help=_l("pdf (print-ready, the default) or docx (Word, to edit); taken from "
                          "-o's suffix when not given."))(func)
    return data_argument(func)


def _form_command(kind: str, help_text, *extra_options):
    """The command printing the forms of `kind` (a key of KINDS) with the forms' options and
    `extra_options` (click option decorators, whose values go to `run` by name)."""
    def callback(data, fmt, layout_name, template, only, output, blank, allow_unprintable,
                 engineers, teams, received_from, received_to, mask_phones, **more):
        said = run(KINDS[kind], data, fmt, layout_name, template, only, output, blank,
                   allow_unprintable, mask_phones=mask_phones,
                   selection=_selection(engineers, teams, received_from, received_to), **more)
        click.echo(terminal_text(said))
    callback.__name__ = kind.replace("-", "_")
    for decorate in reversed(extra_options):
        callback = decorate(callback)
    return command(kind, help=help_text)(_options(callback))


work_orders = _form_command(
    "work-orders", _l("""Print work-order sheets (装维工单, A4) for the engineers on the
    job: customer, appointment, engineer, the deadlines of the service standard, the departure
    checklist, the on-site record and signatures.

    One document per order, in the order of the data file.

    \b
    Examples:
      fieldprint work-orders work_orders.csv staff.xlsx -o orders.pdf
      fieldprint work-orders work_orders.csv staff.xlsx --only WO-20261121-0001 -o one.pdf
      fieldprint work-orders work_orders.csv staff.xlsx -o orders.docx"""))

confirmations = _form_command(
    "confirmations", _l("""Print service confirmation forms (服务确认书, A4) for the
    customer to sign at the end of a visit: the order, the fault cause, satisfaction, opinions,
    signatures, the service promise and hotlines.

    \b
    Examples:
      fieldprint confirmations work_orders.csv staff.xlsx -o confirm.pdf
      fieldprint confirmations company.yaml --blank -o pad.pdf"""))

follow_ups = _form_command(
    "follow-ups", _l("""Print follow-up sheets (回访单, A5) for whoever calls or visits
    the customer after an order. Only completed orders get one, unless --include-open.

    \b
    Examples:
      fieldprint follow-ups work_orders.csv staff.xlsx -o follow-ups.pdf
      fieldprint follow-ups work_orders.csv staff.xlsx --only WO-20261121-0001 -o one.pdf"""),
    option("--include-open", is_flag=True,
           help=_l("Print sheets for orders not completed yet too (left out, with a warning "
                   "naming them, by default).")))


COMMANDS = [work_orders, confirmations, follow_ups]


# ------------------------------------------------------------------------------ demo
def demo(examples_dir: Path, out_dir: Path) -> list[Path]:
    """The forms of the bundled examples: PDFs of each kind, a blank pad, and Word files."""
    orders_file = examples_dir / "work_orders.yaml"
    if not orders_file.is_file():
        return []
    data = [orders_file, examples_dir / "staff.yaml"]
    data = [p for p in data if p.is_file()]
    written: list[Path] = []
    jobs = [("work-orders", "work-orders.pdf", False), ("confirmations", "confirmations.pdf", False),
            ("follow-ups", "follow-ups.pdf", False), ("confirmations", "confirmation-blank.pdf", True),
            ("work-orders", "work-orders.docx", False), ("confirmations", "confirmations.docx", False),
            ("follow-ups", "follow-ups.docx", False)]
    for command, name, blank in jobs:
        target = out_dir / name
        run(KINDS[command], tuple(data), None, None, None, (), target, blank,
            include_open=command != "follow-ups", say_open=name == "follow-ups.pdf")
        written.append(target)
    return written
