"""The bundled example register (examples/equipment.yaml): each item's comment says what it
shows as of 2026-11-21; the report must say the same, and the JSON must keep its contract."""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest

from generator.commands.equipment import make_report
from generator.equipment import STATUSES, render

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
REGISTER = EXAMPLES / "equipment.yaml"
AS_OF = dt.date(2026, 11, 21)
WORDS = {"ok": "ok", "due soon": "due_soon", "due today": "due_today", "overdue": "overdue",
         "scrapped": "scrapped", "not in service": "not_in_service", "in stock": "in_stock",
         "invalid": "invalid", "left out": None}

pytestmark = pytest.mark.skipif(not REGISTER.is_file(), reason="no examples/equipment.yaml")


def comments() -> dict[str, str]:
    """The comment written just above each `- id:` line (section rules excluded)."""
    out, block = {}, []
    for line in REGISTER.read_text(encoding="utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("# ---"):
            block = []
        elif stripped.startswith("#"):
            block.append(stripped.lstrip("# "))
        elif stripped.startswith("- id:"):
            out[stripped.split(":", 1)[1].strip().strip('"')] = " ".join(block)
            block = []
        elif stripped and not stripped.startswith(("-", "#")) and ":" not in stripped:
            block = []
    return out


@pytest.fixture(scope="module")
def report():
    return make_report((REGISTER,), AS_OF, None, None)


def test_every_item_is_what_its_comment_says(report):
    said = comments()
    wrong = []
    for s in report.statuses:
        text = said.get(s.id, "")
        expected = next((code for word, code in sorted(WORDS.items(), key=lambda w: -len(w[0]))
                         if text.startswith(word)), None)
        if expected != s.status:
            wrong.append(f"{s.id}: comment says {expected}, report says {s.status}")
        dues = re.findall(r"due (\d{4}-\d\d-\d\d)", text)
        if s.due is not None and dues and dues[-1] != s.due.isoformat():
            wrong.append(f"{s.id}: comment says due {dues[-1]}, report says {s.due}")
    assert not wrong, "\n".join(wrong)


def test_example_covers_every_status(report):
    assert all(report.summary[k] for k in STATUSES), report.summary
    assert len(report.statuses) >= 30


def test_example_json_contract(report):
    doc = json.loads(render(report, "json"))
    assert set(doc) == {"as_of", "items", "summary", "made_after_as_of", "data_to_fix",
                        "unmatched_checks"}
    assert set(doc["summary"]) == set(STATUSES) and doc["made_after_as_of"] == 1
    for item in doc["items"]:
        assert set(item) == {"id", "kind", "holder", "batch", "status", "due", "basis",
                             "in_service_days", "action", "reason", "problems"}
        if item["status"] == "scrapped":
            assert item["due"] is None
    by_id = {i["id"]: i for i in doc["items"]}
    assert by_id["H-0017"]["basis"] == "in_service"
    assert by_id["S-0009"]["basis"] == "manufactured"
    assert by_id["H-0011"]["holder"] is None


def test_example_cli_fails_on_overdue(cli):
    result = cli("equipment", REGISTER, "--as-of", "2026-11-21", "--fail-on", "overdue")
    assert result.code == 1
    assert "王建国" in result.out          # names from the staff.yaml beside the register


def test_example_has_stock_batch_checks_and_a_later_purchase(report):
    """Issue 15 items 4, 5, 7 in the example register."""
    by_id = {s.id: s for s in report.statuses}
    assert by_id["S-0019"].status == "in_stock" and by_id["S-0019"].due is None
    assert by_id["H-0030"].due == dt.date(2027, 8, 20) == by_id["H-0031"].due
    assert "batch B2403-D" in by_id["H-0030"].reason
    assert "H-0032" not in by_id and report.made_after == 1
