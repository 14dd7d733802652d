"""Spreadsheets into records: .csv (UTF-8, GBK/GB18030) and .xlsx (first sheet, or file.xlsx#Sheet).

`read_table(path)` returns `{section: records}` like the YAML reader, so validation is the same
for both. Each record is a `TableRecord`: a MarkedDict whose `location(key)` names the file, the
sheet, the row and the column header, so a problem prints as

    staff.xlsx[花名册] row 14 照片: file not found: photos/x.jpg

The header row is found among the first rows (title rows above it are skipped); headers are
matched through the table in `generator.headers` plus the company's own `columns:`. Cells become
values by the field's kind: text fields turn numbers Excel stored back into the digits (a phone
13800000000, an ID 00123 kept by a 00000 cell format), date fields take date cells, Excel serial
numbers and the usual written forms. Empty rows are skipped.

Equipment checks come from a second sheet of equipment.xlsx (named 检查记录 or checks) or from a
checks.csv of their own; `attach_checks` puts them into the equipment records.
"""
from __future__ import annotations

from array import array

import codecs
import csv
import datetime as dt
import io
import re
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator

from . import headers as H
from ..dates import parse_date, parse_datetime
from .materials import parse_materials
from .models import RESULT_LABELS, SPACE
from ..errors import (Location, Problem, UnmatchedCheck, UserError, closest_all, os_reason,
                      suggest)
from ..i18n import _, words
from .yamlsource import MarkedDict, MarkedList

HEADER_SCAN_ROWS = 10          # the header row is looked for among this many first rows
SECTION_NAMES = {"staff": "staff", "work_orders": "work_orders", "workorders": "work_orders",
                 "equipment": "equipment", "checks": "checks", "equipment_checks": "checks",
                 # the words of docs/术语表.md, so that 花名册.xlsx and 台账.csv need no --section
                 "花名册": "staff", "人员": "staff", "人员名单": "staff", "员工": "staff",
                 "工单": "work_orders", "装维工单": "work_orders",
                 "台账": "equipment", "安全用具": "equipment", "安全用具台账": "equipment",
                 "劳动防护用品": "equipment", "劳动防护用品台账": "equipment",
                 "设备台账": "equipment", "检查记录": "checks", "检测记录": "checks",
                 "batch_checks": "batch_checks", "批次抽检": "batch_checks"}


# ---------------------------------------------------------------------------- located values
class TableInfo:
    """What all rows of one table share: where it is and which header each field came from."""

    __slots__ = ("file", "sheet", "headers", "columns", "absent")

    def __init__(self, file: str, sheet: str | None):
        self.file = file
        self.sheet = sheet
        self.headers: dict[str, str] = {}      # field path ("customer.name") -> header as written
        self.columns: dict[str, int] = {}      # header as written -> its column (1 = A)
        # required fields that have no column (said once for the table, not on every row)
        self.absent: frozenset[str] = frozenset()

    def location(self, row: int | None = None, header: str | None = None) -> Location:
        return Location(self.file, row, self.columns.get(header), self.sheet, header)


class TableProblems(UserError):
    """A table's problems of its own (a required column missing, a cell too long, an empty
    header over values), with the records read all the same (`sections`: {section: records},
    as `read_table` returns them), so that their rows' problems are said in the same round.
    A required field without a column is in its rows' `info.absent`: not said on every row."""

    def __init__(self, problems: list[Problem], sections: dict[str, "LocatedList"]):
        super().__init__(problems)
        self.sections = sections


class TableRecord(MarkedDict):
    """One row (or the `customer`/`appointment` part of it) that can say where each value is."""

    __slots__ = ("info", "row", "prefix")
    locates_missing = True  # an empty cell is still in its column

    def location(self, key: Any = None) -> Location:
        info = self.info
        if key is None:
            return Location(info.file, self.row, None, info.sheet)
        header = info.headers.get(self.prefix + key if key.__class__ is str else
                                  self.prefix + str(key))
        return Location(info.file, self.row, info.columns.get(header), info.sheet, header)


class CellRecord(MarkedDict):
    """A record written inside one cell (a material in 材料): every key is at that cell."""

    __slots__ = ("loc",)

    def location(self, key: Any = None) -> Location:
        return self.loc


class LocatedList(MarkedList):
    """Records that each know their own location (rows of a table, checks from several sheets).

    Once validated, a table's records can be let go of (`keep_rows_only`): each then leaves
    only its row number (8 bytes where the emptied record took 120), and `location` still
    says the same."""

    __slots__ = ("where", "warnings", "section", "rows", "rows_info")

    def location(self, index: int | None = None) -> Location:
        if index is not None and 0 <= index < len(self):
            item = self[index]
            if item is None and self.rows is not None and index < len(self.rows) \
                    and self.rows[index] >= 0:
                info = self.rows_info
                return Location(info.file, self.rows[index], None, info.sheet)
            if item.__class__ is TableRecord or hasattr(item, "location"):
                return item.location()
        return self.where

    def keep_rows_only(self, start: int, stop: int) -> None:
        """Let go of records `start` to `stop` (validated), keeping where each row was; a
        record from another sheet than the first let go of is kept, emptied."""
        rows = self.rows
        if rows is None:
            rows = self.rows = array("q")
        if len(rows) < stop:
            rows.extend([-1] * (stop - len(rows)))
        for index in range(start, min(stop, len(self))):
            item = self[index]
            if item.__class__ is not TableRecord or item.row is None or item.prefix:
                if isinstance(item, dict):
                    item.clear()
                continue
            if self.rows_info is None:
                self.rows_info = item.info
            if item.info is self.rows_info:
                rows[index] = item.row
                self[index] = None
            else:
                item.clear()


