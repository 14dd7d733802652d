"""Arbitrary text in the fields people type, through every command: it prints exactly as typed
(found in the extracted PDF or DOCX text) or the command exits 2 naming the record and field.
Never a traceback, never a DOCX that python-docx cannot open. Fixed seed, bounded examples;
HYPOTHESIS_PROFILE=long runs many more (see README)."""
from __future__ import annotations

import os
import re

import docx
import yaml
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from pypdf import PdfReader

NASTY = ["<b>&{{ 7*7 }}</b>", "{% if 1 %}x{% endif %}", "%(x)s", "a\x00b", "𠮷野家", "😀",
         "\u202eabc", "e\u0301", "&amp;", "]]>", "王" * 60, "a" * 2000, "李\u3000四", "O'Brien \"x\""]
EXAMPLES = int(os.environ.get("FIELDPRINT_FUZZ_EXAMPLES", "12"))
texts = st.one_of(st.sampled_from(NASTY), st.text(min_size=1, max_size=40))
fuzz = settings(max_examples=EXAMPLES, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])

COMPANY = {"name": "苏州测试通信工程有限公司", "hotline": "10000", "service_promise": "准时上门。"}


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def write(tmp_path, data) -> str:
    path = tmp_path / "data.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return str(path)


def check(result, typed: str, extracted: callable, field: str):
    assert "Traceback" not in result.err, result.err
    if result.code == 2:
        assert field in result.err, result.err  # the message names the field ...
        assert "SZ1" in result.err or "W1" in result.err, result.err  # ... and the record
        return
    assert result.code == 0, result
    if typed.strip() and not any(0xD800 <= ord(c) <= 0xDFFF for c in typed):
        assert squash(typed.strip()) in squash(extracted()), (typed, extracted()[:500])


@seed(20261121)
@fuzz
@given(field=st.sampled_from(["name", "unit", "title"]), value=texts)
def test_badges(tmp_path, cli, field, value):
    person = {"id": "SZ1", "name": "王建国", "unit": "园区分公司", field: value}
    data = write(tmp_path, {"company": COMPANY, "staff": [person]})
    out = tmp_path / "b.pdf"
    result = cli("badges", data, "-o", out, "--sheet", "none", "--allow-missing-photos")
    check(result, value, lambda: "".join(p.extract_text() for p in PdfReader(out).pages),
          field)


@seed(20261121)
@fuzz
@given(field=st.sampled_from(["name", "address"]), value=texts,
       fmt=st.sampled_from(["pdf", "docx"]))
def test_work_orders(tmp_path, cli, field, value, fmt):
    order = {"id": "W1", "kind": "repair", "received": "2026-11-21 09:00",
             "customer": {"name": "李女士", "address": "苏州市星湖街1号", field: value},
             "engineer": "SZ1"}
    data = write(tmp_path, {"company": COMPANY, "staff": [{"id": "SZ1", "name": "王建国"}],
                            "work_orders": [order]})
    out = tmp_path / f"w.{fmt}"
    result = cli("work-orders", data, "--format", fmt, "-o", out)
    if fmt == "pdf":
        extracted = lambda: "".join(p.extract_text() for p in PdfReader(out).pages)  # noqa: E731
    else:
        extracted = lambda: "\n".join(  # noqa: E731
            [p.text for p in docx.Document(out).paragraphs]
            + [c.text for t in docx.Document(out).tables for r in t.rows for c in r.cells])
    check(result, value, extracted, field)


@seed(20261121)
@fuzz
@given(value=texts)
def test_equipment_json(tmp_path, cli, value):
    import json
    item = {"id": "H-1", "kind": "helmet", "batch": value, "manufactured": "2025-01"}
    data = write(tmp_path, {"equipment": [item]})
    out = tmp_path / "e.json"
    result = cli("equipment", data, "--as-of", "2026-11-21", "--format", "json", "-o", out)
    assert "Traceback" not in result.err
    if result.code == 0:
        assert json.loads(out.read_text(encoding="utf-8"))["items"][0]["batch"] == value.strip()
    else:
        assert result.code == 2 and "batch" in result.err, result
