"""Measuring and breaking text for forms, without markup.

Data strings are never parsed as markup: a customer called `<b>&{{x}}</b>` is measured and
drawn as those characters. Lines break by the rules of `generator.linebreak`, shared with the
card engine.

Widths come from the font's own glyph table; the characters the font has no glyph for are
collected while measuring, so renderers can report them per record and field.
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass, field

from .. import linebreak
from ..fonts import chain, describe_chars
from ..fonts.coverage import Coverage
from ..units import MM

_DROP = {"\u200b", "\u200c", "\u200d", "\ufeff"}
_CLEANED: dict[tuple[str, str], tuple[str, tuple[str, ...]]] = {}  # short texts that need work


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cs") or ch in ("\ufffe", "\uffff")


def unprintable_message(missing: list[str]) -> str:
    """What to say of text with characters that `Metrics.clean` finds cannot print."""
    from ..advice import UNPRINTABLE_CHARS, UNPRINTABLE_CONTROLS
    from ..i18n import _
    controls = all(_is_control(c) for c in missing)
    return _("the font cannot print {chars}; {advice}").format(
        chars=describe_chars(missing),
        advice=(UNPRINTABLE_CONTROLS if controls else UNPRINTABLE_CHARS).says())


@dataclass(frozen=True)
class Metrics:
    """Glyph widths and vertical metrics of one registered TrueType font."""

    name: str
    widths: dict    # only the widths that are not `default` (a chain's `widths`)
    default: float
    coverage: Coverage   # the characters the font has (its chain's `coverage`)
    ascent: float   # fraction of the font size above the baseline
    descent: float  # fraction below (positive)
    printable: frozenset  # characters the font draws, controls excluded
    widest: float = 0.0        # the widest glyph (default width included), in 1/1000 em
    widest_ascii: float = 0.0  # the widest of the printable ASCII characters
    # non-ASCII texts seen to print as typed (they repeat from record to record: names, kinds)
    _fine: set = field(default_factory=set, compare=False, repr=False)
    _units: dict = field(default_factory=dict, compare=False, repr=False)  # text -> width

    def char_width(self, ch: str) -> float:
        return self.widths.get(ord(ch), self.default)

    def width(self, text: str, size: float) -> float:
        """Width in mm of `text` at `size` points."""
        return self.units(text) * size / 1000.0 / MM

    def clean(self, text: str) -> tuple[str, list[str]]:
        """The text as it will print (controls removed, tabs as spaces) and the characters
        the font lacks or that print nothing."""
        missing: list[str] = []
        if text.isprintable():
            if text.isascii() or text in self._fine:
                return text, missing
            if set(text) <= self.printable:
                if len(self._fine) > 100000:
                    self._fine.clear()
                self._fine.add(text)
                return text, missing
        elif text in self._fine:   # prints as typed, though not "printable" (U+3000 spaces)
            return text, missing
        if len(text) < 40:
            hit = _CLEANED.get((self.name, text))
            if hit is not None:
                return hit[0], list(hit[1])
        covered = self.coverage
        out = []
        for ch in text:
            if ch == "\n" or ch == "\r":
                out.append("\n")
                continue
            if ch == "\t":
                out.append(" ")
                continue
            if ch in _DROP:
                continue
            if _is_control(ch):
                if ch not in missing:
                    missing.append(ch)
                continue
            if ord(ch) not in covered and ch not in missing:
                missing.append(ch)
            out.append(ch)
        result = "".join(out)
        if "\n" in result:
            result = result.replace("\r\n", "\n")
        if not missing and result == text:
            if len(self._fine) > 100000:
                self._fine.clear()
            self._fine.add(text)
            return text, missing
        if len(text) < 40:
            if len(_CLEANED) > 20000:
                _CLEANED.clear()
            _CLEANED[(self.name, text)] = (result, tuple(missing))
        return result, missing

    def fits(self, text: str, limit: float) -> bool:
        """Does one line of `text` (no newline) fit `limit` (1/1000 em)? As wrap decides it,
        without measuring when the text is obviously short enough."""
        widest = self.widest_ascii if text.isascii() else self.widest
        if len(text) * widest <= limit * (1 - 1e-9):
            return True
        return self.units(text) <= limit

    def units(self, text: str) -> float:
        """Width of `text` in 1/1000 em (summed as wrap sums it); remembered for short texts,
        which repeat (dates, counts, names)."""
        units = self._units.get(text)
        if units is None:
            get, default = self.widths.get, self.default
            units = sum([get(ord(c), default) for c in text])
            if len(text) < 40:
                if len(self._units) > 100000:
                    self._units.clear()
                self._units[text] = units
        return units

    def wrap(self, text: str, width_mm: float, size: float) -> list[str]:
        """Lines of `text` (already cleaned) that each fit `width_mm` at `size` points, by
        the one line breaker of both engines (`generator.linebreak`).

        A character wider than the line on its own still gets a line (never an endless loop).
        """
        limit = width_mm * MM * 1000.0 / size
        return linebreak.wrap(text, self.widths, self.default, limit)


@functools.lru_cache(maxsize=None)
def metrics(font_name: str) -> Metrics:
    """The widths (1/1000 em) and vertical metrics of the font `font_name` with its fallbacks, the
    characters it prints and its widest glyphs. Raises KeyError for a font not registered."""
    fonts = chain(font_name)
    widths = fonts.widths
    printable = frozenset(ch for ch in map(chr, fonts.coverage)
                          if ch.isprintable() and ch not in _DROP)
    widest = max([fonts.default_width, *widths.values()])
    widest_ascii = max([fonts.default_width] + [widths[c] for c in range(32, 127)
                                                if c in widths])
    return Metrics(font_name, widths, fonts.default_width, fonts.coverage,
                   fonts.ascent / 1000.0, -fonts.descent / 1000.0, printable, widest, widest_ascii)