def _located_list(items: Iterable, where: Location) -> LocatedList:
    out = LocatedList(items)
    out.file, out.pos, out.item_pos = where.file, (where.line, None), []
    out.where, out.warnings, out.section = where, [], None
    out.rows = out.rows_info = None
    return out


# ---------------------------------------------------------------------------- reading files
def split_sheet(path: Path) -> tuple[Path, str | None]:
    """staff.xlsx#花名册 -> (staff.xlsx, 花名册)."""
    name = path.name
    if "#" in name:
        base, sheet = name.split("#", 1)
        return path.with_name(base), sheet or None
    return path, None


def section_from_name(path: Path) -> str | None:
    """The section a spreadsheet holds, from its file name (staff.csv, 工单.xlsx ...), or None."""
    stem = path.stem.lower().replace("-", "_").replace(" ", "_")
    return SECTION_NAMES.get(stem)


def read_table(path: Path, *, section: str | None = None, encoding: str | None = None,
               columns: Any = None) -> dict[str, LocatedList]:
    """The records of a spreadsheet, by section; the checks of an equipment workbook under 'checks'.

    section: force the section (else the file or sheet name, else the headers say).
    encoding: for CSV, instead of detecting UTF-8 / GB18030.
    columns: the company's extra headers, {section: {header: field}} (company.yaml `columns:`).
    """
    path = Path(path)
    file_path, sheet = split_sheet(path)
    display = str(file_path)
    if section is not None:
        section = SECTION_NAMES.get(section.lower().replace("-", "_"))
        if section is None:
            raise UserError(Problem(_("--section must be one of {sections}").format(
                sections=words(H.TABLE_SECTIONS, "or")), Location(display)))
    extra, problems = company_columns(columns)
    if problems:
        raise UserError(problems)
    if not file_path.is_file():
        why = (_("this is a folder, not a data file") if file_path.is_dir()
               else _("file not found"))
        raise UserError(Problem(why, Location(display)))
    named = section or section_from_name(file_path)
    if file_path.suffix.lower() == ".csv":
        if sheet is not None:
            raise UserError(Problem(_("a CSV file has no sheets; remove '#{sheet}'").format(
                sheet=sheet), Location(display)))
        text, _encoding = decode_csv(file_path, display, encoding)
        rows = _csv_rows(text, display)
        records = _read_rows(rows, TableInfo(display, None), named, extra, excel=False)
        return {records.section: records}
    if file_path.suffix.lower() != ".xlsx":
        raise UserError(Problem(_("spreadsheets must be .csv or .xlsx (save an old .xls as "
                                  ".xlsx)"), Location(display)))
    return _read_workbook(file_path, display, sheet, named, section, extra)


def company_columns(columns: Any) -> tuple[dict[str, dict[str, str]], list[Problem]]:
    """The company's `columns:` checked against the known fields: {section: {header: field}}."""
    extra: dict[str, dict[str, str]] = {}
    problems: list[Problem] = []
    if not isinstance(columns, dict):
        return extra, problems
    for section, mapping in columns.items():
        where = columns.location(section) if hasattr(columns, "location") else None
        if section not in H.COLUMNS:
            problems.append(Problem(_("columns: unknown section {section!r}").format(
                section=section) + suggest(section, H.COLUMNS) + _(" (sections: {sections})")
                .format(sections=words(H.COLUMNS)), where, "company.columns"))
            continue
        if not isinstance(mapping, dict):
            continue  # the Company model reports the wrong shape
        for header, field in mapping.items():
            field = str(getattr(field, "raw", field)).strip()
            if field not in H.COLUMNS[section]:
                loc = mapping.location(header) if hasattr(mapping, "location") else where
                problems.append(Problem(
                    _("column {header!r}: {field!r} is not a {section} field").format(
                        header=header, field=field, section=section)
                    + suggest(field, H.COLUMNS[section])
                    + _(" (fields: {fields})").format(fields=words(H.COLUMNS[section])),
                    loc, f"company.columns.{section}"))
                continue
            extra.setdefault(section, {})[str(getattr(header, "raw", header))] = field
    return extra, problems


