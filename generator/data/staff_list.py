"""A staff list whose own mistakes would stop a report that needs it only for names.

The safety-equipment report needs the staff list (花名册, kept by HR) only to show the
holders' names and teams. A mistake of the list itself — a column header mistyped (性名), a
工号 given twice — used to stop the report, nothing written (the trial of issue 19). Here the
report is made without that list, the holders shown by their staff id, and the list's own
problems handed back to be said as warnings with their fix: by the command line, whether the
list was named or found beside the register, and by the web's 劳动防护用品 page alike.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable

from ..errors import Problem
from .dataset import STAFF_BESIDE, DataProblems, Dataset


def staff_list_files(dataset: Dataset, problems: list[Problem]) -> set[Path]:
    """The files (resolved) that give the staff list and nothing else: a file whose sections
    are only `staff` (a company.yaml, or a register of one file with both, is not one), and
    a staff list found beside the data (STAFF_BESIDE, not named) with a problem even if it
    could not be read at all (it is read for nothing else)."""
    others = {p.resolve() for section, files in dataset.sources.items() if section != "staff"
              for p in files}
    staff = {p.resolve() for p in dataset.sources.get("staff", ())} - others
    named = {p.resolve() for p in dataset.files}
    for problem in problems:
        where = problem.location
        file = Path(where.file).resolve() if where is not None and where.file else None
        if file is not None and file.name in STAFF_BESIDE and file not in named:
            staff.add(file)
    return staff


def _in(problem: Problem, files: set[Path]) -> bool:
    where = problem.location
    return where is not None and bool(where.file) and Path(where.file).resolve() in files


def without_faulty_staff(load: Callable[[frozenset[Path]], Dataset]
                         ) -> tuple[Dataset, list[Problem]]:
    """`load(left_out)`: the data loaded without the files `left_out` (resolved paths; no
    staff list read beside the data either when it is not empty). Returns (dataset, the
    problems of the staff list left out; empty when it was used).

    The data is loaded with its staff list first; when that raises DataProblems and some of
    them are in a file that is only a staff list (`staff_list_files`), it is loaded again
    without that file, and those problems are returned: the report is made with the holders
    shown by their staff id. The problems of that file that follow from it (a holder on no
    list) are gone with it. Raises the first load's DataProblems (every problem, in the
    files' order, as `validate` says them) when the data has others too, or when nothing
    but the staff list was given."""
    try:
        return load(frozenset()), []
    except DataProblems as exc:
        files = staff_list_files(exc.partial, exc.problems)
        own = [p for p in exc.problems if _in(p, files)]
        named = {p.resolve() for p in exc.partial.files}
        if not own or named <= files:
            raise
        try:
            dataset = load(frozenset(files))
        except DataProblems:   # the data has mistakes of its own: all said, as validate does
            raise exc from None
        return dataset, own
