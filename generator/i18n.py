"""Messages in the user's language: Chinese by default, English on request.

Code writes every user-facing text once, in English, as a gettext message id:
`_("...")` translates now (messages, progress lines), `_l("...")` when the text is shown
(click help, module-level constants), `ngettext(singular, plural, n)` for counts, and
`pgettext(context, word)` / `_lp(context, word)` for a short word whose translation depends on
where it is used (`_lp("--side", "front")` is 正面). Use named
`{}` placeholders (`_("{who}: photo not found: {path}").format(...)`), never an f-string inside
`_()`. The Chinese text lives in the catalog `generator/locale/zh_CN/LC_MESSAGES/fieldprint.po`,
compiled to the `.mo` beside it; the words it uses are the ones of docs/术语表.md.

The language is `--lang` (see `generator.cli`), else `FIELDPRINT_LANG`, else Chinese; a Chinese
system locale is not needed. click's own words (Usage, Options, Error, "No such option" …) come
through the same catalog: click asks the standard `gettext` module, whose domain and language
are set here.

Catalog work (run from the repository root; Babel does the work):
    python -m generator.i18n update    # extract the ids from the code (and click's), merge into each .po
    python -m generator.i18n compile   # .po -> .mo
    python -m generator.i18n check     # what the test suite checks: every id translated, .mo fresh
    python -m generator.i18n extract   # only write generator/locale/fieldprint.pot (not kept in git)
The files are deterministic (fixed header dates, sorted, no line numbers), so two branches that
add different messages merge without conflicts in the header.
"""
from __future__ import annotations

import contextvars
import datetime as _dt
import functools
import gettext
import io
import os
from pathlib import Path


DOMAIN = "fieldprint"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = {"zh": "zh_CN", "en": "en"}   # what --lang takes -> the catalog's folder
DEFAULT = "zh"
ENV = "FIELDPRINT_LANG"

# The language of this context: a command sets it once; the web app sets it per request (each
# request runs in its own context, so two users' languages never mix). Unset (a new thread, a
# library caller), it is FIELDPRINT_LANG's, which set_language also writes for worker processes.
_language: contextvars.ContextVar[str | None] = contextvars.ContextVar("fieldprint_language",
                                                                        default=None)


def resolve(lang: str | None = None) -> str:
    """The language code to use: `lang`, else $FIELDPRINT_LANG, else 'zh'. 'zh_CN', 'zh-Hans',
    'EN_us' … are understood; anything else is Chinese (the default)."""
    for value in (lang, os.environ.get(ENV)):
        if value:
            code = value.strip().lower().replace("-", "_").split("_")[0]
            if code in LANGUAGES:
                return code
    return DEFAULT


def set_language(lang: str | None = None, *, process: bool = True) -> str:
    """Switch every later message of this context (ours and, with `process`, click's and the
    worker processes') to `lang` ('zh' or 'en'); returns the code. The web app passes
    `process=False`: a request's language is its own."""
    code = resolve(lang)
    _language.set(code)
    if process:
        folder = LANGUAGES[code]
        os.environ[ENV] = code  # worker processes (photo decoding) speak the same language
        # click translates through the standard module's global domain and LANGUAGE.
        gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
        gettext.textdomain(DOMAIN)
        os.environ["LANGUAGE"] = folder
    return code


def language() -> str:
    """The current language code ('zh' or 'en')."""
    return _language.get() or resolve()


def _translations() -> gettext.NullTranslations:
    return _catalog(language())


@functools.lru_cache(maxsize=None)
def _catalog(code: str) -> gettext.NullTranslations:
    """The catalog of a language, read once per process (the .mo files do not change while a
    command runs; the tests that rewrite them compare bytes, not this)."""
    return gettext.translation(DOMAIN, LOCALE_DIR, languages=[LANGUAGES[code]], fallback=True)


