"""User errors versus bugs.

A user error (bad data, bad layout, bad command line) is a `UserError`: the CLI prints its
problems and exits 2, without a traceback. Anything else is a bug and keeps its traceback.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Location:
    """Where a value came from: a file, and a line and column when known (1-based)."""

    file: str
    line: int | None = None
    column: int | None = None  # in a spreadsheet or CSV, the header's column (1 = A): for order
    sheet: str | None = None  # spreadsheets: the sheet name; line is then the row
    header: str | None = None  # spreadsheets and CSV: the column's header as the file writes it
    record: str | None = None  # the ID of the record the value is in (a 工单号, a 工号), when
    #                            the place is inside one: a row number alone says little

    def __str__(self) -> str:
        where = self.file
        if self.sheet is not None:
            where += f"[{self.sheet}]"
            if self.line is not None:  # the row as the spreadsheet numbers it
                from .i18n import _
                where += _(" row {row}").format(row=self.line)
        elif self.line is not None:
            where += f":{self.line}"
            if self.column is not None and not self.header:   # the header names the column
                where += f":{self.column}"
        if self.record:
            from .i18n import _
            where += _(" ({record})").format(record=self.record)
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
            # a column header already names the field; a company field is named in words
            # (投诉电话（complaint_phone）)
            parts.append(_named(self.path) if self.path.startswith("company.") else self.path)
        parts.append(self.message)
        return _one_mark(": ".join(parts))


@dataclass(frozen=True)
class MissingFile(Problem):
    """A file the data names (a photo, a logo, a QR picture, a font) that does not exist, or is a
    folder: `file` is the path as the data resolved it (generator.data.models `_file`)."""

    file: str = ""


@dataclass(frozen=True)
class PersonProblem(Problem):
    """A problem of one person's card: `who` the person as cards name them ("SZ10023
    王建国"), `field` the field and side as said ("照片（正面）"). The command line says the same
    problem of many people as one line (`commands.common.grouped`): fifteen lines of "no QR
    code given" help nobody."""

    who: str = ""
    field: str = ""


@dataclass(frozen=True)
class PersonPhoto(PersonProblem):
    """A person's photo that cannot be printed (the message says why, and what to do):
    `file` the photo's path when the reason is that no file is there (else ""), `placeholder`
    whether a placeholder was printed instead (a warning), else the card is refused. Many of
    one folder are said as one line, naming the folder when it is not there."""

    file: str = ""
    placeholder: bool = False


@dataclass(frozen=True)
class UnmatchedCheck(Problem):
    """A check that names nothing of the equipment register: a batch check (批次抽检) for a
    batch it lacks (`kind` the equipment kind, 'helmet'), or a checks sheet's row (检查记录)
    for an id it lacks (`kind` None). `name` is the batch or id as written, `failed` whether
    its result reads as a failure (不合格), `candidates` the register's batches or ids closest
    to it (`closest_all`: a typo can be as near to several; none when none is close),
    `likely` the first of them (the 'did you mean'), None when none is close. A failing batch
    check scraps its batch (standard 002: 抽验不合格则该批安全帽即报废), so one that names no
    batch is a risk, not a detail: the equipment report shows it and flags every candidate
    batch or item. `date`: the check's date when it could be read (a datetime.date), else
    None."""

    name: str = ""
    kind: str | None = None
    failed: bool = False
    date: Any = None
    candidates: tuple[str, ...] = ()

    @property
    def likely(self) -> str | None:
        return self.candidates[0] if self.candidates else None


def _one_mark(text: str) -> str:
    """`text` without the clause mark that follows a question ("did you mean 'B2403-A'?"
    from `suggest`, put before the next clause of a message: "您是不是想写 'B2403-A'？；批次抽检…"
    reads "…'B2403-A'？批次抽检…"): a question mark ends the clause itself."""
    if "?" not in text and "？" not in text:
        return text
    import re
    return re.sub(r"(['\"”’][?？])\s*[;；,，]\s*",
                  lambda m: m.group(1) + ("" if m.group(1).endswith("？") else " "), text)


def in_reading_order(problems: list[Problem]) -> list[Problem]:
    """`problems` as a person reads the files: file by file (in the order each first
    appears), then by line (or row) and column; those with no place come together where the
    first of them was. Stable: problems at the same place keep their order."""
    files: dict = {}
    for problem in problems:
        where = problem.location
        files.setdefault(None if where is None else (where.file, where.sheet), len(files))

    def key(problem: Problem):
        where = problem.location
        if where is None:
            return (files[None], 0, 0)
        return (files[(where.file, where.sheet)], where.line or 0, where.column or 0)
    return sorted(problems, key=key)


def _named(path: str) -> str:
    from .company_fields import named_path
    return named_path(path)


