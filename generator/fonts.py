"""Fonts: the pinned pip font by default, a company's own TTF/TTC when it names one.

Every glyph of every PDF comes from an embedded TrueType font; nothing falls back to the
PDF base-14 fonts. `missing_chars` tells which characters a font cannot draw, so renderers
report them per record and field instead of printing boxes.
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFError, TTFont

from .errors import Problem, UserError

# WenQuanYi Micro Hei, from the pinned `paperang-p2-fonts-cjk` package (index 0 of the TTC):
# it covers every GBK hanzi, Latin, digits and the symbols our layouts use (★ ☆ □ ■ ✓).
DEFAULT_FONT_PACKAGE = "paperang_p2_fonts_cjk"
DEFAULT_FONT_FILE = "fonts/wqy-microhei.ttc"

# Characters that are not drawn, so never "missing": controls that render as nothing.
_INVISIBLE = {"\n", "\r", "\t", "\u200b", "\u200c", "\u200d", "\ufeff"}


def default_font_path() -> Path:
    from importlib import resources
    return Path(str(resources.files(DEFAULT_FONT_PACKAGE) / DEFAULT_FONT_FILE))


@dataclass(frozen=True)
class FontSet:
    """The registered reportlab font names for one document."""

    regular: str
    bold: str
    fake_bold: bool  # no bold face: draw bold by stroking the regular one

    def face(self, bold: bool = False) -> str:
        return self.bold if bold else self.regular


@functools.lru_cache(maxsize=None)
def _register(path: str, index: int = 0) -> str:
    """Register a TrueType font once per process; returns its reportlab name."""
    name = f"FP-{Path(path).stem}-{index}"
    try:
        pdfmetrics.registerFont(TTFont(name, path, subfontIndex=index))
    except (TTFError, OSError) as exc:
        raise UserError(Problem(
            f"cannot use this font: {exc}. fieldprint needs a TrueType font (.ttf or .ttc); "
            "OpenType CFF fonts (.otf, such as Noto Sans CJK) do not embed in PDF here",
            None, "company.fonts")) from None
    return name


def font_set(company=None) -> FontSet:
    """The fonts for a company: its own when named, else the bundled default."""
    fonts = getattr(company, "fonts", None)
    if fonts is None:
        regular = _register(str(default_font_path()))
        return FontSet(regular, regular, True)
    regular = _register(str(fonts.regular))
    if fonts.bold is None:
        return FontSet(regular, regular, True)
    return FontSet(regular, _register(str(fonts.bold)), False)


@functools.lru_cache(maxsize=None)
def _cmap(font_name: str) -> frozenset[int]:
    return frozenset(pdfmetrics.getFont(font_name).face.charToGlyph)


def missing_chars(text: str, font_name: str) -> list[str]:
    """The distinct characters of `text` that the font has no glyph for, in order of first use."""
    cmap = _cmap(font_name)
    out: list[str] = []
    for ch in text:
        if ch in _INVISIBLE or ch in out:
            continue
        if ord(ch) not in cmap or unicodedata.category(ch) == "Cc":  # controls print nothing
            out.append(ch)
    return out


def describe_chars(chars: list[str]) -> str:
    """'𠮷' (U+20BB7), ... for messages."""
    return ", ".join(f"{ch!r} (U+{ord(ch):04X} {unicodedata.name(ch, 'unnamed')})" for ch in chars)
