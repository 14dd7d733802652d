"""Hostile and broken YAML through the commands a user runs: alias bombs and absurd nesting
refused quickly (and without crashing the process), duplicate keys and object-building tags
refused with file:line, nothing in the file ever run; IDs typed as numbers keep their zeros with a
warning; a 50 MB data file is loaded within the performance issue's memory budget.

Unit-level cases of the same live in test_loading.py (test_broken_staff_file's duplicate key,
test_object_tags_refused, test_alias_bomb_refused_quickly, test_leading_zeros_kept_and_warned).
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pypdf import PdfReader

from generator.data.yamlsource import ALIAS_BUDGET, MAX_DEPTH
from test_hostile_images import run_measured

STAFF = 'staff:\n  - {id: "SZ1", name: 王建国}\n'


def write(folder: Path, text: str, name: str = "staff.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def problems(result) -> list[str]:
    assert "Traceback" not in result.err, result.err
    return [line for line in result.err.splitlines() if line and not line.startswith("warning")]


# ------------------------------------------------------------------------------ alias bombs
def billion_laughs() -> str:
    """9 levels of 9 aliases: 387 million strings if expanded."""
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\nstaff: *i\n"


def merge_bomb() -> str:
    """The same through mappings and merge keys (<<), inside a staff record."""
    lines = ["x0: &x0 {a: lol, b: lol, c: lol, d: lol, e: lol, f: lol, g: lol, h: lol}"]
    for level in range(1, 10):
        prev = f"x{level - 1}"
        keys = ", ".join(f"k{i}: *{prev}" for i in range(9))
        lines.append(f"x{level}: &x{level} {{{keys}}}")
    lines.append("staff:\n  - {id: SZ1, name: 王, <<: *x9}")
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("text", [billion_laughs(), merge_bomb()], ids=["lists", "merges"])
def test_alias_bomb_is_refused_quickly_and_small(tmp_path, text):
    path = write(tmp_path, text)
    measured, err = run_measured("validate", path, limit_mb=600)
    assert measured["code"] == 2 and not measured["over_limit"], (measured, err)
    assert "alias bomb" in err and f"{path}:" in err, err
    assert measured["seconds"] < 10, measured
    assert measured["peak_mb"] < 400, measured
    assert ALIAS_BUDGET <= 10_000_000          # the budget is what keeps it small


def test_anchors_used_reasonably_still_work(tmp_path, cli):
    path = write(tmp_path, "staff:\n  - &p {id: SZ1, name: 王, unit: 园区分公司}\n"
                 + "".join(f"  - {{<<: *p, id: SZ{i}}}\n" for i in range(2, 2001)))
    result = cli("validate", path)
    assert result.code == 0 and "2000 staff" in result.out, result


# ------------------------------------------------------------------------------ nesting
@pytest.mark.parametrize("text", [
    "staff: " + "[" * 100_000 + "]" * 100_000 + "\n",                   # flow lists
    "staff: " + "{a: " * 50_000 + "x" + "}" * 50_000 + "\n",             # flow mappings
    "staff:\n" + "- " * 40_000 + "x\n",                                  # compact block lists
    "staff:\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 1500)) + " " * 1500 + "x: 1\n",
], ids=["flow lists", "flow mappings", "block lists", "indented mappings"])
def test_absurd_nesting_is_refused_not_a_crash(tmp_path, text):
    """libyaml's C composer recurses once per level: 30,000 levels killed the process with a
    segmentation fault (no message, no exit 2) before the loader checked the depth first."""
    path = write(tmp_path, text)
    measured, err = run_measured("validate", path)
    assert measured["code"] == 2, (measured, err)
    # Our own depth check or PyYAML's (6.0.4 refuses deep nesting itself): either way a
    # located problem, exit 2, no traceback. The wording is the parser's, not ours to pin.
    assert f"{path}:" in err and "Traceback" not in err, err
    assert measured["seconds"] < 10, measured
    assert MAX_DEPTH <= 5000


def test_nesting_a_real_file_needs_is_fine(tmp_path, cli):
    path = write(tmp_path, 'staff:\n  - {id: "SZ1", name: 王建国, note: "' + "[" * 3000 + '"}\n')
    result = cli("validate", path)            # brackets in a string are not nesting
    assert result.code == 0, result


# ------------------------------------------------------------------------------ duplicate keys
@pytest.mark.parametrize("text, line, key", [
    ('staff:\n  - id: "SZ1"\n    name: 王建国\n    name: 王建\n', 4, "name"),
    ('staff:\n  - {id: "SZ1", name: 王建国, id: "SZ2"}\n', 2, "id"),
    (STAFF + 'staff:\n  - {id: "SZ2", name: 李四}\n', 3, "staff"),   # two sections: one lost
    ('company:\n  name: 甲公司\n  hotline: "10000"\n  name: 乙公司\n' + STAFF, 4, "name"),
])
def test_duplicate_keys_are_refused_with_their_line(tmp_path, cli, text, line, key):
    path = write(tmp_path, text)
    result = cli("validate", path)
    assert result.code == 2, result
    assert any(p.startswith(f"{path}:{line}:") and f"duplicate key '{key}'" in p
               for p in problems(result)), result.err


# ------------------------------------------------------------------------------ object tags
@pytest.mark.parametrize("value", [
    '!!python/object/apply:os.system ["touch {marker}"]',
    '!!python/object/apply:subprocess.call [["touch", "{marker}"]]',
    '!!python/object/new:os.system ["touch {marker}"]',
    '!!python/name:os.system',
    '!!python/module:os',
    '!!python/object:pathlib.Path {{}}',
    '!!binary aGVsbG8=',
    '!!set {{a, b}}',
    '!custom 1',
    '!<tag:example.com,2026:evil> x',
])
def test_tags_that_build_objects_are_refused_and_never_run(tmp_path, cli, value):
    marker = tmp_path / "ran"
    path = write(tmp_path, f'staff:\n  - id: "SZ1"\n    name: {value.format(marker=marker)}\n')
    result = cli("validate", path)
    assert result.code == 2, result
    assert any(p.startswith(f"{path}:3:") and "is not allowed" in p for p in problems(result)), \
        result.err
    for command in ("badges", "work-orders", "equipment"):
        result = cli(command, path, "-o", tmp_path / "out.pdf")
        assert result.code == 2 and "is not allowed" in result.err, result
    assert not marker.exists(), "a tag in the data ran a command"


# ------------------------------------------------------------------------------ numbers
def test_ids_written_as_numbers_keep_their_zeros_with_a_warning(tmp_path, cli):
    """`id: 00123` is the number 83 to YAML (octal); the schema knows IDs and phones are text, so
    fieldprint keeps what was typed and warns (quote it to say it is text)."""
    write(tmp_path, "company: {name: 苏州测试通信工程有限公司, hotline: 10000}\n", "company.yaml")
    staff = write(tmp_path, "staff:\n  - id: 00123\n    name: 王五\n    phone: 013712345670\n"
                  "  - id: 0x1F\n    name: 赵六\n")
    orders = write(tmp_path, "work_orders:\n  - {id: 0042, kind: repair, received: "
                   "2026-11-21T09:00:00, customer: {name: 李女士, phone: 02161234567}, "
                   "engineer: 00123}\n", "work_orders.yaml")
    result = cli("validate", staff, orders)
    assert result.code == 0, result
    warnings = [line for line in result.err.splitlines() if line.startswith("warning")]
    for where, typed in (("staff.yaml:2:9", "00123"), ("staff.yaml:4:12", "013712345670"),
                         ("staff.yaml:5:9", "0x1F"), ("work_orders.yaml:2:10", "0042"),
                         ("work_orders.yaml:2:", "02161234567")):
        assert any(where in w and typed in w and "quotes" in w for w in warnings), \
            (where, warnings)
    # and what is printed is what was typed; the engineer 00123 is found on the staff list
    out = tmp_path / "b.pdf"
    assert cli("badges", staff, "-o", out, "--sheet", "none", "--side", "front",
               "--allow-missing-photos", "--allow-missing-qr").code == 0
    text = "".join(p.extract_text() for p in PdfReader(out).pages)
    assert "00123" in text and "0x1F" in text
    out = tmp_path / "w.pdf"
    result = cli("work-orders", staff, orders, "-o", out)
    assert result.code == 0, result
    text = "".join(p.extract_text() for p in PdfReader(out).pages).replace(" ", "")
    assert "0042" in text and "王五" in text and "02161234567" in text


# ------------------------------------------------------------------------------ 50 MB
BUDGET_MB = 500     # issue 8: peak RSS of the biggest job (10,000 work orders to one PDF)


def fifty_megabytes(folder: Path) -> Path:
    path = folder / "work_orders.yaml"
    size, i = 0, 0
    with path.open("w", encoding="utf-8") as out:
        out.write(STAFF + "work_orders:\n")
        while size < 50_000_000:
            record = (f"  - id: WO-{i:07d}\n    kind: repair\n    received: 2026-11-21T09:00:00\n"
                      f'    customer: {{name: 李女士, phone: "138{i:08d}", '
                      f"address: 苏州市工业园区星湖街{i}号}}\n"
                      f"    engineer: SZ1\n    fault: 光猫指示灯红色闪烁，无法上网\n")
            out.write(record)
            size += len(record.encode("utf-8"))
            i += 1
    return path


@pytest.mark.slow
def test_a_50_mb_file_loads_within_the_memory_budget(tmp_path):
    path = fifty_megabytes(tmp_path)
    assert path.stat().st_size >= 50_000_000
    start = time.perf_counter()
    measured, err = run_measured("validate", path, limit_mb=BUDGET_MB)
    print(f"50 MB YAML: {measured}, {time.perf_counter() - start:.1f} s with the process")
    assert not measured["over_limit"], (
        f"peak RSS passed {BUDGET_MB} MB after {measured['seconds']:.1f} s (stopped there)")
    assert measured["code"] == 0, err


@given(text=st.binary(max_size=60).map(lambda b: bytes(x % 3 + 9 for x in b)),
       limit=st.integers(1, 6))
def test_a_long_line_is_found_as_the_pattern_finds_it(text, limit):
    """The nesting check's search for a line longer than MAX_DEPTH, by jumps from newline to
    newline, finds what the regular expression finds (bytes 9-11: tabs, newlines and a
    vertical tab)."""
    import re

    from generator.data.yamlsource import _has_long_line
    assert _has_long_line(text, limit) == bool(re.search(rb"\n[^\n]{%d}" % limit, text))