def _(message: str) -> str:
    """`message` (an English msgid) in the current language."""
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the current language."""
    return _translations().ngettext(singular, plural, n)


def pgettext(context: str, message: str) -> str:
    """`message` in the current language, where the same English word may need different
    translations: `pgettext("equipment status", "ok")`, `pgettext("--side", "front")`."""
    return _translations().pgettext(context, message)


# CLDR's list patterns (Babel's locale data) for the languages we speak, per style:
# (two items, start, middle, end). Babel reads a whole locale's data to give them, about 8 ms
# of a short command; tests/test_i18n.py checks `words` against Babel's format_list.
LIST_PATTERNS = {
    "zh_CN": {"standard": ("{0}和{1}", "{0}、{1}", "{0}、{1}", "{0}和{1}"),
              "or": ("{0}或{1}", "{0}、{1}", "{0}、{1}", "{0}或{1}")},
    "en": {"standard": ("{0} and {1}", "{0}, {1}", "{0}, {1}", "{0}, and {1}"),
           "or": ("{0} or {1}", "{0}, {1}", "{0}, {1}", "{0}, or {1}")},
}


def words(items, style: str = "standard") -> str:
    """`items` as a list in the current language, by CLDR's list patterns (`LIST_PATTERNS`,
    Babel's format_list the reference): "a, b, and c" / "a、b和c"; style "or": "a, b, or c" /
    "a、b或c"; style "plain", for what is shown rather than said (a row's cells, the first ids
    of many): "a, b, c" / "a、b、c". For the names, files and choices a message lists (a list
    in a CSV stays as it is)."""
    texts = [str(item) for item in items]
    patterns = LIST_PATTERNS[LANGUAGES[language()]]
    if style == "plain":
        return functools.reduce(patterns["standard"][2].format, texts) if texts else ""
    two, start, middle, end = patterns[style]
    if len(texts) < 2:
        return "".join(texts)
    if language() == "zh":   # 和/或 beside Latin text is spaced: "columns 和 row_height", not
        texts[-2:] = _spaced(*texts[-2:])   # "columns和row_height"; beside Chinese it is not
    if len(texts) == 2:
        return two.format(*texts)
    text = start.format(texts[0], texts[1])
    for item in texts[2:-1]:
        text = middle.format(text, item)
    return end.format(text, texts[-1])


def _spaced(before: str, last: str) -> tuple[str, str]:
    """The two items a Chinese list joins with 和 or 或, each spaced from it on the side where
    it has Latin text (a letter, a digit, a quote)."""
    return (before + " " if before[-1:].isascii() and before[-1:].strip() else before,
            " " + last if last[:1].isascii() and last[:1].strip() else last)


class LazyText:
    """A text translated each time it is used (what `_l` and `_lp` make): `_func(*_args)`.
    Behaves as the str of the current language: str(), format(), +, %, comparisons, len, in,
    its methods. (Our own rather than babel.support.LazyProxy: importing babel costs
    `fieldprint --help` a quarter of its start-up; babel is only needed for catalog work.)"""

    __slots__ = ("_func", "_args")

    def __init__(self, func, *args):
        self._func = func
        self._args = args

    def __str__(self) -> str:
        return self._func(*self._args)

    def __repr__(self) -> str:
        return f"LazyText({self._func.__name__}, {', '.join(map(repr, self._args))})"

    def __getattr__(self, name: str):
        return getattr(str(self), name)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __len__(self) -> int:
        return len(str(self))

    def __iter__(self):
        return iter(str(self))

    def __getitem__(self, key):
        return str(self)[key]

    def __contains__(self, item) -> bool:
        return item in str(self)

    def __add__(self, other):
        return str(self) + other

    def __radd__(self, other):
        return other + str(self)

    def __mod__(self, other):
        return str(self) % other

    def __mul__(self, n):
        return str(self) * n

    def __eq__(self, other) -> bool:
        return str(self) == (str(other) if isinstance(other, LazyText) else other)

    def __lt__(self, other) -> bool:
        return str(self) < str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __bool__(self) -> bool:
        return bool(self._args[-1])


def _l(message: str) -> LazyText:
    """`message`, translated each time it is turned into text (for help and constants)."""
    return LazyText(_, message)


def _lp(context: str, message: str) -> LazyText:
    """`pgettext(context, message)`, translated each time it is turned into text."""
    return LazyText(pgettext, context, message)


def is_lazy(value: object) -> bool:
    """Whether `value` is a lazy message (`_l`), translated when shown."""
    return isinstance(value, LazyText)


def N_(message: str) -> str:
    """Marks `message` for the catalog without translating it (translated later by
    `in_language` or `_`): for tables of messages in the core."""
    return message


def both(message: str, **values) -> tuple[str, str]:
    """(English, Chinese) of a message id formatted with `values`: for what the core keeps in
    both languages (an equipment item's reason: English in the JSON, Chinese on paper)."""
    return (in_language("en", message).format(**values),
            in_language("zh", message).format(**values))


def in_language(code: str, message, context: str | None = None) -> str:
    """`message` (a msgid, or a lazy text made by `_l` or `_lp`) in language `code`, whatever
    the current language is: the Chinese word a user may type for an English choice, the
    Chinese of a document that is always Chinese."""
    if is_lazy(message):
        if message._func is pgettext:
            context, message = message._args
        else:
            message = message._args[0]
    catalog = _catalog(code)
    return catalog.gettext(message) if context is None else catalog.pgettext(context, message)


# ---------------------------------------------------------------------------------------------
# The catalog: extraction, merging, compiling and the checks the test suite runs.

KEYWORDS = {"_": None, "_l": None, "N_": None, "both": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2),
            "_lp": ((1, "c"), 2)}
# Python code, and the web app's Jinja2 templates (generator/web/templates: `{{ _("...") }}`)
METHODS = [("**/templates/**.html", "jinja2"), ("**.py", "python")]
FIXED_DATE = _dt.datetime(2026, 1, 1, tzinfo=_dt.timezone.utc)  # no churn in the header


