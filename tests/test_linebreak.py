"""The one line breaker (generator/linebreak.py): the line-start and line-end rules, words and
numbers kept whole, and both layout engines (and the form engine's one-line fast path) giving
exactly its lines. Property-based; settings from the Hypothesis profile (tests/conftest.py)."""
from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from generator import linebreak
from generator.card.text import wrap as card_wrap
from generator.fonts import chain, font_set
from generator.form.text import metrics
from generator.form.cache import RunCache
from generator.form.typeset import Typesetter
from generator.linebreak import NO_END, NO_START, ROOM, preferred_breaks, segments, wrap
from generator.units import MM

PIECES = ["苏州", "吴韵", "通信", "工程", "有限公司", "沿岸", "智慧家庭", "服务中心", "，", "。",
          "、", "；", "：", "？", "！", "）", "】", "」", "』", "（", "【", "「", "『", "Wi-Fi",
          "0512-6258 0001", "1000M", "TCP/IP", "fieldprint", "OK", " ", " ", "12.5", "10:45",
          "𠮷", "䶮", "…", "—", "“", "”"]
texts = st.lists(st.sampled_from(PIECES), min_size=1, max_size=25).map("".join)
FONT = font_set().regular
CHAIN = chain(FONT)


def _width(piece: str) -> float:
    return sum(CHAIN.widths.get(ord(c), CHAIN.default_width) for c in piece)


def _widest_segment(text: str) -> float:
    return max(_width(seg.rstrip(" ")) for seg in segments(text))


@given(text=texts, extra=st.floats(min_value=0, max_value=20000))
def test_the_line_start_and_line_end_rules(text, extra):
    limit = _widest_segment(text) + extra        # every segment fits a line: no forced cuts
    lines = wrap(text, CHAIN.widths, CHAIN.default_width, limit)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    for i, line in enumerate(lines):
        assert _width(line) <= limit + 1e-6, (line, limit)
        if i:
            assert line[:1] not in NO_START, lines
            assert not line.startswith(" ")
        if i < len(lines) - 1:
            assert line[-1:] not in NO_END, lines
            assert not line.endswith(" ")
    # Latin words and numbers are never split (Wi-Fi, TCP/IP, 0512-6258 included)
    for word in re.findall(r"[A-Za-z0-9.:/-]+", text):
        assert any(word in line for line in lines), (word, lines)


@given(text=texts, width=st.floats(min_value=3, max_value=80),
       size=st.sampled_from([6.5, 8, 9.5, 12, 17]))
def test_both_engines_and_the_fast_path_give_the_breakers_lines(text, width, size):
    expected = linebreak.wrap(text, CHAIN.widths, CHAIN.default_width,
                              width * MM * 1000.0 / size)
    assert card_wrap(text, FONT, size, width * MM) == expected
    assert metrics(FONT).wrap(text, width, size) == expected
    ts = Typesetter.__new__(Typesetter)
    ts.regular = ts.bold = metrics(FONT)
    ts.cache = RunCache()
    assert ts.wrap(text, width, size) == expected          # one-line fast path and cache


def test_a_unit_name_breaks_between_characters_never_before_closing_punctuation():
    name = "苏州吴韵通信工程有限公司（沿岸）智慧家庭服务中心，园区分公司"
    for chars in range(3, 20):
        lines = wrap(name, {}, 1000, chars * 1000)
        assert "".join(lines) == name
        assert all(line[0] not in "，）" for line in lines[1:])
        assert all(line[-1] != "（" for line in lines[:-1])


def test_a_word_wider_than_the_line_is_cut_and_nothing_is_lost():
    lines = wrap("see Supercalifragilisticexpialidocious", {}, 500, 4000)
    assert lines[0] == "see"
    assert "".join(lines[1:]) == "Supercalifragilisticexpialidocious"
    assert all(len(line) * 500 <= 4000 for line in lines)


@given(text=st.text(alphabet=st.sampled_from(
    list("王苏州 （）【】「」『』，。、；：？！…—·“”()[]{}.,;:?!%$¥#-/ab1290") + ["𠮷", "ئ", "ا", "\u3000"]
    + [chr(c) for low, high in linebreak.CJK_RANGES            # each CJK range's first and
       for c in (low - 1, low, high, high + 1) if c <= 0x10FFFF]),   # last, and beside them
    max_size=40))
def test_the_regular_expression_finds_the_places_the_rule_allows(text):
    """`segments` (one regular expression) against `segments_by_rule` (may_break per
    character), the general path it stands for."""
    assert linebreak.segments(text) == linebreak.segments_by_rule(text)


def _greedy(text: str, limit: float) -> list[str]:
    """Lines filled as full as the per-character rule (`may_break`) allows: the reference."""
    lines, line = [], ""
    for seg in linebreak.segments_by_rule(text):
        if line and _width((line + seg).rstrip(" ")) > limit:
            lines.append(line.rstrip(" "))
            line = seg
        else:
            line += seg
    return lines + [line]


