"""Text in a box: measure, wrap, shrink to fit, and say what does not fit.

No markup is involved: text is drawn as typed (a name like ``<b>&{{x}}`` prints exactly so).
Lines break by the rules of `generator.linebreak`, shared with the form engine.
"""
from __future__ import annotations

import functools
from dataclasses import dataclass

from .. import linebreak
from ..fonts import chain
from ..fonts.shaping import HAS_RTL
from ..i18n import ngettext
from ..units import MM

_STEP = 0.5  # points between the sizes tried when shrinking


@functools.lru_cache(maxsize=None)
def _metrics(font_name: str) -> tuple[dict[int, float], float, float, float]:
    """(widths per code point in 1/1000 em, default width, ascent, descent) of a font."""
    fonts = chain(font_name)
    return fonts.widths, fonts.default_width, fonts.ascent / 1000, fonts.descent / 1000


def ascent_descent(font_name: str) -> tuple[float, float]:
    """Ascent and descent (descent negative) as fractions of the font size."""
    _, _, ascent, descent = _metrics(font_name)
    return ascent, descent


def text_width(text: str, font_name: str, size: float, letter_spacing: float = 0.0) -> float:
    """Width in points of one line of text, as reportlab draws it (a shaped right-to-left run
    at its shaped width)."""
    widths, default, _, _ = _metrics(font_name)
    if HAS_RTL.search(text):
        units = chain(font_name).units(text)
    else:
        units = sum(widths.get(ord(ch), default) for ch in text)
    return units * size / 1000 + letter_spacing * max(0, len(text) - 1)


def wrap(text: str, font_name: str, size: float, width: float,
         letter_spacing: float = 0.0) -> list[str]:
    """Lines at `size` points, each at most `width` points wide, broken by the one line
    breaker of both engines (`generator.linebreak`)."""
    widths, default, _, _ = _metrics(font_name)
    scale = size / 1000
    return linebreak.wrap(text, widths, default, width / scale, letter_spacing / scale)


class _Measured:
    """`text` in `font_name` measured once for every size and width `fit_text` tries: its
    `wrap` is this module's `wrap`, `line_count` how many lines it makes
    (`linebreak.Paragraphs` at each letter spacing in font units: one for all sizes without
    letter spacing)."""

    def __init__(self, text: str, font_name: str, letter_spacing: float):
        self.widths, self.default, _, _ = _metrics(font_name)
        self.text, self.letter_spacing = text, letter_spacing
        self._at: dict[float, linebreak.Paragraphs] = {}

    def _paragraphs(self, scale: float) -> linebreak.Paragraphs:
        spacing = self.letter_spacing / scale
        found = self._at.get(spacing)
        if found is None:
            found = self._at[spacing] = linebreak.Paragraphs(self.text, self.widths,
                                                              self.default, spacing)
        return found

    def wrap(self, size: float, width: float) -> list[str]:
        scale = size / 1000
        return self._paragraphs(scale).wrap(width / scale)

    def line_count(self, size: float, width: float) -> int:
        scale = size / 1000
        return self._paragraphs(scale).line_count(width / scale)


@dataclass(frozen=True)
class Fit:
    """The result of fitting text into a box."""

    lines: tuple[str, ...]
    size: float          # points
    leading: float       # points from one baseline to the next
    fits: bool
    reason: str = ""     # why it does not fit, for the message


def block_height(n_lines: int, size: float, leading: float, font_name: str) -> float:
    """The height in points of `n_lines` lines of text at `size` pt, `leading` pt apart, from the
    first line's ascent to the last line's descent in the font `font_name`."""
    ascent, descent = ascent_descent(font_name)
    return (ascent - descent) * size + (n_lines - 1) * leading


