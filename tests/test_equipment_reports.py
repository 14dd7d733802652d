"""The equipment report in every format, and `fieldprint equipment` end to end."""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import textwrap
from pathlib import Path

import pytest

from generator.equipment import STATUSES, render
from generator.commands.equipment import make_report

AS_OF = dt.date(2026, 11, 21)

STAFF = """\
staff:
  - {id: "SZ1", name: 王建国, team: 园区装维一班}
  - {id: "SZ2", name: 陆佳怡, team: 园区装维一班}
  - {id: "SZ3", name: 陈晓峰, team: 园区装维二班}
  - {id: "SZ4", name: "<b>&{{x}}", team: 吴中装维班}
"""

REGISTER = """\
equipment:
  - {id: H-01, kind: helmet, holder: "SZ1", batch: B1, manufactured: 2024-06, in_service: 2024-07-01}
  - {id: H-02, kind: helmet, holder: "SZ2", batch: B2, manufactured: 2024-05-01,
     checks: [{date: 2026-10-01, type: test, result: fail}]}
  - {id: H-03, kind: 安全帽, holder: "SZ3", batch: B2, manufactured: 2024-05-01}
  - {id: H-04, kind: helmet, holder: "SZ1", manufactured: 2024-05-21, in_service: 2024-06-01}
  - {id: S-01, kind: insulated_shoes, holder: "SZ1", in_service: 2026-06-01}
  - {id: S-02, kind: 绝缘鞋, holder: "SZ2", in_service: 2026-05-01}
  - {id: S-03, kind: insulated_shoes, in_service: 2026-12-01}
  - {id: H-05, kind: helmet, holder: "SZ4", manufactured: 2026-03, in_service: 2026-02-01}
  - {id: H-06, kind: helmet, manufactured: 2023-01, in_service: 2023-02-01, retired: 2025-01-10}
"""
# as of 2026-11-21: H-01 ok (due 2026-12-01 -> due soon!), H-02 scrapped (own fail),
# H-03 scrapped (batch B2), H-04 due today (2026-11-21), S-01 due soon (2026-12-01),
# S-02 overdue (2026-11-01), S-03 not in service, H-05 invalid, H-06 scrapped (retired)
EXPECTED = {"H-01": "due_soon", "H-02": "scrapped", "H-03": "scrapped", "H-04": "due_today",
            "S-01": "due_soon", "S-02": "overdue", "S-03": "not_in_service", "H-05": "invalid",
            "H-06": "scrapped"}


@pytest.fixture
def data(tmp_path) -> Path:
    (tmp_path / "staff.yaml").write_text(STAFF, encoding="utf-8")
    register = tmp_path / "equipment.yaml"
    register.write_text(REGISTER, encoding="utf-8")
    return register


@pytest.fixture
def report(data):
    return make_report((data,), AS_OF, None, None)


def test_statuses_of_the_fixture(report):
    assert {s.id: s.status for s in report.statuses} == EXPECTED


def test_staff_beside_the_register_gives_names(report):
    assert report.holder_name(report.statuses[0]) == "王建国"
    assert report.team(report.statuses[2]) == "园区装维二班"


# ------------------------------------------------------------------------------------- JSON
def test_json_contract(report):
    doc = json.loads(render(report, "json"))
    # keys are only ever added (issue 19 added data_to_fix and each item's problems)
    assert list(doc) == ["as_of", "items", "summary", "made_after_as_of", "data_to_fix",
                         "unmatched_checks"]
    assert doc["as_of"] == "2026-11-21"
    assert list(doc["summary"]) == list(STATUSES)
    assert doc["summary"] == {"ok": 0, "due_soon": 2, "due_today": 1, "overdue": 1,
                              "scrapped": 3, "not_in_service": 1, "in_stock": 0,
                              "invalid": 1}
    keys = ["id", "kind", "holder", "batch", "status", "due", "basis", "in_service_days",
            "action", "reason", "problems"]
    assert [i["id"] for i in doc["items"]] == list(EXPECTED)          # register order
    for entry in doc["items"]:
        assert list(entry) == keys
        assert entry["kind"] in ("helmet", "insulated_shoes")
        assert entry["status"] in STATUSES
        assert entry["basis"] in ("manufactured", "in_service")
        assert entry["action"] in ("test", "replace", None)
        assert entry["in_service_days"] is None or isinstance(entry["in_service_days"], int)
        assert entry["holder"] is None or isinstance(entry["holder"], str)
        assert entry["reason"] is None or isinstance(entry["reason"], str)
        if entry["status"] == "scrapped":
            assert entry["due"] is None
        if entry["due"] is not None:
            dt.date.fromisoformat(entry["due"])
    by_id = {i["id"]: i for i in doc["items"]}
    assert by_id["S-02"] == {"id": "S-02", "kind": "insulated_shoes", "holder": "SZ2",
                             "batch": None, "status": "overdue", "due": "2026-11-01",
                             "basis": "in_service", "in_service_days": 204, "action": "test",
                             "reason": "6 months after going into service (2026-05-01)",
                             "problems": []}
    assert doc["data_to_fix"] == 1 and by_id["H-05"]["problems"] == [
        {"field": "in_service", "header": None, "file": None, "sheet": None, "line": None,
         "message": "in service 2026-02-01, before it was manufactured (2026-03-01)"}]
    assert by_id["S-03"]["holder"] is None and by_id["S-03"]["in_service_days"] is None
    assert by_id["H-03"]["action"] == "replace" and "H-02" in by_id["H-03"]["reason"]
    assert by_id["H-06"]["action"] is None


