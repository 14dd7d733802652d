"""An equipment item's data to fix (issue 19), said where it is shown.

`Status.problems` holds each problem as one object with its place (a `generator.errors.Problem`:
message, `Location`, field path; or a `rules.Contradiction`, which has its Chinese too). This
module formats them for the place they are shown:

- for people (`said`: the terminal table in either language, the PDF, the spreadsheet, the
  web page, the chat messages): the field named in the reader's language, as
  `data.headers.field_word` names fields in every message: in Chinese a spreadsheet's
  column header as the file writes it ('检查结果') or the template's header for a YAML key
  (启用日期), in English the field's own name (a YAML key path, 'checks[1].result'; a
  spreadsheet's column by its field, 'result', 'in_service'); then the message and the
  place ('equipment.xlsx[检查记录] row 4 检查结果', 'eq.yaml:8:42');
- for tools (`for_tools`, the JSON's `reason`): the field path, message and place;
- as data (`as_json`): the JSON's `problems` list, one object per problem.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import PurePath
from typing import Iterable

from ..errors import Location, Problem
from ..i18n import N_, in_language, language

# How an item with a status and data to fix says both: (the reason, the problems); and an
# `invalid` one, its problems first, then what its readable data would give.
WITH_PROBLEMS = N_("{reason}; data to fix: {problems}")
AS_READ = N_("{problems}; as read: {reason}")


def _field(problem: Problem) -> str:
    """The path within the record ('checks[1].result'), without 'equipment[3].'."""
    path = problem.path
    if path.startswith("equipment"):
        return path.partition(".")[2]
    return path


def _header(problem: Problem) -> str | None:
    """The column header naming the field in a spreadsheet or CSV the item was read from: as
    the file writes it, else the template's header for a column the sheet lacks; None for a
    YAML file (its keys are the field paths)."""
    location = problem.location
    if location is None or (location.header is None and location.sheet is None):
        return None
    if location.header is not None:
        return location.header
    field = _field(problem)
    if not field:
        return None
    return _template_header(field) or field


def _template_header(field: str) -> str | None:
    """The template's column header of a field path within an equipment record ('in_service'
    启用日期, 'checks[1].result' 结果), None for a field the template has no column for."""
    from ..data.headers import header_for
    section, _dot, name = field.rpartition(".")
    return header_for("checks" if section.startswith("checks") else "equipment", name)


def field_said(problem: Problem, code: str | None = None) -> str:
    """The field of a problem in a few words (a chat message), in language `code` (default:
    the current one). In Chinese: the column header as the file names it, else the
    template's header for the field (a YAML key's: 'checks[1].date' is 日期), else the path
    within the record; in English the field's own name, as every English message names a
    field: a YAML file's key path ('checks[1].date'), a spreadsheet column's field ('date':
    its row, not a position in a list, says which)."""
    field = _field(problem) or problem.path
    header = _header(problem)
    if (code or language()) != "zh":
        return field.rpartition(".")[2] if header else field
    return header or _template_header(field) or field


def _message(problem: Problem, code: str) -> str:
    zh = getattr(problem, "zh", None)    # a Contradiction: said in both languages
    return zh if zh and code == "zh" else problem.message


def place(location: Location, header: bool = True) -> str:
    """Where a value is, for people reading a report: the file by its name, as the user
    knows it (not the folder it was read from: the web app's workspace on the server), the
    sheet and row or the line; without the column's header when `header` is False."""
    name = PurePath(location.file).name if location.file else location.file
    return str(replace(location, file=name, **({} if header else {"header": None})))


def said(problem: Problem, code: str) -> str:
    """One problem for people, in language `code`: the field (a YAML key path as written; a
    spreadsheet's column by its header in Chinese, by its field in English: `field_said`), the
    message, the place (in English with the column's header as the file writes it: where to
    find it)."""
    location = problem.location
    header = _header(problem) if code == "zh" else None   # the field's name, said once
    # a contradiction's message names its fields in the reader's words ('启用日期 … 早于 …')
    field = ("" if hasattr(problem, "zh") else
             header or (field_said(problem, code) if code != "zh" else _field(problem)))
    where = ""
    if location is not None:
        where = f" ({place(location, not header)})"
    text = _message(problem, code) + where
    return f"{field}: {text}" if field else text


def for_tools(problem: Problem) -> str:
    """One problem for the JSON's `reason`: field path, message (English when the core has
    it in English), place."""
    field = _field(problem)
    where = f" ({problem.location})" if problem.location is not None else ""
    text = f"{_message(problem, 'en')}{where}"
    return f"{field}: {text}" if field else text


def joined(problems: Iterable[Problem], code: str, tools: bool = False) -> str:
    """Every problem, for people in language `code` (or for tools), joined as the language
    joins a list of clauses."""
    texts = [for_tools(p) if tools else said(p, code) for p in problems]
    return ("；" if code == "zh" else "; ").join(texts)


def with_reason(reason: str | None, problems: tuple, code: str, tools: bool = False,
                invalid: bool = False) -> str:
    """An item's reason in `code` with its data to fix; for an `invalid` item, its problems
    then the reason its readable data gives (none: the problems alone)."""
    text = joined(problems, code, tools)
    if not reason:
        return text
    return in_language(code, AS_READ if invalid else WITH_PROBLEMS).format(
        reason=reason, problems=text)


def as_json(problem: Problem) -> dict:
    """One problem as the JSON's `problems` lists it, in no language but the message's:
    {field (the path within the record, 'checks[1].result'), header (a spreadsheet's or
    CSV's column header, else null), file, sheet (a workbook's, else null), line (a YAML
    line, a sheet's or CSV's row number; null when not known), message}; the place null
    for a contradiction within a record, which its message says."""
    location = problem.location
    return {"field": _field(problem), "header": _header(problem),
            "file": None if location is None else location.file,
            "sheet": None if location is None else location.sheet,
            "line": None if location is None else location.line,
            "message": _message(problem, "en")}