def decode_csv(path: Path, display: str, encoding: str | None) -> tuple[str, str]:
    """The text of a CSV file and the encoding used: BOM, else UTF-8, else GB18030 (GBK)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(Problem(_("cannot read: {reason}").format(reason=os_reason(exc)),
                                Location(display))) from None
    if raw.startswith(b"PK\x03\x04"):
        raise UserError(Problem(_("this is an Excel workbook, not CSV text; name it .xlsx"),
                                Location(display)))
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise UserError(Problem(_("this is an old Excel .xls file (or a protected one), not "
                                  "CSV text; open it in Excel and save as .xlsx or CSV"),
                                Location(display)))
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UserError(Problem(_("unknown encoding {encoding!r}; try utf-8 or gb18030")
                                    .format(encoding=encoding), Location(display))) from None
        tried = [encoding]
    elif raw.startswith(codecs.BOM_UTF8):
        tried = ["utf-8-sig"]
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        tried = ["utf-16"]
    else:
        tried = ["utf-8", "gb18030"]
    error: UnicodeDecodeError | None = None
    for name in tried:
        try:
            return raw.decode(name).removeprefix("\ufeff"), name
        except UnicodeDecodeError as exc:
            error = error or exc
    assert error is not None
    line = raw[: error.start].count(b"\n") + 1
    if encoding:
        why = _("not {encoding} text (byte 0x{byte:02x} on line {line})").format(
            encoding=encoding, byte=raw[error.start], line=line)
    else:
        from ..advice import ENCODING
        why = _("neither UTF-8 nor GBK/GB18030 text (byte 0x{byte:02x} on line {line}); "
                "{advice}").format(byte=raw[error.start], line=line, advice=ENCODING.says())
    raise UserError(Problem(why, Location(display, line)))


MAX_CELL = 32_767  # characters in one cell: Excel's own limit (docs/security.md)


def _csv_rows(text: str, display: str = "") -> Iterator[tuple[int, list[str]]]:
    """(line number where the row starts, cells) for each row of CSV text.

    A quoted cell that never closes swallows the rows after it (issue 15.3): a cell running
    over lines that hold the file's delimiter pattern (as many delimiters as the header line),
    or running to the end of the file, is an error naming the line where the quote opened.
    A cell longer than MAX_CELL characters is an error too."""
    sample = text[:4096].splitlines()[:5]
    counts = {d: sum(line.count(d) for line in sample) for d in (",", "\t", ";")}
    delimiter = max(counts, key=lambda d: (counts[d], d == ","))
    pattern = next((line.count(delimiter) for line in sample if line.strip()), 0)
    csv.field_size_limit(MAX_CELL)  # the csv module's own limit (131,072) says no row
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = reader.line_num
            if "field larger than field limit" in str(exc):
                raise UserError(Problem(_(
                    "a cell here is longer than {limit:,} characters (the most a cell holds, "
                    "as in Excel); is a quote (\") left open above?").format(limit=MAX_CELL),
                    Location(display, line))) from None
            raise UserError(Problem(_("cannot read this CSV line: {why}").format(why=exc),
                                    Location(display, line))) from None
        end = reader.line_num
        if end > start:
            _runaway_quote(text, cells, start, end, delimiter, pattern, display)
        yield start, cells
        start = end + 1


def _runaway_quote(text: str, cells: list[str], start: int, end: int, delimiter: str,
                   pattern: int, display: str) -> None:
    """Raise when the row from line `start` to `end` is a quote left open (see _csv_rows)."""
    for cell in cells:
        if "\n" not in cell and "\r" not in cell:
            continue
        inner = cell.splitlines()[1:]
        rowlike = next((i for i, line in enumerate(inner, 1)
                        if pattern and line.count(delimiter) >= pattern), None)
        if rowlike is not None:
            raise UserError(Problem(_(
                "a quote (\") opened in the row on line {start} is not closed where it should "
                "be: lines up to {end} were read into one cell, although they look like rows "
                "of their own. Close the quote, or remove it").format(start=start, end=end),
                Location(display, start)))
    lines = text.splitlines(keepends=True)
    if end >= len(lines):  # the last row: does its quote close before the end of the file?
        rest = "".join(lines[start - 1:])
        try:
            list(csv.reader(io.StringIO(rest, newline=""), delimiter=delimiter, strict=True))
        except csv.Error as exc:
            if "unexpected end of data" in str(exc):
                raise UserError(Problem(_(
                    "a quote (\") opened in the row on line {start} is never closed: "
                    "everything after it, to the end of the file, was read into one cell. "
                    "Close the quote, or remove it").format(start=start),
                    Location(display, start))) from None


def _read_workbook(file_path: Path, display: str, sheet: str | None, named: str | None,
                   forced: str | None, extra: dict) -> dict[str, LocatedList]:
    import zipfile

    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    from .archive import check_archive
    check_archive(file_path, display, _("workbook"))
    try:
        book = load_workbook(file_path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError):
        raise UserError(Problem(_(
            "cannot open as an Excel .xlsx workbook: it is not one inside (an old .xls renamed, "
            "a file with a password, or a damaged copy); open it in Excel and save it again "
            "as an .xlsx workbook, without a password"), Location(display))) from None
    try:
        return _read_sheets(book, display, sheet, named, forced, extra)
    except UserError:
        raise
    except (MemoryError, RecursionError):
        raise
    except Exception as exc:  # damaged sheet XML, entities, a part openpyxl cannot parse
        if not _from_the_file(exc):
            raise
        raise UserError(Problem(_(
            "cannot read this workbook: its content is damaged; open it in Excel and save it "
            "again as .xlsx"), Location(display))) from None
    finally:
        book.close()


def _from_the_file(exc: Exception) -> bool:
    """Raised inside the libraries that parse the workbook (openpyxl, lxml, expat, zipfile)
    rather than in fieldprint's own code: the file's fault, not a bug of ours."""
    import traceback
    frames = traceback.extract_tb(exc.__traceback__)
    ours = str(Path(__file__).resolve().parents[1])
    return bool(frames) and not str(Path(frames[-1].filename).resolve()).startswith(ours)


def _named_sheet(name: str) -> str | None:
    """The section a sheet's name gives: checks (检查记录), batch_checks (批次抽检), or None."""
    key = H.normalize(name)
    if key in H.CHECK_SHEETS:
        return "checks"
    if key in H.BATCH_CHECK_SHEETS:
        return "batch_checks"
    return None