class UserError(Exception):
    """The input or the command line is wrong; carries every problem found, not only the first,
    and the warnings found on the way (`warnings`), to be said with them. `checking`: raised
    by a command that only checks (validate), whose summary does not say "nothing was
    written"."""

    def __init__(self, problems: list[Problem] | Problem | str, warnings=(), *,
                 checking: bool = False):
        if isinstance(problems, str):
            problems = [Problem(problems)]
        elif isinstance(problems, Problem):
            problems = [problems]
        self.problems = list(problems)
        self.warnings: list[Problem] = list(warnings)
        self.checking = checking
        super().__init__("\n".join(str(p) for p in self.problems))


def display_path(path) -> str:
    """A file as messages name it: relative to the current folder when inside it, else its
    full path (/work/../tmp/x.jpg is said /tmp/x.jpg)."""
    import os
    from pathlib import Path
    try:
        return str(Path(path).resolve().relative_to(Path.cwd()))
    except ValueError:   # outside it: in full, without the ../ of the way it was reached
        return os.path.normpath(Path(path).absolute())


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is (generator.cli): it unwinds like Ctrl-C, so every
    temporary file is removed and worker processes are stopped; the exit code is 143."""


# C0 controls (but tab and line feed), DEL, C1 controls: what a terminal may act on
_CONTROLS = {c: f"\\x{c:02x}" for c in (*range(0x00, 0x09), *range(0x0b, 0x20), 0x7f,
                                        *range(0x80, 0xa0))}


def terminal_text(text: str, *, one_line: bool = False) -> str:
    """`text` safe to print on a terminal: control characters from the data (ESC ] 0 ; ... BEL
    would set the terminal's title; ESC [ 2 J clears it) are shown escaped, as \\x1b.
    one_line: line feeds too (a problem is one line; data must not forge a second)."""
    table = _CONTROLS if not one_line else {**_CONTROLS, 0x0a: "\\n"}
    return text.translate(table)


def suggest(word: str, choices, say=None) -> str:
    """'; did you mean 'x'?' for the closest of `choices` to `word`, or ''. `say`: how the
    chosen one is shown (a choice typed in English, shown in the user's language)."""
    from .i18n import _
    close = closest(word, choices)
    if close is None:
        return ""
    return _("; did you mean {word!r}?").format(word=say(close) if say else close)


def closest(word: str, choices) -> str | None:
    """The one of `choices` closest to `word` (the first of `closest_all`), or None."""
    found = closest_all(word, choices)
    return found[0] if found else None


def closest_all(word: str, choices) -> list[str]:
    """The ones of `choices` closest to `word`, sorted, [] when none is close: those spelt the
    same but for look-alike characters (`look_alike`: 'H-O002' is H-0002, the letter O for a
    zero, 'Ｂ２４' is B24); else those with difflib's best ratio, at least 0.6, every one that
    ties ('B2403-O' is as close to B2403-A as to B2403-D: a failing check's batch must not be
    guessed among them). difflib's own choice among ties was the one that sorts last."""
    import difflib
    word, choices = str(word), sorted(set(choices), key=str)
    folded = look_alike(word)
    same = [choice for choice in choices if look_alike(choice) == folded]
    if same:
        return same
    best, best_ratio = [], 0.6
    matcher = difflib.SequenceMatcher()
    matcher.set_seq2(word)
    for choice in choices:
        matcher.set_seq1(str(choice))
        if matcher.real_quick_ratio() < best_ratio or matcher.quick_ratio() < best_ratio:
            continue
        ratio = matcher.ratio()
        if ratio > best_ratio:
            best, best_ratio = [choice], ratio
        elif ratio == best_ratio:
            best.append(choice)
    return best


_LOOK_ALIKE = str.maketrans("oilzs", "01125")


def look_alike(word: str) -> str:
    """`word` as it looks, for matching a typed or copied code: full-width characters as
    ASCII (NFKC), case ignored, and the letters read for digits in IDs (O for 0, I and L for
    1, Z for 2, S for 5) as those digits."""
    import unicodedata
    return unicodedata.normalize("NFKC", str(word)).casefold().translate(_LOOK_ALIKE)


def os_reason(exc: OSError) -> str:
    """Why the system refused a file operation, in the user's language: the common cases
    (missing, exists, no permission, disk full, read-only, a file where a folder should be …)
    translated, anything else the system's own words."""
    import errno

    from .i18n import _
    reasons = {
        errno.ENOENT: lambda: _("no such file or folder"),
        errno.EEXIST: lambda: _("a file of that name is already there"),
        errno.EACCES: lambda: _("permission denied (open in another program, or read-only?)"),
        errno.EPERM: lambda: _("permission denied (open in another program, or read-only?)"),
        errno.ENOSPC: lambda: _("the disk is full"),
        errno.EROFS: lambda: _("the disk is read-only"),
        errno.ENOTDIR: lambda: _("a part of the path is a file, not a folder"),
        errno.EISDIR: lambda: _("it is a folder"),
        errno.ENAMETOOLONG: lambda: _("the name is too long"),
        errno.EBUSY: lambda: _("in use by another program"),
    }
    reason = reasons.get(exc.errno)
    return reason() if reason else (exc.strerror or str(exc))