def fit_text(text: str, font_name: str, width_mm: float, height_mm: float, *, size: float,
             min_size: float | None = None, max_lines: int = 1, line_height: float = 1.25,
             letter_spacing: float = 0.0, balance: bool = True) -> Fit:
    """The largest size between `size` and `min_size` at which `text` fits the box in at most
    `max_lines` lines; at `min_size` and still too big, a Fit with fits=False and the reason."""
    width = width_mm * MM
    height = height_mm * MM
    low = size if min_size is None else min_size
    measured = _Measured(text, font_name, letter_spacing)

    def attempt(current: float):     # (lines needed, leading, height, fits): no lines made
        count = measured.line_count(current, width)
        leading = current * line_height
        tall = block_height(count, current, leading, font_name)
        return count, leading, tall, count <= max_lines and tall <= height + 0.01

    # sizes are tried on a 0.5 pt grid from `size` down to `min_size`; the largest that fits
    # is found by bisection (a smaller size never needs more lines)
    sizes = [size]
    while sizes[-1] - _STEP > low + 1e-9:
        sizes.append(sizes[-1] - _STEP)
    if sizes[-1] > low + 1e-9:
        sizes.append(low)
    result = attempt(sizes[0])
    if not result[3]:
        # hopeless at the smallest size even without line-break losses: say so at once
        flat = text_width(text.replace("\n", ""), font_name, low, letter_spacing)
        if flat > width * max_lines * 1.0001 or len(sizes) == 1:
            current = low
            result = attempt(low) if len(sizes) > 1 else result
        else:
            lo, hi = 1, len(sizes) - 1      # sizes[0] fails; find the first that fits
            last = attempt(sizes[hi])
            if not last[3]:
                current, result = sizes[hi], last
            else:
                best = (sizes[hi], last)
                while lo < hi:
                    mid = (lo + hi) // 2
                    trial = attempt(sizes[mid])
                    if trial[3]:
                        best, hi = (sizes[mid], trial), mid
                    else:
                        lo = mid + 1
                current, result = best
    else:
        current = size
    count, leading, tall, fits = result
    if fits:
        if balance and count > 1 and "\n" not in text:
            lines = _balanced(measured, current, width, count)
            # a name cut inside a word (…智 / 慧家庭…) may end its lines where its parts end
            # one or two steps smaller: take the first size that ends more lines well
            score = linebreak.well_ended(text, lines)
            for smaller in (current - _STEP, current - 2 * _STEP):
                if score == len(lines) - 1 or smaller < low - 1e-9:
                    break
                trial = attempt(smaller)
                if trial[3] and trial[0] == len(lines):
                    better = _balanced(measured, smaller, width, len(lines))
                    if linebreak.well_ended(text, better) > score:
                        current, lines, leading = smaller, better, trial[1]
                        break
        else:
            lines = measured.wrap(current, width)
        return Fit(tuple(lines), current, leading, True)
    lines = measured.wrap(current, width)
    if len(lines) > max_lines:
        reason = ngettext("needs {n} lines at {size:g} pt, the box allows {allowed} line of "
                          "{width:g} mm", "needs {n} lines at {size:g} pt, the box allows "
                          "{allowed} lines of {width:g} mm", max_lines).format(
            n=len(lines), size=current, allowed=max_lines, width=width_mm)
    else:
        reason = ngettext("{n} line at {size:g} pt needs {tall:.1f} mm of height, the box has "
                          "{height:g} mm", "{n} lines at {size:g} pt need {tall:.1f} mm of "
                          "height, the box has {height:g} mm", len(lines)).format(
            n=len(lines), size=current, tall=tall / MM, height=height_mm)
    return Fit(tuple(lines), current, leading, False, reason)


def _balanced(measured: _Measured, size: float, width: float, n: int) -> list[str]:
    """`n` lines of similar length (the narrowest width that still gives n lines), unless a
    slightly wider wrap lets more lines end where a word ends (…有限公司 / 园区分公司:
    `linebreak.preferred_breaks`)."""
    lo, hi = width / n, width
    for _ in range(12):
        mid = (lo + hi) / 2
        if measured.line_count(size, mid) <= n:
            hi = mid
        else:
            lo = mid
    best = measured.wrap(size, hi)
    text = measured.text

    def natural(lines) -> int:
        return linebreak.well_ended(text, lines)

    if natural(best) == len(best) - 1:
        return best
    chosen, score = best, natural(best)
    for step in range(1, 13):            # widths from the balanced one up to the full box
        trial = measured.wrap(size, hi + (width - hi) * step / 12)
        if len(trial) == len(best) and natural(trial) > score:
            chosen, score = trial, natural(trial)
            if score == len(trial) - 1:
                break
    return chosen
