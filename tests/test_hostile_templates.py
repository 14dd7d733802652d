"""Templates and layouts from elsewhere, through the commands: a user's Word template, a card
layout or a form layout that tries to reach Python internals fails with the sandbox's message
and exit 2, naming the file (and the line, for layouts), with nothing written; a card layout
with an element outside the card, a negative size or an unknown element type, and a form layout
with an unknown block or a negative size, fail with file:line before anything is drawn."""
from __future__ import annotations

import textwrap
from pathlib import Path

import docx
import pytest

from card_helpers import make_data, person
from test_work_orders import data_files

ATTACKS = [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ joiner.__init__.__globals__.os }}",
    "{{ lipsum.__globals__['os'] }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ ''|attr('__class__') }}",
    "{{ '{0.__class__}'.format(company) }}",
    "{{ self.__init__.__globals__ }}",
    "{% for c in ().__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
]
IDS = ["mro", "cycler globals", "joiner globals", "lipsum globals", "namespace globals",
       "attr filter", "str.format", "self", "subclasses"]


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1)
                if needle in line)


def refused(result, out: Path | None, *where: str) -> None:
    assert result.code == 2, result
    assert "Traceback" not in result.err, result.err
    assert "refused by the sandbox" in result.err, result.err
    assert all(w in result.err for w in where), (where, result.err)
    if out is not None:
        assert not out.exists() or out.read_bytes() == b"previous", "written despite the refusal"


# ------------------------------------------------------------------------------ Word templates
def word_template(folder: Path, expression: str) -> Path:
    document = docx.Document()
    document.add_paragraph("客户：{{ order.customer.name }}")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "地址"
    table.cell(0, 1).text = expression           # inside a table cell, where forms put values
    path = folder / "template.docx"
    document.save(path)
    return path


@pytest.mark.parametrize("command", ["work-orders", "confirmations", "follow-ups"])
@pytest.mark.parametrize("attack", ATTACKS, ids=IDS)
def test_word_template_reaching_python_internals(tmp_path, cli, command, attack):
    template = word_template(tmp_path, attack)
    out = tmp_path / "out.docx"
    out.write_bytes(b"previous")
    result = cli(command, *data_files(), "--template", template, "-o", out)
    refused(result, out, str(template))


def test_word_template_one_file_per_order_writes_nothing(tmp_path, cli):
    template = word_template(tmp_path, "{{ cycler.__init__.__globals__ }}")
    folder = tmp_path / "word"
    result = cli("work-orders", *data_files(), "--format", "docx", "--template", template,
                 "-o", f"{folder}/")
    refused(result, None, str(template))
    assert not folder.exists() or not any(folder.iterdir())


# ------------------------------------------------------------------------------ card layouts
CARD_HEAD = """\
title: mine
width: 55
height: 90
bleed: 1
colours: {blue: "#1769c9"}
front:
  - {type: rect, x: 0, y: 0, width: 55, height: 10, fill: blue}
"""


def card_layout(folder: Path, elements: str) -> Path:
    path = folder / "layout.yaml"
    path.write_text(CARD_HEAD + textwrap.indent(textwrap.dedent(elements), "  "),
                    encoding="utf-8")
    return path


def staff_file(folder: Path) -> Path:
    return make_data(folder / "data", people=[person(1)])


@pytest.mark.parametrize("command", ["badges", "service-cards"])
@pytest.mark.parametrize("attack", ATTACKS, ids=IDS)
def test_card_layout_reaching_python_internals(tmp_path, cli, command, attack):
    quoted = attack.replace('"', '\\"')
    path = card_layout(tmp_path, f"""\
        - {{type: text, x: 1, y: 20, width: 50, height: 5, text: "{quoted}"}}
        """)
    out = tmp_path / "out.pdf"
    result = cli(command, staff_file(tmp_path), "--layout", path, "--side", "front", "-o", out)
    refused(result, out, f"{path}:{line_of(path, 'type: text')}")


@pytest.mark.parametrize("key", ["when", "each"])
@pytest.mark.parametrize("attack", ["cycler.__init__.__globals__", "''.__class__.__mro__",
                                    "person.__class__", "company.__init__"])
def test_card_layout_condition_reaching_python_internals(tmp_path, cli, key, attack):
    """`when:` and `each:` are expressions too (no braces). `person.__class__` alone used to
    escape as a traceback: the sandbox's refusal came back as an undefined value that raised
    only when the card engine tested it."""
    quoted = attack.replace('"', '\\"')
    path = card_layout(tmp_path, f"""\
        - {{type: text, x: 1, y: 20, width: 50, height: 5, {key}: "{quoted}",
           text: "{{{{ person.name }}}}"}}
        """)
    out = tmp_path / "out.pdf"
    result = cli("badges", staff_file(tmp_path), "--layout", path, "--side", "front", "-o", out)
    refused(result, out, f"{path}:{line_of(path, key + ':')}")


