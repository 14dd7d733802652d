"""Values in form layouts: sandboxed Jinja2, compiled once per layout, evaluated per record.

Built on the shared sandboxed environment (generator.templating), with two differences
that printed forms need:
- `None` prints as nothing (an order without an account prints an empty cell, not "None");
- an attribute of a missing value is empty too (`order.appointment.start` when the order has
  no appointment), while a name the context lacks (`order.custmer`) is still an error.

`{{ order.customer.name }}` - a bare dotted name, the common case - is read straight from
the context dicts (20 times faster than a template render); everything else is a template.
In a bare dotted name a key of the data wins over a method of the dict holding it:
`group.items` is the group's items, not dict.items (Jinja2 itself would pick the method).
"""
from __future__ import annotations

import functools
import re
from typing import Any

from jinja2 import StrictUndefined, TemplateError, UndefinedError
from jinja2.sandbox import SecurityError

from ..errors import UserError
from ..templating import environment


class FormUndefined(StrictUndefined):
    """Strict about names the context lacks; empty for attributes of a missing value."""

    __slots__ = ()

    def _soft(self) -> bool:
        return self._undefined_obj is None and self._undefined_exception is UndefinedError

    def __str__(self) -> str:
        return "" if self._soft() else super().__str__()

    def __iter__(self):
        return iter(()) if self._soft() else super().__iter__()

    def __bool__(self) -> bool:
        return False if self._soft() else super().__bool__()

    def __len__(self) -> int:
        return 0 if self._soft() else super().__len__()

    def __getattr__(self, name: str) -> Any:
        if name[:2] != "__" and self._soft():
            return self
        return super().__getattr__(name)

    def __getitem__(self, key):
        return self if self._soft() else super().__getitem__(key)

    def __eq__(self, other):
        return other is None or isinstance(other, FormUndefined) if self._soft() \
            else super().__eq__(other)

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return id(type(self))


def _finalize(value: Any) -> Any:
    return "" if value is None else value


@functools.lru_cache(maxsize=2)
def form_environment(autoescape: bool = False):
    """The shared sandbox, with form semantics for missing values (see the module doc)."""
    return environment(autoescape).overlay(undefined=FormUndefined, finalize=_finalize)


def _fail(where: str, source: str, exc: Exception) -> UserError:
    if isinstance(exc, SecurityError):
        return UserError(f"{where}: refused by the sandbox: {str(exc).rstrip('.')}. Layouts "
                         "and templates may only read the data, not Python internals")
    message = str(exc)
    if isinstance(exc, UndefinedError):
        message = _reword_undefined(message)
    return UserError(f"{where}: {message} in {source!r}")


def _reword_undefined(message: str) -> str:
    """"'dict object' has no attribute 'custmer'" -> "no field 'custmer' here"."""
    m = re.match(r"^'[^']*' has no attribute '([^']*)'$", message)
    if m:
        return f"the data has no field {m[1]!r} here"
    m = re.match(r"^'([^']*)' is undefined$", message)
    if m:
        return f"unknown name {m[1]!r} (known: company, order, engineer, person, item, today)"
    return message


_DOTTED = re.compile(r"^\{\{-?\s*([A-Za-z]\w*(?:\.[A-Za-z]\w*)*)\s*-?\}\}$")
_MISS = object()
_NAME_PATH = re.compile(r"^[A-Za-z]\w*(?:\.[A-Za-z]\w*)*$")


class Fixed(str):
    """Wording of the layout itself (a label, a title), the same on every record: the drawing
    step puts what every page shares in one form XObject instead of on each page."""

    __slots__ = ()


class Text:
    """A printed text: plain words, `{{ a.b.c }}`, or any Jinja2 template."""

    __slots__ = ("source", "where", "path", "_template", "_plan")

    def __init__(self, source: str, where: str = "layout"):
        self.source = source
        self.where = where
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
        except TemplateError as exc:
            raise ValueError(f"cannot read the expression {source!r}: {exc}") from None
        if self.path is None:
            self._plan = _plan(source)

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
        if self.path is not None:
            value = _lookup(context, self.path)
            if value is None:
                return ""
            if type(value) is str:
                return value
        elif self._plan is not None:
            out: list[str] = []
            if _run(self._plan, context, out):
                return "".join(out)
        try:
            return self._template.render(context)
        except (TemplateError, TypeError, ValueError, ArithmeticError) as exc:
            raise _fail(self.where, self.source, exc) from None

    def __repr__(self) -> str:
        return f"Text({self.source!r})"