def _read_sheets(book, display: str, sheet: str | None, named: str | None, forced: str | None,
                 extra: dict) -> dict[str, LocatedList]:
    """Every sheet of a workbook is read or said (issue 15.1): the main sheet (the one named
    with file.xlsx#sheet, else the first that is not a checks sheet); sheets named or headed
    as checks or batch checks; in a safety register (an equipment workbook) every other sheet
    its headers recognise. A non-empty sheet that is not read is named in a warning, and in
    a safety register, a table whose headers fieldprint cannot read is an error: a checks
    sheet left as 'Sheet2' must not vanish from the report."""
    names = book.sheetnames
    if sheet is not None:
        if sheet not in names:
            raise UserError(Problem(_("no sheet named {sheet!r}{hint} (sheets: {sheets})")
                                    .format(sheet=sheet, hint=suggest(sheet, names),
                                            sheets=words(names)), Location(display)))
        main = sheet
    else:
        main = next((n for n in names if _named_sheet(n) is None), names[0])
    section = forced or _named_sheet(main) or named
    out: dict[str, LocatedList] = {}
    problems: list[Problem] = []
    warnings: list[Problem] = []
    try:
        records = _read_rows(_sheet_rows(book[main]), TableInfo(display, main), section,
                             extra, excel=True)
        out[records.section] = records
    except UserError as exc:
        problems.extend(exc.problems)
        records = None
        if isinstance(exc, TableProblems):   # read all the same
            out.update(exc.sections)
            records = next(iter(exc.sections.values()))
    safety = (records is None or records.section in ("equipment", "checks", "batch_checks")
              or any(_named_sheet(n) for n in names))
    for name in names:
        if name == main:
            continue
        by_name = _named_sheet(name)
        if sheet is not None and by_name is None:
            continue  # the user named the one sheet to read
        where = Location(display, sheet=name)
        head = _first_rows(book[name])
        if not any(any(_cell_text(c.value) for c in cells) for _n, cells in head):
            continue  # an empty sheet: nothing to lose
        if not safety and by_name is None:
            warnings.append(Problem(_(
                "this sheet is not read: only the first sheet of a workbook is (its first "
                "row: {headers}); to read it too, give it as {file}#{sheet}").format(
                    headers=_header_sample(head), file=display, sheet=name), where))
            continue
        try:
            found = _read_rows(_sheet_rows(book[name]), TableInfo(display, name), by_name,
                               extra, excel=True)
        except TableProblems as exc:   # the table's own problems; its rows read all the same
            problems.extend(exc.problems)
            found = next(iter(exc.sections.values()))
        except UserError as exc:
            if by_name is not None or _looks_like_a_table(head):
                if by_name is None:
                    problems.append(Problem(_(
                        "this sheet is not read: its headers are none that fieldprint knows "
                        "({headers}). In a safety register no table may be left out: give it "
                        "the headers of docs/spreadsheets.md (a checks sheet: 编号, 日期, 类型, "
                        "结果; batch checks: 批次, 类别, 日期, 类型, 结果), or move it to "
                        "another workbook").format(headers=_header_sample(head)), where))
                else:
                    problems.extend(exc.problems)
            else:
                warnings.append(Problem(_(
                    "this sheet is not read ({why}); to read it, name it after the file: "
                    "{file}#{sheet}").format(why=_first_message(exc), file=display,
                                             sheet=name), where))
            continue
        known = out.get(found.section)
        if known is None:
            out[found.section] = found
        else:
            known.extend(found)
            known.warnings.extend(found.warnings)
    first = next(iter(out.values()), None)
    if first is not None:
        first.warnings.extend(warnings)
    if problems:
        raise TableProblems(problems, out)
    return out


def _first_rows(ws) -> list[tuple[int, tuple]]:
    rows = []
    for number, cells in _sheet_rows(ws):
        rows.append((number, cells))
        if len(rows) >= HEADER_SCAN_ROWS:
            break
    return rows