def test_json_is_deterministic(report):
    assert render(report, "json") == render(report, "json")


# -------------------------------------------------------------------------------------- CSV
def test_csv_has_bom_and_reads_back(report):
    data = render(report, "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    assert len(rows) == len(EXPECTED)
    assert rows[0]["id"] == "S-02" and rows[0]["status"] == "overdue"     # most urgent first
    assert rows[0]["holder_name"] == "陆佳怡" and rows[0]["status_zh"] == "已超期"
    assert rows[0]["days_left"] == "-20"
    assert {r["id"]: r["status"] for r in rows} == EXPECTED


# ------------------------------------------------------------------------------------ table
def test_table_most_urgent_first_with_names(report):
    text = render(report, "table").decode()
    lines = text.splitlines()
    assert lines[0].split()[:4] == ["ID", "kind", "status", "due"]
    ids = [line.split()[0] for line in lines[2:2 + len(EXPECTED)]]
    assert ids[:4] == ["S-02", "H-04", "H-01", "S-01"]
    assert ids[4] == "H-05"                                   # invalid next
    assert "陆佳怡 (SZ2)" in text and "园区装维二班" in text
    assert "spot-check test" in text and "preventive test" in text and "replace" in text
    assert lines[-1] == ("9 items as of 2026-11-21: 2 due soon, 1 due today, 1 overdue, "
                         "3 scrapped, 1 not in service, 1 invalid")


def test_table_columns_line_up_with_chinese(report):
    from generator.equipment.report import width
    lines = render(report, "table").decode().splitlines()
    header = lines[0]
    start = width(header[:header.index("team")])
    for line in lines[2:2 + len(EXPECTED)]:
        if "园区" in line:
            pos = line.index("园区")
            assert width(line[:pos]) == start


# ------------------------------------------------------------------------------------- xlsx
def test_xlsx_frozen_filtered_coloured(report, tmp_path):
    import openpyxl
    path = tmp_path / "r.xlsx"
    path.write_bytes(render(report, "xlsx"))
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == f"A1:P{len(EXPECTED) + 1}"
    header = [c.value for c in ws[1]]
    assert header[:8] == ["编号", "种类", "持有人", "工号", "班组", "批次", "状态", "数据待更正"]
    assert ws["A2"].value == "S-02" and ws["G2"].value == "已超期"
    assert ws["G2"].fill.fgColor.rgb.endswith("FFC7CE")      # overdue: red
    assert ws["I2"].value == dt.datetime(2026, 11, 1) and ws["I2"].number_format == "yyyy-mm-dd"
    colours = {ws.cell(row, 15).value: ws.cell(row, 7).fill.fgColor.rgb
               for row in range(2, ws.max_row + 1)}
    assert len(set(colours.values())) == len(colours)         # one colour per status
    summary = wb.worksheets[1]
    rows = list(summary.iter_rows(values_only=True))
    assert ("已超期", 1) == rows[6][:2]
    assert any(r[0] == "园区装维一班" and r[-1] == 5 for r in rows)


def test_xlsx_filter_shows_one_value_per_status(tmp_path):
    """Excel's filter lists a column's distinct values: 已超期 and 已超期（数据待更正） were two.
    The 状态 column holds the status alone, one value per status (the same words as the
    summary sheet); the 数据待更正 column says 是 for every item with data to fix (数据有误
    ones too) and nothing else, and the summary sheet counts them."""
    import openpyxl
    from generator.data.models import EquipmentItem
    from generator.equipment import Report, assess
    from generator.equipment.report import STATUS_ZH
    from generator.errors import Problem
    items = [EquipmentItem(id=f"H-{n}", kind="helmet", manufactured=made)
             for n, made in enumerate(["2020-01-01", "2020-02-01", "2026-01-01",
                                       "2026-02-01"])]
    flagged = {1: [Problem("cannot read", None, "equipment[2].in_service")],
               3: [Problem("cannot read", None, "equipment[4].in_service")]}
    report = Report(AS_OF, assess(items, AS_OF, flagged=flagged))
    path = tmp_path / "r.xlsx"
    path.write_bytes(render(report, "xlsx"))
    wb = openpyxl.load_workbook(path)
    rows = list(wb.worksheets[0].iter_rows(values_only=True))
    header, body = rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]
    by_id = {r["编号"]: r for r in body}
    assert {r["状态"] for r in body} == {"已超期", "正常", "数据有误"}
    assert by_id["H-0"]["状态"] == by_id["H-1"]["状态"] == "已超期"
    assert [by_id[f"H-{n}"]["数据待更正"] for n in range(4)] == [None, "是", None, "是"]
    assert {r["状态"] for r in body} <= set(STATUS_ZH.values())
    summary = list(wb.worksheets[1].iter_rows(values_only=True))
    assert ("其中数据待更正", 2) in [r[:2] for r in summary]


