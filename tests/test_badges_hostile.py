"""Whatever a staff record holds, a badge either prints it exactly as typed or the run stops with
a message naming the person and the field: never a traceback, never a half-written file
(property-based; the seed and the number of examples come from the Hypothesis profile,
tests/conftest.py)."""
from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from card_helpers import COMPANY, make_data, person, text
from generator.card import CardRun, execute, load_card_layout
from generator.data.dataset import load_dataset
from generator.errors import UserError

NASTY = ["<b>&{{ 7*7 }}</b>", "{% for x in y %}{% endfor %}", "%(x)s", "\x00", "𠮷", "😀",
         "\u202eabc", "e\u0301", "a\tb", "第一行\n第二行", "א", "A" * 2000, "\ufeff王",
         "O'Brien & Söhne <i>", "{{ person.__class__ }}"]
texts = st.one_of(st.sampled_from(NASTY),
                  st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=30))
FIELDS = ("name", "unit", "title", "id")
_SPACE = re.compile(r"\s+")


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("hostile")


@given(field=st.sampled_from(FIELDS), value=texts, layout=st.sampled_from(
    ["badge", "badge-insert", "badge-insert-landscape", "service-card"]))
def test_any_text_prints_as_typed_or_names_person_and_field(folder, field, value, layout):
    record = person(1)
    record[field] = value
    try:
        staff = make_data(folder, people=[record])
        data = load_dataset([staff], missing_files="ignore")
    except UserError:
        return  # refused while loading, with its own message (tested with the data)
    loaded = data.staff[0]
    target = folder / "out.pdf"
    target.unlink(missing_ok=True)
    run = CardRun(load_card_layout(layout), data.company, data.staff,
                  {loaded.id: data.origins.get(("staff", loaded.id))}, sides=("front",),
                  sheet="none")
    try:
        execute(run, target, None)
    except UserError as exc:
        message = "\n".join(str(p) for p in exc.problems)
        assert loaded.id in message and f": {field} (" in message, message  # the key, as written
        assert not target.exists()
        return
    if layout == "service-card" and field == "unit":
        return  # the service card does not print the unit
    printed = _SPACE.sub("", text(target))
    typed = _SPACE.sub("", getattr(loaded, field))
    assert typed in printed


def test_the_hostile_name_on_every_layout(folder):
    hostile = "<b>&{{ 7*7 }}</b>"
    staff = make_data(folder / "h", people=[person(1, name=hostile)], company=COMPANY)
    data = load_dataset([staff], missing_files="ignore")
    for layout in ("badge", "badge-insert", "badge-insert-landscape", "service-card"):
        target = folder / f"{layout}.pdf"
        execute(CardRun(load_card_layout(layout), data.company, data.staff, sheet="none"),
                target, None)
        assert hostile in text(target).replace("\n", "")
