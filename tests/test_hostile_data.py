"""Hostile and odd data: whatever is typed either loads exactly as typed or is a clear
UserError naming the record and field, never a traceback (property-based; the seed and the
number of examples come from the Hypothesis profile, tests/conftest.py)."""
from __future__ import annotations

import yaml
from hypothesis import given
from hypothesis import strategies as st

from generator.data.dataset import load_dataset
from generator.errors import UserError
from generator.data.models import SPACE

NASTY = ["<b>&{{ 7*7 }}</b>", "{% for x in y %}", "%(x)s", "\x00", "𠮷", "😀", "\u202eabc",
         "e\u0301", "Robert'); DROP TABLE staff;--", "a" * 2000, "\ufeff", "  ", "- x", "#"]
texts = st.one_of(st.sampled_from(NASTY), st.text(max_size=60))
FIELDS = ("name", "unit", "team", "title", "phone", "qr", "note")


@given(field=st.sampled_from(FIELDS), value=texts)
def test_any_text_in_a_staff_field_loads_as_typed_or_is_reported(tmp_path, field, value):
    record = {"id": "SZ001", "name": "王建国", field: value}
    path = tmp_path / "staff.yaml"
    document = yaml.safe_dump({"staff": [record]}, allow_unicode=True)
    path.write_text(document, encoding="utf-8")
    # what the file says, read by PyYAML's reference loader: the same as `value` except where
    # PyYAML's writer leaves a YAML line break (U+0085, U+2028...) that reading folds to a space
    typed = yaml.safe_load(document)["staff"][0][field]
    try:
        data = load_dataset([path])
    except UserError as exc:
        text = "\n".join(str(p) for p in exc.problems)
        assert "staff[1]" in text and "staff.yaml:" in text, text
        return
    assert getattr(data.staff[0], field) == typed.strip(SPACE)   # Unicode White_Space


@given(document=st.text(max_size=200))
def test_any_file_content_is_data_or_a_clear_problem(tmp_path, document):
    path = tmp_path / "staff.yaml"
    path.write_text(document, encoding="utf-8")
    try:
        load_dataset([path])
    except UserError as exc:
        assert all(str(p) for p in exc.problems)