def test_xlsx_same_bytes_for_same_input(report):
    assert render(report, "xlsx") == render(report, "xlsx")


# -------------------------------------------------------------------------------------- ics
def test_ics_parses_back(report):
    import icalendar
    data = render(report, "ics")
    cal = icalendar.Calendar.from_ical(data)
    events = list(cal.walk("VEVENT"))
    # pending: H-01, H-04, S-01, S-02; scrapped needing replacement: H-02, H-03
    assert sorted(str(e["uid"]).split("@")[0] for e in events) == [
        "equipment-H-01", "equipment-H-02", "equipment-H-03", "equipment-H-04",
        "equipment-S-01", "equipment-S-02"]
    by_uid = {str(e["uid"]).split("@")[0]: e for e in events}
    s01 = by_uid["equipment-S-01"]
    assert s01.decoded("dtstart") == dt.date(2026, 12, 1)       # all day, on the due date
    assert s01.decoded("dtend") == dt.date(2026, 12, 2)
    assert "预防性试验" in str(s01["summary"]) and "王建国" in str(s01["summary"])
    assert by_uid["equipment-S-02"].decoded("dtstart") == AS_OF   # overdue: today, not the past
    assert "已超期" in str(by_uid["equipment-S-02"]["summary"])
    assert data == render(report, "ics")                          # deterministic


def test_ics_uids_survive_a_new_due_date(data, tmp_path):
    first = make_report((data,), AS_OF, None, None)
    later = make_report((data,), AS_OF + dt.timedelta(days=200), None, None)
    import icalendar
    uids = [{str(e["uid"]) for e in icalendar.Calendar.from_ical(render(r, "ics"))
             .walk("VEVENT")} for r in (first, later)]
    assert "equipment-S-01@fieldprint" in uids[0] & uids[1]


# ------------------------------------------------------------------------------------- CLI
def test_cli_table_exit_0(cli, data):
    result = cli("equipment", data, "--as-of", "2026-11-21")
    assert result.code == 0, result
    assert "S-02" in result.out and "9 items as of 2026-11-21" in result.out


def test_cli_fail_on_overdue_exit_1(cli, data):
    result = cli("equipment", data, "--as-of", "2026-11-21", "--fail-on", "overdue",
                 "--format", "json")
    assert result.code == 1, result
    assert json.loads(result.out)["as_of"] == "2026-11-21"
    assert "S-02 (overdue)" in result.err and "H-05 (invalid)" in result.err


def test_cli_fail_on_due_soon(cli, data):
    # the invalid one (in service before it was made) fails whatever the day
    result = cli("equipment", data, "--as-of", "2026-10-01", "--fail-on", "due-soon")
    assert result.code == 1
    assert "H-05 (invalid)" in result.err