def _bad_ends(text: str, lines: list[str], limit: float) -> int:
    """Lines (the last aside) ending inside a word, or early (less than ROOM full) at a word's
    end: 3 each; at a word's end that is no name's or clause's: 1."""
    good, bad, pos = preferred_breaks(text), 0, 0
    for line in lines[:-1]:
        start = text.find(line, pos)
        pos = start + len(line)
        how = good.get(pos, 0) if _width(line) >= ROOM * limit else 0
        if text[pos:pos + 1] == " ":
            how = linebreak.NAME_END
        bad += 0 if how == linebreak.NAME_END else 1 if how == linebreak.WORD_END else 3
    return bad


@given(text=texts, extra=st.floats(min_value=0, max_value=20000))
def test_word_ends_are_preferred_without_adding_a_line(text, extra):
    """Against filling each line as full as the per-character rule allows: the same number of
    lines, never more lines ending badly (inside a word, early, at a weaker place)."""
    limit = _widest_segment(text) + extra        # every segment fits a line: no forced cuts
    lines = wrap(text, CHAIN.widths, CHAIN.default_width, limit)
    reference = _greedy(text, limit)
    assert len(lines) == len(reference), (lines, reference)
    assert _bad_ends(text, lines, limit) <= _bad_ends(text, reference, limit), (lines, reference)


UNIT = "某某市沿岸智慧家庭服务中心"


def test_a_long_unit_name_wraps_where_its_words_end():
    """Issue 12: '…沿岸智 / 慧家庭…'. Wherever the lines have room (as many lines as filling
    them full would take), 智慧家庭 and 服务中心 stay whole."""
    for chars in (4, 5, 6, 8, 9, 10, 11, 12):      # at 7, two lines need a break in a word
        lines = wrap(UNIT, {}, 1000, chars * 1000)
        assert "".join(lines) == UNIT
        assert all(len(line) <= chars for line in lines)
        for line in lines[:-1]:
            assert line.endswith(("市", "沿岸", "智慧家庭", "服务中心")), (chars, lines)
    assert wrap(UNIT, {}, 1000, 10_000) == ["某某市沿岸智慧家庭", "服务中心"]


def test_without_room_a_line_still_breaks_between_hanzi():
    """The standard allows a break between any two hanzi: a word is split rather than a line
    added (7 characters a line: two lines of 13 characters need a break inside a word)."""
    assert wrap(UNIT, {}, 1000, 7_000) == ["某某市沿岸智慧", "家庭服务中心"]


def test_a_badge_prints_the_unit_name_in_whole_words(tmp_path, cli):
    from card_helpers import make_data, person, text as pdf_text
    staff = make_data(tmp_path, people=[person(1, unit=UNIT * 2)])
    pdf = tmp_path / "b.pdf"
    assert cli("badges", staff, "--side", "front", "-o", pdf).code == 0
    printed = [line.strip() for line in pdf_text(pdf).splitlines() if "沿岸" in line
               or "家庭" in line or "中心" in line]
    assert "".join(printed).replace(" ", "").count(UNIT) == 2, printed
    for line in printed[:-1]:
        assert not line.endswith(("智", "智慧", "智慧家", "服", "服务", "服务中")), printed


@given(text=st.lists(st.sampled_from(PIECES + ["\n", "      "]), min_size=0, max_size=25)
       .map("".join), width=st.floats(min_value=0, max_value=20000),
       spacing=st.sampled_from([0.0, 40.0, -20.0]))
def test_the_line_count_is_the_number_of_lines_wrap_makes(text, width, spacing):
    """linebreak.line_count (greedy, for a card's search of a balanced width) against wrap."""
    assert linebreak.line_count(text, CHAIN.widths, CHAIN.default_width, width, spacing) == \
        len(wrap(text, CHAIN.widths, CHAIN.default_width, width, spacing))


@given(text=st.lists(st.sampled_from(PIECES + ["\n", "      ", "fieldprintfieldprint"]),
                     min_size=0, max_size=25).map("".join),
       limits=st.lists(st.floats(min_value=0, max_value=20000), min_size=1, max_size=6),
       spacing=st.sampled_from([0.0, 40.0, -20.0]))
def test_a_text_measured_once_wraps_at_every_width_as_a_text_measured_each_time(
        text, limits, spacing):
    """linebreak.Paragraphs keeps the pieces of a text whose words all fit and reuses them at
    the next width (a card's balanced lines try a dozen): the pieces made at each width are
    the reference, and so are the lines and counts of the text wrapped once at that width."""
    once = linebreak.Paragraphs(text, CHAIN.widths, CHAIN.default_width, spacing)
    for limit in limits:
        held = linebreak._tolerant(limit)
        for para in once._paras:
            if para.total > held:
                assert para.pieces(held) == linebreak._pieces(para, held)
        lines = wrap(text, CHAIN.widths, CHAIN.default_width, limit, spacing)
        assert once.wrap(limit) == lines
        assert once.line_count(limit) == len(lines) == linebreak.line_count(
            text, CHAIN.widths, CHAIN.default_width, limit, spacing)