def _looks_like_a_table(head: list[tuple[int, tuple]]) -> bool:
    """Two or more filled cells in a row: headers of some table, not a note."""
    return any(sum(1 for c in cells if _cell_text(c.value)) >= 2 for _, cells in head)


def _header_sample(head: list[tuple[int, tuple]]) -> str:
    for _n, cells in head:
        texts = [_cell_text(c.value) for c in cells if _cell_text(c.value)]
        if texts:
            shown = words(texts[:8], "plain")
            return _clip(shown, 200)
    return ""


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _first_message(exc: UserError) -> str:
    return exc.problems[0].message if exc.problems else ""


def _sheet_rows(ws) -> Iterator[tuple[int, tuple]]:
    ws.reset_dimensions()  # some programs write a wrong size; read what is there
    for number, row in enumerate(ws.iter_rows(), 1):
        yield number, row


# ---------------------------------------------------------------------------- cell values
def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and (not value or value.isspace()))


_ZEROS = re.compile(r'^(?:"[^"]*")?(0+)(?:"[^"]*")?$')


def number_text(value: int | float, number_format: str | None = None) -> str:
    """The digits of a number Excel stored for a text field: 13800000000.0 -> '13800000000';
    with a cell format of 00000, 123 -> '00123'."""
    if isinstance(value, float):
        if value.is_integer():
            value = int(value)
        else:
            text = repr(value)
            if "e" in text or "E" in text:
                from decimal import Decimal
                text = format(Decimal(text), "f")
            return text
    text = str(value)
    if number_format and number_format != "General":
        m = _ZEROS.match(number_format)
        if m and value >= 0:
            text = text.zfill(len(m[1]))
    return text


def _excel_date(value: float) -> dt.datetime | None:
    """An Excel serial day number (a date cell without date format) as a datetime."""
    if 1 <= value < 2958466:
        from openpyxl.utils.datetime import from_excel
        return from_excel(value)
    return None


_TIME_FORMAT = re.compile(r"[hs]", re.I)


def _date_as_text(value: dt.datetime | dt.date, number_format: str | None) -> str:
    """A date cell in a text field (Excel turned '2023-01' into a date): as the cell shows it."""
    fmt = (number_format or "").lower()
    if isinstance(value, dt.datetime) and (_TIME_FORMAT.search(fmt) or value.time() != dt.time()):
        return value.strftime("%Y-%m-%d %H:%M")
    if "d" not in fmt and "m" in fmt and "y" in fmt:
        return value.strftime("%Y-%m")
    return value.strftime("%Y-%m-%d")


def _fmt(cell) -> str | None:
    return getattr(cell, "number_format", None)


def _text(value: Any, cell) -> Any:
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return value  # the model says it should be text
    if isinstance(value, (int, float)):
        return number_text(value, _fmt(cell))
    if isinstance(value, (dt.date, dt.datetime)):
        return _date_as_text(value, _fmt(cell))
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    return value


def _date_converter(allow_month: bool) -> Callable:
    cache: dict[str, Any] = {}  # text -> date (or the text, which the model reports)

    def convert(value: Any, cell) -> Any:
        if isinstance(value, str):
            done = cache.get(value)
            if done is None:
                try:
                    done = parse_date(value, allow_month=allow_month)
                except ValueError:
                    done = value  # the model reports it, with its place
                cache[value] = done
            return done
        if isinstance(value, dt.datetime):
            return value.date() if value.time() == dt.time() else value
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            day = _excel_date(float(value))
            return day.date() if day is not None else value
        return value
    convert.cache = cache  # type: ignore[attr-defined]  (read by _read_rows)
    return convert


# Linear on any text (issue 15.10): runs of spaces are possessive (\s*+), and the second
# day takes the rest of the text (DOTALL), so no start position rescans what follows it.
_RANGE_SAME_DAY = re.compile(
    r"^(?P<day>.*?[\d日])\s*+[T ]?\s*+(?<!\d)(?P<t1>\d{1,2}:\d{2})\s*+(?:-|~|～|至|到|—|–)\s*+"
    r"(?P<t2>\d{1,2}:\d{2})$")
_RANGE_TWO_DAYS = re.compile(r"(?s)^(?P<a>.+?\d{1,2}:\d{2}(?::\d{2})?)\s*+"
                             r"(?:~|～|至|到|—|–|(?<=\s)-(?=\s))\s*+(?P<b>\d{4}.+)$")


class TimeRange(tuple):
    """'2026-11-21 14:00-16:00' in one cell: (start, end)."""


def _datetime_converter(ranges: bool) -> Callable:
    cache: dict[str, Any] = {}

    def parse(text: str) -> Any:
        text = text.replace("：", ":").strip()
        if ranges:
            m = _RANGE_SAME_DAY.match(text)
            if m:
                return TimeRange((parse(f"{m['day']} {m['t1']}"), parse(f"{m['day']} {m['t2']}")))
            m = _RANGE_TWO_DAYS.match(text)
            if m:
                return TimeRange((parse(m["a"]), parse(m["b"])))
        try:
            return parse_datetime(text)
        except ValueError:
            return text

    def convert(value: Any, cell) -> Any:
        if isinstance(value, str):
            done = cache.get(value)
            if done is None:
                done = cache[value] = parse(value)
            return done
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            moment = _excel_date(float(value))
            return moment if moment is not None else value
        return value
    return convert


