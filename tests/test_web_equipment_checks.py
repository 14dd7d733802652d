"""The web's 劳动防护用品 page (a new user's trial, 2026-11-30):
- a whole batch's check is one 批次抽检 row, as the register's own format has it (the sample
  decides for its batch), not one 检查记录 row per helmet; in a workbook, in a CSV beside a
  YAML or CSV register, in a sheet laid out in another column order;
- a failing check naming a batch or item the register lacks is a red block of its own first,
  as the command line and the PDF show it, not an amber line among the warnings;
- the places it names are the file names the user knows, not the server's folder."""
from __future__ import annotations

import re
from io import BytesIO

import openpyxl
import pytest
from pypdf import PdfReader

from web_helpers import EXAMPLES, client, csrf, seed

pytestmark = pytest.mark.chinese
AS_OF = "2026-11-21"


@pytest.fixture
def ws(tmp_path):
    return seed(tmp_path / "ws", photos=False)


def _post(c, **values):
    return c.post("/equipment/checks", data={"csrf": csrf(c), "date": "2026-11-20", **values})


def _status(page: str, item: str) -> str:
    row = next(r for r in page[page.index('id="all"'):].split("<tr") if f"<td>{item}</td>" in r)
    return re.findall(r"<td>(.*?)</td>", row)[2]


def test_a_whole_batch_check_is_one_batch_check_row(ws):
    c = client(ws)
    book = openpyxl.load_workbook(ws / "equipment.xlsx")
    checks_before = book["检查记录"].max_row
    batch_before = book["批次抽检"].max_row
    r = _post(c, target="batch", batch="B2404-C", type="test", result="fail", note="抽 2 顶")
    assert r.status_code == 200 and "已登记批次抽检：批次 B2404-C" in r.text
    book = openpyxl.load_workbook(ws / "equipment.xlsx")
    assert book["检查记录"].max_row == checks_before            # no row per helmet
    sheet = book["批次抽检"]
    assert sheet.max_row == batch_before + 1
    header = [cell.value for cell in sheet[1]]
    last = dict(zip(header, [cell.value for cell in sheet[sheet.max_row]]))
    assert (last["批次"], last["类别"], last["类型"], last["结果"], last["备注"]) == (
        "B2404-C", "安全帽", "检测", "不合格", "抽 2 顶")
    assert last["日期"].date().isoformat() == "2026-11-20"
    # the standard: 抽验不合格则该批安全帽即报废
    assert _status(c.get(f"/equipment?as_of={AS_OF}").text, "H-0012") == "已报废"


def test_a_batch_check_sheet_in_another_order_is_filled_by_its_headers(ws):
    book = openpyxl.load_workbook(ws / "equipment.xlsx")
    del book["批次抽检"]
    sheet = book.create_sheet("批次抽检")
    sheet.append(["日期", "结果", "批次", "类型", "类别"])
    book.save(ws / "equipment.xlsx")
    c = client(ws)
    assert _post(c, target="batch", batch="B2404-C", type="visual",
                 result="pass").status_code == 200
    sheet = openpyxl.load_workbook(ws / "equipment.xlsx")["批次抽检"]
    row = [cell.value for cell in sheet[2]]
    assert row[1:] == ["合格", "B2404-C", "外观检查", "安全帽"]


def test_a_batch_check_beside_a_yaml_register_goes_to_batch_checks_csv(ws, cli):
    (ws / "equipment.xlsx").unlink()
    (ws / "equipment.yaml").write_bytes((EXAMPLES / "equipment.yaml").read_bytes())
    c = client(ws)
    r = _post(c, target="batch", batch="B2404-C", type="test", result="fail")
    assert r.status_code == 200
    text = (ws / "batch_checks.csv").read_text("utf-8-sig")
    assert text.splitlines() == ["批次,类别,日期,类型,结果,抽检数量,备注",
                                 "B2404-C,安全帽,2026-11-20,检测,不合格,,"]
    assert not (ws / "checks.csv").exists()
    assert _status(c.get(f"/equipment?as_of={AS_OF}").text, "H-0012") == "已报废"
    # the command line reads the same file when it is named
    result = cli("equipment", ws / "equipment.yaml", ws / "batch_checks.csv", "--as-of", AS_OF)
    assert next(x for x in result.out.splitlines() if x.startswith("H-0012 ")).count("已报废")


def _unmatched(ws) -> None:
    book = openpyxl.load_workbook(ws / "equipment.xlsx")
    book["批次抽检"].append(["B2403-O", "安全帽", "2026-06-01", "检测", "不合格"])
    book["检查记录"].append(["H-9999", "2026-01-05", "检测", "不合格"])
    book["检查记录"].append(["H-9998", "2026-01-06", "外观检查", "合格"])
    book.save(ws / "equipment.xlsx")


def test_a_failing_check_naming_nothing_is_a_red_block_of_its_own(ws):
    _unmatched(ws)
    page = client(ws).get(f"/equipment?as_of={AS_OF}").text
    block = page[page.index('id="failures"'):]
    block = block[:block.index("</table>")]
    assert page.index('id="failures"') < page.index('id="summary"')
    assert "须立即核对" in block and "（2 条）" in block
    assert "B2403-O" in block and "B2403-A / B2403-B / B2403-C / B2403-D" in block
    assert "H-9999" in block and "equipment.xlsx[检查记录] 第 33 行" in block
    # said once: not again among the amber warnings; the passing one stays there
    warnings = page[page.index('id="warnings"'):page.index('id="summary"')]
    assert "B2403-O" not in warnings and "H-9999" not in warnings and "H-9998" in warnings


def test_the_web_names_files_by_their_names_not_the_servers_folder(ws):
    _unmatched(ws)
    c = client(ws)
    folder = str(ws)
    page = c.get(f"/equipment?as_of={AS_OF}").text
    assert folder not in page
    assert "(equipment.xlsx[批次抽检] 第 3 行)" in page        # the 原因 of a flagged helmet
    pdf = c.get(f"/equipment/report.pdf?as_of={AS_OF}")
    text = "".join(p.extract_text() for p in PdfReader(BytesIO(pdf.content)).pages)
    assert folder not in text.replace("\n", "")
    assert "equipment.xlsx[批次抽检] 第 3 行" in text
