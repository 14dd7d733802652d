"""A failing check that names a batch or item the register lacks (a new user's trial and the
last stop's notes, 2026-11-30): it got a "did you mean" warning and no batch was flagged.

The standard (seeds 002): "抽验不合格则该批安全帽即报废". A typo in the batch of a failing
sample would leave the real batch shown as fine, and a warning scrolls away. So the report
itself says it, first and in red: the printed summary, the workbook's summary sheet, the
terminal table's foot, the chat message; and the batch (or item) the check is closest to is
flagged as data to fix, so none of it shows as fine until the check is corrected."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

AS_OF = "2026-11-21"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
pytestmark = pytest.mark.chinese   # the printed report is Chinese; English is checked apart

REGISTER = """\
equipment:
  - {id: H-1, kind: helmet, batch: B2402-A, manufactured: 2024-01-10}
  - {id: H-2, kind: helmet, batch: B2402-A, manufactured: 2025-01-10}
  - {id: H-3, kind: helmet, batch: B2502-C, manufactured: 2025-01-10}
  - {id: S-1, kind: insulated_shoes, batch: B2402-A, in_service: 2026-10-01}
batch_checks:
"""
TYPO = "  - {batch: B2402-X, kind: helmet, date: 2026-06-01, type: test, result: %s}\n"
UNKNOWN = "  - {batch: ZZZ-9, kind: helmet, date: 2026-06-02, type: test, result: 不合格}\n"


def write(tmp_path, *checks) -> Path:
    path = tmp_path / "eq.yaml"
    path.write_text(REGISTER + "".join(checks), encoding="utf-8")
    return path


def report_json(cli, path: Path, *more) -> dict:
    result = cli("equipment", path, *more, "--as-of", AS_OF, "--format", "json")
    assert result.code == 0, result
    return json.loads(result.out)


def test_a_failing_batch_check_with_a_typo_flags_the_batch_it_is_closest_to(cli, tmp_path):
    doc = report_json(cli, write(tmp_path, TYPO % "不合格", UNKNOWN))
    items = {i["id"]: i for i in doc["items"]}
    # B2402-A's helmets: none shown as fine; the overdue one stays overdue, marked
    assert items["H-1"]["status"] == "overdue" and items["H-1"]["problems"]
    assert items["H-2"]["status"] == "invalid"
    assert "B2402-X" in items["H-2"]["reason"] and "B2402-A" in items["H-2"]["reason"]
    # another batch, and shoes of the same batch name (a helmet check), untouched
    assert items["H-3"]["status"] == "ok" and not items["H-3"]["problems"]
    assert items["S-1"]["status"] == "ok" and not items["S-1"]["problems"]
    typo, unknown = doc["unmatched_checks"]
    assert (typo["failed"], typo["likely"]) == (True, "B2402-A")
    assert (unknown["failed"], unknown["likely"]) == (True, None)


def test_a_letter_for_a_digit_flags_the_batch_it_looks_like(cli, tmp_path):
    """'B24O2-A' (the letter O) is as far from B2402-A as from B2412-A by difflib's ratio, and
    difflib's tie went to the larger string: the wrong batch was flagged and the real one
    stayed fine. The batch spelt the same but for look-alike characters comes first; so does
    a code typed in full-width characters."""
    register = REGISTER.replace("batch: B2502-C", "batch: B2412-A")
    for typed in ("B24O2-A", "Ｂ２４０２－Ａ"):
        path = tmp_path / "eq.yaml"
        path.write_text(register + TYPO.replace("B2402-X", typed) % "不合格", encoding="utf-8")
        doc = report_json(cli, path)
        items = {i["id"]: i for i in doc["items"]}
        assert [u["likely"] for u in doc["unmatched_checks"]] == ["B2402-A"], typed
        assert items["H-2"]["status"] == "invalid" and items["H-3"]["status"] == "ok", typed


def test_a_typo_as_close_to_several_batches_flags_them_all(cli, tmp_path):
    """A new user's trial: 'B2403-O' (O typed for D) is as close to B2403-A, -B, -C and -D;
    only B2403-A was flagged, and the helmets of B2403-D, the batch meant, stayed 正常."""
    register = "equipment:\n" + "".join(
        f"  - {{id: H-{i}, kind: helmet, batch: B2403-{b}, manufactured: 2025-03-01}}\n"
        for i, b in enumerate("ABCD", 1)) + "batch_checks:\n"
    path = tmp_path / "eq.yaml"
    path.write_text(register + TYPO.replace("B2402-X", "B2403-O") % "不合格", encoding="utf-8")
    doc = report_json(cli, path)
    [check] = doc["unmatched_checks"]
    assert check["candidates"] == ["B2403-A", "B2403-B", "B2403-C", "B2403-D"]
    assert {i["id"]: i["status"] for i in doc["items"]} == dict.fromkeys(
        ["H-1", "H-2", "H-3", "H-4"], "invalid")
    table = cli("equipment", path, "--as-of", AS_OF)
    assert "B2403-A / B2403-B / B2403-C / B2403-D" in table.out


def test_a_passing_check_with_a_typo_flags_nothing(cli, tmp_path):
    clean = report_json(cli, write(tmp_path))
    doc = report_json(cli, write(tmp_path, TYPO % "合格"))
    assert doc["items"] == clean["items"]
    [check] = doc["unmatched_checks"]
    assert check["failed"] is False and check["likely"] == "B2402-A"
    table = cli("equipment", tmp_path / "eq.yaml", "--as-of", AS_OF)
    assert "！！" not in table.out


def test_the_report_itself_shows_the_failing_checks_first(cli, tmp_path):
    """Not only a warning: the printed summary's first block, the workbook's summary sheet,
    the foot of the terminal table, and the chat message."""
    data = write(tmp_path, TYPO % "不合格", UNKNOWN)
    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "r.xlsx"
    for out in (pdf, xlsx):
        assert cli("equipment", data, "--as-of", AS_OF, "-o", out).code == 0
    first = subprocess.run(["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
                           capture_output=True, text=True, check=True).stdout.replace(" ", "")
    title = "须立即核对：以下不合格的检查记录写的批次或编号台账中没有"
    assert title in first and first.index(title) < first.index("一、按状态汇总")
    block = first[first.index(title):first.index("一、按状态汇总")]
    assert "B2402-X" in block and "可能是B2402-A" in block
    assert "ZZZ-9" in block and "台账中没有相近的批次" in block
    sheet = openpyxl.load_workbook(xlsx)["汇总"]
    rows = [r for r in sheet.iter_rows(max_row=7, values_only=True)]
    assert rows[2][0].startswith("须立即核对")
    assert rows[4][:2] == ("批次抽检", "B2402-X") and "B2402-A" in rows[4][5]
    assert rows[5][:2] == ("批次抽检", "ZZZ-9")
    table = cli("equipment", data, "--as-of", AS_OF)
    foot = table.out.split("截至")[1]
    assert "！！有 2 条不合格的检查记录写的批次或编号台账中没有" in foot
    assert "B2402-X" in foot and "可能是 B2402-A" in foot and "ZZZ-9" in foot


def test_the_chat_message_says_them_first(tmp_path):
    import datetime as dt
    from generator.data.dataset import load_dataset
    from generator.equipment import DEFAULT_POLICY, build_report
    from generator.equipment.notify import Target, build
    report = build_report(load_dataset([write(tmp_path, TYPO % "不合格")],
                                       keep_incomplete=True),
                          dt.date.fromisoformat(AS_OF), DEFAULT_POLICY)
    message = build(report, Target("wecom", "https://example.invalid/x"))
    text = message.payload["markdown"]["content"]
    alert = text.index("不合格的检查记录")
    assert alert < text.index("H-1") and "B2402-X" in text[alert:text.index("H-1")]
    # a team's own group is not told of it when a whole-company group is (build_all)
    team = build(report, Target("wecom", "https://example.invalid/x", team="甲班"))
    assert team is None


def test_a_checks_sheet_row_failing_for_a_misspelt_id_flags_that_item(cli, tmp_path):
    for name in ("equipment.xlsx", "staff.xlsx"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    register = tmp_path / "equipment.xlsx"
    clean = {i["id"]: i for i in report_json(cli, register, tmp_path / "staff.xlsx")["items"]}
    assert clean["H-0002"]["status"] == "ok"
    book = openpyxl.load_workbook(register)
    book["检查记录"].append(["H-00002", "2026-11-01", "外观检查", "不合格"])   # a 0 too many
    book["检查记录"].append(["H-00003", "2026-11-01", "外观检查", "合格"])     # passing
    book.save(register)
    doc = report_json(cli, register, tmp_path / "staff.xlsx")
    items = {i["id"]: i for i in doc["items"]}
    assert items["H-0002"]["status"] == "invalid" and "H-00002" in items["H-0002"]["reason"]
    assert {k for k, v in items.items() if v != clean[k]} == {"H-0002"}
    failed = [u for u in doc["unmatched_checks"] if u["failed"]]
    assert [(u["header"], u["likely"]) for u in failed] == [("编号", "H-0002")]
    table = cli("equipment", register, tmp_path / "staff.xlsx", "--as-of", AS_OF)
    assert "！！有 1 条" in table.out and "检查记录 H-00002" in table.out


@pytest.mark.parametrize("lang", ["en"])
def test_in_english(cli, tmp_path, lang):
    data = write(tmp_path, TYPO % "fail")
    out = cli("--lang", lang, "equipment", data, "--as-of", AS_OF).out
    assert "!! 1 failing check(s) name a batch or item that the register lacks" in out
    assert "batch check B2402-X helmet 2026-06-01" in out and "did you mean B2402-A?" in out
    line = next(x for x in out.splitlines() if x.startswith("H-2 "))
    assert "a failing batch check names batch B2402-X" in line


def test_fail_on_exits_1_for_a_failing_check_that_names_no_batch(cli, tmp_path):
    """A daily job (`--fail-on overdue`) hears of it even when no item is flagged: ZZZ-9 is
    close to no batch, and every item is in order."""
    data = tmp_path / "eq.yaml"
    data.write_text("equipment:\n"
                    "  - {id: H-3, kind: helmet, batch: B2502-C, manufactured: 2025-01-10}\n"
                    "batch_checks:\n" + UNKNOWN, encoding="utf-8")
    result = cli("equipment", data, "--as-of", AS_OF, "--fail-on", "overdue")
    assert result.code == 1 and "ZZZ-9" in result.out
    assert "1 条不合格的检查记录写的批次或编号台账中没有" in result.err, result.err
    assert cli("equipment", data, "--as-of", AS_OF).code == 0      # without --fail-on