def _sources() -> list[Path]:
    import click
    return [Path(__file__).parent, Path(click.__file__).parent]


def extract():
    """A babel Catalog of every message id in generator/ and in the installed click."""
    from babel.messages.catalog import Catalog
    from babel.messages.extract import extract_from_dir

    template = Catalog(project="fieldprint", domain=DOMAIN, creation_date=FIXED_DATE,
                       revision_date=FIXED_DATE, charset="utf-8", fuzzy=False)
    for source in _sources():
        for filename, lineno, message, comments, context in extract_from_dir(
                source, method_map=METHODS, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",),
                strip_comment_tags=True):
            if (Path(filename).parts or ("",))[0] == "locale":
                continue
            template.add(message, None, [], auto_comments=comments, context=context)
    return template


def po_path(folder: str = "zh_CN") -> Path:
    """The message catalog (.po) of a language folder (zh_CN)."""
    return LOCALE_DIR / folder / "LC_MESSAGES" / f"{DOMAIN}.po"


def read_po(path: Path):
    """The catalog at `path` (babel's Catalog). Raises OSError when it cannot be read."""
    from babel.messages.pofile import read_po as _read_po
    with open(path, "rb") as f:
        return _read_po(f, locale=path.parent.parent.name, domain=DOMAIN)


def write_po(path: Path, catalog) -> None:
    """Write `catalog` to `path` the same way every time (fixed dates, sorted, no locations, no
    obsolete entries), so that a rerun changes nothing."""
    from babel.messages.pofile import write_po as _write_po
    catalog.creation_date = FIXED_DATE
    catalog.revision_date = FIXED_DATE
    catalog.project, catalog.version = "fieldprint", ""
    catalog.fuzzy = False
    buffer = io.BytesIO()
    _write_po(buffer, catalog, width=100, no_location=True, sort_output=True,
              ignore_obsolete=True)
    path.write_bytes(buffer.getvalue())


def mo_bytes(catalog) -> bytes:
    """The .mo the catalog compiles to (fuzzy entries left out: they need a translator's look)."""
    from babel.messages.mofile import write_mo
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def update() -> None:
    """Merge the ids of the code into every .po (new ids empty, changed ones fuzzy)."""
    template = extract()
    for folder in LANGUAGES.values():
        path = po_path(folder)
        if not path.exists():
            continue
        catalog = read_po(path)
        catalog.update(template, update_header_comment=False)
        write_po(path, catalog)


def compile_all() -> None:
    """Compile each language's .po into its .mo beside it."""
    for folder in LANGUAGES.values():
        path = po_path(folder)
        if path.exists():
            path.with_suffix(".mo").write_bytes(mo_bytes(read_po(path)))


def _placeholders(text: str) -> set[str] | None:
    import string
    try:
        return {f for _, f, _, _ in string.Formatter().parse(text) if f}
    except ValueError:
        return None


def problems() -> list[str]:
    """What is wrong with the catalogs: ids without a Chinese translation (or only a fuzzy one),
    placeholders that differ, a .po not updated, a stale .mo. Empty when all is well."""
    found: list[str] = []
    template = extract()
    path = po_path("zh_CN")
    catalog = read_po(path)
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if entry is None:
            found.append(f"not in {path.name} (run `python -m generator.i18n update`): {ids[0]!r}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        if entry.fuzzy or not all(strings):
            found.append(f"no Chinese translation{' (fuzzy)' if entry.fuzzy else ''}: {ids[0]!r}")
            continue
        if any("{" in i for i in ids):
            wanted = set().union(*(_placeholders(i) or set() for i in ids))
            for text in strings:
                got = _placeholders(text)
                # a translation may leave out what its language says otherwise (the column
                # header already names the field), never add a name the code does not give
                if got is None or not got <= wanted:
                    found.append(f"placeholders differ in the translation of {ids[0]!r}: "
                                 f"{sorted(wanted)} vs {sorted(got or [])}")
    expected = mo_bytes(catalog)
    mo = path.with_suffix(".mo")
    if not mo.exists() or mo.read_bytes() != expected:
        found.append(f"{mo.name} is stale (run `python -m generator.i18n compile`)")
    return found


def _main(argv: list[str]) -> None:  # pragma: no cover - a developer's tool
    import sys

    step = argv[0] if argv else ""
    if step == "extract":
        from babel.messages.pofile import write_po as _write_po
        buffer = io.BytesIO()
        _write_po(buffer, extract(), width=100, no_location=True, sort_output=True)
        (LOCALE_DIR / f"{DOMAIN}.pot").write_bytes(buffer.getvalue())
    elif step == "update":
        update()
    elif step == "compile":
        compile_all()
    elif step == "check":
        found = problems()
        for line in found:
            print(line)
        sys.exit(1 if found else 0)
    else:
        sys.exit("usage: python -m generator.i18n extract|update|compile|check")


if __name__ == "__main__":  # pragma: no cover
    import sys
    _main(sys.argv[1:])
