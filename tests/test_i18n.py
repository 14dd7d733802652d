"""The interface speaks Chinese by default and English on request (issue 16): the catalog is
complete and compiled, --lang / FIELDPRINT_LANG switch every text (ours and click's), and a
console on a Chinese Windows code page (GBK) gets GBK, never mojibake or a traceback."""
from __future__ import annotations

import contextvars
import functools
import os
import re
import subprocess
import sys
import shutil

import pytest
from hypothesis import given, settings, strategies as st

from generator import i18n

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def test_every_message_has_a_chinese_translation_and_the_mo_is_fresh():
    """What CI checks: `python -m generator.i18n update`, translate, `... compile`."""
    assert i18n.problems() == []


def test_the_chinese_messages_say_nin_to_the_user_never_ni():
    """One register, the polite one an office expects (the new-user trial found both)."""
    catalog = i18n.read_po(i18n.po_path())
    texts = [t for m in catalog if m.id
             for t in (m.string if isinstance(m.string, tuple) else (m.string,))]
    assert [t for t in texts if "你" in t] == []
    assert any("您" in t for t in texts)


def test_catalog_files_are_deterministic():
    path = i18n.po_path()
    text = path.read_text(encoding="utf-8")
    assert "POT-Creation-Date: 2026-01-01 00:00+0000" in text
    assert "#: " not in text  # no line numbers: no churn when code moves
    catalog = i18n.read_po(path)
    assert i18n.mo_bytes(catalog) == i18n.mo_bytes(i18n.read_po(path))


@pytest.mark.chinese
def test_chinese_is_the_default_for_click_words_too(cli):
    result = cli("--help")
    assert result.code == 0
    assert result.out.startswith("用法: fieldprint [选项] 命令 [参数]...")
    assert "选项:" in result.out and "命令:" in result.out
    assert "Usage" not in result.out and "Options" not in result.out
    bad = cli("badgs")
    assert bad.code == 2
    assert "错误：没有 'badgs' 这个命令。您是不是想输入 'badges'？" in bad.err  # no space after 。
    assert "Error" not in bad.err and "Did you mean" not in bad.err


@pytest.mark.chinese
@pytest.mark.parametrize("args", [("--lang", "en", "--help"), ("--help", "--lang", "en"),
                                  ("--lang=en", "--help"), ("--lang", "EN", "--help")])
def test_lang_en_anywhere_on_the_line(cli, args):
    result = cli(*args)
    assert result.code == 0, result
    assert result.out.startswith("Usage: fieldprint [OPTIONS] COMMAND [ARGS]...")
    assert not CJK.search(result.out.split("Options:")[1].split("Commands:")[0])


@pytest.mark.chinese
def test_environment_variable_and_the_option_wins(cli, monkeypatch):
    monkeypatch.setenv("FIELDPRINT_LANG", "en")
    assert cli("--help").out.startswith("Usage:")
    assert cli("--lang", "zh", "--help").out.startswith("用法:")
    monkeypatch.setenv("FIELDPRINT_LANG", "zh_CN.UTF-8")
    assert cli("--help").out.startswith("用法:")


@pytest.mark.chinese
def test_help_wraps_chinese_by_screen_width(cli):
    from generator.commands.clicktext import display_width
    for line in cli("--help").out.splitlines():
        if not line.startswith("    fieldprint "):  # examples are kept as written
            assert display_width(line) <= 100, line
    assert "work_orders" in cli("--help").out  # never split inside an English word


