"""One word for one meaning, one order for the teams, in every equipment output (a new user's
trial, 2026-11-30): the PDF said （未分班组） where the web said （未发放）, and the PDF's
summary listed the teams by name while its pages ran most urgent first.

The two meanings (docs/术语表.md): an item of **no team** (未分班组: its holder has no team, is
not on the staff list, or it has no holder) is counted and grouped under （未分班组）; an item
**issued to nobody** (未发放: no holder) says （未发放） where its holder would be."""
from __future__ import annotations

import datetime as dt
import io
import json
import shutil

import openpyxl
import pypdfium2 as pdfium
import pytest

from generator.equipment import build_report, to_json, to_table
from generator.equipment.pdf import to_pdf
from generator.equipment.xlsx import to_xlsx

from test_web_browser import browser  # noqa: F401  (the fixture, for the Chromium test)

AS_OF = "2026-11-21"
DATA = """\
staff:
  - {id: "SZ1", name: 王建国, team: 园区装维一班}
  - {id: "SZ2", name: 陆佳怡}
  - {id: "SZ3", name: 陈晓峰, team: 阿里班}
equipment:
  - {id: H-01, kind: helmet, holder: "SZ1", manufactured: 2024-06-01}
  - {id: H-02, kind: helmet, holder: "SZ2", manufactured: 2024-03-15}
  - {id: H-03, kind: helmet, manufactured: 2024-06-10}
  - {id: H-04, kind: helmet, holder: "SZ3", manufactured: 2024-05-25}
  - {id: H-05, kind: helmet, holder: "SZ3", manufactured: 2025-05-25}
"""
# as of 2026-11-21: H-02 overdue (SZ2, no team), H-04 due soon (2026-11-25, 阿里班), H-01 due
# soon (2026-12-01, 园区装维一班), H-03 due soon (2026-12-10, issued to nobody), H-05 ok.
# By name, 阿里班 (ā) would come first; most urgent first, the team-less items do.
URGENT_ORDER = ["（未分班组）", "阿里班", "园区装维一班"]


@pytest.fixture
def report(tmp_path):
    from generator.data.dataset import load_dataset
    from generator.equipment import DEFAULT_POLICY
    path = tmp_path / "data.yaml"
    path.write_text(DATA, encoding="utf-8")
    dataset = load_dataset([path], keep_incomplete=True)
    return build_report(dataset, dt.date.fromisoformat(AS_OF), DEFAULT_POLICY)


def _pages(data: bytes) -> list[str]:
    doc = pdfium.PdfDocument(data)
    return [doc[i].get_textpage().get_text_range().replace("\r\n", "\n")
            for i in range(len(doc))]


def test_the_pdf_summary_lists_the_teams_in_the_order_of_their_pages(report):
    """The summary is the team pages' table of contents: the same order (most urgent team
    first), each team with its section number, which its pages' footer and 台账号 say."""
    pages = _pages(to_pdf(report))
    summary, teams = pages[0], pages[1:]
    rows = [line for line in summary.splitlines()
            if any(name in line for name in URGENT_ORDER) and "件" not in line]
    assert [next(n for n in URGENT_ORDER if n in row) for row in rows] == URGENT_ORDER
    for number, (name, row) in enumerate(zip(URGENT_ORDER, rows), start=1):
        assert row.split()[0] == str(number), row           # 分册 N, then the team
        page = teams[number - 1]
        assert f"分册 {number}　{name}" in page               # its header says both
        assert f"EQ-20261121-{number}" in page
        assert f"分册 {number}　第 1 页 / 共 1 页" in page     # and its footer
    assert "汇总　第 1 页 / 共 1 页" in summary


def test_the_workbook_summary_lists_the_teams_in_the_same_order(report):
    book = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))
    column = [row[0] for row in book["汇总"].iter_rows(values_only=True)]
    start = column.index("班组") + 1
    assert column[start:start + 3] == URGENT_ORDER