def test_cli_fail_on_passes_when_all_is_well(cli, tmp_path):
    (tmp_path / "equipment.yaml").write_text(
        "equipment:\n  - {id: S-1, kind: insulated_shoes, in_service: 2026-06-01}\n")
    args = ("equipment", tmp_path / "equipment.yaml", "--fail-on", "due-soon")
    assert cli(*args, "--as-of", "2026-10-31").code == 0
    assert cli(*args, "--as-of", "2026-11-01").code == 1          # due soon: 30 days ahead
    assert cli(*args, "--as-of", "2026-11-01", "--warn-days", "29").code == 0
    assert cli(*args, "--as-of", "2026-11-01", "--fail-on", "overdue").code == 0
    assert cli(*args, "--as-of", "2026-12-02", "--fail-on", "overdue").code == 1


def test_cli_returns_1_through_click(data):
    from click.testing import CliRunner
    from generator.cli import cli
    result = CliRunner().invoke(cli, ["equipment", str(data), "--as-of", "2026-11-21",
                                      "--fail-on", "overdue"], standalone_mode=False)
    assert result.return_value == 1


def test_cli_writes_files_atomically_by_suffix(cli, data, tmp_path):
    for suffix in ("json", "csv", "xlsx", "ics", "txt", "pdf"):
        out = tmp_path / "out" / f"report.{suffix}"
        result = cli("equipment", data, "--as-of", "2026-11-21", "-o", out)
        assert result.code == 0, result
        assert out.is_file() and "wrote" in result.err
    assert json.loads((tmp_path / "out" / "report.json").read_text())["summary"]["overdue"] == 1
    assert (tmp_path / "out" / "report.txt").read_text().startswith("ID")
    assert (tmp_path / "out" / "report.pdf").read_bytes().startswith(b"%PDF")
    assert not list((tmp_path / "out").glob(".*part"))


@pytest.mark.parametrize("args, words", [
    (("--as-of", "2026-02-30"), "impossible date"),
    (("--as-of", "tomorrow"), "not a date"),
    (("--warn-days", "-1"), "--warn-days"),
    (("--format", "docx"), "docx"),
    (("--fail-on", "soon"), "soon"),
    (("--policy", "missing.yaml"), "missing.yaml"),
])
def test_cli_usage_errors_exit_2(cli, data, args, words):
    result = cli("equipment", data, *args)
    assert result.code == 2, result
    assert words in result.err
    assert "Traceback" not in result.err


def test_cli_bad_data_exit_2_with_line(cli, tmp_path):
    """validate stops at incomplete records; the report lists them as invalid (issue 15.6)."""
    path = tmp_path / "equipment.yaml"
    path.write_text(textwrap.dedent("""\
        equipment:
          - {id: H-1, kind: helmet, manufactured: 2024-01}
          - {id: H-2, kind: hat, manufactured: 2024-01}
          - {id: H-3, kind: helmet}
        """))
    result = cli("validate", path)
    assert result.code == 2, result
    assert f"{path}:3:" in result.err and "hat" in result.err
    assert f"{path}:4:" in result.err and "manufactured" in result.err
    result = cli("equipment", path, "--as-of", "2026-01-01", "--format", "json",
                 "--fail-on", "overdue")
    assert result.code == 1, result
    doc = json.loads(result.out)
    assert [(i["id"], i["status"]) for i in doc["items"]] == [
        ("H-1", "ok"), ("H-2", "invalid"), ("H-3", "invalid")]
    assert "hat" in doc["items"][1]["reason"] and doc["items"][1]["kind"] == "unknown"
    assert "manufactured" in doc["items"][2]["reason"]
    assert f"{path}:3:" in result.err and f"{path}:4:" in result.err
    assert "H-2 (invalid)" in result.err and "H-3 (invalid)" in result.err


def test_incomplete_records_keep_their_place_among_items_made_later(tmp_path):
    """An incomplete record is listed where it is in the register, items manufactured after
    the as-of day (left out) counted or not, wherever they fall: the order of the register
    with the later ones left out."""
    import random

    from generator.data.dataset import load_dataset
    from generator.equipment.report import build_report
    from generator.equipment.rules import DEFAULT_POLICY, made_after
    as_of = dt.date(2026, 1, 1)
    rows = {"ok": "{{id: {id}, kind: helmet, manufactured: 2025-06}}",
            "later": "{{id: {id}, kind: helmet, manufactured: 2026-06}}",
            "bad": "{{id: {id}, kind: hat, manufactured: 2025-06}}"}
    rng = random.Random(7)
    for trial in range(30):
        kinds = [rng.choice(list(rows)) for _ in range(rng.randint(1, 12))]
        path = tmp_path / f"equipment-{trial}.yaml"
        path.write_text("equipment:\n" + "".join(
            "  - " + rows[k].format(id=f"E-{i}") + "\n" for i, k in enumerate(kinds)))
        dataset = load_dataset([path], keep_incomplete=True)
        report = build_report(dataset, as_of, DEFAULT_POLICY)
        expected = [f"E-{i}" for i, k in enumerate(kinds) if k != "later"]
        assert [s.item.id for s in report.statuses] == expected, kinds
        assert report.made_after == kinds.count("later") == sum(
            made_after(item, as_of) for item in dataset.equipment)


