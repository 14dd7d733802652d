"""Card layout files are validated like data: every problem with file:line, nothing drawn."""
from __future__ import annotations

import textwrap

import pytest

from generator.card.layout import load_card_layout
from generator.content import builtin_names
from generator.errors import UserError


def _layout(tmp_path, body: str, name="mine.yaml"):
    path = tmp_path / name
    path.write_text(textwrap.dedent("""\
        title: test
        width: 55
        height: 90
        bleed: 1
        colours: {blue: "#1769c9"}
        """) + textwrap.dedent(body), encoding="utf-8")
    return path


def _problems(path) -> str:
    with pytest.raises(UserError) as info:
        load_card_layout(str(path))
    return str(info.value)


def test_every_built_in_layout_loads_with_both_sides():
    names = builtin_names("badges", ".yaml")
    assert {"badge", "badge-insert", "badge-insert-landscape", "service-card"} <= set(names)
    for name in names:
        layout = load_card_layout(name)
        assert layout.sides["front"] and layout.sides["back"]


@pytest.mark.parametrize("name, size", [("badge", (75, 100)), ("badge-insert", (55, 90)),
                                        ("badge-insert-landscape", (90, 55)),
                                        ("service-card", (90, 54))])
def test_built_in_sizes(name, size):
    assert load_card_layout(name).size == size


def test_unknown_key_names_the_line_and_suggests(tmp_path):
    path = _layout(tmp_path, """\
        front:
          - type: text
            x: 1
            y: 1
            width: 10
            height: 5
            text: hello
            colur: blue
        """)
    message = _problems(path)
    assert f"{path}:7" in message
    assert "unknown field 'colur'" in message and "did you mean 'colour'" in message


def test_unknown_element_type_and_negative_size(tmp_path):
    path = _layout(tmp_path, """\
        front:
          - {type: circle, x: 1, y: 1, width: 5, height: 5}
          - {type: rect, x: 1, y: 1, width: -5, height: 5, fill: blue}
        """)
    message = _problems(path)
    assert f"{path}:7" in message and "unknown element type 'circle'" in message
    assert f"{path}:8" in message and "width" in message


def test_element_outside_the_card_and_unknown_colour(tmp_path):
    path = _layout(tmp_path, """\
        front:
          - {type: rect, x: 50, y: 1, width: 10, height: 5, fill: blue}
          - {type: rect, x: 1, y: 1, width: 10, height: 5, fill: bleu}
          - {type: line, x1: 0, y1: 95, x2: 10, y2: 95}
        """)
    message = _problems(path)
    assert "goes past the card's right edge" in message
    assert "unknown colour 'bleu'" in message
    assert "y1 95 mm is outside the card" in message
    assert message.count(str(path)) >= 3


def test_bad_units(tmp_path):
    path = _layout(tmp_path, """\
        front:
          - {type: rect, x: 12px, y: 1, width: "1cm", height: 5, fill: blue}
        """)
    message = _problems(path)
    assert "unknown unit 'px'" in message and f"{path}:7" in message


def test_units_are_converted_to_mm(tmp_path):
    path = _layout(tmp_path, """\
        front:
          - {type: rect, x: "1cm", y: "72pt", width: "0.5in", height: 5, fill: blue}
        """)
    rect = load_card_layout(str(path)).sides["front"][0].model
    assert (rect.x, round(rect.y, 3), round(rect.width, 3)) == (10, 25.4, 12.7)


def test_expressions_that_reach_python_internals_are_refused(tmp_path):
    from generator.card.render import CardRenderer
    from generator.fonts import font_set
    from generator.data.models import Company, Person
    fixed = _layout(tmp_path, """\
        front:
          - {type: text, x: 1, y: 1, width: 50, height: 5, text: "{{ ''.__class__.__mro__ }}"}
        """)
    with pytest.raises(UserError, match="refused by the sandbox") as info:
        CardRenderer(load_card_layout(str(fixed)), Company(name="x"), font_set(None))
    assert f"{fixed}:7" in str(info.value)
    per_person = _layout(tmp_path, """\
        front:
          - {type: text, x: 1, y: 1, width: 50, height: 5, when: "cycler.__init__.__globals__",
             text: "{{ person.name }}"}
        """, "other.yaml")
    renderer = CardRenderer(load_card_layout(str(per_person)), Company(name="x"), font_set(None))
    with pytest.raises(UserError, match="other.yaml:7.*(sandbox|undefined)"):
        renderer.prepare(Person(id="1", name="a"))


def test_a_broken_expression_names_its_line(tmp_path):
    path = _layout(tmp_path, """\
        front:
          - {type: text, x: 1, y: 1, width: 50, height: 5, text: "{{ person.name "}
        """)
    message = _problems(path)
    assert f"{path}:7" in message and "cannot read the expression" in message


def test_layout_by_path_and_unknown_name(tmp_path):
    with pytest.raises(UserError, match="no built-in layout called 'bagde'"):
        load_card_layout("bagde")
    with pytest.raises(UserError, match="no such layout file"):
        load_card_layout(str(tmp_path / "missing.yaml"))


def test_each_needs_a_box(tmp_path):
    path = _layout(tmp_path, """\
        front:
          - {type: line, each: company.qr_codes, x1: 0, y1: 1, x2: 10, y2: 1}
        """)
    assert "'each' repeats an element across its box" in _problems(path)


@pytest.mark.parametrize("kind", ["card", "form"])
def test_a_layout_copied_over_another_with_its_time_is_read_anew(tmp_path, kind):
    """One process (the web app) keeps layouts it read; a file copied over one of them
    keeps the copy's own modification time (Windows copies do), so the caches know a
    layout by its content, not its time."""
    import os

    from generator.content import content_dir
    from generator.form import load_form
    folder, name, load, title = (
        ("badges", "badge.yaml", load_card_layout, lambda layout: layout.model.title)
        if kind == "card" else
        ("forms", "work-order.yaml", load_form, lambda layout: layout.header.title.source))
    text = (content_dir(folder) / name).read_text(encoding="utf-8")
    old, new = ("工号牌 75×100", "工号牌 旧版") if kind == "card" else ("装维工单", "装维工单（旧版）")
    path = tmp_path / name
    path.write_text(text.replace(f"title: {old}\n", f"title: {new}\n", 1), encoding="utf-8")
    os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    assert title(load(path)) == new
    path.write_text(text, encoding="utf-8")   # the other file, with the same time
    os.utime(path, ns=(1_700_000_000_000_000_000, 1_700_000_000_000_000_000))
    assert title(load(path)) == old
