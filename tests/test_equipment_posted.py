"""A new user's trial of the safety report as posted sheets: page numbers that count the whole
report as well as the team's section, the holder on every row, an item in order not read as
'check now', Chinese spreadsheet headers, and a helmet's own spot-check deciding for its
batch (standard 002: 抽查/抽验 is sampling)."""
from __future__ import annotations

import datetime as dt
import json
import re

import openpyxl
import pypdfium2 as pdfium
import pytest

from generator.data.models import BatchCheck, EquipmentItem, Person
from generator.equipment import Report, assess
from generator.equipment import pdf as eqpdf

AS_OF = dt.date(2026, 11, 21)


def _texts(data: bytes) -> list[str]:
    doc = pdfium.PdfDocument(data)
    return [doc[i].get_textpage().get_text_range() for i in range(len(doc))]


def _report(big: int = 70, small: int = 2) -> Report:
    """Team 甲 with `big` helmets (several pages), team 乙 with `small`."""
    people = {"A1": Person(id="A1", name="张三", team="甲班"),
              "B1": Person(id="B1", name="李四", team="乙班")}
    items = [EquipmentItem(id=f"H-{n:03d}", kind="helmet", holder="A1" if n < big else "B1",
                           batch="B1", manufactured=AS_OF - dt.timedelta(days=20 * n))
             for n in range(big + small)]
    return Report(AS_OF, assess(items, AS_OF), people=people)


# ----------------------------------------------------------------------- 1. page numbers
def test_every_page_says_its_page_of_the_whole_report_and_of_its_team():
    texts = _texts(eqpdf.to_pdf(_report()))
    assert len(texts) >= 4
    team_pages: dict[str, list[tuple[int, int]]] = {}
    for number, text in enumerate(texts, start=1):
        # the page in the whole file: the officer's copy can be put back in order
        assert f"全册第 {number} 页" in text
        # the section: 汇总, or the team's number in the summary (分册 N, its 台账号 EQ-…-N)
        found = re.search(r"(汇总|分册 \d+)　第 (\d+) 页 / 共 (\d+) 页", text)
        assert found, text[-200:]
        team_pages.setdefault(found[1], []).append((int(found[2]), int(found[3])))
    assert set(team_pages) == {"汇总", "分册 1", "分册 2"}
    team_pages["甲班"] = team_pages.pop("分册 2")   # 乙班 holds the oldest helmets: 分册 1
    for name, pages in team_pages.items():   # each section counts its own pages, 1..n of n
        assert pages == [(n, len(pages)) for n in range(1, len(pages) + 1)], name
    assert len(team_pages["甲班"]) >= 2      # the case of the trial: a section of several pages
    assert "第 1 页 / 共 1 页" not in texts[2]
    # the rules beside the page numbers are printed whole, not cut with '…'
    assert all("提前 30 天预警。" in t and "…" not in t.split("规则")[-1] for t in texts)


# -------------------------------------------------------------------- 2. holder per row
def test_every_row_of_a_posted_sheet_names_its_holder():
    texts = _texts(eqpdf.to_pdf(_report()))
    for text in texts[1:]:
        for line in text.splitlines():
            if re.search(r"H-\d{3}", line):          # an item's row
                assert "张三（A1）" in line or "李四（B1）" in line, line
    # on a second page of a team too
    assert any("张三（A1）" in t for t in texts[2:] if "分册 2　第 2 页" in t)   # 甲班


# -------------------------------------------------------------- 3. the action of an item
@pytest.fixture
def register(tmp_path):
    path = tmp_path / "eq.yaml"
    path.write_text("""equipment:
  - {id: H-301, kind: helmet, holder: "SZ1", batch: B77, manufactured: 2023-01-10,
     checks: [{date: 2026-08-20, type: test, result: pass}]}
  - {id: H-302, kind: helmet, holder: "SZ1", batch: B77, manufactured: 2023-01-10}
  - {id: H-303, kind: helmet, holder: "SZ2", batch: B78, manufactured: 2023-01-10}
  - {id: H-304, kind: helmet, holder: "SZ2", batch: B79, manufactured: 2026-06-10}
  - {id: S-1, kind: insulated_shoes, holder: "SZ2", batch: X1, in_service: 2026-10-01}
  - {id: S-2, kind: insulated_shoes, holder: "SZ2", batch: X1, in_service: 2026-05-01}
""", encoding="utf-8")
    return path