def test_cli_no_equipment_exit_2(cli, tmp_path):
    (tmp_path / "staff.yaml").write_text(STAFF)
    result = cli("equipment", tmp_path / "staff.yaml")
    assert result.code == 2 and "no equipment" in result.err


def test_cli_policy_file(cli, data, tmp_path):
    policy = tmp_path / "policy.yaml"
    policy.write_text("shoes_test_months: 12\n")
    result = cli("equipment", data, "--as-of", "2026-11-21", "--policy", policy,
                 "--format", "json")
    assert result.code == 0, result
    by_id = {i["id"]: i for i in json.loads(result.out)["items"]}
    assert by_id["S-02"]["due"] == "2027-05-01" and by_id["S-02"]["status"] == "ok"
    policy.write_text("shoes_test_months: twelve\n")
    result = cli("equipment", data, "--policy", policy)
    assert result.code == 2 and f"{policy}:1:" in result.err


def test_cli_default_as_of_from_source_date_epoch(cli, data, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(dt.datetime(2026, 11, 21, 12,
                                                                tzinfo=dt.timezone.utc).timestamp())))
    result = cli("equipment", data, "--format", "json")
    assert json.loads(result.out)["as_of"] == "2026-11-21"


def test_cli_help_has_an_example(cli):
    result = cli("equipment", "--help")
    assert result.code == 0 and "fieldprint equipment equipment.xlsx" in result.out