def test_wrap_breaks_between_chinese_characters_not_inside_words():
    from generator.commands.clicktext import display_width, wrap_text
    text = "数据文件是一个或几个 YAML 文件（也可以是表格），写公司（company）、工单（work_orders）。"
    lines = wrap_text(text, 30).splitlines()
    assert all(display_width(line) <= 30 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert not any(line.startswith(("，", "。", "）")) for line in lines)
    assert any("work_orders" in line for line in lines)


def _run(args, encoding, lang="zh"):
    env = {**os.environ, "PYTHONIOENCODING": encoding, "FIELDPRINT_LANG": lang}
    return subprocess.run([sys.executable, "-m", "generator.cli", *args], capture_output=True,
                          env=env, timeout=120)


@pytest.mark.parametrize("encoding", ["gbk", "cp936"])
def test_a_gbk_console_gets_gbk_and_rare_characters_as_question_marks(tmp_path, encoding):
    """A Chinese Windows console or a redirect (`> log.txt`) on code page 936: the bytes are
    GBK (no UTF-8 mojibake), and a character GBK lacks (𬌗 in a file name) is a '?', not a
    UnicodeEncodeError in the middle of the report."""
    help_ = _run(["--help"], encoding)
    assert help_.returncode == 0, help_.stderr
    assert "用法: fieldprint [选项]" in help_.stdout.decode("gbk")
    folder = tmp_path / "数据 𬌗"
    folder.mkdir()
    broken = _run(["badgs", str(folder / "人员.yaml")], encoding)
    assert broken.returncode == 2
    err = broken.stderr.decode("gbk")
    assert "错误：没有 'badgs' 这个命令。" in err and "Traceback" not in err


def test_a_cp1252_console_does_not_crash_on_chinese():
    result = _run(["--help"], "cp1252")
    assert result.returncode == 0
    assert b"fieldprint" in result.stdout and b"Traceback" not in result.stderr


# ------------------------------------------------------------------ commands in Chinese
from pathlib import Path  # noqa: E402

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.mark.chinese
@pytest.mark.parametrize("side, sheet", [("正面", "卡片大小"), ("front", "none"), ("Front", "A4")])
def test_choices_are_typed_in_chinese_or_english(cli, tmp_path, side, sheet):
    out = tmp_path / "b.pdf"
    result = cli("badges", EXAMPLES / "staff.yaml", "--only", "SZ10023", "--side", side,
                 "--sheet", sheet, "-o", out)
    assert result.code == 0, result
    assert out.stat().st_size > 0
    assert result.out.startswith(f"已写出 {out}：1 人的工号牌的正面")


@pytest.mark.chinese
def test_a_wrong_choice_is_said_in_chinese_with_the_chinese_words(cli, tmp_path):
    result = cli("badges", EXAMPLES / "staff.yaml", "--side", "上面", "-o", tmp_path / "b.pdf")
    assert result.code == 2
    assert "'--side' 的值不对：'上面' 不是可选的值，请写：正面、反面或两面\n" in result.err
    english = cli("--lang", "en", "badges", EXAMPLES / "staff.yaml", "--side", "up")
    assert "'up' is not one of: front, back, or both\n" in english.err


@pytest.mark.chinese
def test_a_choice_typed_wrong_gets_the_closest_in_the_users_words(cli, tmp_path):
    """The new-user trial: `--side bothh` listed 正面, 反面, 两面 with English commas and no
    suggestion; a command typed wrong offered 'calibrate', 'validate' (sorted, not closest
    first)."""
    side = cli("badges", EXAMPLES / "staff.yaml", "--side", "bothh", "-o", tmp_path / "b.pdf")
    assert side.code == 2
    assert "请写：正面、反面或两面；您是不是想写 '两面'？" in side.err
    command = cli("valdate")
    assert "没有 'valdate' 这个命令。您是不是想输入 'validate' 或 'calibrate'？" in command.err
    layout = cli("badges", EXAMPLES / "staff.yaml", "--layout", "badgee", "-o", tmp_path / "b.pdf")
    assert layout.code == 2 and "没有名为 'badgee' 的内置版式；您是不是想写 'badge'？" in layout.err
    # the badges' own layouts, the default first: not the phrase card's or the service card's
    assert "（内置的有：badge、badge-insert、badge-insert-landscape、cr80 和 badge-bilingual）" \
        in layout.err and "phrase-card" not in layout.err
    # (in one process, --lang en stays until the end of the test)
    english = cli("--lang", "en", "badges", EXAMPLES / "staff.yaml", "--side", "frnt")
    assert "front, back, or both; did you mean 'front'?" in english.err
    option = cli("--lang", "en", "badges", EXAMPLES / "staff.yaml", "--sied", "front")
    assert "No such option '--sied'. Did you mean '--side', '--sheet', or " in option.err


@pytest.mark.chinese
def test_a_badge_problem_names_the_field_as_the_staff_sheet_does(cli, tmp_path):
    """照片（正面）, 二维码（正面） in Chinese (the trial found `photo (正面)`), photo (front) in
    English."""
    staff = tmp_path / "staff.yaml"
    staff.write_text('staff:\n  - id: "SZ001"\n    name: 王建国\n    qr: https://example.com/a\n',
                     encoding="utf-8")
    shutil.copy(EXAMPLES / "company.yaml", tmp_path / "company.yaml")
    shutil.copy(EXAMPLES / "logo.png", tmp_path / "logo.png")
    chinese = cli("validate", staff)
    assert "SZ001 王建国: 照片（正面）: 没有照片" in chinese.err, chinese
    english = cli("--lang", "en", "validate", staff)
    assert "SZ001 王建国: photo (front): no photo given" in english.err, english


@pytest.mark.chinese
def test_help_shows_chinese_choices_defaults_and_ranges(cli):
    help_ = cli("service-cards", "--help").out
    assert "--side [正面|反面|两面]" in help_ and "[默认：两面]" in help_
    assert "[默认：10; 1 到 1000]" in help_   # never broken inside the brackets
    assert "x>=" not in help_ and "<=x" not in help_ and "INTEGER" not in help_
    english = cli("--lang", "en", "service-cards", "--help").out
    assert "--side [front|back|both]" in english and "[default: 10; 1 to 1000]" in \
        " ".join(english.split())


@pytest.mark.chinese
def test_equipment_table_and_csv_have_chinese_headers_and_words(cli, tmp_path):
    table = cli("equipment", EXAMPLES / "equipment.yaml", "--as-of", "2026-11-21")
    assert table.code == 0, table
    head = table.out.splitlines()[0].split()
    assert head[:4] == ["编号", "类别", "状态", "到期日"]
    assert "已超期" in table.out and "overdue" not in table.out
    assert re.search(r"截至 2026-11-21 共 \d+ 件：", table.out)
    csv_file = tmp_path / "r.csv"
    assert cli("equipment", EXAMPLES / "equipment.yaml", "--as-of", "2026-11-21",
               "-o", csv_file).code == 0
    import csv
    rows = list(csv.DictReader(csv_file.read_text(encoding="utf-8-sig").splitlines()))
    assert list(rows[0])[:4] == ["编号", "类别", "状态", "到期日"]
    assert list(rows[0])[-4:] == ["kind", "status", "action", "basis"]  # the JSON's codes
    assert rows[0]["状态"] == "已超期" and rows[0]["status"] == "overdue"
    english = cli("--lang", "en", "equipment", EXAMPLES / "equipment.yaml", "--as-of",
                  "2026-11-21")
    assert english.out.split()[:4] == ["ID", "kind", "status", "due"]


@settings(max_examples=150, deadline=None)
@given(texts=st.lists(st.text(max_size=6), max_size=6),
       code=st.sampled_from(sorted(i18n.LANGUAGES)), style=st.sampled_from(["standard", "or", "plain"]))
def test_words_joins_as_babels_cldr_list_patterns(texts, code, style):
    """`words` keeps CLDR's patterns in a table of its own (Babel loads a whole locale's data
    to give them); Babel's format_list is the reference, for every language and style."""
    from babel import Locale
    from babel.lists import format_list
    locale = i18n.LANGUAGES[code]
    if style == "plain":
        middle = Locale.parse(locale).list_patterns["standard"]["middle"]
        expected = functools.reduce(middle.format, texts) if texts else ""
    else:   # Chinese spaces 和/或 from Latin text beside it (i18n._spaced), Babel does not
        spaced = texts[:-2] + list(i18n._spaced(*texts[-2:])) \
            if code == "zh" and len(texts) > 1 else texts
        expected = format_list(spaced, style=style, locale=locale)
    context = contextvars.copy_context()
    assert context.run(lambda: (i18n.set_language(code, process=False), i18n.words(texts, style))[1]) \
        == expected
