"""Messages in the user's language: Chinese by default, English on request.

Code writes every user-facing text once, in English, as a gettext message id:
`_("...")` translates now (messages, progress lines), `_l("...")` when the text is shown
(click help, module-level constants). The Chinese text lives in the catalog
`generator/locale/zh_CN/LC_MESSAGES/fieldprint.po`, compiled to the `.mo` beside it.

The language is `--lang` (see `generator.cli`), else `FIELDPRINT_LANG`, else Chinese; a Chinese
system locale is not needed. click's own words (Usage, Options, Error …) come through the same
catalog: click asks the standard `gettext` module, whose domain and language are set here.

Catalog work (Babel's pybabel, run from the repository root):
    python -m generator.i18n extract   # generator/locale/fieldprint.pot from the code (and click's words)
    python -m generator.i18n update    # merge new ids into each .po
    python -m generator.i18n compile   # .po -> .mo (the tests fail on a stale .mo or a missing translation)
"""
from __future__ import annotations

import gettext
import os
from pathlib import Path

from babel.support import LazyProxy

DOMAIN = "fieldprint"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = {"zh": "zh_CN", "en": "en"}   # what --lang takes -> the catalog's folder
DEFAULT = "zh"

_current: dict[str, object] = {"lang": None, "translations": None}


def resolve(lang: str | None = None) -> str:
    """The language code to use: `lang`, else $FIELDPRINT_LANG, else 'zh'. Unknown -> 'zh'."""
    for value in (lang, os.environ.get("FIELDPRINT_LANG")):
        if value:
            code = value.strip().lower().replace("-", "_").split("_")[0]
            if code in LANGUAGES:
                return code
    return DEFAULT


def set_language(lang: str | None = None) -> str:
    """Switch every later message (ours and click's) to `lang` ('zh' or 'en'); returns the code."""
    code = resolve(lang)
    folder = LANGUAGES[code]
    _current["lang"] = code
    _current["translations"] = gettext.translation(DOMAIN, LOCALE_DIR, languages=[folder],
                                                   fallback=True)
    # click translates through the standard module's global domain and the LANGUAGE variable.
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
    os.environ["LANGUAGE"] = folder
    return code


def language() -> str:
    """The current language code ('zh' or 'en')."""
    if _current["lang"] is None:
        set_language()
    return _current["lang"]  # type: ignore[return-value]


def _translations() -> gettext.NullTranslations:
    if _current["translations"] is None:
        set_language()
    return _current["translations"]  # type: ignore[return-value]


def _(message: str) -> str:
    """`message` (an English msgid) in the current language."""
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural form for `n`, in the current language."""
    return _translations().ngettext(singular, plural, n)


def _l(message: str) -> LazyProxy:
    """`message`, translated each time it is turned into text (for help and constants)."""
    return LazyProxy(_, message, enable_cache=False)


def _main(argv: list[str]) -> None:  # pragma: no cover - a developer's tool
    import subprocess
    import sys

    import click as _click

    root = Path(__file__).parent
    pot = LOCALE_DIR / f"{DOMAIN}.pot"
    babel = [sys.executable, "-m", "babel.messages.frontend"]
    step = argv[0] if argv else ""
    if step == "extract":
        subprocess.run(babel + ["extract", "--no-location", "--sort-output", "--omit-header",
                                "-k", "_l", "-k", "ngettext:1,2", "-o", str(pot),
                                str(root), str(Path(_click.__file__).parent)], check=True)
    elif step == "update":
        subprocess.run(babel + ["update", "--no-location", "--omit-header", "-i", str(pot),
                                "-d", str(LOCALE_DIR), "-D", DOMAIN, "--ignore-obsolete"],
                       check=True)
    elif step == "compile":
        subprocess.run(babel + ["compile", "-d", str(LOCALE_DIR), "-D", DOMAIN, "--use-fuzzy"],
                       check=True)
    else:
        sys.exit("usage: python -m generator.i18n extract|update|compile")


if __name__ == "__main__":  # pragma: no cover
    import sys
    _main(sys.argv[1:])
