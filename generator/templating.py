"""Values in layouts and Word templates: Jinja2 expressions evaluated in a sandbox, with one
meaning everywhere (cards, forms, Word).

Layouts come from users and from elsewhere; the sandbox refuses access to Python internals
(`''.__class__`, `cycler.__init__.__globals__`) and the error names the layout and element.
Expressions are compiled once per layout, not per record.

Missing values, the one rule:
- a value that is absent or null prints as nothing (never "None"), and so does an attribute
  of it: `{{ order.appointment.start }}` of an order without appointment is empty, and false
  in a test (`{% if order.appointment.start %}`, `when:`);
- a name the context never has (`order.custmer`, `persn.name`: a typo in the layout or
  template) is an error: when the layout is loaded, with file:line, wherever the shape of the
  context is known (`check_names`), and otherwise when the value is evaluated;
- in `a.b`, a key of the data wins over a method of the dict holding it: `group.items` is the
  group's items, never `dict.items`.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any, Iterable

from jinja2 import StrictUndefined, TemplateError, UndefinedError, nodes
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from .errors import UserError, suggest
from .i18n import _, words

# What an expression from a layout or template can raise besides the sandbox's own errors:
# range(10**10) (OverflowError), 1/0, 10**5000 printed (ValueError), recursive macros
# (RecursionError), include/import without a loader (TypeError), a missing key (LookupError),
# a filter's own checks (truncate(-5): AssertionError).
# Each is the layout's mistake: exit 2 naming the place, never a traceback (issue 15.14).
EXPRESSION_ERRORS = (TemplateError, TypeError, ValueError, ArithmeticError, LookupError,
                     RecursionError, AssertionError)


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


class MissingUndefined(StrictUndefined):
    """Strict about names the context lacks; empty (and false) for an attribute of a value
    that is absent or null."""

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
        return other is None or isinstance(other, MissingUndefined) if self._soft() \
            else super().__eq__(other)

    def __ne__(self, other):
        return not self.__eq__(other)

    def __hash__(self):
        return id(type(self))


class _Sandbox(SandboxedEnvironment):
    """The sandbox, reading `a.b` of a dict as its key first (the data's `items`, not the
    method)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


@functools.lru_cache(maxsize=2)
def environment(autoescape: bool = False) -> SandboxedEnvironment:
    """The one Jinja2 environment of layouts and templates (autoescaped for Word XML)."""
    env = _Sandbox(undefined=MissingUndefined, autoescape=autoescape,
                   keep_trailing_newline=False, finalize=_finalize)
    env.filters.update(date=_date, cn_date=_cn_date, stars=_stars)
    return env


def refused(where: str, exc: SecurityError) -> UserError:
    """The UserError for a template the sandbox refused, naming `where` (file:line)."""
    return UserError(_("{where}: refused by the sandbox: {reason}. Layouts and "
                       "templates may only read the data, not Python internals").format(
                           where=where, reason=str(exc).rstrip(".")))


def failed(where: str, source: str, exc: Exception) -> UserError:
    """The UserError for an expression that failed while evaluated (one of EXPRESSION_ERRORS
    or the sandbox's SecurityError), naming `where` and the expression."""
    if isinstance(exc, SecurityError):
        return refused(where, exc)
    if isinstance(exc, RecursionError):
        return UserError(_("{where}: the expression calls itself without end in {source!r}")
                         .format(where=where, source=source))
    return UserError(_("{where}: {message} in {source!r}").format(
        where=where, message=reword_undefined(str(exc)), source=source))


def reword_undefined(message: str) -> str:
    """"'dict object' has no attribute 'custmer'" -> "the data has no field 'custmer' here"."""
    m = re.match(r"^'[^']*' has no attribute '([^']*)'$", message)
    if m:
        return f"the data has no field {m[1]!r} here"
    m = re.match(r"^'([^']*)' is undefined$", message)
    if m:
        return f"unknown name {m[1]!r} (known: company, order, engineer, person, item, today)"
    return message


# `{{ a.b.c }}`, a bare dotted name: the common layout value, read straight from the context's
# dicts by `lookup` (the template, the reference, renders whatever that cannot say)
DOTTED = re.compile(r"^\{\{-?\s*+([A-Za-z]\w*+(?:\.[A-Za-z]\w*+)*+)\s*+-?\}\}$")
MISSING = object()


def lookup(context: dict, path: tuple[str, ...]) -> Any:
    """The value at `path` (('order', 'customer', 'name')) of a context of plain dicts, as a
    template reads it: None when a step on the way is None (the rest prints as nothing);
    MISSING when only the template can say (a key the dict lacks: maybe a method; a value
    that is not a plain dict)."""
    obj: Any = context
    for step in path:
        if obj is None:
            return None
        if type(obj) is not dict:
            return MISSING
        obj = obj.get(step, MISSING)
        if obj is MISSING:
            return MISSING
    return obj