@pytest.mark.parametrize("element, says", [
    ("{type: rect, x: 50, y: 20, width: 10, height: 5, fill: blue}",
     "goes past the card's right edge"),
    ("{type: text, x: 1, y: 88, width: 20, height: 5, text: hello}", "bottom edge"),
    ("{type: line, x1: 0, y1: 95, x2: 10, y2: 95}", "outside the card"),
    ("{type: rect, x: -3, y: 20, width: 10, height: 5, fill: blue}",
     "x -3 mm is outside the card"),
    ("{type: rect, x: 1, y: 20, width: -5, height: 5, fill: blue}", "width: -5 is out of range"),
    ("{type: text, x: 1, y: 20, width: 20, height: 0, text: hello}", "height: 0 is out of range"),
    ("{type: photo, x: 1, y: 20, width: 20, height: -30}", "height: -30 is out of range"),
    ("{type: circle, x: 1, y: 20, width: 5, height: 5}", "unknown element type 'circle'"),
    ("{type: script, x: 1, y: 20, width: 5, height: 5, code: 'import os'}",
     "unknown element type 'script'"),
    ("{x: 1, y: 20, width: 5, height: 5}", "has no 'type'"),
], ids=["past the right edge", "past the bottom edge", "line outside", "negative x",
        "negative width", "zero height", "negative photo height", "unknown type",
        "script type", "no type"])
def test_card_layout_geometry_and_types_fail_with_file_and_line(tmp_path, cli, element, says):
    path = card_layout(tmp_path, f"  - {element}\n")
    out = tmp_path / "out.pdf"
    result = cli("badges", staff_file(tmp_path), "--layout", path, "--side", "front", "-o", out)
    assert result.code == 2, result
    assert "Traceback" not in result.err, result.err
    line = f"{path}:8"                                  # the element's line
    assert any(line in m and says in m for m in result.err.splitlines()), result.err
    assert not out.exists()


# ------------------------------------------------------------------------------ form layouts
FORM_HEAD = "name: mine\nheader: {title: 我的工单}\nblocks:\n"


def form_layout(folder: Path, blocks: str) -> Path:
    path = folder / "form.yaml"
    path.write_text(FORM_HEAD + textwrap.dedent(blocks), encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["work-orders", "confirmations", "follow-ups"])
@pytest.mark.parametrize("attack", ATTACKS, ids=IDS)
def test_form_layout_reaching_python_internals(tmp_path, cli, command, attack):
    quoted = attack.replace('"', '\\"')
    path = form_layout(tmp_path, f"""\
        - type: fields
          fields:
            - {{label: 客户, value: "{{{{ order.customer.name }}}}"}}
            - {{label: 备注, value: "{quoted}"}}
        """)
    out = tmp_path / "out.pdf"
    out.write_bytes(b"previous")
    result = cli(command, *data_files(), "--layout", path, "-o", out)
    refused(result, out, f"{path}:{line_of(path, '备注')}")


@pytest.mark.parametrize("block", [
    "- {type: note, text: x, when: order.__class__}",
    "- {type: note, text: x, when: cycler.__init__.__globals__}",
    "- {type: table, rows: order.__class__, columns: [{header: 材料, value: x}]}",
    "- {type: table, rows: order.materials,"
    " columns: [{header: 材料, value: '{{ row.__class__ }}'}]}",
    "- {type: checklist, items: [{label: 已检查, checked: order.customer.__init__}]}",
], ids=["when", "when globals", "rows", "row value", "checked"])
def test_form_layout_conditions_reaching_python_internals(tmp_path, cli, block):
    path = form_layout(tmp_path, block + "\n")
    out = tmp_path / "out.pdf"
    result = cli("work-orders", *data_files(), "--layout", path, "-o", out)
    refused(result, out, f"{path}:4")


@pytest.mark.parametrize("block, needle, says", [
    ("- {type: script, text: x}", "script", "unknown block type 'script'"),
    ("- {type: fields, row_height: -5, fields: [{label: 客户, value: x}]}", "row_height",
     "row_height: -5 is out of range"),
    ("- {type: fields, label_width: -20, fields: [{label: 客户, value: x}]}", "label_width",
     "label_width: -20 is out of range"),
    ("- {type: table, rows: order.materials, min_rows: -1, columns: [{header: 材料, value: x}]}",
     "min_rows", "min_rows: -1 is out of range"),
    ("- {type: fields, fields: [{label: 客户, value: x}], colour: red}", "colour",
     "unknown field 'colour'"),
], ids=["unknown block type", "negative row height", "negative label width",
        "negative blank rows", "unknown field"])
def test_form_layout_mistakes_fail_with_file_and_line(tmp_path, cli, block, needle, says):
    path = form_layout(tmp_path, block + "\n")
    out = tmp_path / "out.pdf"
    result = cli("work-orders", *data_files(), "--layout", path, "-o", out)
    assert result.code == 2, result
    assert "Traceback" not in result.err, result.err
    line = f"{path}:{line_of(path, needle)}"
    assert any(line in m and says in m for m in result.err.splitlines()), result.err
    assert not out.exists()
