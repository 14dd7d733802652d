"""What the data checks say of a work order's own facts, found by a new user's trial: times
in an impossible or suspicious order, a cause word read as another label, and the template's
example row left in a file printed with --only."""
from __future__ import annotations

import csv

import re

import pytest

from tests.test_all_at_once import no_traceback, problems, stopped, warnings


def _edit_csv(folder, change) -> None:
    path = folder / "work_orders.csv"
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    change(rows)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)


# columns of examples/work_orders.csv
ID, RECEIVED, APPOINTMENT, COMPLETED, CAUSE, NOTE = 0, 3, 10, 12, 16, 18


@pytest.mark.parametrize("command", ["validate", "work-orders"])
def test_completed_before_received_is_refused_naming_order_and_fields(examples_copy, cli,
                                                                      monkeypatch, command):
    def change(rows):
        rows[2][COMPLETED] = "2026-11-01 08:00"     # received 2026-11-02 08:41
    _edit_csv(examples_copy, change)
    monkeypatch.chdir(examples_copy)
    found = stopped(cli(command, "work_orders.csv",
                        *(["-o", "w.pdf"] if command != "validate" else [])))
    assert found == [
        "work_orders.csv:3 (WO-20261102-0003) 完成时间: order WO-20261102-0003: 'completed' "
        "2026-11-01 08:00 is before 'received' 2026-11-02 08:41; an order cannot be "
        "completed before it is received: check both times"], found


def test_completed_before_received_in_yaml(examples_copy, cli, monkeypatch):
    path = examples_copy / "work_orders.yaml"
    text = path.read_text(encoding="utf-8")
    import re
    match = re.search(r"\n    completed: (\S+)", text)
    text = text[:match.start(1)] + "2020-01-01T08:00:00" + text[match.end(1):]
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(examples_copy)
    found = stopped(cli("validate", "work_orders.yaml"))
    line = text[:match.start(1)].count("\n") + 1
    assert len(found) == 1 and found[0].startswith(f"work_orders.yaml:{line}:5: work_orders["), \
        found
    assert "].completed: order WO-" in found[0] and "is before 'received' 20" in found[0]


def test_completed_before_the_appointment_is_a_warning(examples_copy, cli, monkeypatch):
    """Possible (the visit moved earlier, a fault cleared at the exchange) but most often a
    typing mistake: said with the order, both fields and both times; the forms still print."""
    def change(rows):
        rows[1][COMPLETED] = "2026-09-30 08:00"     # appointment 2026-09-30 09:00-11:00
    _edit_csv(examples_copy, change)
    monkeypatch.chdir(examples_copy)
    expected = ("warning: work_orders.csv:2 (WO-20260929-0007) 完成时间: order WO-20260929-0007: 'completed' "
                "2026-09-30 08:00 is before the 'appointment' starts, "
                "2026-09-30 09:00; if the visit was moved, write the new appointment time, else "
                "check both times")
    for args in (("validate",), ("work-orders", "-o", "w.pdf")):
        result = cli(args[0], "work_orders.csv", *args[1:])
        no_traceback(result)
        assert result.code == 0, result
        assert expected in warnings(result.err), result.err
    assert (examples_copy / "w.pdf").is_file()


@pytest.mark.parametrize("word", ["局端原因", "局端"])
def test_a_cause_word_read_as_another_label_is_said(examples_copy, cli, monkeypatch, word):
    def change(rows):
        rows[3][CAUSE] = word
    _edit_csv(examples_copy, change)
    monkeypatch.chdir(examples_copy)
    result = cli("validate", "work_orders.csv")
    no_traceback(result)
    assert result.code == 0, result
    assert f"warning: work_orders.csv:4 (WO-20261103-0006) 故障原因: '{word}' was read as '我方原因（局端）'; if " \
           "that is not what you mean, write one of 我方原因（局端）, " in result.err, result.err
    assert not problems(result.err)


def _validate_with_cause(folder, cli, monkeypatch, word: str):
    def change(rows):
        rows[3][CAUSE] = word
    _edit_csv(folder, change)
    monkeypatch.chdir(folder)
    return cli("validate", "work_orders.csv")


def test_the_plain_words_are_read_without_a_word(examples_copy, cli, monkeypatch):
    result = _validate_with_cause(examples_copy, cli, monkeypatch, "我方原因")
    assert result.code == 0 and "was read as" not in result.err, result


@pytest.mark.chinese
def test_the_cause_warning_in_chinese(examples_copy, cli, monkeypatch):
    result = _validate_with_cause(examples_copy, cli, monkeypatch, "局端原因")
    assert "'局端原因' 按 '我方原因（局端）' 读取" in result.err, result.err