# Templates made only of words, `{{ a.b }}` and `{% if a.b %}…{% else %}…{% endif %}` (most
# layout values: "{% if x %}{{ x }} 前{% endif %}") are run without Jinja2 when every name
# they read is in the context's dicts (`printed`: None prints as nothing, anything else as
# its str; a missing attribute of nothing is empty and false): the same result, ten times
# faster. Anything else - a name the context lacks, a test of an object - and the template
# itself renders, with its errors.
_IF = object()
_PLAIN_TESTS = (str, int, float, bool, list, tuple, dict)


def plan(source: str) -> list | None:
    """The template as a plan `run_plan` follows without Jinja2, or None when it is more than
    words, dotted names and if/else on dotted names."""
    try:
        tree = environment().parse(source)
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


def run_plan(steps: list, context: dict, out: list[str]) -> bool:
    """Follow a `plan` into `out`; False when the template must render instead."""
    for part in steps:
        if type(part) is str:
            out.append(part)
        elif part[0] is _IF:
            value = lookup(context, part[1])
            if value is MISSING or (value is not None and type(value) not in _PLAIN_TESTS):
                return False
            if not run_plan(part[2] if value else part[3], context, out):
                return False
        else:
            text = printed(lookup(context, part))
            if text is None:
                return False
            out.append(text)
    return True


def printed(value: Any) -> str | None:
    """What Jinja2 prints of a value read from the context (`lookup`): nothing for None (our
    finalize), else its str, as Jinja2's output does; None when only the template can say (a
    key the data lacks; an int too long to print, whose error the template says)."""
    if value is None:
        return ""
    if type(value) is str:
        return value
    if value is MISSING:
        return None
    try:
        return str(value)
    except ValueError:
        return None


def dotted_text(context: dict, path: tuple[str, ...]) -> str | None:
    """What `{{ a.b }}` prints, read from the context (`lookup`, `printed`); None when only
    its template can say."""
    return printed(lookup(context, path))


def fast_text(context: dict, path: tuple[str, ...] | None, steps: list | None) -> str | None:
    """What a value prints without Jinja2: its bare dotted name's (`dotted_text`), else its
    `plan`'s; None when only the template can say. The one fast path of the card and form
    engines' values (templating.Expression, form.values.Text)."""
    if path is not None:
        return dotted_text(context, path)
    if steps is not None:
        out: list[str] = []
        if run_plan(steps, context, out):
            return "".join(out)
    return None


class Expression:
    """A compiled layout value: '{{ person.name }}' or plain text with no braces.

    A bare dotted name is read from the context (`lookup`, `printed`) and its template
    compiled only when a value needs it (one the context's dicts cannot give): a card layout
    loads without compiling most of its values. Words with dotted names and if/else on them
    follow their `plan`, and are compiled, like a bare name, only when a value needs it:
    neither can fail to compile once parsed (tests/test_form_fast_paths.py compares both
    ways)."""

    __slots__ = ("source", "where", "_template", "_plain", "_path", "_plan")

    def __init__(self, source: str, where: str):
        self.source = source
        self.where = where
        self._plain = None if ("{{" in source or "{%" in source) else source
        self._template = None
        self._path = self._plan = None
        if self._plain is not None:
            return
        match = DOTTED.match(source)
        if match is None:
            self._plan = plan(source)
            if self._plan is None:
                self._template = self._compile()
        else:
            self._path = tuple(match[1].split("."))
            if bare_path(source) is None:   # `{{ not.x }}`: parsed now, so that a mistake
                self._compile(environment().parse)   # is found when the layout is loaded

    def _compile(self, how=None):
        try:
            return (how or environment().from_string)(self.source)
        except EXPRESSION_ERRORS as exc:  # 10**5000 is folded (and fails) when compiled
            raise UserError(_("{where}: cannot read the expression {source!r}: {error}").format(
                where=self.where, source=self.source, error=exc)) from None

    def render(self, context: dict) -> str:
        """The text for one context. Raises UserError naming `where` when the expression
        fails (a name the context lacks, the sandbox refusing)."""
        if self._plain is not None:
            return self._plain
        text = fast_text(context, self._path, self._plan)
        if text is not None:
            return text
        if self._template is None:   # a bare dotted name's, compiled when first needed
            self._template = self._compile()
        try:
            return self._template.render(context)
        except (SecurityError, *EXPRESSION_ERRORS) as exc:
            raise failed(self.where, self.source, exc) from None


