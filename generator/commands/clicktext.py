"""click in the user's language: help, option choices, metavars and ranges that follow `--lang`.

click cleans an option's help (`inspect.cleandoc`) when the option is made, which would turn
a lazy `_l("...")` into the text of the language current at import. The classes here keep the
lazy text and translate it each time help is shown, so one process (the tests, the web app)
can show both languages. Every command of `fieldprint` is made with them:

    from .clicktext import command, option, argument, Words, Range
    @command("badges", help=_l("..."))
    @option("--side", type=Words(side=..., ...), help=_l("..."))

- `Words`: choices the user may type in English or in Chinese (`--side front` = `--side 正面`);
  the command receives the English value; help shows the words of the current language.
- `Range`: a whole-number range said in words ("1 到 1000") instead of click's `1<=x<=1000`.
- `--lang zh|en` is added to every command (and the group), handled before anything else.
"""
from __future__ import annotations

import inspect
import re
import unicodedata

import click
from click.utils import strip_ansi

from ..errors import suggest
from ..i18n import LANGUAGES, _, _l, in_language, is_lazy, language, set_language, words
from ..progress import QUIET


def _text(value):
    """A lazy text as the current language's str; anything else as is."""
    return str(value) if is_lazy(value) else value


def _lazy_attribute(name: str, clean: bool = False) -> property:
    """An attribute that may hold a lazy text and reads as the current language's str."""
    slot = "_lazy_" + name

    def get(self):
        value = getattr(self, slot, None)
        if is_lazy(value):
            value = str(value)
            return inspect.cleandoc(value) if clean else value
        return value

    def set_(self, value):
        setattr(self, slot, value)

    return property(get, set_)


def _set_language(ctx: click.Context, param: click.Parameter, value):
    if value:
        code = value.strip().lower().replace("-", "_").split("_")[0]
        if code not in LANGUAGES:
            raise click.BadParameter(_("{value!r}: write zh (Chinese) or en (English)").format(
                value=value), ctx, param)
        set_language(code)
    return value


def lang_option(func):
    """The --lang zh|en option (eager: it sets the language before the other options' help and
    messages are made)."""
    return click.option(
        "--lang", is_eager=True, expose_value=False,
        callback=_set_language, cls=Option, metavar="zh|en",
        help=_l("Language of the help and the messages: zh (Chinese, the default) or en "
                "(English). The variable FIELDPRINT_LANG does the same."))(func)


def _set_quiet(ctx: click.Context, param: click.Parameter, value):
    if value:
        ctx.meta[QUIET] = True
    return value


def quiet_option(func):
    """-q/--quiet, before or after the command's name alike (`fieldprint -q badges …` and
    `fieldprint badges … -q`): no progress line on long jobs."""
    return click.option("-q", "--quiet", is_flag=True, expose_value=False, callback=_set_quiet,
                        cls=Option, help=_l("No progress line on long jobs."))(func)


