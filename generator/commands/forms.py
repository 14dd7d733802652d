"""`fieldprint work-orders`, `confirmations`, `follow-ups`: the A4/A5 forms of each order,
as one print-ready PDF or as Word documents."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import click

from ..errors import UserError
from ..output import check_target
from .common import data_argument, load, only_option, report_problems, select


@dataclass(frozen=True)
class Kind:
    command: str         # work-orders
    layout: str          # built-in form layout name
    template: str | None  # built-in Word template
    noun: str            # "work order"
    title: str           # 装维工单


KINDS = {
    "work-orders": Kind("work-orders", "work-order", "work_order.docx", "work order", "装维工单"),
    "confirmations": Kind("confirmations", "confirmation", "confirmation.docx",
                          "confirmation form", "服务确认书"),
    "follow-ups": Kind("follow-ups", "follow-up", None, "follow-up sheet", "回访单"),
}


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


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
            raise UserError(f"-o {output}: a {fmt.upper()} file should end in .{fmt} "
                            f"(or give a folder, ending in /, for one file per order)")
    return fmt, as_dir, output


def run(kind: Kind, data, fmt, layout_name, template, only, output, blank,
        allow_unprintable: bool = False) -> str:
    """Render one command's output; returns the line that says what was written."""
    from ..fonts import font_set
    from ..orders import WorkingCalendar, blank_context, iter_contexts

    fmt, per_order, output = _output_kind(None if output is None else str(output), fmt)
    if fmt == "pdf" and template is not None:
        raise UserError("--template is a Word template (.docx): use it with --format docx; "
                        "for PDF, change the layout with --layout FILE.yaml")
    if fmt == "docx" and layout_name is not None:
        raise UserError("--layout is a PDF form layout: use it with --format pdf; for Word, "
                        "give your own template with --template FILE.docx")
    if output is None:
        output = Path(f"{kind.command}{'-blank' if blank else ''}.{fmt}")
    check_target(output, directory=per_order)

    dataset = load(data)
    company = dataset.require_company()
    calendar = WorkingCalendar.for_company(company)
    if blank:
        if only:
            raise UserError("--blank prints a form with no order data; leave out --only")
        records = _Records([("blank", blank_context(dataset), None)], 1)
    else:
        orders = select(dataset.work_orders, only, "work_orders")
        if not orders:
            raise UserError(f"no work orders in {', '.join(str(d) for d in data)}: add a "
                            "'work_orders:' section (see examples/work_orders.yaml), or use "
                            "--blank for empty forms")
        contexts = iter_contexts(dataset, orders, calendar)
        records = _Records(((o.id, ctx, dataset.origins.get(("work_orders", o.id)))
                            for o, ctx in zip(orders, contexts)), len(orders))

    from ..progress import Progress
    with Progress(len(records), kind.command) as bar:
        if fmt == "pdf":
            problems, summary = _pdf(kind, records, layout_name, font_set(company), output,
                                     per_order, bar.advance, not allow_unprintable)
        else:
            problems, summary = _docx(kind, records, template, output, per_order, bar.advance,
                                      not allow_unprintable)
    report_problems(calendar.warnings() + problems, prefix="warning: ")
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


def _pdf(kind: Kind, records, layout_name, fonts, output: Path, per_order: bool, advance,
         strict: bool):
    from ..form import Record, layout_record, load_form, render_pdf
    layout = load_form(layout_name or kind.layout)

    def record(rid, ctx, loc):
        label = f"{kind.noun} (blank)" if rid == "blank" else f"work_orders {rid}"
        return Record(ctx, label, loc)

    if not per_order:
        result = render_pdf(layout, (record(*r) for r in records), output, fonts,
                            title=kind.title, on_document=advance, strict=strict)
        return result.problems, (f"wrote {output}: {_plural(result.documents, kind.noun)}, "
                                 f"{_plural(result.pages, 'page')}")
    records = list(records)
    if strict:   # check the whole batch first: nothing is written when some text cannot print
        unprintable = [p for r in records for p in layout_record(layout, record(*r), fonts)
                       .unprintable]
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
    return problems, (f"wrote {_plural(files, 'PDF file')} into {output}/ "
                      f"({_plural(pages, 'page')})")


