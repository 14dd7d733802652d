"""What the web's forms pages leave out is said, in the command line's words (the page's own
for the way to print it): a follow-up sheet is for a completed order, and the orders not
completed yet are named with how to print them too; a print of no box ticked, or of orders
the sheet no longer has, says so rather than printing every order or fewer."""
from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from web_helpers import c, csrf, download, run_job, ws  # noqa: F401  (c, ws: fixtures)

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"), pytest.mark.chinese]
OPEN = ["WO-20261121-0002", "WO-20261121-0004", "WO-20261121-0006", "WO-20261121-0009",
        "WO-20261121-0011"]   # the examples' orders not completed yet


def _text(html: str) -> str:
    import html as entities
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return re.sub(r"\s+", " ", entities.unescape(re.sub(r"<[^>]+>", " ", html)))


def test_follow_ups_name_the_orders_not_completed_and_how_to_print_them(c):
    text = _text(c.get("/forms/follow-ups").text)
    assert ("5 张工单尚未完工，未打印回访单：" + "、".join(OPEN)
            + "（勾选“也列出未完工的工单”可一并打印）") in text
    assert "--" not in text
    listed = c.get("/forms/follow-ups?open=1").text
    assert listed.count('class="form-page"') == 23 and "尚未完工" not in listed
    # previews and the enlarged view follow the longer list
    assert f'/forms/follow-ups/view/{22}?open=1' in listed
    view = c.get("/forms/follow-ups/view/22?open=1")
    assert view.status_code == 200 and "?size=large&amp;open=1" in view.text
    fragment = run_job(c, "/forms/follow-ups/jobs", {"csrf": csrf(c), "format": "pdf",
                                                     "include_open": "1", "listed": "1",
                                                     "orders": OPEN[:2]})
    pdf = PdfReader(io.BytesIO(download(c, fragment)))
    assert [o for o in OPEN[:2] if o in "".join(p.extract_text() for p in pdf.pages)] == OPEN[:2]


@pytest.mark.parametrize("lang", ["en"])
def test_in_english_the_web_names_its_box_and_the_command_its_option(c, lang):
    c.post("/lang", data={"csrf": csrf(c), "lang": lang})
    text = _text(c.get("/forms/follow-ups").text)
    assert ("5 order(s) not completed yet get no follow-up sheet: " + ", ".join(OPEN)
            + " (tick “Also list orders not completed yet” to print them too)") in text


def test_the_command_line_says_it_with_its_option(ws, tmp_path):
    import subprocess
    import sys
    out = subprocess.run([sys.executable, "-m", "generator.cli", "follow-ups",
                          str(ws / "company.yaml"), str(ws / "staff.xlsx"),
                          str(ws / "work_orders.yaml"), "-o", str(tmp_path / "f.pdf")],
                         capture_output=True, text=True, env={**__import__("os").environ,
                                                               "FIELDPRINT_LANG": "zh"})
    assert out.returncode == 0, out.stderr
    assert "5 张工单尚未完工，未打印回访单：" in out.stderr
    assert "（加 --include-open 可一并打印）" in out.stderr


@pytest.mark.parametrize("kind", ["work-orders", "confirmations", "follow-ups"])
def test_no_box_ticked_prints_nothing_and_says_so(c, kind):
    fragment = run_job(c, f"/forms/{kind}/jobs", {"csrf": csrf(c), "format": "pdf",
                                                  "listed": "1"})
    assert "没有勾选工单：请至少勾选一张" in fragment and "/download" not in fragment


def test_an_order_ticked_that_the_sheet_no_longer_has_stops_the_print(c):
    fragment = run_job(c, "/forms/work-orders/jobs", {
        "csrf": csrf(c), "format": "pdf", "listed": "1",
        "orders": ["WO-20261121-0001", "WO-20991231-0001"]})
    assert "勾选的这些工单在工单表里已经没有了：WO-20991231-0001" in fragment
    assert "/download" not in fragment