_STARS = re.compile(r"^\s*+(\d)\s*+星?(?:级)?\s*+$")


def _int(value: Any, cell) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        m = _STARS.match(value)
        if m:
            return int(m[1])
        if value.strip() and set(value.strip()) <= {"★", "☆"}:
            return value.count("★")
    return value


def _code(value: Any, cell) -> Any:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return number_text(value)
    return value


def _converter(kind: str, field: str) -> Callable | None:
    if kind == "text":
        return _text
    if kind == "date":
        return _date_converter(False)
    if kind == "month":
        return _date_converter(True)
    if kind == "datetime":
        return _datetime_converter(ranges=field == "appointment.start")
    if kind == "int":
        return _int
    if kind == "code":
        return _code
    return None  # materials: handled by the row builder


# ---------------------------------------------------------------------------- headers
class _Header:
    """The header row that was found, and which column gives which field."""

    def __init__(self, row: int, section: str, fields: dict[int, str], texts: dict[int, str],
                 unknown: list[int], blank: list[int]):
        self.row, self.section, self.fields, self.texts = row, section, fields, texts
        self.unknown, self.blank = unknown, blank


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"\s+", " ", str(value)).strip()


def _resolve(texts: list[str], above: list[str], aliases: dict[str, str]
             ) -> tuple[dict[int, str], dict[int, str], list[int], list[int]]:
    """Which column gives which field. An empty cell under a header (a cell merged down from
    the row above) takes that header; a group header above (客户 over 姓名) is tried as a
    prefix first (客户姓名)."""
    fields: dict[int, str] = {}
    shown: dict[int, str] = {}
    unknown: list[int] = []
    blank: list[int] = []
    group = ""
    for c, text in enumerate(texts):
        upper = above[c] if c < len(above) else ""
        if upper:
            group = upper
        field = None
        if text:
            field = aliases.get(H.normalize(group + text)) if group else None
            if field is not None:
                shown[c] = f"{group}{text}"
            else:
                field = aliases.get(H.normalize(text))
                shown[c] = text
        elif upper and aliases.get(H.normalize(upper)):
            field, shown[c] = aliases[H.normalize(upper)], upper  # merged down from above
        if field is None:
            (unknown if text else blank).append(c)
        elif field in fields.values():
            unknown.append(c)  # a second column for the same field: reported by the caller
            shown.setdefault(c, text)
        else:
            fields[c] = field
    return fields, shown, unknown, blank


def _find_header(rows: list[list[str]], section: str | None, extra: dict
                 ) -> tuple[int, str, dict[int, str], dict[int, str], list[int], list[int]] | None:
    """The best header row among the first rows, and its section when not given."""
    sections = [section] if section else list(H.TABLE_SECTIONS)
    maps = {s: H.alias_map(s, extra.get(s)) for s in sections}
    best = None
    best_score = (0, 0)
    ties: set[str] = set()
    for i, texts in enumerate(rows):
        if not any(texts):
            continue
        above = rows[i - 1] if i > 0 else []
        for s in sections:
            fields, shown, unknown, blank = _resolve(texts, above, maps[s])
            found = set(fields.values())
            has_id = H.ID_FIELD[s] in found
            score = (len(found) + (2 if has_id else 0), -i)
            if len(found) == 0:
                continue
            if score > best_score:
                best_score, best = score, (i, s, fields, shown, unknown, blank)
                ties = {s}
            elif score == best_score:
                ties.add(s)
    if best is not None and section is None and len(ties) > 1:
        raise _Ambiguous(sorted(ties))
    return best


class _Ambiguous(Exception):
    def __init__(self, sections: list[str]):
        self.sections = sections


def _cell_name(excel: bool, column: int, row: int) -> str:
    if excel:
        from openpyxl.utils import get_column_letter
        return f"{get_column_letter(column + 1)}{row}"
    return _("column {n}").format(n=column + 1)