class Option(click.Option):
    """A click option whose help, metavar and shown default may be lazy texts."""

    help = _lazy_attribute("help", clean=True)
    metavar = _lazy_attribute("metavar")
    show_default = _lazy_attribute("show_default")

    def __init__(self, *args, help=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.help = help if is_lazy(help) or help is None else inspect.cleandoc(help)

    def make_metavar(self, ctx) -> str:
        # no click jargon (TEXT, INTEGER RANGE, DIRECTORY) when an option names no metavar
        if self.metavar is None and self.type.get_metavar(param=self, ctx=ctx) is None:
            word = default_metavar(self.type)
            if word:
                return word + ("..." if self.nargs != 1 else "")
        return super().make_metavar(ctx)

    def get_help_extra(self, ctx):
        extra = super().get_help_extra(ctx)
        if isinstance(self.type, Words) and extra.get("default") in self.type.words:
            extra["default"] = self.type.word(extra["default"])  # 默认：两面, not both
        return extra


def default_metavar(kind: click.ParamType) -> str | None:
    """What an option's value is, in the user's words, from its click type."""
    if isinstance(kind, click.Path):
        return _("FOLDER") if kind.dir_okay and not kind.file_okay else _("FILE")
    if isinstance(kind, (click.types.IntParamType, click.types.FloatParamType)):
        return _("N")
    if isinstance(kind, click.types.DateTime):
        return _("YYYY-MM-DD")
    if isinstance(kind, click.types.StringParamType):
        return _("TEXT")
    return None


class Argument(click.Argument):
    """A click argument whose metavar may be a lazy text."""

    metavar = _lazy_attribute("metavar")


def _first_sentence(text: str) -> str:
    for end in ("。", ". ", ".\n"):
        if end in text:
            text = text.split(end, 1)[0] + end.strip()
            break
    return " ".join(text.split())


class _Texts:
    """What commands and groups share: lazy help, the translated --help option, --lang and
    --quiet."""

    context_class = None  # set below: Context, with the wrapping formatter
    help = _lazy_attribute("help")
    short_help = _lazy_attribute("short_help")
    epilog = _lazy_attribute("epilog")
    options_metavar = _lazy_attribute("options_metavar")

    def _add_lang(self) -> None:
        if not any(p.name == "lang" for p in self.params):
            lang_option(self)
        if not any(p.name == "quiet" for p in self.params):
            quiet_option(self)

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = _("Show this message and exit.")  # click's is fixed at first use
        return option

    def get_short_help_str(self, limit: int = 45) -> str:
        if self.short_help:
            return inspect.cleandoc(self.short_help).strip()
        return _first_sentence(inspect.cleandoc(self.help or ""))


class Command(_Texts, click.Command):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", _l("[OPTIONS]"))
        super().__init__(*args, **kwargs)
        self._add_lang()


class Group(_Texts, click.Group):
    command_class = Command
    subcommand_metavar = _lazy_attribute("subcommand_metavar")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", _l("[OPTIONS]"))
        kwargs.setdefault("subcommand_metavar", _l("COMMAND [ARGS]..."))
        super().__init__(*args, **kwargs)
        self._add_lang()


Group.group_class = Group


def command(name=None, **attrs):
    """`click.command` with this package's Command class (translated help, Chinese-aware wrapping)."""
    return click.command(name, cls=Command, **attrs)


def group(name=None, **attrs):
    """`click.group` with this package's Group class (translated help, Chinese-aware wrapping)."""
    return click.group(name, cls=Group, **attrs)


def option(*decls, **attrs):
    """`click.option` with this package's Option class (translated help and metavars)."""
    return click.option(*decls, cls=Option, **attrs)


def argument(*decls, **attrs):
    """`click.argument` with this package's Argument class (translated metavars)."""
    return click.argument(*decls, cls=Argument, **attrs)


class Words(click.Choice):
    """Choices typed in English or in Chinese. `Words({"front": _lp("--side", "front"), ...})`:
    the command receives the English key; help shows the words of the current language
    (正面 in Chinese); the English and the Chinese word are accepted in either language."""

    def __init__(self, words=None, **more):
        self.words = {**(words or {}), **more}
        super().__init__(list(self.words), case_sensitive=False)

    def word(self, key: str, code: str | None = None) -> str:
        """What `key` is called in language `code` (default: the current one)."""
        return in_language(code or language(), self.words[key])

    def _aliases(self) -> dict[str, str]:
        aliases = {}
        for key in self.words:
            for code in LANGUAGES:
                aliases.setdefault(self.word(key, code).casefold(), key)
            aliases[key.casefold()] = key
        return aliases

    def convert(self, value, param, ctx):
        typed = str(value).strip().casefold()
        aliases = self._aliases()
        key = aliases.get(typed)
        if key is not None:
            return key
        hint = suggest(typed, aliases, say=lambda alias: self.word(aliases[alias]))
        self.fail(_("{value!r} is not one of: {choices}{hint}").format(
            value=value, choices=words(self.shown(), "or"), hint=hint), param, ctx)

    def shown(self) -> list[str]:
        return [self.word(key) for key in self.words]

    def get_metavar(self, param, ctx) -> str:
        return "[" + "|".join(self.shown()) + "]"

    def get_missing_message(self, param, ctx) -> str:
        return _("Choose from: {choices}").format(choices=words(self.shown(), "or"))

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem
        return [CompletionItem(w) for w in dict.fromkeys([*self.words, *self.shown()])
                if w.startswith(incomplete)]


class Range(click.IntRange):
    """A whole number within bounds, described in words ('at least 1', '1 to 1000')."""

    def _describe_range(self) -> str:
        if self.min is not None and self.max is not None:
            return _("{low} to {high}").format(low=self.min, high=self.max)
        if self.min is not None:
            return _("at least {low}").format(low=self.min)
        return _("at most {high}").format(high=self.max)


# --- help text that wraps Chinese right ---------------------------------------------------------
# click measures and wraps by characters and breaks only at spaces: a Chinese paragraph (two
# columns a character, no spaces) ran past the terminal's edge and split "work_orders". Here
# width is the text's width on screen, a line may break between two Chinese characters (never
# inside an English word, never before ，。） or after （).

_WIDE = ("W", "F")
_NO_LINE_START = set("，。、；：？！）》」』”’…%,.;:?!)]")
_NO_LINE_END = set("（《「『“‘([")
# compiled when help is first wrapped (by `re`, which keeps it): ~1 ms a command that prints none
_ATOM = r"\s+|\[[^\[\]\n]{1,40}\]|[^\s\u2e80-\u9fff\u3000-\u303f\uff00-\uffef\U00020000-\U0003ffff]+|."


def display_width(text: str) -> int:
    """Columns `text` takes on a terminal (a Chinese character takes two)."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in _WIDE
               else 1 for c in strip_ansi(text))


def _atoms(text: str) -> list[str]:
    atoms: list[str] = []
    for atom in re.findall(_ATOM, text):
        if atoms and not atom.isspace() and (atom[0] in _NO_LINE_START
                                            or atoms[-1][-1] in _NO_LINE_END):
            atoms[-1] += atom
        else:
            atoms.append(atom)
    return atoms


def _fill(text: str, width: int, initial: str = "", subsequent: str = "") -> str:
    lines, line, indent = [], "", initial
    used = display_width(indent)     # columns of indent + line, without its trailing space
    for atom in _atoms(text):
        if atom.isspace():
            if line:
                line += " "
            continue
        gap = 1 if line.endswith(" ") else 0
        atom_width = display_width(atom)
        if line and used + gap + atom_width > width:
            lines.append(indent + line.rstrip(" "))
            line, indent = "", subsequent
            used, gap = display_width(indent), 0
        line += atom
        used += gap + atom_width
    if line or not lines:
        lines.append(indent + line.rstrip(" "))
    return "\n".join(lines)


def _join(lines: list[str]) -> str:
    text = ""
    for line in lines:
        if text and not (display_width(text[-1]) == 2 and display_width(line[:1]) == 2):
            text += " "
        text += line
    return text


def wrap_text(text: str, width: int = 78, initial_indent: str = "",
              subsequent_indent: str = "", preserve_paragraphs: bool = False) -> str:
    """click.formatting.wrap_text, measuring on-screen width and breaking Chinese lines."""
    text = text.expandtabs()
    if not preserve_paragraphs:
        return _fill(text, width, initial_indent, subsequent_indent)
    paragraphs: list[tuple[int, bool, list[str]]] = []
    lines: list[str] = []
    indent = None

    def flush():
        if lines:
            raw = lines[0].strip() == "\b"
            paragraphs.append((indent or 0, raw, lines[1:] if raw else list(lines)))
            lines.clear()

    for line in text.splitlines():
        if not line:
            flush()
            indent = None
        else:
            if indent is None:
                indent = len(line) - len(line.lstrip())
            lines.append(line.lstrip() if not lines else line)
    flush()
    out = []
    for indent, raw, body in paragraphs:
        pad = " " * indent
        if raw:
            out.append("\n".join(initial_indent + pad + line for line in body))
        else:
            out.append(_fill(_join([b.strip() for b in body]), width,
                             initial_indent + pad, subsequent_indent + pad))
    return "\n\n".join(out)


class HelpFormatter(click.HelpFormatter):
    """click's help formatter with the wrapping above."""

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(wrap_text(text, self.width, initial_indent=indent,
                             subsequent_indent=indent, preserve_paragraphs=True))
        self.write("\n")

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first_width = min(max((display_width(r[0]) for r in rows), default=0), col_max)
        first_col = first_width + col_spacing
        for first, second in rows:
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if display_width(first) <= first_width:
                self.write(" " * (first_col - display_width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - 2, 10)
            lines = wrap_text(second, text_width, preserve_paragraphs=True).splitlines()
            self.write((lines[0] if lines else "") + "\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n" if line else "\n")


class Context(click.Context):
    formatter_class = HelpFormatter


_Texts.context_class = Context
