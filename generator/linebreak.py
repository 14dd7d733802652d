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
- spaces at a break are dropped; a newline always breaks;
- among the places these rules allow, a line prefers to end where a word ends
  (`preferred_breaks`): after the parts of an organisation's name (…有限公司 / 园区分公司 /
  湖东片区 / 智慧家庭 / 服务中心 / 第二营业部), after a clause's punctuation or a space, before
  an opening bracket. A line that would end inside a word ends instead at the last such
  place on it, if the line is still at least `ROOM` (half) full; else it is filled to the
  end as the rules allow (a break between two hanzi is always allowed: GB/T 15834 and the
  line-start rules forbid only breaks before closing and after opening punctuation).

Widths are given per code point in any unit (1/1000 em in practice) with `spacing` added
between characters (letter spacing, same unit).
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

# Characters that may not start a line, and characters that may not end one.
NO_START = frozenset("，。、；：？！）】」』〕〉》〗〙〛’”…‥—～·・ー々〻"
                     "ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶ"
                     ".,;:?!)]}»›%‰℃°′″")
NO_END = frozenset("（【「『〔〈《〖〘〚‘“([{«‹$¥￥£€#")


# The words of Chinese organisation names (units, branches, teams of an installation and
# repair company), longest first where they overlap. A line may end before or after each; a
# name is cut into them greedily from the left (forward maximum matching). Words that begin
# with a suffix below (市场, 区域, 部门 ...) are here so that the suffix inside them is no end.
UNIT_WORDS = frozenset("""
股份有限公司 有限责任公司 有限公司 分公司 子公司 公司 集团 总部 总公司
服务中心 客服中心 维护中心 运营中心 营业中心 中心 营业部 营业厅 营业所 服务部 服务站
分局 支局 片区 园区 工业园区 开发区 高新区 新区 社区 街道 小区 网格 网格站
智慧家庭 家庭 装维 装维部 装移 维护 客服 班组 通信 工程 电信 移动 联通 广电 铁通
市场 市场部 区域 部门 组织 站点 局端 处理 会员 店铺 厂家 院校 所有 科技 技术
""".split())
_LONGEST_WORD = max(map(len, UNIT_WORDS))
# Single characters that end a unit's name or a part of it (苏州市 / 吴中区 / 二班).
UNIT_SUFFIXES = frozenset("省市县区镇乡村部处科室组班站所局队厅院馆店厂团会社场")
# After these a line ends well: the end of a clause.
CLAUSE_ENDS = frozenset("，。、；：？！）】」』〕〉》〗…,.;:?!)]")
_NAME_LAST = UNIT_SUFFIXES | frozenset("司心")   # 公司, 中心 too
ROOM = 0.5   # a line ends early at a word's end only if it stays this full (of its width)


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


WORD_END, NAME_END = 1, 2   # how well a line ends at a place: a word ends, a name or clause ends


def preferred_breaks(para: str) -> dict[int, int]:
    """The places i (0 < i < len(para), a line ending between para[i-1] and para[i]) where a
    line ends well, each with how well: NAME_END after a name or a part of one (a UNIT_WORDS
    word or a UNIT_SUFFIXES character ending in one of UNIT_SUFFIXES or 司心团: …有限公司,
    园区分公司, 服务中心, 吴中区), after a clause's punctuation (CLAUSE_ENDS) or a space, and
    before opening punctuation; WORD_END before and after any other UNIT_WORDS word (智慧家庭).
    Only where `may_break` also allows is a place used."""
    good: dict[int, int] = {}
    n = len(para)
    i = 0
    while i < n:
        for size in range(min(_LONGEST_WORD, n - i), 1, -1):
            word = para[i:i + size]
            if word in UNIT_WORDS:
                good.setdefault(i, WORD_END)
                good[i + size] = NAME_END if word[-1] in _NAME_LAST else WORD_END
                i += size
                break
        else:
            if para[i] in UNIT_SUFFIXES:
                good[i + 1] = NAME_END
            i += 1
    for i in range(1, n):
        if para[i - 1] == " " or para[i - 1] in CLAUSE_ENDS or para[i] in NO_END:
            good[i] = NAME_END
    good.pop(0, None)
    good.pop(n, None)
    return good


def well_ended(text: str, lines: list[str]) -> int:
    """How many of `lines` (the lines `wrap` made of `text`, one paragraph), the last one
    aside, end where a name or a clause ends (NAME_END in `preferred_breaks`)."""
    good = preferred_breaks(text)
    count, pos = 0, 0
    for line in lines[:-1]:
        pos = text.find(line, pos) + len(line)
        if good.get(pos) == NAME_END or text[pos:pos + 1] == " ":
            count += 1
    return count


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