# ---------------------------------------------------------------------------- rows to records
def _read_rows(rows: Iterator[tuple[int, Any]], info: TableInfo, section: str | None,
               extra: dict, *, excel: bool) -> LocatedList:
    value_of = (lambda cell: cell.value) if excel else (lambda cell: cell)  # noqa: E731
    head: list[tuple[int, list[str]]] = []
    head_cells: list[tuple[int, Any]] = []
    for number, cells in rows:
        head_cells.append((number, cells))
        head.append((number, [_cell_text(value_of(c)) for c in cells]))
        if len(head) >= HEADER_SCAN_ROWS:
            break
    where = info.location()
    if not head or not any(any(t) for _row, t in head):
        raise UserError(Problem(_("the sheet is empty; the first row should hold the column "
                                  "headers (fieldprint template writes a starting point)"),
                                where))
    width = max(len(t) for _row, t in head)
    texts = [t + [""] * (width - len(t)) for _row, t in head]
    try:
        found = _find_header(texts, section, extra)
    except _Ambiguous as exc:
        raise UserError(Problem(_(
            "the headers fit {sections} equally well; name the file after its section "
            "(staff.csv, work_orders.csv, equipment.csv, checks.csv) or pass --section").format(
                sections=_(" and ").join(exc.sections)), where)) from None
    if found is None:
        sample = words((t for t in texts[0] if t), "plain") or _("(none)")
        what = section or _("staff, work_orders, equipment or checks")
        raise UserError(Problem(_(
            "no column header of {section} found in the first {n} rows (first row: {sample}); "
            "see docs/spreadsheets.md for the headers").format(section=what, n=len(texts),
                                                               sample=sample), where))
    index, section, fields, shown, unknown, blank = found
    header_row = head[index][0]
    info.headers = {field: shown[c] for c, field in sorted(fields.items())}
    info.columns = {shown[c]: c + 1 for c in sorted(fields, reverse=True)}   # the first one
    for field, text in list(info.headers.items()):  # customer, appointment: their first column
        if "." in field:
            info.headers.setdefault(field.rpartition(".")[0], text)
    problems: list[Problem] = []
    warnings: list[Problem] = []

    missing = [f for f in H.REQUIRED[section] if f not in info.headers]
    if section == "equipment" and not {"manufactured", "in_service"} & set(info.headers):
        missing.append("manufactured")
    # a header a letter off a known one (性名 for 姓名) is said as the likely typo, not as a
    # column to map in company.yaml
    typos = {}
    for c in unknown:
        typo = H.likely_typo(section, shown.get(c) or texts[index][c], extra.get(section),
                             taken=frozenset(fields.values()))
        if typo is not None:
            typos[c] = typo

    def meant(c: int, field: str) -> bool:   # column c is a typo of the missing `field`
        return c in typos and (typos[c][0] == field or (
            field == "manufactured" and typos[c][0] == "in_service"))
    for field in missing:
        hint = H.header_for(section, field)
        if section == "equipment" and field == "manufactured":
            hint = _("{one} or {other}").format(one=hint,
                                                other=H.header_for(section, "in_service"))
        typo = [c for c in typos if meant(c, field)]
        if typo:
            c = typo[0]
            problems.append(Problem(_(
                "no column for {field!r} ({hint}); is {cell} {header!r} meant to be {known!r}? "
                "Change that header to {known!r}").format(
                    field=field, hint=hint, cell=_cell_name(excel, c, header_row),
                    header=shown.get(c) or texts[index][c], known=typos[c][1]),
                info.location(header_row)))
            continue
        problems.append(Problem(_(
            "no column for {field!r} ({hint}); the headers in row {row} are: {headers}").format(
                field=field, hint=hint, row=header_row,
                headers=words((t for t in texts[index] if t), "plain")), info.location(header_row)))
    # the rows are read all the same: their other problems are said with the missing column
    info.absent = frozenset(missing + (["in_service"] if "manufactured" in missing
                                       and section == "equipment" else []))
    if unknown:
        used = {f: c for c, f in fields.items()}
        unused = []
        for c in unknown:
            field = H.alias_map(section, extra.get(section)).get(H.normalize(shown.get(c, "")))
            if field in used:
                warnings.append(Problem(_(
                    "{cell} {header!r} is not used: {other} {other_header!r} already gives "
                    "{field}").format(cell=_cell_name(excel, c, header_row), header=shown[c],
                                      other=_cell_name(excel, used[field], header_row),
                                      other_header=info.headers[field], field=field),
                    info.location(header_row)))
            elif c in typos:
                # a problem, not a warning: the column's values would be left out, and the
                # field's default printed in their place (the trial's 职物: every badge said
                # 智慧家庭工程师, the 装维组长's too)
                if not any(meant(c, field) for field in missing):   # else said there
                    problems.append(Problem(_(
                        "{cell} {header!r} is not a known header: is it meant to be {known!r}? "
                        "Change that header to {known!r}").format(
                            cell=_cell_name(excel, c, header_row),
                            header=shown.get(c) or texts[index][c], known=typos[c][1]),
                        info.location(header_row)))
            else:
                unused.append(shown.get(c) or texts[index][c])
        if unused:
            warnings.append(Problem(
                _("columns not used: {columns} (not {section} fields; to use one, map it in "
                  "company.yaml: columns: {{{section}: {{{first}: FIELD}}}})").format(
                    columns=words(unused, "plain"), section=section, first=unused[0]),
                info.location(header_row)))

    plan = []
    for c, field in sorted(fields.items()):
        kind = H.kind_of(section, field)
        parent, _dot, key = field.rpartition(".")
        convert = _converter(kind, field)
        if (convert is _text or convert is _code) and not excel:
            convert = None  # CSV cells are text already (both only change numbers)
        plan.append((c, field, parent or None, key, kind, convert))
    blank_columns = set(blank)

    records = _located_list((), where)
    records.section = section
    records.warnings = warnings

    def body() -> Iterator[tuple[int, Any]]:
        for number, cells in head_cells[index + 1:]:
            yield number, cells
        yield from rows

    # CSV without nested or in-cell fields (staff, equipment, checks): a tighter loop
    simple = not excel and all(p[2] is None and p[4] != "materials" and p[1] != "appointment.start"
                               for p in plan)
    # (column, key, converter, the converter's cache: text -> value, for dates)
    flat = [(c, key, convert, getattr(convert, "cache", None))
            for c, _f, _k, key, _p, convert in plan]
    for number, cells in body():
        record = TableRecord()
        record.info, record.row, record.prefix = info, number, ""
        width = len(cells)
        if simple:
            for c, key, convert, cache in flat:
                if c < width:
                    value = cells[c].strip(SPACE)
                    if value:
                        if convert is not None:
                            done = cache.get(value) if cache is not None else None
                            value = convert(value, None) if done is None else done
                        record[key] = value
            plan_here = ()
        else:
            plan_here = plan
        for c, field, parent, key, kind, convert in plan_here:
            if c >= width:
                continue
            cell = cells[c]
            value = cell.value if excel else cell
            if value is None:
                continue
            if value.__class__ is str:
                if len(value) > MAX_CELL:  # CSV stops at the csv module's limit (MAX_CELL)
                    problems.append(Problem(_(
                        "this cell holds {n:,} characters; a cell holds at most {limit:,} "
                        "(as in Excel)").format(n=len(value), limit=MAX_CELL),
                        info.location(number, info.headers.get(field))))
                    continue
                value = value.strip(SPACE)
                if not value:
                    continue
            if convert is not None:
                value = convert(value, cell)
            elif kind == "materials":
                value = _materials(value, info.location(number, info.headers[field]))
            target = record
            if parent is not None:
                target = record.get(parent)
                if target is None:
                    target = record[parent] = TableRecord()
                    target.info, target.row, target.prefix = info, number, parent + "."
            if value.__class__ is TimeRange:
                target[key] = value[0]
                target.setdefault("end", value[1])
            else:
                target[key] = value
        if blank_columns:
            for c in list(blank_columns):
                if c < width and not _blank(value_of(cells[c])):
                    blank_columns.discard(c)
                    problems.append(Problem(_(
                        "{cell} is an empty header, but the column has values (first in row "
                        "{row}): a merged header cell? Give every column its own header, or "
                        "delete the column").format(cell=_cell_name(excel, c, header_row),
                                                    row=number), info.location(header_row)))
        if record:
            records.append(record)
    if problems:
        raise TableProblems(problems, {section: records})
    return records