def _with_example_row(folder, tmp_path, cli, suffix: str) -> None:
    """The user's orders below the template's example row (`fieldprint template`), the
    example's id changed to one the data has not, then the same with its id kept."""
    import openpyxl
    blank = tmp_path / "blank"
    blank.mkdir()
    result = cli("template", str(blank / f"work_orders{suffix}"))
    assert result.code == 0, result
    mine = list(csv.DictReader((folder / "work_orders.csv").read_text(
        encoding="utf-8-sig").splitlines()))
    if suffix == ".csv":
        example = list(csv.DictReader((blank / "work_orders.csv").read_text(
            encoding="utf-8-sig").splitlines()))
        header = list(example[0])
        with open(folder / "mine.csv", "w", encoding="utf-8-sig", newline="") as f:
            writer = csv.DictWriter(f, header)
            writer.writeheader()
            writer.writerow(example[0])
            for row in mine:
                writer.writerow({k: row.get(k, "") for k in header})
    else:
        book = openpyxl.load_workbook(blank / "work_orders.xlsx")
        sheet = book.worksheets[0]
        header = [c.value for c in sheet[1]]
        for row in mine:
            sheet.append([row.get(h, "") or None for h in header])
        book.save(folder / "mine.xlsx")


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_example_row_does_not_stop_only_of_another_order(examples_copy, cli,
                                                             monkeypatch, tmp_path, suffix):
    _with_example_row(examples_copy, tmp_path, cli, suffix)
    monkeypatch.chdir(examples_copy)
    name = f"mine{suffix}"
    result = cli("work-orders", name, "--only", "WO-20261102-0003", "-o", "one.pdf")
    no_traceback(result)
    assert result.code == 0, result
    said = [line for line in result.err.splitlines() if line.startswith("warning")]
    assert said[0].startswith(f"warning (an order not printed: --only does not name it): "
                              f"{name}"), said
    assert "this is the template's example row" in said[0]
    assert (examples_copy / "one.pdf").is_file()
    # the example row's id is WO-20261121-0001, which the data has too: that id's problem
    # is a warning as well, unless --only names it
    assert any("duplicate id 'WO-20261121-0001'" in w for w in said), said
    found = stopped(cli("work-orders", name, "--only", "WO-20261121-0001", "-o", "two.pdf"))
    assert len(found) == 2 and "example row" in found[0] and "duplicate id" in found[1], found
    # without --only, the example row stops the print, as before
    found = stopped(cli("work-orders", name, "-o", "all.pdf"))
    assert "example row" in found[0], found
    assert not (examples_copy / "two.pdf").exists() and not (examples_copy / "all.pdf").exists()


def test_only_of_an_order_with_a_problem_stops_the_print(examples_copy, cli, monkeypatch):
    def change(rows):
        rows[2][RECEIVED] = "2026-02-30 10:00"
    _edit_csv(examples_copy, change)
    monkeypatch.chdir(examples_copy)
    found = stopped(cli("work-orders", "work_orders.csv", "--only", "WO-20261102-0003",
                        "--only", "WO-20260929-0007", "-o", "w.pdf"))
    assert found == ["work_orders.csv:3 (WO-20261102-0003) 接单时间: impossible date: '2026-02-30 10:00' (no such "
                     "day in the calendar)"], found


@pytest.mark.chinese
def test_the_office_reads_the_reception_time_by_its_chinese_name_only(examples_copy, cli,
                                                                       monkeypatch):
    """The trial: validate said 完成时间（completed）… 接单时间（received）: English keys mean
    nothing to the office. In Chinese the headers only; the same word (接单时间) as the sheet's
    column, the printed order and the glossary."""
    def change(rows):
        rows[2][COMPLETED] = "2026-11-01 08:00"
        rows[1][COMPLETED] = "2026-09-30 08:00"
    _edit_csv(examples_copy, change)
    monkeypatch.chdir(examples_copy)
    result = cli("validate", "work_orders.csv")
    assert "工单 WO-20261102-0003：完成时间 2026-11-01 08:00 早于接单时间 2026-11-02 08:41" \
        in result.err, result.err
    assert "完成时间 2026-09-30 08:00 早于预约时间的开始" in result.err, result.err
    assert not re.search(r"（(completed|received|appointment)）|'(completed|received)'",
                         result.err), result.err


def test_one_word_for_the_reception_time():
    """接单时间 in the sheet's column, the printed order (PDF and Word) and the messages (the
    standard counts the deadlines from it: 接单后及时联系客户); 受理时间, the order's old label,
    is still read as the column."""
    from generator.data import headers as H
    from tests.conftest import ROOT
    assert H.header_for("work_orders", "received") == "接单时间"
    assert H.alias_map("work_orders")[H.normalize("受理时间")] == "received"
    layout = (ROOT / "forms" / "work-order.yaml").read_text(encoding="utf-8")
    assert "label: 接单时间" in layout and "受理时间" not in layout
    import docx
    document = docx.Document(ROOT / "templates" / "work_order.docx")
    cells = {c.text for t in document.tables for row in t.rows for c in row.cells}
    assert "接单时间" in cells and "受理时间" not in cells
