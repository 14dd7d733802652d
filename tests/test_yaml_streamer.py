"""The YAML event builder (`_Streamer`, the fast route of load_yaml) gives exactly what the
composed route (`yaml.compose` + `_Builder`, the reference) gives: the same values, types and
file:line:column of every mapping, key and list item, the same duplicate-key problems; and a
bug inside it is not hidden by falling back to the composer (issue 12)."""
from __future__ import annotations

import yaml
import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.data import yamlsource
from generator.data.yamlsource import (MarkedDict, MarkedList, _Builder, _Loader, _Streamer,
                                       line_column)
from generator.errors import UserError

SCALARS = st.one_of(
    st.sampled_from(["王建国", "SZ10023", "00123", "0x1F", "1e3", "3.14", "-7", "true", "no",
                     "null", "~", "2026-11-21", "2026-11-21T09:00:00", "2026-02-30",
                     "2026-11-21 09:00:00+08:00", ".inf", "<<", "a: b", "- x", "# no", "'q'",
                     "", " ", "{{ x }}", "<b>&amp;", "12:30", "1_000"]),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=8),
    st.integers(-10**6, 10**6), st.booleans(), st.none(),
    st.floats(allow_nan=False, allow_infinity=False, width=32))
KEYS = st.one_of(st.sampled_from(["id", "name", "holder", "1", "true", "null", "2026-01-01",
                                  "x y", "<<x"]),
                 st.text("abcdefgh", min_size=1, max_size=4))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(KEYS, inner, max_size=4)), max_leaves=25)


def streamed(text: bytes):
    s = _Streamer("f.yaml", text)
    found, data = s.load()
    return data, s.problems


def composed(text: bytes):
    builder = _Builder("f.yaml")
    return builder.build(yaml.compose(text, Loader=_Loader)), builder.problems


def shape(value):
    """A value with its marks, as comparable plain data."""
    if isinstance(value, MarkedDict):
        return ("map", line_column(value.pos), [
            (type(k).__name__, k, line_column(value.key_pos[k]), shape(v))
            for k, v in value.items()])
    if isinstance(value, MarkedList):
        return ("seq", line_column(value.pos),
                [str(value.location(i)) for i in range(len(value))], [shape(v) for v in value])
    return (type(value).__name__, getattr(value, "raw", None), getattr(value, "loc", None),
            value)


@given(value=VALUES, flow=st.booleans(), width=st.sampled_from([20, 80, 1000]))
def test_the_event_builder_gives_what_the_composer_gives(value, flow, width):
    text = yaml.safe_dump({"staff": value}, allow_unicode=True, default_flow_style=flow,
                          width=width, sort_keys=False).encode("utf-8")
    data, problems = streamed(text)
    expected, expected_problems = composed(text)
    assert shape(data) == shape(expected)
    assert problems == expected_problems


@pytest.mark.parametrize("text", [
    "staff:\n  - &p {id: SZ1, name: 王}\n  - {<<: *p, id: SZ2}\n  - *p\n",
    "staff:\n  - &p\n    id: SZ1\n    name: 王\n  - <<: *p\n    id: SZ2\n  - <<: [*p]\n    id: SZ3\n",
    "a: 1\na: 2\nb: {x: 1, x: 2}\n",
    "staff: [1, 2, &x [3], *x]\n",
])
def test_anchors_merges_and_duplicates_as_the_composer_reads_them(text):
    data, problems = streamed(text.encode())
    expected, expected_problems = composed(text.encode())
    assert shape(data) == shape(expected)
    assert problems == expected_problems


def test_a_bug_in_the_event_builder_is_not_hidden_by_the_composer(tmp_path, monkeypatch):
    path = tmp_path / "staff.yaml"
    path.write_text("staff:\n  - {id: SZ1, name: 王}\n", encoding="utf-8")

    def broken(self, *args, **kwargs):
        raise KeyError("a bug")
    monkeypatch.setattr(_Streamer, "event_mapping", broken)
    with pytest.raises(KeyError):
        yamlsource.load_yaml(path)


def test_what_the_parser_refuses_is_still_said_by_the_composed_route(tmp_path):
    path = tmp_path / "staff.yaml"
    path.write_text("staff:\n  - {id: SZ1, name: 王\n", encoding="utf-8")
    with pytest.raises(UserError) as info:
        yamlsource.load_yaml(path)
    assert f"{path}:3:1" in str(info.value)


