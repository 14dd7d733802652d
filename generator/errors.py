"""User errors versus bugs.

A user error (bad data, bad layout, bad command line) is a `UserError`: the CLI prints its
problems and exits 2, without a traceback. Anything else is a bug and keeps its traceback.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a value came from: a file, and a line and column when known (1-based)."""

    file: str
    line: int | None = None
    column: int | None = None
    sheet: str | None = None  # spreadsheets: the sheet name; line is then the row
    header: str | None = None  # spreadsheets and CSV: the column's header as the file writes it

    def __str__(self) -> str:
        where = self.file
        if self.sheet is not None:
            where += f"[{self.sheet}]"
            if self.line is not None:
                where += f":R{self.line}"
        elif self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        if self.header:
            where += f" {self.header}"
        return where


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, said so a person can fix it."""

    message: str
    location: Location | None = None
    path: str = ""  # e.g. "staff[3].photo"

    def __str__(self) -> str:
        parts = []
        if self.location is not None:
            parts.append(str(self.location))
        if self.path and not (self.location is not None and self.location.header):
            parts.append(self.path)  # a column header already names the field
        parts.append(self.message)
        return ": ".join(parts)


class UserError(Exception):
    """The input or the command line is wrong; carries every problem found, not only the first."""

    def __init__(self, problems: list[Problem] | Problem | str):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path) -> str:
    """A file as messages name it: relative to the current folder when inside it."""
    from pathlib import Path
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def suggest(word: str, choices) -> str:
    """'; did you mean 'x'?' for the closest of `choices` to `word`, or ''."""
    from .i18n import _
    import difflib
    close = difflib.get_close_matches(str(word), list(choices), n=1, cutoff=0.6)
    return _("; did you mean {word!r}?").format(word=close[0]) if close else ""