@pytest.mark.chinese
def test_no_team_and_not_issued_are_said_the_same_in_every_output(report):
    from generator.equipment.ics import to_ics
    from generator.equipment.notify import Target, build
    from generator.web.equipment import _row
    by_id = {s.id: s for s in report.statuses}
    # the PDF: H-02 (a holder of no team) and H-03 (no holder) on the （未分班组） page
    page = next(p for p in _pages(to_pdf(report))[1:] if "H-03" in p)
    assert "（未分班组）" in page and "H-02" in page
    assert "（未发放）" in next(line for line in page.splitlines() if "H-03" in line)
    # the workbook: the same words in the 持有人 and 班组 cells
    sheet = openpyxl.load_workbook(io.BytesIO(to_xlsx(report)))["设备状态"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["H-03"][2:5] == ("（未发放）", None, "（未分班组）")
    assert rows["H-02"][2:5] == ("陆佳怡", "SZ2", "（未分班组）")
    # the web page
    assert (_row(report, by_id["H-03"])["holder_name"],
            _row(report, by_id["H-03"])["team"]) == ("（未发放）", "（未分班组）")
    assert (_row(report, by_id["H-02"])["holder_name"],
            _row(report, by_id["H-02"])["team"]) == ("陆佳怡", "（未分班组）")
    # the terminal table
    table = to_table(report)
    line = next(line for line in table.splitlines() if line.startswith("H-03"))
    assert "（未发放）" in line and "（未分班组）" in line
    # the chat message: under （未分班组）, the item issued to nobody said so
    message = build(report, Target("wecom", "https://example.invalid/x"))
    content = message.payload["markdown"]["content"]
    assert "**（未分班组）**" in content and "（未发放）安全帽 H-03" in content
    # the calendar: the same word, not a bare 未发放
    ics = to_ics(report).decode()
    assert "H-03 · （未发放）" in ics.replace("\r\n ", "")
    # the JSON: no holder is null (the data; the words are for people)
    items = {i["id"]: i for i in json.loads(to_json(report))["items"]}
    assert items["H-03"]["holder"] is None


def test_no_team_and_not_issued_in_english(report):
    line = next(line for line in to_table(report).splitlines() if line.startswith("H-03"))
    assert "(not issued)" in line and "(no team)" in line


CHROMIUM_READY = bool((shutil.which("chromium") or shutil.which("chromium-browser"))
                      and shutil.which("chromedriver"))


@pytest.mark.chinese
@pytest.mark.skipif(not CHROMIUM_READY, reason="chromium and chromedriver are not installed")
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_web_page_says_the_same_words_in_chromium(tmp_path, browser):  # noqa: F811
    """The 劳动防护用品 page in a real Chromium: H-0018, issued to nobody, says （未发放） as its
    holder and （未分班组） as its team, and the by-team table has no （未发放） row."""
    from selenium.webdriver.common.by import By
    from test_web_browser import Server
    from web_helpers import seed
    folder = seed(tmp_path / "ws", photos=False)
    with Server(folder) as url:
        browser.get(url + "/equipment?as_of=2026-11-21")   # what the date form sends
        row = next(r for r in browser.find_elements(By.CSS_SELECTOR, "#all tbody tr")
                   if r.find_elements(By.TAG_NAME, "td")[0].text == "H-0018")
        cells = [td.text for td in row.find_elements(By.TAG_NAME, "td")]
        assert cells[6] == "（未发放）" and cells[7] == "（未分班组）", cells
        teams = [r.find_elements(By.TAG_NAME, "td")[0].text
                 for r in browser.find_elements(By.CSS_SELECTOR, "#teams tbody tr")]
        assert "（未分班组）" in teams and "（未发放）" not in teams, teams
        browser.execute_script("arguments[0].scrollIntoView()",
                               browser.find_element(By.ID, "teams"))
        browser.save_screenshot(str(tmp_path / "equipment-teams.png"))
