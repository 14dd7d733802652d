"""Values in layouts and Word templates: Jinja2 expressions evaluated in a sandbox.

Layouts come from users and from elsewhere; the sandbox refuses access to Python internals
(`''.__class__`, `cycler.__init__.__globals__`) and the error names the layout and element.
Expressions are compiled once per layout, not per record.
"""
from __future__ import annotations

import datetime as dt
import functools

from jinja2 import StrictUndefined, TemplateError, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from .errors import UserError


def _date(value, fmt: str = "%Y-%m-%d") -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.strftime(fmt)
    return str(value)


def _cn_date(value) -> str:
    """2026年11月21日"""
    if isinstance(value, dt.datetime):
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    if isinstance(value, dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return "" if value is None else str(value)


def _stars(value, total: int = 5) -> str:
    n = max(0, min(total, int(value or 0)))
    return "★" * n + "☆" * (total - n)


def _finalize(value):
    """A missing value (None) prints as nothing, never as the word "None"."""
    return "" if value is None else value


@functools.lru_cache(maxsize=2)
def environment(autoescape: bool = False) -> SandboxedEnvironment:
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=autoescape,
                               keep_trailing_newline=False, finalize=_finalize)
    env.filters.update(date=_date, cn_date=_cn_date, stars=_stars)
    return env


class Expression:
    """A compiled layout value: '{{ person.name }}' or plain text with no braces."""

    __slots__ = ("source", "where", "_template", "_plain")

    def __init__(self, source: str, where: str):
        self.source = source
        self.where = where
        self._plain = None if ("{{" in source or "{%" in source) else source
        self._template = None
        if self._plain is None:
            try:
                self._template = environment().from_string(source)
            except TemplateError as exc:
                raise UserError(f"{where}: cannot read the expression {source!r}: {exc}") from None

    def render(self, context: dict) -> str:
        if self._plain is not None:
            return self._plain
        try:
            return self._template.render(context)
        except SecurityError as exc:
            raise UserError(f"{self.where}: refused by the sandbox: {str(exc).rstrip('.')}. "
                            "Layouts and templates may only read the data, not Python "
                            "internals") from None
        except TemplateError as exc:
            raise UserError(f"{self.where}: {exc} in {self.source!r}") from None


def variables(source: str) -> set[str]:
    """Top-level names an expression reads (for 'variable missing' checks)."""
    ast = environment().parse(source)
    return {n.name for n in ast.find_all(nodes.Name) if n.ctx == "load"}
