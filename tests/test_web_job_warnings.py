"""A finished print job says what the run said besides its summary, as the command line
says it after a run: a placeholder printed where a photo is missing, a photo too small for
print, the people refused and why (cards); the orders not completed left out of follow-ups
(forms). They used to be lost: the page showed the summary line only."""
from __future__ import annotations

import re

import pytest
from PIL import Image

from web_helpers import client, csrf, run_job, seed

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"), pytest.mark.chinese]


def _warnings(fragment: str) -> str:
    found = re.search(r'<div class="job-warnings" id="job-warnings">(.*?)</div>', fragment, re.S)
    assert found, fragment
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))


@pytest.mark.parametrize("what", ["pdf", "png", "manifest"])
def test_a_placeholder_printed_is_said_with_the_finished_job(tmp_path, what):
    ws = seed(tmp_path / "ws")
    (ws / "photos" / "SZ10023.jpg").unlink()
    with client(ws) as c:
        fragment = run_job(c, "/cards/badges/jobs", {"csrf": csrf(c), "what": what,
                                                     "allow_missing_photos": "1"})
        assert "/download" in fragment
        said = _warnings(fragment)
        assert said.startswith("请核对印出的内容（")
        assert "SZ10023 王建国" in said and "已印占位图" in said and "--" not in said


def test_a_photo_too_small_for_print_is_said_with_the_finished_job(tmp_path):
    ws = seed(tmp_path / "ws")
    photo = ws / "photos" / "SZ10024.jpg"
    Image.open(photo).resize((30, 40)).save(photo)
    with client(ws) as c:
        fragment = run_job(c, "/cards/badges/jobs", {"csrf": csrf(c), "what": "pdf",
                                                     "people": ["SZ10024", "SZ10025"]})
        said = _warnings(fragment)
        assert "SZ10024" in said and "SZ10025" not in said


def test_a_job_with_nothing_to_say_shows_no_warnings(tmp_path):
    ws = seed(tmp_path / "ws")
    with client(ws) as c:
        fragment = run_job(c, "/forms/work-orders/jobs", {"csrf": csrf(c), "format": "pdf",
                                                          "orders": ["WO-20261121-0001"]})
        assert "/download" in fragment and "job-warnings" not in fragment


def test_follow_ups_of_every_order_say_the_orders_left_out_with_the_job(tmp_path):
    ws = seed(tmp_path / "ws")
    with client(ws) as c:
        fragment = run_job(c, "/forms/follow-ups/jobs", {"csrf": csrf(c), "format": "pdf"})
        assert "5 张工单尚未完工，未打印回访单" in _warnings(fragment)


def test_the_card_pages_warnings_follow_a_change_of_language(tmp_path):
    """The staff read for the card pages is kept between requests; its warnings were kept in
    the language of the first page shown, and the English page said them in Chinese."""
    ws = seed(tmp_path / "ws")
    text = (ws / "company.yaml").read_text(encoding="utf-8")
    (ws / "company.yaml").write_text(text.replace("0512-6258 0001", "0512-6258 00O1"),
                                     encoding="utf-8")
    with client(ws) as c:
        assert "不像电话号码" in c.get("/cards/badges").text
        c.post("/lang", data={"csrf": csrf(c), "lang": "en"})
        page = c.get("/cards/badges").text
        assert "does not look like a phone number" in page and "不像电话号码" not in page