def _materials(value: Any, loc: Location) -> Any:
    if not isinstance(value, str):
        value = _text(value, None)
        if not isinstance(value, str):
            return value
    out = _located_list((), loc)
    for entry in parse_materials(value):
        record = CellRecord(entry)
        record.loc = loc
        out.append(record)
    return out


# ---------------------------------------------------------------------------- checks
def _key(value: Any) -> str:
    return str(getattr(value, "raw", value)).strip()


def attach_checks(collected: dict[str, list], problems: list[Problem]) -> None:
    """Put the rows of checks tables into the equipment records they name (by 编号)."""
    items: dict[str, Any] = {}
    for _path, records in collected.get("equipment", []):
        if isinstance(records, list):
            for record in records:
                if isinstance(record, dict) and "id" in record:
                    items.setdefault(_key(record["id"]), record)
    for path, checks in collected.pop("checks", []):
        for check in checks:
            item_id = check.pop("item", None)
            if item_id is None:
                continue  # an empty row; required columns are checked when reading
            item = items.get(_key(item_id))
            if item is None:
                hint = ""
                if items:
                    hint = suggest(_key(item_id), items)
                else:
                    hint = _("; no equipment register was given (add equipment.csv)")
                loc = check.location("item")
                # a failing check (不合格) naming no item: the report shows it (UnmatchedCheck)
                result = _key(check.get("result", ""))
                candidates = closest_all(_key(item_id), items)
                problems.append(UnmatchedCheck(
                    _("equipment {id!r} is not in the equipment register")
                    .format(id=_key(item_id)) + hint, loc, "checks.item", name=_key(item_id),
                    failed=result in ("fail", RESULT_LABELS["fail"]),
                    date=_date_or_none(check.get("date")), candidates=tuple(candidates)))
                continue
            existing = item.get("checks")
            if not isinstance(existing, LocatedList):
                merged = _located_list((), item.location("checks") if hasattr(item, "location")
                                       else Location(str(path)))
                if isinstance(existing, list):
                    merged.extend(existing)
                item["checks"] = existing = merged
                if isinstance(item, MarkedDict) and not isinstance(item, TableRecord):
                    item.key_pos.setdefault("checks", item.pos)
            existing.append(check)


def _date_or_none(value: Any) -> dt.date | None:
    """A check's date when it can be read (the report leaves out a check dated after its
    as-of day, one naming nothing too), else None."""
    try:
        return parse_date(value)
    except (ValueError, TypeError):
        return None
