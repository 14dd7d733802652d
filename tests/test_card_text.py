"""Text fitting on cards: line breaking, shrinking between sizes, reporting what does not fit.
Pure layout: no PDF is drawn."""
from __future__ import annotations

import pytest

from generator.card.text import fit_text, text_width, wrap
from generator.linebreak import segments
from generator.fonts import font_set
from generator.units import MM


@pytest.fixture(scope="module")
def font():
    return font_set(None).regular


def test_chinese_breaks_between_characters_but_not_before_closing_punctuation(font):
    text = "我们承诺，预约后准时上门。上门前提前与您联系，如需改约至少提前两小时通知。"
    for width_mm in (20, 25, 31, 40):
        lines = wrap(text, font, 9, width_mm * MM)
        assert "".join(lines) == text
        for line in lines:
            assert text_width(line, font, 9) <= width_mm * MM + 0.01
            assert line[0] not in "，。、；：！？）》"


def test_latin_words_stay_whole_and_numbers_never_break(font):
    assert segments("0512-6258 0001") == ["0512-6258 0001"]
    lines = wrap("Call 0512-6258 0001 for help with Wi-Fi", font, 9, 25 * MM)
    assert any("0512-6258 0001" in line for line in lines)
    assert all(not line.endswith("-") or line.endswith("Wi-") for line in lines)


def test_a_word_wider_than_the_box_is_broken_between_characters(font):
    lines = wrap("Supercalifragilisticexpialidocious", font, 12, 20 * MM)
    assert "".join(lines) == "Supercalifragilisticexpialidocious"
    assert len(lines) > 1


def test_hard_newlines_are_kept(font):
    assert wrap("第一行\n第二行", font, 9, 80 * MM) == ["第一行", "第二行"]


def test_fits_at_full_size_when_there_is_room(font):
    fit = fit_text("王建国", font, 60, 10, size=22, min_size=12)
    assert fit.fits and fit.size == 22 and fit.lines == ("王建国",)


def test_long_text_shrinks_then_wraps_within_the_limits(font):
    unit = "苏州吴韵通信工程有限公司苏州工业园区分公司湖东片区智慧家庭装维服务中心第二营业部"
    assert len(unit) == 40
    fit = fit_text(unit, font, 44, 7.6, size=8, min_size=5, max_lines=2, line_height=1.2)
    assert fit.fits
    assert 5 <= fit.size < 8
    assert len(fit.lines) == 2 and "".join(fit.lines) == unit
    # balanced: neither line is much shorter than the other
    a, b = (len(line) for line in fit.lines)
    assert abs(a - b) <= 2


def test_what_does_not_fit_at_the_minimum_size_is_reported(font):
    fit = fit_text("很长" * 40, font, 30, 5, size=9, min_size=7, max_lines=1)
    assert not fit.fits
    assert fit.size == 7
    assert "lines" in fit.reason and "allows 1 line" in fit.reason