# Scalars as they are written (plain, quoted, tagged, anchored), for the event builder's
# inline reading of keys and values (`_Streamer.event_mapping`): the text decides, so the
# text is generated, not dumped.
WRITTEN_TEXTS = [
    "id", "holder", "1", "007", "0x1F", "1e3", "3.14", "-7", "+1", ".5", "1_000", "12:30",
    "true", "yes", "No", "off", "on", "null", "~", "Null", "''", '""', "'1'", '"true"',
    "2026-11-21", "2026-1-2", "2026-11-21 09:00:00", "2026-11-21T09:00:00+08:00",
    "2026-02-30", "2023-05", "'2026-11-21'", "!!str 1", "!!int '7'", "! 1", "=", "<b>",
    ".inf", "-.INF", "王建国", "'王 建国'", "a b", "E-000001", "B2023-00",
]
WRITTEN = st.sampled_from(WRITTEN_TEXTS)


@st.composite
def written_mappings(draw, items=st.integers(1, 6), written=WRITTEN):
    """A block list of mappings, written as text: keys and values from `written`, sometimes a
    merge of an earlier anchored item, sometimes a repeated key."""
    lines = ["equipment:"]
    for index in range(draw(items)):
        keys = draw(st.lists(written, min_size=1, max_size=5))
        anchor = f" &a{index}" if index == 0 and draw(st.booleans()) else ""
        lines.append(f"  -{anchor}")
        if index and draw(st.integers(0, 4)) == 0:
            lines.append("    <<: *a0" if "&a0" in lines[1] else "    <<: {merged: 1}")
        for key in keys:
            lines.append(f"    {key}: {draw(written)}")
    return ("\n".join(lines) + "\n").encode()


@given(text=written_mappings())
def test_keys_and_values_read_inline_are_read_as_the_composer_reads_them(text):
    try:
        expected, expected_problems = composed(text)
    except UserError as exc:   # '=' or '<<' as a value: a tag that is not allowed
        with pytest.raises(UserError) as info:
            streamed(text)
        assert str(info.value) == str(exc)
        return
    try:
        data, problems = streamed(text)
    except yamlsource._Unusual:
        return  # left to the composed route (a tag, an alias it cannot place)
    assert shape(data) == shape(expected)
    assert problems == expected_problems


def test_without_libyaml_the_kept_marks_hold_no_copy_of_the_text(tmp_path, monkeypatch):
    """PyYAML's own loader (a PyYAML built without libyaml) puts the whole decoded text in
    every mark; the marks a loaded file keeps hold none, and still say line and column, and
    a file read through it loads as through libyaml."""
    text = "staff:\n  - id: SZ1\n    name: 王建国\n  - {id: SZ2, name: 李}\n".encode()
    path = tmp_path / "staff.yaml"
    path.write_bytes(text)
    expected = shape(yamlsource.load_yaml(path))
    monkeypatch.setattr(yamlsource, "_Loader", yamlsource._PythonLoader)
    data = yamlsource.load_yaml(path)
    assert shape(data) == expected
    marks = [data.pos, *data.key_pos.values(), data["staff"].pos,
             *(m for item in data["staff"] for m in (item.pos, *item.key_pos.values()))]
    assert all(m.buffer is None for m in marks)
    assert line_column(data["staff"][0].key_pos["name"]) == (3, 5)


# without the tags the composed route refuses: most lists are read to the end
UNTAGGED = st.sampled_from([w for w in WRITTEN_TEXTS if not w.startswith(("!", "="))])


@given(text=written_mappings(st.integers(2, 8), UNTAGGED), batch=st.integers(1, 3),
       replace=st.booleans())
def test_a_section_handed_over_in_batches_reads_as_the_composer_reads_it(text, batch, replace):
    """A long section's records reach the `records` hook as plain dicts, their keys' marks
    beside them; what the hook leaves is the composed route's MarkedDicts, marks and all, and
    what it replaces stays replaced."""
    from unittest import mock

    def hook(section, items, start, places):
        assert section == "equipment" and places.raw == items[start:]
        key_pos = [places.key_pos(i) for i in range(len(items) - start)]
        for item, marks in zip(items[start:], key_pos):
            assert list(marks) == list(item)
        for key in ("id", "holder", "1", "<<"):   # each key's place, as the marks say
            assert places.places_of(key) == [n for marks in key_pos for n in line_column(
                marks.get(key))]
        if replace and start % 2 == 0:
            items[start:] = [("seen", {k: line_column(m) for k, m in marks.items()})
                             for marks in key_pos]

    try:
        expected, expected_problems = composed(text)
    except UserError:
        return  # a tag that is not allowed: said by the composed route (test above)
    with mock.patch.object(yamlsource, "RECORD_BATCH", batch):
        try:
            s = _Streamer("f.yaml", text, hook)
            data = s.load()[1]
        except yamlsource._Unusual:
            return
    items = expected["equipment"]
    if replace:
        # every full batch is handed over, and then the rest; a shorter list is not
        for start in range(0, len(items) if len(items) >= batch else 0, batch):
            if start % 2 == 0:
                items[start:start + batch] = [
                    ("seen", {k: line_column(m) for k, m in item.key_pos.items()})
                    for item in items[start:start + batch]]
    assert shape(data) == shape(expected)
    assert s.problems == expected_problems