def _docx(kind: Kind, records, template, output: Path, per_order: bool, advance,
          strict: bool):
    from ..content import content_dir
    from ..docx_render import WordTemplate
    if template is None:
        if kind.template is None:
            raise UserError(f"there is no built-in Word template for {kind.command}; give "
                            "your own with --template FILE.docx, or use --format pdf")
        template = content_dir("templates") / kind.template
    word = WordTemplate(Path(template))
    if per_order:
        written, problems = word.write_each(records, output, _safe_name, advance, strict)
        return problems, (f"wrote {_plural(len(written), 'Word document')} into {output}/")
    problems = word.write_combined(records, output, advance, strict)
    return problems, (f"wrote {output}: {_plural(len(records), kind.noun)}, one per page")


def _safe_name(record_id: str) -> str:
    """A file name from a record id: what the id says, minus characters file systems refuse."""
    bad = '<>:"/\\|?*'
    name = "".join("_" if (c in bad or ord(c) < 32) else c for c in record_id).strip(" .")
    return name[:120] or "order"


# ------------------------------------------------------------------------------ the commands
def _options(func):
    func = click.option("-o", "--output", type=click.Path(), default=None,
                        help="The file to write (.pdf or .docx), or a folder ending in / for "
                             "one file per order. Default: ./<command>.pdf")(func)
    func = click.option("--blank", is_flag=True,
                        help="Print an empty form (company details only) for paper pads.")(func)
    func = only_option(func)
    func = click.option("--allow-unprintable", is_flag=True,
                        help="Print even when some text cannot print as typed (a character "
                             "the font lacks prints as an empty box, control characters are "
                             "left out); each is still listed. Without it, nothing is "
                             "written until the data is fixed.")(func)
    func = click.option("--template", type=click.Path(path_type=Path, exists=True,
                                                     dir_okay=False),
                        help="Your own Word template (.docx, docxtpl syntax) for --format "
                             "docx.")(func)
    func = click.option("--layout", "layout_name", metavar="NAME|FILE",
                        help="Another form layout (.yaml) for PDF; see `fieldprint layouts`.")(func)
    func = click.option("--format", "fmt", type=click.Choice(["pdf", "docx"]), default=None,
                        help="pdf (print-ready, default) or docx (Word, editable); "
                             "taken from -o's suffix when not given.")(func)
    return data_argument(func)


@click.command("work-orders")
@_options
def work_orders(data, fmt, layout_name, template, only, output, blank, allow_unprintable):
    """Print work-order sheets (装维工单, A4): customer, appointment, engineer, the deadlines
    of the service standard, the departure checklist, the on-site record and signatures.

    One document per order, in the order of the data file.

    \b
    Examples:
      fieldprint work-orders examples/work_orders.yaml examples/staff.yaml -o orders.pdf
      fieldprint work-orders examples/*.yaml --only WO-20261121-0001 -o one.pdf
      fieldprint work-orders examples/*.yaml -o orders.docx      (Word, one order per page)
      fieldprint work-orders examples/*.yaml --format docx -o word/   (one .docx per order)
    """
    click.echo(run(KINDS["work-orders"], data, fmt, layout_name, template, only, output, blank,
                   allow_unprintable))


@click.command("confirmations")
@_options
def confirmations(data, fmt, layout_name, template, only, output, blank, allow_unprintable):
    """Print service confirmation forms (服务确认书, A4) for customers to sign: the order,
    the fault cause, satisfaction, opinions, signatures, the service promise and hotlines.

    \b
    Examples:
      fieldprint confirmations examples/work_orders.yaml examples/staff.yaml -o confirm.pdf
      fieldprint confirmations examples/company.yaml --blank -o pad.pdf   (empty, for pads)
    """
    click.echo(run(KINDS["confirmations"], data, fmt, layout_name, template, only, output, blank,
                   allow_unprintable))


@click.command("follow-ups")
@_options
def follow_ups(data, fmt, layout_name, template, only, output, blank, allow_unprintable):
    """Print follow-up visit sheets (回访单, A5) for the return call or visit after an order.

    \b
    Example:
      fieldprint follow-ups examples/work_orders.yaml examples/staff.yaml -o follow-ups.pdf
    """
    click.echo(run(KINDS["follow-ups"], data, fmt, layout_name, template, only, output, blank,
                   allow_unprintable))


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
            ("work-orders", "work-orders.docx", False), ("confirmations", "confirmations.docx", False)]
    for command, name, blank in jobs:
        target = out_dir / name
        run(KINDS[command], tuple(data), None, None, None, (), target, blank)
        written.append(target)
    return written
