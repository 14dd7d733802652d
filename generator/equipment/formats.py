"""The output formats of the equipment report, defined once: how each is written, and how the
command treats it (its --format choices, what never goes to a terminal, where a progress line
shows). Light to import: each writer imports its module when it runs."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Format:
    """One output format of the equipment report: how it is written, and how the command
    treats it."""

    name: str
    write: Callable[..., bytes]   # (report, advance) -> the file's bytes
    binary: bool = False   # never to a terminal: a file name is made up when -o is not given
    slow: bool = False     # a progress line on a terminal for big registers


def _table(report, advance):
    from .report import to_table
    return to_table(report).encode("utf-8")


def _csv(report, advance):
    from .report import to_csv
    return to_csv(report)


def _json(report, advance):
    from .report import to_json
    return to_json(report).encode("utf-8")


def _xlsx(report, advance):
    from .xlsx import to_xlsx
    return to_xlsx(report, advance)


def _ics(report, advance):
    from .ics import to_ics
    return to_ics(report, advance)


def _pdf(report, advance):
    from .pdf import render_pdf_report
    return render_pdf_report(report, advance=advance)[0]


# The formats, defined once: the command's --format choices, the file suffixes it knows, what
# it writes to a terminal and where it shows progress all come from here.
FORMATS: dict[str, Format] = {f.name: f for f in (
    Format("table", _table),
    Format("csv", _csv),
    Format("json", _json),
    Format("xlsx", _xlsx, binary=True, slow=True),
    Format("pdf", _pdf, binary=True, slow=True),
    Format("ics", _ics, slow=True),
)}


def render(report, fmt: str, advance: Callable[[int], None] | None = None) -> bytes:
    """The report in one of FORMATS, as the bytes of a file. The slow formats (xlsx, ics,
    pdf) call `advance(n)` as items are written (a progress line). Raises KeyError for a
    format not in FORMATS."""
    return FORMATS[fmt].write(report, advance)