# Templates made only of words, `{{ a.b }}` and `{% if a.b %}…{% else %}…{% endif %}` (most
# layout values: "{% if x %}{{ x }} 前{% endif %}") are run without Jinja2 when every name
# they read is text or nothing: the same result (None prints as nothing, a missing attribute
# of nothing is empty and false), ten times faster. Anything else - a number, a date, a name
# the context lacks, a key that is also a dict method (Jinja2 would take the method) - and
# the template itself renders, with its errors.
_IF = object()
_PLAIN_TESTS = (str, int, float, bool, list, tuple, dict)


def _plan(source: str) -> list | None:
    from jinja2 import nodes
    try:
        tree = form_environment().parse(source)
    except TemplateError:
        return None

    def path(node) -> tuple[str, ...] | None:
        steps = []
        while isinstance(node, nodes.Getattr):
            steps.append(node.attr)
            node = node.node
        if not isinstance(node, nodes.Name) or node.ctx != "load":
            return None
        steps.append(node.name)
        steps.reverse()
        if any(hasattr(dict, step) for step in steps[1:]):
            return None
        return tuple(steps)

    def body(items) -> list | None:
        out: list = []
        for node in items:
            if isinstance(node, nodes.Output):
                for child in node.nodes:
                    if isinstance(child, nodes.TemplateData):
                        out.append(child.data)
                    else:
                        p = path(child)
                        if p is None:
                            return None
                        out.append(p)
            elif isinstance(node, nodes.If) and not node.elif_:
                test, then, other = path(node.test), body(node.body), body(node.else_)
                if test is None or then is None or other is None:
                    return None
                out.append((_IF, test, then, other))
            else:
                return None
        return out

    return body(tree.body)


def _run(plan: list, context: dict, out: list[str]) -> bool:
    """Run a plan (see _plan) into `out`; False when the template must render instead."""
    for part in plan:
        if type(part) is str:
            out.append(part)
        elif part[0] is _IF:
            value = _lookup(context, part[1])
            if value is _MISS or (value is not None and type(value) not in _PLAIN_TESTS):
                return False
            if not _run(part[2] if value else part[3], context, out):
                return False
        else:
            value = _lookup(context, part)
            if value is None:
                continue
            if type(value) is not str:
                return False
            out.append(value)
    return True


def _lookup(context: dict, path: tuple[str, ...]) -> Any:
    obj: Any = context
    for step in path:
        if obj is None:
            return None
        if type(obj) is not dict:
            return _MISS
        obj = obj.get(step, _MISS)
        if obj is _MISS:
            return _MISS
    return obj


class Value:
    """An expression whose result is used as a value, not printed: a list of rows, a
    condition, the selected option. Written without braces (`order.materials`), or with
    them ("{{ order.cause }}") as a convenience."""

    __slots__ = ("source", "where", "_expr", "path")

    def __init__(self, source: str, where: str = "layout"):
        self.source = source
        self.where = where
        text = source.strip()
        m = re.match(r"^\{\{-?(.*?)-?\}\}$", text, re.S)
        if m and "{{" not in m[1]:
            text = m[1].strip()
        self.path = tuple(text.split(".")) if _NAME_PATH.match(text) else None
        try:
            self._expr = form_environment().compile_expression(text, undefined_to_none=False)
        except TemplateError as exc:
            raise ValueError(f"cannot read the expression {source!r}: {exc}") from None

    def __call__(self, context: dict) -> Any:
        if self.path is not None:
            value = _lookup(context, self.path)
            if value is not _MISS:
                return value
        try:
            result = self._expr(**context)
        except (TemplateError, TypeError, ValueError, ArithmeticError) as exc:
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
