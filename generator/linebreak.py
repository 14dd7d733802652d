"""The one line breaker of both layout engines (cards and forms): where a line may end, and
greedy filling of lines of a given width.

Rules (the line-start/line-end rules of Chinese typesetting, GB/T 15834-2011 §5 on
punctuation and the like; JIS X 4051 calls them kinsoku):

- a line may break between two CJK characters (ideographs, kana, fullwidth forms), and
  between a CJK character and a Latin one;
- Latin words and numbers are not split: a line breaks at spaces, never inside a word or a
  number (``Wi-Fi``, ``TCP/IP``, ``0512-6258 0001``, ``10:45``, ``1000M``); a word wider than
  the whole line is the one exception, cut between characters;
- no line starts with closing punctuation (``，。、；：？！）】」』`` …) and no line ends with
  opening punctuation (``（【「『`` …): they stay with their neighbour;
- spaces at a break are dropped; a newline always breaks.

Widths are given per code point in any unit (1/1000 em in practice) with `spacing` added
between characters (letter spacing, same unit).
"""
from __future__ import annotations

import re
from collections.abc import Mapping

# Characters that may not start a line, and characters that may not end one.
NO_START = frozenset("，。、；：？！）】」』〕〉》〗〙〛’”…‥—～·・ー々〻"
                     "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
                     ".,;:?!)]}»›%‰℃°′″")
NO_END = frozenset("（【「『〔〈《〖〘〚‘“([{«‹$¥￥£€#")


def is_cjk(ch: str) -> bool:
    """A character after or before which a line may break (CJK ideographs of every plane,
    radicals, kana, hangul, fullwidth forms and symbols, CJK punctuation)."""
    o = ord(ch)
    return (0x2E80 <= o <= 0x9FFF or 0xAC00 <= o <= 0xD7AF or 0xF900 <= o <= 0xFAFF
            or 0xFE30 <= o <= 0xFE4F or 0xFF00 <= o <= 0xFFEF or 0x20000 <= o <= 0x3FFFF
            or 0x2460 <= o <= 0x27BF or o >= 0x1F000)


def may_break(text: str, i: int) -> bool:
    """May a line end between text[i-1] and text[i] (0 < i < len(text))?"""
    before, after = text[i - 1], text[i]
    if after in NO_START or before in NO_END:
        return False
    if after == " ":
        return False                     # spaces hang at the end of the line
    if before == " ":
        # a space between two digits belongs to the number (0512-6258 0001)
        j = i - 1
        while j > 0 and text[j - 1] == " ":
            j -= 1
        return not (j > 0 and text[j - 1].isdigit() and after.isdigit())
    return is_cjk(before) or is_cjk(after)


def segments_by_rule(para: str) -> list[str]:
    """`para` cut where `may_break` allows, one character at a time: the reference for
    `segments`, which finds the same places with one regular expression."""
    out: list[str] = []
    start = 0
    for i in range(1, len(para)):
        if may_break(para, i):
            out.append(para[start:i])
            start = i
    if para:
        out.append(para[start:])
    return out


def _class(chars) -> str:
    return "".join("\\" + c if c in "\\]^-[" else c for c in sorted(chars))


_CJK = ("\u2E80-\u9FFF\uAC00-\uD7AF\uF900-\uFAFF\uFE30-\uFE4F\uFF00-\uFFEF"
        "\U00020000-\U0003FFFF\u2460-\u27BF\U0001F000-\U0010FFFF")
# the places `may_break` allows: after a CJK character or before one (neither side a space,
# no closing punctuation after, no opening punctuation before), or after spaces (not inside
# a number: digit, spaces, digit)
_BREAKS = re.compile(
    f"(?<=[{_CJK}])(?<![{_class(NO_END)} ])(?![{_class(NO_START)} ])(?=.)"
    f"|(?<![{_class(NO_END)} ])(?=[{_CJK}])(?![{_class(NO_START)}])(?<=.)"
    f"|(?<= )(?![ {_class(NO_START)}])(?=.)(?<![{_class(NO_END)}])", re.S)
_NUMBER_SPACE = re.compile(r"\d +\d")


def segments(para: str) -> list[str]:
    """`para` (no newline) cut at every place a line may end (`may_break`); spaces stay at
    the end of the segment before them."""
    cuts = [m.start() for m in _BREAKS.finditer(para)]
    if cuts and " " in para and _NUMBER_SPACE.search(para):
        cuts = [i for i in cuts if may_break(para, i)]   # a space inside a number
    out: list[str] = []
    start = 0
    for i in cuts:
        if 0 < i < len(para):
            out.append(para[start:i])
            start = i
    if para:
        out.append(para[start:])
    return out


def wrap(text: str, widths: Mapping[int, float], default: float, limit: float,
         spacing: float = 0.0) -> list[str]:
    """Lines of `text`, each at most `limit` wide (greedy: as much as fits on each line).

    `widths` maps code points to widths (`default` for the others); a line of n characters
    is their sum plus ``spacing * (n - 1)``. Lines carry no spaces at either end of a break;
    an empty paragraph gives an empty line. A line may exceed `limit` only when it is a
    single character wider than the limit.
    """
    lines: list[str] = []
    for para in text.split("\n"):
        lines.extend(_wrap_para(para, widths, default, limit, spacing))
    return lines


def _width(piece: str, widths: Mapping[int, float], default: float, spacing: float) -> float:
    get = widths.get
    return sum([get(ord(c), default) for c in piece]) + spacing * max(0, len(piece) - 1)


def _wrap_para(para: str, widths, default, limit, spacing) -> list[str]:
    limit = limit + 1e-9 * max(1.0, abs(limit))
    get = widths.get
    units = [get(ord(c), default) for c in para]
    total = sum(units) + spacing * max(0, len(para) - 1)
    if total <= limit:
        return [para]                       # fits: as typed
    lines: list[str] = []
    line: str | None = None                 # the current line, without trailing spaces
    line_w = 0.0                            # its width
    pending = ""                            # the spaces after it (dropped at a break)
    pending_w = 0.0                         # their widths (spacing included)
    lead = len(para) - len(para.lstrip(" "))
    pos = lead
    for seg in segments(para[lead:]):       # each starts with a character that is no space
        core = seg.rstrip(" ")
        tail = seg[len(core):]
        start = pos
        pos += len(seg)
        core_w = sum(units[start:start + len(core)]) + spacing * (len(core) - 1)
        tail_w = sum(units[start + len(core):pos]) + spacing * len(tail)
        if line is not None:
            trial_w = line_w + pending_w + spacing + core_w
            if trial_w <= limit:
                line, line_w = line + pending + core, trial_w
                pending, pending_w = tail, tail_w
                continue
            lines.append(line)
        if not lines and line is None and lead:
            core = para[:lead] + core       # the first line keeps its leading spaces
            core_w += sum(units[:lead]) + spacing * lead
        while len(core) > 1 and core_w > limit:
            head = _longest_head(core, widths, default, spacing, limit)
            lines.append(head.rstrip(" "))  # a word wider than the line: cut it
            core = core[len(head):].lstrip(" ") or core[len(head):]
            core_w = _width(core, widths, default, spacing)
        line, line_w = core, core_w
        pending, pending_w = tail, tail_w
    if line is not None:
        lines.append(line)
    return lines or [""]


def _longest_head(word: str, widths, default, spacing, limit) -> str:
    """The longest head of `word` that fits (at least one character): binary search."""
    lo, hi = 1, len(word) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if _width(word[:mid], widths, default, spacing) <= limit:
            lo = mid
        else:
            hi = mid - 1
    return word[:lo]
