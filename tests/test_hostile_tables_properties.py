"""Property tests for the spreadsheet readers (issue 15): generated cells - control characters,
100 KB runs of spaces, quotes, delimiters, line breaks - either read back exactly as written
(trimmed of Unicode White_Space) or stop with a clear UserError naming the file; never a
traceback, never a hang, never a cell silently merged with the next row."""
from __future__ import annotations

import csv
import io
import time

import openpyxl
from hypothesis import given
from hypothesis import strategies as st

from generator.data.models import SPACE
from generator.data.tables import read_table
from generator.errors import UserError

SPACES = " " * 100_000
cells = st.one_of(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40),
    st.sampled_from(["\x00", "\x07", "\x0b", "\x1b]0;title\x07", '"', '""', 'a"b', ",", "\n",
                     "\r\n", "a\nb,c,d", "工号,姓名,备注", SPACES, "a" + SPACES + "!",
                     "1.38E+10", "'0012", "=1+1"]),
    st.builds(lambda a, b: a + SPACES[:5000] + b, st.text(max_size=3), st.text(max_size=3)),
)
rows = st.lists(st.tuples(cells, cells), min_size=1, max_size=4)


def _expected(value: str) -> str | None:
    value = value.strip(SPACE)
    return value or None


@given(rows=rows, delimiter=st.sampled_from([",", "\t", ";"]))
def test_csv_cells_read_back_as_written_or_are_reported(tmp_path, rows, delimiter):
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["工号", "姓名", "备注"])
    for i, (name, note) in enumerate(rows, 1):
        writer.writerow([f"SZ{i}", name, note])
    path = tmp_path / "staff.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    _read_back_or_reported(path, rows)


def _read_back_or_reported(path, rows) -> None:
    """The staff file at `path` reads back each generated (name, note) as written, within
    5 s, or is refused with every problem named and the file's path."""
    started = time.perf_counter()
    try:
        records = read_table(path, section="staff")["staff"]
    except UserError as exc:
        assert all(str(p) for p in exc.problems) and str(path) in str(exc)
        return
    finally:
        assert time.perf_counter() - started < 5
    by_id = {r["id"]: r for r in records}
    for i, (name, note) in enumerate(rows, 1):
        record = by_id.get(f"SZ{i}", {})
        assert record.get("name") == _expected(name), (name, record)
        assert record.get("note") == _expected(note), (note, record)


def _storable(value: str) -> bool:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    # (Excel cannot hold control characters; a cell starting with = is a formula to Excel)
    return (not ILLEGAL_CHARACTERS_RE.search(value) and len(value) <= 32_767
            and not value.startswith("="))


@given(rows=rows)
def test_xlsx_cells_read_back_as_written_or_are_reported(tmp_path, rows):
    rows = [(n, t) for n, t in rows if _storable(n) and _storable(t)] or [("王", "")]
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "花名册"
    sheet.append(["工号", "姓名", "备注"])
    for i, (name, note) in enumerate(rows, 1):
        sheet.append([f"SZ{i}", name or None, note or None])
    path = tmp_path / "staff.xlsx"
    book.save(path)
    _read_back_or_reported(path, rows)