# is_cjk's characters
CJK_RANGES = ((0x2460, 0x27BF), (0x2E80, 0x9FFF), (0xAC00, 0xD7AF), (0xF900, 0xFAFF),
              (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x1F000, 0x10FFFF))


def _others(ranges) -> str:
    """A class of every character outside `ranges` (sorted, apart): "^\\U…-\\U…". `re`
    compiles a class by visiting each character it names below U+10000, and the others of
    CJK_RANGES are half as many as they are (2.5 ms of every start)."""
    parts, start = [], 0
    for low, high in ranges:
        if low > start:
            parts.append(f"\\U{start:08X}-\\U{low - 1:08X}")
        start = high + 1
    if start <= 0x10FFFF:
        parts.append(f"\\U{start:08X}-\\U0010FFFF")
    return "^" + "".join(parts)


_CJK = _others(CJK_RANGES)   # [{_CJK}]: a CJK character
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
    single character wider than the limit. A line that would end inside a word ends at the
    last `preferred_breaks` place on it instead, when it is still `ROOM` full.
    """
    lines: list[str] = []
    for para in text.split("\n"):
        lines.extend(_wrap_para(_Para(para, widths, default, spacing, False), limit, spacing))
    return lines


class Paragraphs:
    """`text` measured once, for wrapping it at many widths (a card's balanced lines try a
    dozen): `wrap(limit)` and `line_count(limit)` are the module's `wrap` and `line_count` of
    the same text, widths and spacing. What does not depend on the width - each character's
    width, the places a line may end, the pieces between them when no word is wider than the
    line, the preferred breaks - is found once."""

    def __init__(self, text: str, widths: Mapping[int, float], default: float,
                 spacing: float = 0.0):
        self.text = text
        self.spacing = spacing
        self._paras = [_Para(para, widths, default, spacing, True)
                       for para in text.split("\n")]

    def wrap(self, limit: float) -> list[str]:
        lines: list[str] = []
        for para in self._paras:
            lines.extend(_wrap_para(para, limit, self.spacing))
        return lines

    def line_count(self, limit: float) -> int:
        return _line_count(self._paras, limit, self.spacing)


def _line_count(paras: Iterable[_Para], limit: float, spacing: float) -> int:
    count = 0
    held = _tolerant(limit)
    for para in paras:
        pieces = para.pieces(held) or ()
        k = lines = 0
        while k < len(pieces):
            k = _fill(pieces, k, held, spacing)[-1][0]
            lines += 1
        count += lines or 1                 # a paragraph that fits (or is empty): one line
    return count


class _Para:
    """One paragraph (no newline), measured; `keep`: its pieces are kept for other widths
    (`Paragraphs`), not for a text wrapped once (`wrap`)."""

    __slots__ = ("text", "widths", "default", "spacing", "units", "total", "_whole", "_widest",
                 "_good", "_keep")

    def __init__(self, para: str, widths, default, spacing, keep: bool):
        get = widths.get
        self.text, self.widths, self.default, self.spacing = para, widths, default, spacing
        self._keep = keep
        self.units = [get(ord(c), default) for c in para]
        self.total = sum(self.units) + spacing * max(0, len(para) - 1)
        self._whole: list | None = None    # the pieces when no word is cut
        self._widest = 0.0                 # the widest of them
        self._good: dict[int, int] | None = None

    def pieces(self, limit: float) -> list | None:
        """`_pieces` of this paragraph at `limit` (None: it fits as typed)."""
        if self.total <= limit:
            return None
        whole = self._whole
        if whole is not None and self._widest <= limit:
            return whole
        made = _pieces(self, limit)
        if self._keep and whole is None and all(p[4] is not None for p in made):
            # no word was cut: the same pieces at any width where the widest one fits
            self._whole, self._widest = made, max((p[2] for p in made), default=0.0)
        return made

    @property
    def good(self) -> dict[int, int]:
        if self._good is None:
            self._good = preferred_breaks(self.text)
        return self._good


def _width(piece: str, widths: Mapping[int, float], default: float, spacing: float) -> float:
    get = widths.get
    return sum([get(ord(c), default) for c in piece]) + spacing * max(0, len(piece) - 1)


def line_count(text: str, widths: Mapping[int, float], default: float, limit: float,
               spacing: float = 0.0) -> int:
    """How many lines `wrap` makes of `text` (same arguments), without choosing where they
    end: the fewest lines are the greedy fill's, each line taking as much as fits. For
    searching a width (a card's balanced lines); `wrap` is the reference
    (tests/test_linebreak.py)."""
    return _line_count((_Para(para, widths, default, spacing, False)
                        for para in text.split("\n")), limit, spacing)


def _tolerant(limit: float) -> float:
    """The width a line is held to: `limit` and a rounding error more."""
    return limit + 1e-9 * max(1.0, abs(limit))


def _pieces(measured: _Para, limit: float) -> list:
    """The pieces of a paragraph that does not fit in `limit` as typed, between the places a
    line may end: (text, the spaces after it, their widths (spacing included), where the
    piece starts in the paragraph, or None for part of a word too wide for a line: a line of
    its own)."""
    para, units, spacing = measured.text, measured.units, measured.spacing
    widths, default = measured.widths, measured.default
    pieces: list[tuple[str, str, float, float, int | None]] = []
    lead = len(para) - len(para.lstrip(" "))
    pos = lead
    for seg in segments(para[lead:]):       # each starts with a character that is no space
        core = seg.rstrip(" ")
        tail = seg[len(core):]
        start = pos
        pos += len(seg)
        core_w = sum(units[start:start + len(core)]) + spacing * (len(core) - 1)
        tail_w = sum(units[start + len(core):pos]) + spacing * len(tail)
        if not pieces and lead:             # the first line keeps its leading spaces
            core = para[:lead] + core
            core_w += sum(units[:lead]) + spacing * lead
        while len(core) > 1 and core_w > limit:
            head = _longest_head(core, widths, default, spacing, limit)
            pieces.append((head.rstrip(" "), "", 0.0, 0.0, None))  # a word wider than the line
            core = core[len(head):].lstrip(" ") or core[len(head):]
            core_w = _width(core, widths, default, spacing)
        pieces.append((core, tail, core_w, tail_w, start))
    return pieces


def _wrap_para(measured: _Para, limit: float, spacing: float) -> list[str]:
    room = ROOM * limit
    limit = _tolerant(limit)
    pieces = measured.pieces(limit)
    if pieces is None:
        return [measured.text]              # fits: as typed
    n = len(pieces)
    good = measured.good
    # From the last piece back, for each piece k: where the line starting there ends (the piece
    # after it) so that the rest takes the fewest lines and, among those, ends the fewest lines
    # badly (inside a word, or early at a word's end with the line less than ROOM full), a
    # word's end counting against a name's; among equals the longest line, as greedy filling
    # would. The fewest lines are the greedy fill's: a preference never adds a line.
    stop = [n] * (n + 1)
    cost = [(0, 0)] * (n + 1)               # (lines, bad ends) from piece k on
    for k in range(n - 1, -1, -1):
        best = None
        for end, width in _fill(pieces, k, limit, spacing):
            if end == n:
                bad = 0
            else:
                at = pieces[end][4]
                how = good.get(at, 0) if at is not None and width >= room else 0
                bad = 0 if how == NAME_END else 1 if how == WORD_END else 3
            lines_after, bad_after = cost[end]
            trial = (lines_after + 1, bad_after + bad)
            if best is None or trial <= best:   # <=: the longer line among equals
                best, stop[k] = trial, end
        cost[k] = best
    lines: list[str] = []
    k = 0
    while k < n:
        parts = []
        for m in range(k, stop[k]):
            parts.append(pieces[m][0])
            if m < stop[k] - 1:
                parts.append(pieces[m][1])
        lines.append("".join(parts))
        k = stop[k]
    return lines or [""]


def _fill(pieces: list, k: int, limit: float, spacing: float) -> list[tuple[int, float]]:
    """The places a line starting at piece k may end, as far as it fits: (the piece after it,
    the line's width) for each; at least the piece itself (a line of one piece)."""
    core, tail, line_w, pending_w, start = pieces[k]
    out = [(k + 1, line_w)]
    if start is None:                       # part of a word too wide for a line: alone
        return out
    for e in range(k + 1, len(pieces)):
        core, tail, core_w, tail_w, start = pieces[e]
        trial_w = line_w + pending_w + spacing + core_w
        if start is None or trial_w > limit:
            break
        line_w, pending_w = trial_w, tail_w
        out.append((e + 1, line_w))
    return out


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
