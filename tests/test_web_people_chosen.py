"""The people a card print covers are the people ticked on every page of people, not the
60 the page shows: everyone at first ("select all" is all), everyone but those unticked on
any page, or only those ticked after "untick all" (the page's script sends them as
`selection`); the count before the download and the print say the same. (In Chromium:
test_web_browser.py.)"""
from __future__ import annotations

import io
import json
import re

import pytest
from pypdf import PdfReader

from generator.web.tasks import chosen
from web_helpers import client, csrf, download, many_people, run_job

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"), pytest.mark.chinese]


@pytest.fixture
def people(tmp_path):
    return many_people(tmp_path / "ws")


@pytest.fixture
def c(tmp_path, people):
    with client(tmp_path / "ws") as test_client:
        yield test_client


def _count(c, **form) -> str:
    text = c.post("/cards/service-cards/count", data={"csrf": csrf(c), "copies": "1",
                                                      **form}).text
    return re.sub(r"<[^>]+>", "", text).strip()


def test_the_page_says_everyone_is_ticked_not_the_60_shown(c):
    page = c.get("/cards/service-cards").text
    assert page.count('type="checkbox" name="people"') == 60
    assert "已勾选 130 人（共 130 人）" in page and "130 人 × 每人 10 张" in page


@pytest.mark.parametrize("selection,n", [
    ({"mode": "all_but", "ids": []}, 130),                          # everyone
    ({"mode": "all_but", "ids": ["P0002", "P0100"]}, 128),          # unticked on pages 1, 2
    ({"mode": "only", "ids": ["P0001", "P0061", "P0121"]}, 3),      # ticked on pages 1–3
    ({"mode": "only", "ids": []}, 0),
])
def test_the_count_covers_every_page_of_people(c, selection, n):
    assert f"{n} 人 × 每人 1 张" in _count(c, selection=json.dumps(selection))


def test_without_the_script_the_boxes_of_the_page_count(c):
    assert "2 人 × 每人 1 张" in _count(c, people=["P0001", "P0002"])


def test_the_print_is_exactly_the_people_ticked_on_several_pages(c, people):
    ticked = ["P0003", "P0061", "P0125"]
    fragment = run_job(c, "/cards/service-cards/jobs", {
        "csrf": csrf(c), "what": "pdf", "copies": "1", "side": "front",
        "selection": json.dumps({"mode": "only", "ids": ticked}), "people": ["P0001"]})
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(download(c, fragment))).pages)
    names = dict(people)
    assert [pid for pid, _ in people if pid in text] == ticked
    assert all(names[pid] in text for pid in ticked)


def test_everyone_but_one_unticked_on_page_2_prints_129(c, people):
    fragment = run_job(c, "/cards/service-cards/jobs", {
        "csrf": csrf(c), "what": "manifest", "copies": "1", "side": "front",
        "selection": json.dumps({"mode": "all_but", "ids": ["P0070"]})})
    listed = download(c, fragment).decode("utf-8-sig")
    assert "P0070" not in listed and all(pid in listed for pid, _ in people if pid != "P0070")


def test_nobody_ticked_prints_nothing_and_says_so(c):
    fragment = run_job(c, "/cards/service-cards/jobs", {
        "csrf": csrf(c), "what": "pdf", "selection": json.dumps({"mode": "only", "ids": []})})
    assert "没有选择人员：请至少勾选一人" in fragment
    assert "/download" not in fragment


def test_people_ticked_that_the_sheet_no_longer_has_stop_the_print(c):
    fragment = run_job(c, "/cards/service-cards/jobs", {
        "csrf": csrf(c), "what": "pdf",
        "selection": json.dumps({"mode": "only", "ids": ["P0001", "X9999"]})})
    assert "勾选的这些人在花名册里已经没有了：X9999" in fragment and "/download" not in fragment


def test_chosen_keeps_the_lists_order_and_says_unknown_ids_once():
    class P:
        def __init__(self, pid):
            self.id = pid
    everyone = [P(x) for x in "abcd"]
    assert [p.id for p in chosen(everyone, None)[0]] == list("abcd")
    assert [p.id for p in chosen(everyone, {"mode": "all_but", "ids": ["b", "z"]})[0]] == \
        ["a", "c", "d"]
    found, gone = chosen(everyone, {"mode": "only", "ids": ["d", "a", "z", "z"]})
    assert [p.id for p in found] == ["a", "d"] and gone == ["z"]


def test_the_count_says_one_person_and_one_copy_in_the_singular():
    """English pages said "1 people × 1 copies"; Chinese has no plural."""
    import contextvars

    from generator import i18n
    from generator.card.layout import load_card_layout
    from generator.web.tasks import print_count
    layout = load_card_layout("badge")

    def said(code, *args, **kwargs):
        return contextvars.copy_context().run(
            lambda: (i18n.set_language(code, process=False), print_count(layout, *args, **kwargs))[1])
    assert said("en", 1, 1, side="front") == "1 person × 1 copy each = 1 card, 1 page"
    assert said("en", 3, 2) == "3 people × 2 copies each = 6 cards, 4 pages"
    assert said("zh", 3, 2) == "3 人 × 每人 2 张 = 6 张卡，共 4 页"