# words that are no name at the start of an expression (constants, operators)
NOT_NAMES = frozenset("true false none True False None not and or in is if else".split())


def bare_path(source: str) -> tuple[str, ...] | None:
    """('person', 'name') for `{{ person.name }}` (a bare dotted name that starts with a name,
    no constant or operator): what the load-time checks read without Jinja2; else None."""
    match = DOTTED.match(source)
    if match is None:
        return None
    path = tuple(match[1].split("."))
    return None if path[0] in NOT_NAMES else path


def variables(source: str) -> set[str]:
    """Top-level names an expression reads (for 'variable missing' checks)."""
    path = bare_path(source)
    if path is not None:
        return {path[0]}
    ast = environment().parse(source)
    return {n.name for n in ast.find_all(nodes.Name) if n.ctx == "load"}


# ------------------------------------------------------------------------------ load-time checks
class _Any:
    """A part of a context shape that may hold anything (not checked)."""

    def __repr__(self) -> str:
        return "ANY"


ANY = _Any()


def attribute_chains(ast, roots: Iterable[str]) -> Iterable[tuple[str, ...]]:
    """('order', 'customer', 'name') for each `order.customer.name` in a parsed template whose
    first name is one of `roots`."""
    roots = set(roots)
    for node in ast.find_all(nodes.Getattr):
        chain = []
        cur = node
        while isinstance(cur, nodes.Getattr):
            chain.append(cur.attr)
            cur = cur.node
        if isinstance(cur, nodes.Name) and cur.name in roots:
            yield (cur.name, *reversed(chain))


def missing_in(shape: dict, dotted: tuple[str, ...]) -> tuple[str, ...] | None:
    """The prefix of `dotted` up to the first key the context shape lacks, or None.

    `shape` is a context with every key it can have (values None, ANY, or nested shapes); a
    None or ANY value may hold anything below it (dates, lists of records)."""
    node: Any = shape
    for i, step in enumerate(dotted):
        if isinstance(node, _Any) or not isinstance(node, dict):
            return None
        if step not in node:
            if step in dir(dict) or step in dir(str):  # methods such as .items(), .strip()
                return None
            return dotted[: i + 1]
        node = node[step]
        if node is None and i + 1 < len(dotted):
            return None
    return None


def keys_at(shape: dict, dotted: tuple[str, ...]) -> list[str]:
    """The keys at a dotted path of a context's shape (nested dicts), empty when there are none."""
    node: Any = shape
    for step in dotted:
        node = node.get(step) if isinstance(node, dict) else None
    return list(node) if isinstance(node, dict) else []


def name_problems(source: str, shape: dict, local: Iterable[str] = ()) -> list[str]:
    """What an expression reads that a context of this shape never has: unknown top-level
    names (other than `local` ones, bound by the layout itself: a table's `row`) and unknown
    fields of known ones. Messages without a place; the caller adds file:line.

    A bare dotted name (`bare_path`, most values) is checked without compiling it; the
    compiled template's names are the reference (`parsed_name_problems`, tests)."""
    path = bare_path(source)
    if path is None:
        return parsed_name_problems(source, shape, local)
    chains = [path] if len(path) > 1 and path[0] in shape else []
    return _unknown_names({path[0]}, chains, shape, local)


def parsed_name_problems(source: str, shape: dict, local: Iterable[str] = ()) -> list[str]:
    """`name_problems` from the compiled template: the general way."""
    from jinja2 import meta
    try:
        ast = environment().parse(source)
        undeclared = meta.find_undeclared_variables(ast)   # compiles: 10**5000 fails here
    except EXPRESSION_ERRORS:
        return []            # reported where it is compiled
    return _unknown_names(undeclared, attribute_chains(ast, shape), shape, local)


def _unknown_names(undeclared: set[str], chains: Iterable[tuple[str, ...]], shape: dict,
                   local: Iterable[str]) -> list[str]:
    """The messages of `name_problems`: the names read (`undeclared`) and the attribute
    chains of known names (`chains`)."""
    local = set(local)
    known = sorted(set(shape) | local)
    out = []
    for name in sorted(undeclared - local - set(shape)
                       - set(environment().globals)):
        out.append(_("unknown name {name!r}{hint} (known: {known})").format(
            name=name, hint=suggest(name, known), known=words(known)))
    for dotted in chains:
        missing = missing_in(shape, dotted)
        if missing:
            out.append(_("the data has no field {field!r}{hint}").format(
                field=".".join(missing), hint=suggest(missing[-1], keys_at(shape, missing[:-1]))))
    return list(dict.fromkeys(out))
