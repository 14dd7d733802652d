"""Text in a box: measure, wrap (Chinese and Latin), shrink to fit, and say what does not fit.

No markup is involved: text is drawn as typed (a name like ``<b>&{{x}}`` prints exactly so).
Chinese breaks between any two characters except before closing punctuation (，。、）》…) and
after opening punctuation (（《“…); Latin breaks at spaces and after hyphens and slashes, and
inside a word only when the word alone is wider than the box.
"""
from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass

from ..fonts import chain
from ..units import MM

# Characters that may not start a line (they hang onto the previous one) and may not end one.
NO_START = set("，。、；：！？）》」』】〕〉”’…—·%‰℃,.;:!?)]}»›") | {"\u3001", "\u3002"}
NO_END = set("（《「『【〔〈“‘([{«‹¥$￥")
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
    """Width in points of one line of text, as reportlab draws it."""
    widths, default, _, _ = _metrics(font_name)
    units = sum(widths.get(ord(ch), default) for ch in text)
    return units * size / 1000 + letter_spacing * max(0, len(text) - 1)


def _is_wide(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


def tokens(text: str) -> list[str]:
    """Pieces between which a line may break: each wide (CJK) character, each Latin word with
    its trailing punctuation, each run of spaces; hard newlines are their own token. Numbers
    stay whole: a phone number like "0512-6258 0001" never breaks at its hyphen or space."""
    out: list[str] = []
    word = ""
    n = len(text)
    for i, ch in enumerate(text):
        nxt = text[i + 1] if i + 1 < n else ""
        if ch == "\n":
            if word:
                out.append(word)
                word = ""
            out.append("\n")
        elif ch.isspace():
            if word and word[-1].isdigit() and nxt.isdigit():
                word += " "          # a space inside a number: 0512-6258 0001
                continue
            if word and not word.isspace():
                out.append(word)
                word = ""
            word += " "
        elif _is_wide(ch):
            if word:
                out.append(word)
                word = ""
            out.append(ch)
        else:
            if word.isspace() and word:
                out.append(word)
                word = ""
            word += ch
            # a break is allowed after a hyphen or slash between letters, not inside numbers
            if ch in "-/" and len(word) > 1 and not (word[-2].isdigit() and nxt.isdigit()):
                out.append(word)
                word = ""
    if word:
        out.append(word)
    return out


def wrap(text: str, font_name: str, size: float, width: float,
         letter_spacing: float = 0.0) -> list[str]:
    """Greedy line breaking at `size` points into lines at most `width` points wide.
    Widths are summed as tokens are added (linear in the length of the text)."""
    widths, default, _, _ = _metrics(font_name)
    scale = size / 1000
    limit = width + 1e-6

    def units(piece: str) -> float:
        return sum(widths.get(ord(ch), default) for ch in piece)

    def measure(piece: str) -> float:
        return units(piece) * scale + letter_spacing * max(0, len(piece) - 1)

    lines: list[str] = []
    line: list[tuple[str, float]] = []     # tokens of the current line, with their units
    state = [0.0, 0]                        # units and characters in `line`

    def push(tok: str, u: float) -> None:
        line.append((tok, u))
        state[0] += u
        state[1] += len(tok)

    def flush() -> None:
        lines.append("".join(t for t, _ in line).strip())
        line.clear()
        state[0], state[1] = 0.0, 0

    toks = tokens(text)
    i = 0
    while i < len(toks):
        tok = toks[i]
        if tok == "\n":
            flush()
            i += 1
            continue
        if tok.isspace():
            if line:                        # never at the start of a line
                push(tok, units(tok))
            i += 1
            continue
        u = units(tok)
        if not line:
            if u * scale + letter_spacing * (len(tok) - 1) > limit:
                # a word wider than the box on its own: break it between characters
                head, rest = _split_word(tok, measure, width)
                push(head, units(head))
                flush()
                toks[i] = rest
                continue
            push(tok, u)
            i += 1
            continue
        total_units, total_chars = state[0] + u, state[1] + len(tok)
        if total_units * scale + letter_spacing * (total_chars - 1) <= limit:
            push(tok, u)
            i += 1
            continue
        # break before tok; keep closing punctuation with the previous character and opening
        # punctuation with the next one
        carry: list[tuple[str, float]] = []
        while line and line[-1][0].isspace():
            line.pop()
        if tok[0] in NO_START and len(line) > 1:
            carry.insert(0, line.pop())
        while len(line) > 1 and line[-1][0][-1] in NO_END:
            carry.insert(0, line.pop())
        flush()
        for t, tu in carry:
            if not t.isspace():
                push(t, tu)
    if line or not lines:
        flush()
    return lines


def _split_word(word: str, measure, width: float) -> tuple[str, str]:
    """The longest head of a word that fits (at least one character): binary search."""
    lo, hi = 1, len(word) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if measure(word[:mid]) <= width + 1e-6:
            lo = mid
        else:
            hi = mid - 1
    return word[:lo], word[lo:]


@dataclass(frozen=True)
class Fit:
    """The result of fitting text into a box."""

    lines: tuple[str, ...]
    size: float          # points
    leading: float       # points from one baseline to the next
    fits: bool
    reason: str = ""     # why it does not fit, for the message


def block_height(n_lines: int, size: float, leading: float, font_name: str) -> float:
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

    def attempt(current: float):
        lines = wrap(text, font_name, current, width, letter_spacing)
        leading = current * line_height
        tall = block_height(len(lines), current, leading, font_name)
        return lines, leading, tall, len(lines) <= max_lines and tall <= height + 0.01

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
    lines, leading, tall, fits = result
    if fits:
        if balance and len(lines) > 1 and "\n" not in text:
            lines = _balanced(text, font_name, current, width, len(lines), letter_spacing)
        return Fit(tuple(lines), current, leading, True)
    if len(lines) > max_lines:
        allowed = f"{max_lines} line" + ("s" if max_lines > 1 else "")
        reason = (f"needs {len(lines)} lines at {current:g} pt, the box allows {allowed} "
                  f"of {width_mm:g} mm")
    else:
        reason = (f"{len(lines)} line{'s' if len(lines) > 1 else ''} at {current:g} pt need "
                  f"{tall / MM:.1f} mm of height, the box has {height_mm:g} mm")
    return Fit(tuple(lines), current, leading, False, reason)


# A line that ends after one of these reads naturally: the end of an organisation's name
# (…公司 / 园区分公司), a place, a clause.
GOOD_ENDS = set("司部心区局所站队组班处院室厅团会店厂社场馆中，、；：。！？ ")


def _balanced(text, font_name, size, width, n, letter_spacing) -> list[str]:
    """`n` lines of similar length (the narrowest width that still gives n lines), unless a
    slightly wider wrap lets every line end at a natural point (…有限公司 / 园区分公司)."""
    lo, hi = width / n, width
    best = wrap(text, font_name, size, width, letter_spacing)
    for _ in range(12):
        mid = (lo + hi) / 2
        lines = wrap(text, font_name, size, mid, letter_spacing)
        if len(lines) <= n:
            best, hi = lines, mid
        else:
            lo = mid

    def natural(lines) -> int:
        return sum(1 for line in lines[:-1] if line and line[-1] in GOOD_ENDS)

    if natural(best) == len(best) - 1:
        return best
    chosen, score = best, natural(best)
    for step in range(1, 13):            # widths from the balanced one up to the full box
        trial = wrap(text, font_name, size, hi + (width - hi) * step / 12, letter_spacing)
        if len(trial) == len(best) and natural(trial) > score:
            chosen, score = trial, natural(trial)
            if score == len(trial) - 1:
                break
    return chosen