def test_cli_pdf_without_output_gets_a_name(cli, data, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cli("equipment", data, "--as-of", "2026-11-21", "--format", "pdf")
    assert result.code == 0, result
    assert (tmp_path / "equipment-2026-11-21.pdf").is_file()
    assert result.out == ""


def test_demo_writes_the_example_report(tmp_path):
    from generator.commands.equipment import demo
    from generator.content import content_dir
    written = demo(content_dir("examples"), tmp_path)
    assert {p.suffix for p in written} == {".pdf", ".xlsx", ".json", ".ics"}
    doc = json.loads((tmp_path / "equipment-2026-11-21.json").read_text())
    assert doc["as_of"] == "2026-11-21" and len(doc["items"]) >= 30


def test_cli_pdf_with_own_layout(cli, data, tmp_path):
    from generator.content import content_dir
    source = (content_dir("forms") / "equipment-report.yaml").read_text(encoding="utf-8")
    layout = tmp_path / "mine.yaml"
    layout.write_text(source.replace("title: 劳动防护用品检测台账\n", "title: 我们的安全用品台账\n"),
                      encoding="utf-8")
    out = tmp_path / "mine.pdf"
    result = cli("equipment", data, "--as-of", "2026-11-21", "--layout", layout, "-o", out)
    assert result.code == 0, result
    import pypdfium2 as pdfium
    assert "我们的安全用品台账" in pdfium.PdfDocument(out)[0].get_textpage().get_text_range()


def test_cli_bad_layout_exit_2(cli, data, tmp_path):
    layout = tmp_path / "bad.yaml"
    layout.write_text("name: x\nheader: {title: x}\nblocks:\n  - {type: tabel}\n")
    result = cli("equipment", data, "--layout", layout, "-o", tmp_path / "x.pdf")
    assert result.code == 2 and f"{layout}:4" in result.err, result
    assert not (tmp_path / "x.pdf").exists()
    result = cli("equipment", data, "--layout", layout, "--format", "json")
    assert result.code == 2 and "--layout" in result.err


def test_xlsx_keeps_formula_like_text_as_text(tmp_path):
    import openpyxl
    from generator.equipment import Report, assess
    from generator.data.models import EquipmentItem, Person
    item = EquipmentItem(id="=1+1", kind="helmet", holder="P1", batch="=HYPERLINK(\"x\")",
                         manufactured="2025-01")
    people = {"P1": Person(id="P1", name="=cmd|'/c calc'!A1", team="=SUM(A1)")}
    path = tmp_path / "f.xlsx"
    path.write_bytes(render(Report(AS_OF, assess([item], AS_OF), people=people), "xlsx"))
    wb = openpyxl.load_workbook(path)
    row = wb.worksheets[0][2]
    assert [c.data_type for c in row[:6]] == ["s"] * 6
    assert row[0].value == "=1+1" and row[2].value == "=cmd|'/c calc'!A1"
    assert any(c.value == "=SUM(A1)" and c.data_type == "s"
               for r in wb.worksheets[1].iter_rows() for c in r)


def test_json_one_item_per_line_even_with_hostile_text():
    from generator.equipment import Report, assess
    from generator.data.models import EquipmentItem
    items = [EquipmentItem(id="a", kind="helmet", manufactured="2025-01",
                           batch='x}, {"id": "evil"'),
             EquipmentItem(id="b\n}", kind="helmet", manufactured="2025-01")]
    text = render(Report(AS_OF, assess(items, AS_OF)), "json").decode()
    doc = json.loads(text)
    assert [i["id"] for i in doc["items"]] == ["a", "b\n}"]
    assert doc["items"][0]["batch"] == 'x}, {"id": "evil"'
    assert len(text.splitlines()) == 4 + len(items) + 5


def _json_reference(report) -> str:
    """The JSON of the contract through json.dumps, one item per line (the general route that
    report.to_json writes by hand)."""
    from generator.equipment.problems import as_json
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    items = [dumps({"id": s.item.id, "kind": s.item.kind, "holder": s.item.holder,
                    "batch": s.item.batch, "status": s.status,
                    "due": s.due.isoformat() if s.due else None, "basis": s.basis,
                    "in_service_days": s.in_service_days, "action": s.action,
                    "reason": s.reason, "problems": [as_json(p) for p in s.problems]})
             for s in report.statuses]
    body = ",\n    ".join(items)
    return (f'{{\n  "as_of": {dumps(report.as_of.isoformat())},\n  "items": ['
            + (f"\n    {body}\n  " if items else "")
            + f'],\n  "summary": {dumps(report.summary)},\n'
            f'  "made_after_as_of": {report.made_after},\n'
            f'  "data_to_fix": {sum(1 for s in report.statuses if s.problems)},\n'
            f'  "unmatched_checks": {dumps([as_json(p) for p in report.unmatched])}\n}}\n')


def test_json_is_what_json_dumps_writes():
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from generator.data.models import EquipmentItem
    from generator.equipment import Report, assess
    words = st.one_of(st.sampled_from(["SZ1", "SZ2", "B1", "test", 'x"}\n', "王", "\u2028"]),
                      st.text(max_size=5))
    items = st.builds(
        dict, id=words, kind=st.sampled_from(["helmet", "insulated_shoes"]),
        holder=st.one_of(st.none(), words), batch=st.one_of(st.none(), words),
        manufactured=st.dates(dt.date(2020, 1, 1), dt.date(2027, 1, 1)),
        in_service=st.one_of(st.none(), st.dates(dt.date(2020, 1, 1), dt.date(2027, 1, 1))),
        retired=st.one_of(st.none(), st.dates(dt.date(2024, 1, 1), dt.date(2027, 1, 1))))

    @settings(max_examples=30)
    @given(st.lists(items, max_size=8))
    def check(raws):
        register = [EquipmentItem.model_construct(**raw, checks=[], note=None) for raw in raws]
        statuses = assess(register, AS_OF)
        report = Report(AS_OF, statuses, made_after=len(register) - len(statuses))
        assert render(report, "json").decode() == _json_reference(report)
    check()


def test_a_teams_rows_read_as_a_list_reads(tmp_path):
    """TeamRows makes a team's rows each time they are read; read by index, reversed, sliced
    or searched (a company's own layout may), it gives what the list of its rows gives, and
    reversing 80,000 rows makes them once, not once per row."""
    from generator.equipment.pdf import TeamRows
    made = []

    def rows(n):
        made.append(n)
        for i in range(n):
            yield {"id": f"H-{i}"}
    for n in (1, 2, 7):
        team, plain = TeamRows(n, rows, n), list(rows(n))
        for i in range(-n, n):
            assert team[i] == plain[i]
        assert list(reversed(team)) == plain[::-1] and team[1:] == plain[1:]
        assert team.index(plain[-1]) == n - 1 and plain[0] in team
        with pytest.raises(IndexError):
            team[n]
    made.clear()
    assert len(list(reversed(TeamRows(80_000, rows, 80_000)))) == 80_000 and len(made) == 1
