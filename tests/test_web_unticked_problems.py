"""A badge print of the people ticked is not stopped by the problems of people left unticked
(the new user's trial: two unticked people's missing photos, and a repeated 工号 in another
row, refused a print of 3 while the page said 将印出：3 人); the command's --only prints the
same way. A ticked person's problem still stops it."""
from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from web_helpers import client, csrf, download, run_job, seed

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"), pytest.mark.chinese]


@pytest.fixture
def c(tmp_path):
    ws = seed(tmp_path / "ws")
    (ws / "photos" / "SZ10024.jpg").unlink()             # 陆佳怡: no photo
    book = load_workbook(ws / "staff.xlsx")
    sheet = book.active
    sheet.cell(row=6, column=1).value = sheet.cell(row=5, column=1).value   # a repeated 工号
    book.save(ws / "staff.xlsx")
    with client(ws) as test_client:
        yield test_client


def _print(c, ticked):
    return run_job(c, "/cards/badges/jobs", {
        "csrf": csrf(c), "what": "pdf", "copies": "1", "side": "front",
        "selection": json.dumps({"mode": "only", "ids": ticked})})


def test_the_people_ticked_print_whatever_the_others_rows_say(c):
    fragment = _print(c, ["SZ10001", "SZ10023", "SZ10030"])
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(download(c, fragment))).pages)
    assert all(pid in text for pid in ["SZ10001", "SZ10023", "SZ10030"])
    assert "SZ10024" not in text


def test_a_ticked_persons_missing_photo_still_stops_the_print(c):
    fragment = _print(c, ["SZ10001", "SZ10024"])
    assert "未生成文件" in fragment and "SZ10024" in fragment and "SZ10001" not in fragment


def test_everyone_is_still_stopped_by_a_repeated_id(c):
    fragment = run_job(c, "/cards/badges/jobs", {"csrf": csrf(c), "what": "pdf", "copies": "1",
                                                "side": "front"})
    assert "未生成文件" in fragment and "重复" in fragment
