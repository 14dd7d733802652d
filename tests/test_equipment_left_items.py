"""Two left items of the safety report (closing note of stop 27):
- the CSV said nothing where the other outputs say （未发放） and （未分班组）;
- a check naming nothing of the register, dated after --as-of, was still counted and warned
  of: records dated after the as-of day are ignored, that one too."""
from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

AS_OF = "2026-11-21"
DATA = """\
staff:
  - {id: "SZ1", name: 王建国, team: 园区装维一班}
  - {id: "SZ2", name: 陆佳怡}
equipment:
  - {id: H-01, kind: helmet, holder: "SZ1", batch: B1, manufactured: 2025-06-01}
  - {id: H-02, kind: helmet, holder: "SZ2", manufactured: 2025-06-01}
  - {id: H-03, kind: helmet, manufactured: 2025-06-10}
  - {id: H-04, kind: helmet, holder: "SZ9", manufactured: 2025-06-10}
"""


def _write(folder: Path, text: str = DATA) -> Path:
    path = folder / "equipment.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.chinese
def test_the_chinese_csv_says_not_issued_and_no_team(cli, tmp_path):
    result = cli("equipment", _write(tmp_path), "--as-of", AS_OF, "--format", "csv")
    assert result.code == 0, result
    rows = {r["编号"]: r for r in csv.DictReader(io.StringIO(result.out.lstrip("\ufeff")))}
    assert (rows["H-01"]["使用人"], rows["H-01"]["班组"]) == ("王建国", "园区装维一班")
    assert (rows["H-02"]["使用人"], rows["H-02"]["班组"]) == ("陆佳怡", "（未分班组）")
    assert (rows["H-03"]["使用人"], rows["H-03"]["使用人工号"], rows["H-03"]["班组"]) == (
        "（未发放）", "", "（未分班组）")
    assert (rows["H-04"]["使用人工号"], rows["H-04"]["班组"]) == ("SZ9", "（未分班组）")


def test_the_english_csv_says_them_in_english(cli, tmp_path):
    result = cli("equipment", _write(tmp_path), "--as-of", AS_OF, "--format", "csv")
    rows = {r["id"]: r for r in csv.DictReader(io.StringIO(result.out.lstrip("\ufeff")))}
    assert (rows["H-03"]["holder"], rows["H-03"]["holder_name"], rows["H-03"]["team"]) == (
        "", "(not issued)", "(no team)")
    assert rows["H-02"]["team"] == "(no team)"


def _checks(folder: Path, day: str, result: str = "不合格") -> Path:
    path = folder / "checks.csv"
    path.write_text(f"编号,日期,类型,结果\nH-99,{day},检测,{result}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("kind", ["checks sheet", "batch check"])
def test_a_check_naming_nothing_dated_after_the_as_of_day_is_left_out(cli, tmp_path, kind):
    if kind == "checks sheet":
        data = (_write(tmp_path), _checks(tmp_path, "2026-12-05"))
    else:
        data = (_write(tmp_path, DATA + "batch_checks:\n  - {batch: B9, kind: helmet, "
                                        "date: 2026-12-05, type: test, result: fail}\n"),)
    later = cli("equipment", *data, "--as-of", AS_OF, "--format", "json")
    assert later.code == 0, later
    doc = json.loads(later.out)
    assert doc["unmatched_checks"] == []
    assert "names nothing" not in later.err and "H-99" not in later.err and "B9" not in later.err
    assert "check record" not in cli("equipment", *data, "--as-of", AS_OF).out
    pdf = tmp_path / "r.pdf"
    assert cli("equipment", *data, "--as-of", AS_OF, "-o", pdf).code == 0
    assert "检查记录对应不到" not in PdfReader(pdf).pages[0].extract_text()
    # on or after its day it is there again, and a failing one is a red line
    on = cli("equipment", *data, "--as-of", "2026-12-05", "--format", "json")
    assert len(json.loads(on.out)["unmatched_checks"]) == 1
    assert "names nothing of the register" in on.err
