"""Values in form layouts: sandboxed Jinja2, compiled once per layout, evaluated per record.

Built on the shared sandboxed environment and its one rule for missing values
(generator.templating): `None` prints as nothing, an attribute of a missing value is empty
too, a name the context lacks is an error; a key of the data wins over a dict method.

`{{ order.customer.name }}` - a bare dotted name, the common case - is read straight from
the context dicts (20 times faster than a template render), and so are words with dotted
names and if/else on them (generator.templating.plan, shared with the cards' values);
everything else is a template. The general path (the template) is the reference:
tests/test_form_fast_paths.py checks on generated inputs that both give the same.
"""
from __future__ import annotations

import re
from typing import Any

from jinja2 import TemplateError

from ..errors import UserError
from ..i18n import _
from ..templating import (EXPRESSION_ERRORS, NOT_NAMES, MissingUndefined, environment, failed,
                          fast_text, plan, reword_undefined)
from ..templating import DOTTED as _DOTTED
from ..templating import MISSING as _MISS
from ..templating import lookup as _lookup


# The one meaning of missing values and of `a.b` (generator.templating); the names stay for
# the form engine's readers.
FormUndefined = MissingUndefined
_reword_undefined = reword_undefined


def form_environment(autoescape: bool = False):
    """The shared sandbox (generator.templating.environment)."""
    return environment(autoescape)


def _fail(where: str, source: str, exc: Exception) -> UserError:
    return failed(where, source, exc)


_NAME_PATH = re.compile(r"^[A-Za-z]\w*(?:\.[A-Za-z]\w*)*$")


class Fixed(str):
    """Wording of the layout itself (a label, a title), the same on every record: the drawing
    step puts what every page shares in one form XObject instead of on each page."""

    __slots__ = ()


class Text:
    """A printed text: plain words, `{{ a.b.c }}`, or any Jinja2 template."""

    __slots__ = ("source", "where", "location", "label", "path", "_template", "_plan")

    def __init__(self, source: str, where: str = "layout"):
        self.source = source
        self.where = where
        self.location = None
        self.label = ""
        self.path: tuple[str, ...] | None = None
        self._template = None
        self._plan = None
        if "{{" not in source and "{%" not in source and "{#" not in source:
            self.source = Fixed(source)
            return
        m = _DOTTED.match(source)
        if m:
            self.path = tuple(m[1].split("."))
        try:
            self._template = form_environment().from_string(source)
        except EXPRESSION_ERRORS as exc:  # 10**5000 is folded (and fails) when compiled
            raise ValueError(_("cannot read the expression {source!r}: {error}").format(
                source=source, error=exc)) from None
        if self.path is None:
            self._plan = plan(source)

    @property
    def is_plain(self) -> bool:
        return self._template is None

    @property
    def data_path(self) -> str | None:
        """'order.customer.name' when the value is one field of the data (for messages)."""
        return ".".join(self.path) if self.path else None

    def __call__(self, context: dict) -> str:
        if self._template is None:
            return self.source
        text = fast_text(context, self.path, self._plan)
        if text is not None:
            return text
        try:
            return self._template.render(context)
        except EXPRESSION_ERRORS as exc:
            raise _fail(self.where, self.source, exc) from None

    def __repr__(self) -> str:
        return f"Text({self.source!r})"


class Value:
    """An expression whose result is used as a value, not printed: a list of rows, a
    condition, the selected option. Written without braces (`order.materials`), or with
    them ("{{ order.cause }}") as a convenience."""

    __slots__ = ("source", "where", "location", "label", "expression", "_expr", "path")

    def __init__(self, source: str, where: str = "layout"):
        self.source = source
        self.where = where
        self.location = None
        self.label = ""
        text = source.strip()
        m = re.match(r"^\{\{-?(.*?)-?\}\}$", text, re.S)
        if m and "{{" not in m[1]:
            text = m[1].strip()
        self.expression = text
        self.path = tuple(text.split(".")) if _NAME_PATH.match(text) else None
        self._expr = None
        if self.path is None or self.path[0] in NOT_NAMES:
            self._expr = self._compiled()
        # else a bare name (`company.logo`), read from the context; compiled when only the
        # expression can say (a method, an object): it cannot fail to compile

    def _compiled(self):
        try:
            return form_environment().compile_expression(self.expression,
                                                         undefined_to_none=False)
        except EXPRESSION_ERRORS as exc:  # 10**5000 is folded (and fails) when compiled
            raise ValueError(_("cannot read the expression {source!r}: {error}").format(
                source=self.source, error=exc)) from None

    def __call__(self, context: dict) -> Any:
        if self.path is not None:
            value = _lookup(context, self.path)
            if value is not _MISS:
                return value
        if self._expr is None:
            self._expr = self._compiled()
        try:
            result = self._expr(**context)
        except EXPRESSION_ERRORS as exc:
            raise _fail(self.where, self.source, exc) from None
        if isinstance(result, FormUndefined):
            if result._soft():
                return None
            try:
                str(result)
            except (TemplateError, TypeError) as exc:
                raise _fail(self.where, self.source, exc) from None
        return result

    def __repr__(self) -> str:
        return f"Value({self.source!r})"