@pytest.mark.chinese
def test_an_item_in_order_says_its_action_is_due_later_in_every_output(cli, register,
                                                                       tmp_path):
    as_of = "2026-11-21"
    table = cli("equipment", register, "--as-of", as_of)
    assert table.code == 0, table
    rows = {line.split()[0]: line for line in table.out.splitlines() if line[:2] in ("H-", "S-")}
    assert "正常" in rows["H-304"] and "到期抽检" in rows["H-304"]
    assert "正常" in rows["S-1"] and "到期预防性试验" in rows["S-1"]
    assert "已超期" in rows["H-303"] and "到期" not in rows["H-303"].split("已超期")[1][:30]
    assert "已超期" in rows["S-2"]

    xlsx = tmp_path / "r.xlsx"
    assert cli("equipment", register, "--as-of", as_of, "-o", xlsx).code == 0
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert all(re.search(r"[\u4e00-\u9fff]", h) for h in header), header   # 4. Chinese
    assert "status" not in header and "action" not in header
    values = {r[0]: dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert values["H-304"]["处理"] == "到期抽检" and values["H-303"]["处理"] == "抽检"
    assert values["H-304"]["处理代码"] == "test"                  # the code for filters

    pdf = tmp_path / "r.pdf"
    assert cli("equipment", register, "--as-of", as_of, "-o", pdf).code == 0
    text = "".join(_texts(pdf.read_bytes()))
    h304 = next(line for line in text.splitlines() if "H-304" in line)
    assert "到期抽检" in h304

    doc = json.loads(cli("equipment", register, "--as-of", as_of, "--format", "json").out)
    by_id = {i["id"]: i for i in doc["items"]}
    assert by_id["H-304"]["action"] == "test" and by_id["H-303"]["action"] == "test"

    english = cli("--lang", "en", "equipment", register, "--as-of", as_of)
    line = next(x for x in english.out.splitlines() if x.startswith("H-304"))
    assert "spot-check test when due" in line


# ------------------------------------------------------- 6. a helmet's own test: its batch
@pytest.mark.chinese
def test_a_helmets_passing_spot_check_counts_for_its_batch_in_every_output(cli, register,
                                                                          tmp_path):
    as_of = "2026-11-21"
    doc = json.loads(cli("equipment", register, "--as-of", as_of, "--format", "json").out)
    by_id = {i["id"]: i for i in doc["items"]}
    assert by_id["H-301"]["status"] == by_id["H-302"]["status"] == "ok"
    assert by_id["H-302"]["due"] == "2027-08-20"                 # 2026-08-20 + 12 months
    assert "batch B77" in by_id["H-302"]["reason"] and "H-301" in by_id["H-302"]["reason"]
    assert by_id["H-303"]["status"] == "overdue"                 # another batch: not it
    said = "批次 B77 抽检合格（H-301，2026-08-20）"
    table = cli("equipment", register, "--as-of", as_of)
    assert said in next(x for x in table.out.splitlines() if x.startswith("H-302"))
    xlsx = tmp_path / "r.xlsx"
    assert cli("equipment", register, "--as-of", as_of, "-o", xlsx).code == 0
    sheet = openpyxl.load_workbook(xlsx).worksheets[0]
    header = [c.value for c in sheet[1]]
    row = next(dict(zip(header, r)) for r in sheet.iter_rows(min_row=2, values_only=True)
               if r[0] == "H-302")
    assert said in row["说明"]
    pdf = tmp_path / "r.pdf"
    assert cli("equipment", register, "--as-of", as_of, "-o", pdf).code == 0
    assert said in "".join(_texts(pdf.read_bytes()))


def _helmets(*checks_of_first, made="2023-01-10") -> list[EquipmentItem]:
    return [EquipmentItem(id="H-1", kind="helmet", batch="B", manufactured=made,
                          checks=list(checks_of_first)),
            EquipmentItem(id="H-2", kind="helmet", batch="B", manufactured=made),
            EquipmentItem(id="S-1", kind="insulated_shoes", batch="B", in_service="2026-01-01")]


def test_a_helmets_own_sample_decides_both_ways_and_only_for_helmets():
    passed = {"date": "2026-08-20", "type": "test", "result": "pass"}
    h1, h2, shoes = assess(_helmets(passed), AS_OF)
    assert (h1.status, h2.status) == ("ok", "ok") and h1.due == h2.due == dt.date(2027, 8, 20)
    assert h2.why[0] == "batch_item_extended" and h1.why[0] == "extended"
    assert shoes.status == "overdue"          # shoes' batch: a helmet's test is not theirs
    failed = {"date": "2026-08-20", "type": "test", "result": "fail"}
    assert [s.status for s in assess(_helmets(failed), AS_OF)][:2] == ["scrapped", "scrapped"]
    # a test too early (more than 30 days before the due date) extends none of the batch
    early = {"date": "2025-01-10", "type": "test", "result": "pass"}
    assert [s.status for s in assess(_helmets(early), AS_OF)][:2] == ["overdue", "overdue"]
    # the policy switch for samples covers a helmet's own sample too: its batch stays due
    from generator.equipment.rules import Policy
    off = assess(_helmets(passed), AS_OF, Policy(batch_checks_extend=False))
    assert [s.status for s in off][:2] == ["ok", "overdue"]
    # a helmet made after the sample was taken is not extended by it
    later = _helmets(passed)
    later[1] = EquipmentItem(id="H-2", kind="helmet", batch="B", manufactured="2026-09-01")
    assert assess(later, AS_OF)[1].why[0] == "life_manufactured"
    # with a batch check on the same batch too: the two count alike, for every helmet (the
    # earlier one extends; the later, not within 30 days of the new due date, does not)
    batch = BatchCheck(batch="B", kind="helmet", date="2026-08-01", type="test", result="pass")
    h1, h2, _ = assess(_helmets(passed), AS_OF, batch_checks=[batch])
    assert h1.due == h2.due == dt.date(2027, 8, 1) and h1.why[0] == "batch_extended"


# -------------------------------------------------------------------------- 5. the docs
def test_the_docs_say_a_test_after_the_due_date_extends_too():
    from pathlib import Path
    root = Path(__file__).resolve().parents[1]
    guide = (root / "docs" / "使用说明.md").read_text(encoding="utf-8")
    assert "到期前 30 天内抽检合格可延用" not in guide
    assert "到期前 30 天内或到期以后抽检合格" in guide
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "or any time after it" in readme
    rules = eqpdf.form_contexts(_report(2, 1)).__next__()["report"]["rules"]
    assert "到期前 30 天内或到期后抽检合格" in rules


def test_an_expired_helmet_tested_today_is_extended_a_year_from_the_test():
    """The trial's case: expired since 2025-07-10, a passing test recorded today."""
    made = dt.date(2023, 1, 10)                                # due 2025-07-10
    helmet = EquipmentItem(id="H-9", kind="helmet", manufactured=made,
                           checks=[{"date": AS_OF, "type": "test", "result": "pass"}])
    (status,) = assess([helmet], AS_OF)
    assert status.status == "ok" and status.due == dt.date(2027, 11, 21)
