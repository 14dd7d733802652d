"""One meaning for missing values, on cards, forms and Word (issue 12): a value that is absent
or null prints as nothing, and so does an attribute of it; an element whose `when:` is false
is skipped; a name the context never has (a typo) is an error with file:line when the layout
or template is loaded; `group.items` is the data's key, never the dict method."""
from __future__ import annotations

import textwrap

import pytest

from generator.card.layout import _expression, load_card_layout
from generator.errors import UserError
from generator.form.values import Text, Value
from generator.templating import Expression, environment

NO_APPOINTMENT = {"order": {"appointment": None, "customer": {"name": "李"}},
                  "person": {"note": None, "team": None}}


def card(source, ctx):
    return Expression(source, "card").render(ctx)


def form(source, ctx):
    return Text(source)(ctx)


def word(source, ctx):
    return environment(autoescape=True).from_string(source).render(ctx)


@pytest.mark.parametrize("engine", [card, form, word])
@pytest.mark.parametrize("source", [
    "{{ order.appointment.start }}", "{{ order.appointment }}", "{{ person.note }}",
    "{{ order.appointment.start|date }}", "{{ order.appointment.start|cn_date }}",
    "{% if order.appointment.start %}yes{% endif %}", "{{ person.team.name }}"])
def test_absent_or_null_prints_as_nothing_everywhere(engine, source):
    assert engine(source, NO_APPOINTMENT) == ""


@pytest.mark.parametrize("engine", [card, form])
def test_a_name_the_context_lacks_is_an_error_everywhere(engine):
    with pytest.raises(UserError, match="custmer"):
        engine("{{ order.custmer.name }}", NO_APPOINTMENT)


def test_values_and_conditions_agree():
    assert Value("order.appointment.start")(NO_APPOINTMENT) is None
    assert _expression("order.appointment.start", "card")(NO_APPOINTMENT) is None
    assert not _expression("person.note", "card")(NO_APPOINTMENT)   # when: false, skipped


@pytest.mark.parametrize("engine", [card, form, word])
def test_group_items_is_the_datas_key(engine):
    ctx = {"group": {"items": ["a", "b"], "keys": "k"}}
    assert engine("{{ group.items|length }} {{ group.keys }}", ctx) == "2 k"
    assert engine("{% for x in group.items %}{{ x }}{% endfor %}", ctx) == "ab"
    assert Value("group.items")(ctx) == ["a", "b"]


def _card_layout(tmp_path, text):
    path = tmp_path / "mine.yaml"
    path.write_text(textwrap.dedent("""\
        title: test
        width: 55
        height: 90
        front:
          - type: text
            x: 1
            y: 1
            width: 50
            height: 5
            text: "{{ person.name }}"
          - type: text
            x: 1
            y: 10
            width: 50
            height: 5
        """) + textwrap.indent(textwrap.dedent(text), "    ") + "back: []\n",
        encoding="utf-8")
    return path


@pytest.mark.parametrize("text, word, hint", [
    ('text: "{{ persn.name }}"\n', "'persn'", "did you mean 'person'"),
    ('text: "{{ person.nmae }}"\n', "'person.nmae'", "did you mean 'name'"),
    ('text: "x"\nwhen: "company.hotlin"\n', "'company.hotlin'", "did you mean 'hotline'"),
])
def test_a_typo_in_a_card_layout_is_found_when_it_is_loaded(tmp_path, text, word, hint):
    path = _card_layout(tmp_path, text)
    with pytest.raises(UserError) as info:
        load_card_layout(str(path))
    message = str(info.value)
    typo = word.strip("'").split(".")[-1]
    line = next(i for i, ln in enumerate(path.read_text().splitlines(), 1) if typo in ln)
    assert f"{path}:{line}:" in message, message
    assert word in message and hint in message, message


def test_a_typo_in_a_form_layout_is_found_before_anything_is_read(cli, tmp_path):
    from conftest import ROOT
    layout = (ROOT / "forms" / "confirmation.yaml").read_text(encoding="utf-8")
    broken = layout.replace("{{ order.customer.phone }}", "{{ order.customer.phnoe }}", 1)
    assert broken != layout
    (tmp_path / "mine.yaml").write_text(broken, encoding="utf-8")
    line = next(i for i, ln in enumerate(broken.splitlines(), 1) if "phnoe" in ln)
    out = tmp_path / "out.pdf"
    result = cli("confirmations", ROOT / "examples" / "work_orders.yaml",
                 ROOT / "examples" / "staff.yaml", "--layout", tmp_path / "mine.yaml", "-o", out)
    assert result.code == 2, result
    assert f"mine.yaml:{line}" in result.err and "'order.customer.phnoe'" in result.err, result
    assert "did you mean 'phone'" in result.err, result
    assert not out.exists()
