"""Every problem of the input in one run (house rule: "all problems at once"), whatever kind
each is: a bad field, an unknown engineer, a name too long for its badge, text a form cannot
print, a broken layout. Each test breaks several things at once and checks the whole list the
user is given: exactly those problems, in reading order, exit 2, no traceback, nothing written.
"""
from __future__ import annotations

import csv
import os
import re

import openpyxl
import pytest

LONG_NAME = "王建国" * 12      # far too long for the badge's name box at its smallest size


def problems(err: str) -> list[str]:
    """The problem lines of stderr: neither warnings nor the closing count."""
    return [line for line in err.splitlines()
            if line and not line.startswith(("warning", "refused: ", "matched ", "... and "))
            and not re.fullmatch(r"\d+ problems? found.*", line)]


def warnings(err: str) -> list[str]:
    return [line for line in err.splitlines() if line.startswith("warning: ")]


def said_as_warnings(err: str) -> list[str]:
    """The problems a run said as warnings ('warning (…): problem'), without their prefix."""
    return [line.split("): ", 1)[1] for line in err.splitlines()
            if line.startswith("warning (")]


def no_traceback(result) -> None:
    assert "Traceback" not in result.err and "Traceback" not in result.out, result


def stopped(result) -> list[str]:
    """The problems of a run that stopped as it should: exit 2, no traceback."""
    no_traceback(result)
    assert result.code == 2, result
    return problems(result.err)


def break_staff(folder, *, stars=True, long_name=True, photo=True) -> None:
    """examples/staff.yaml with: SZ10001 stars 9 (line 14), SZ10023 a name too long for the
    badge, SZ10024 a photo that does not exist (line 34)."""
    path = folder / "staff.yaml"
    text = path.read_text(encoding="utf-8")
    if stars:
        text = text.replace('stars: 5\n    gender: 男\n\n  - id: "SZ10023"',
                            'stars: 9\n    gender: 男\n\n  - id: "SZ10023"', 1)
    if long_name:
        text = text.replace("name: 王建国", f"name: {LONG_NAME}", 1)
    if photo:
        text = text.replace("photo: photos/SZ10024.jpg", "photo: photos/nobody.jpg", 1)
    path.write_text(text, encoding="utf-8")


# ------------------------------------------------------------------------------ badges
@pytest.mark.parametrize("command", ["badges", "service-cards"])
def test_cards_say_the_fit_problem_with_the_data_problems(examples_copy, cli, command,
                                                          monkeypatch):
    """A bad field in one row and a name too long for its box in another: both in one run
    (the fit was checked only once the data loaded cleanly, so it came a run later)."""
    break_staff(examples_copy)
    monkeypatch.chdir(examples_copy)
    result = cli(command, "staff.yaml", "-o", "cards.pdf")
    found = stopped(result)
    # the missing photo: by the card, by name and with its fix, as when it is the only
    # problem; the service card shows no photo, so it does not stop it
    assert len(found) == (3 if command == "badges" else 2), found
    assert found[0] == "staff.yaml:14:5: staff[1].stars: 9 is out of range: it should be at most 5"
    assert found[1].startswith(f"staff.yaml:17:5: SZ10023 {LONG_NAME}: name (front): ")
    assert "does not fit in its box" in found[1]
    if command == "badges":
        assert found[2] == ("staff.yaml:28:5: SZ10024 陆佳怡: photo (front): file not found: "
                            "photos/nobody.jpg; fix it, or run with --allow-missing-photos to "
                            "print a placeholder")
    assert f"{len(found)} problems found; nothing was written." in result.err
    assert not (examples_copy / "cards.pdf").exists()


def test_validate_warns_about_badges_when_the_data_has_problems(examples_copy, cli,
                                                               monkeypatch):
    """validate: the data's problems, and the badge that would be refused as a warning, in
    one run."""
    break_staff(examples_copy)
    monkeypatch.chdir(examples_copy)
    result = cli("validate", "staff.yaml")
    no_traceback(result)
    assert result.code == 2, result
    assert problems(result.err) == [
        "staff.yaml:14:5: staff[1].stars: 9 is out of range: it should be at most 5"]
    said = warnings(result.err)   # a photo not there yet: the badges' reminder, with its fix
    assert len(said) == 2 and said[0].startswith(f"warning: staff.yaml:17:5: SZ10023 {LONG_NAME}")
    assert said[1].startswith("warning: staff.yaml:") and "photo (front): file not found: " \
        "photos/nobody.jpg; fix it, or run with --allow-missing-photos" in said[1], said
    assert "1 problem found." in result.err


def line_of(text: str, needle: str) -> int:
    """The line (from 1) of `text` that holds `needle`: a layout's comments may grow."""
    return text[:text.index(needle)].count("\n") + 1


def test_a_broken_layout_and_bad_data_in_one_run(examples_copy, cli, monkeypatch):
    """An edited layout with several mistakes, given by a relative path, and a bad staff row:
    every one, the layout's named as the user named it, in the order of the file."""
    layout = (examples_copy.parent / "layouts")
    layout.mkdir()
    from tests.conftest import ROOT
    text = (ROOT / "badges" / "badge.yaml").read_text(encoding="utf-8")
    text = text.replace("width: 75\nheight: 100", "width: 75x\nheight: 100\nheigth: 3", 1)
    text = text.replace("    size: 11", "    size: eleven", 1)
    (layout / "mine.yaml").write_text(text, encoding="utf-8")
    break_staff(examples_copy, long_name=False, photo=False)
    monkeypatch.chdir(examples_copy.parent)
    result = cli("badges", "examples/staff.yaml", "--layout", "layouts/mine.yaml",
                 "-o", "b.pdf")
    found = stopped(result)
    assert [line.split(": ")[0] for line in found] == [
        f"layouts/mine.yaml:{line_of(text, 'width: 75x')}:1",
        f"layouts/mine.yaml:{line_of(text, 'heigth: 3')}:1",
        f"layouts/mine.yaml:{line_of(text, 'size: eleven')}:5", "examples/staff.yaml:14:5"], found
    assert "unknown unit 'x'" in found[0] and "unknown field 'heigth'" in found[1]
    assert "'eleven'" in found[2] and "stars: 9 is out of range" in found[3]
    assert not any(line.startswith("/") for line in found)     # no absolute path


def test_skip_invalid_names_files_as_given_in_reading_order(examples_copy, cli, monkeypatch):
    """--skip-invalid's list of people refused: in the file's order, a missing photo named
    relative to where the command was run (it was an absolute path)."""
    break_staff(examples_copy)
    monkeypatch.chdir(examples_copy.parent)
    result = cli("badges", "examples/staff.yaml", "--skip-invalid", "-o", "b.pdf")
    no_traceback(result)
    assert result.code == 3, result
    refused = [line for line in result.err.splitlines() if line.startswith("refused: ")]
    assert [line.split(": ")[1] for line in refused] == [
        "examples/staff.yaml:14:5", "examples/staff.yaml:17:5", "examples/staff.yaml:28:5"]
    assert refused[2].endswith("file not found: examples/photos/nobody.jpg; fix it, or run "
                               "with --allow-missing-photos to print a placeholder")
    assert str(examples_copy) not in result.err


def test_phrase_cards_say_fit_problems_with_the_data_problems(examples_copy, cli,
                                                              monkeypatch):
    break_staff(examples_copy, photo=False)
    monkeypatch.chdir(examples_copy)
    result = cli("phrase-cards", "phrases.yaml", "staff.yaml", "-o", "p.pdf")
    found = stopped(result)
    assert found[0].startswith("staff.yaml:14:5: staff[1].stars: 9 is out of range")
    assert all(line.startswith(f"staff.yaml:17:5: SZ10023 {LONG_NAME}: ") for line in found[1:])
    assert any(": name (front): " in line for line in found[1:])
    assert not (examples_copy / "p.pdf").exists()


def test_phrases_with_several_mistakes(examples_copy, cli, monkeypatch):
    path = examples_copy / "phrases.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("    - moment: 到达门口\n", "    - momnet: 到达门口\n", 1)
    text = text.replace("  forbidden_title:", "  titel: x\n  forbidden_title:", 1)
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(examples_copy)
    result = cli("phrase-cards", "phrases.yaml", "staff.yaml", "-o", "p.pdf")
    found = stopped(result)
    assert [line.split(": ")[:2] for line in found] == [
        ["phrases.yaml:16:7", "phrases.moments[3].moment"],
        ["phrases.yaml:16:7", "phrases.moments[3].momnet"],
        ["phrases.yaml:30:3", "phrases.titel"]], found


# ------------------------------------------------------------------------------ company
def test_company_file_with_several_mistakes(examples_copy, cli, monkeypatch):
    """Unknown keys, a missing logo, and a QR code whose only source is misspelt: the check
    of the whole QR entry (neither data nor image) is said with the unknown key, not after."""
    path = examples_copy / "company.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('hotline: "10000"', 'hotline: "10000"\n  hotlnie: 1', 1)
    text = text.replace("logo: logo.png", "logo: nologo.png", 1)
    text = text.replace("    - caption: 苏州电信公众号\n      data: https",
                        "    - caption: 苏州电信公众号\n      dat: https", 1)
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(examples_copy)
    for command in ("validate", "badges"):
        result = cli(command, "staff.yaml", *(["-o", "b.pdf"] if command == "badges" else []))
        found = stopped(result)
        assert [line.split(": ")[:2] for line in found] == [
            ["company.yaml:11:3", "company.hotlnie"],
            ["company.yaml:23:3", "company.logo"],
            ["company.yaml:28:7", "company.qr_codes[2]"],
            ["company.yaml:29:7", "company.qr_codes[2].dat"]], found
        assert "give the QR code's 'data' (a URL or text) or an 'image' file" in found[2]


# ------------------------------------------------------------------------------ forms
def _break_orders(folder) -> None:
    """work_orders.csv: row 2 an impossible date AND an unknown engineer, row 4 an unknown
    engineer, row 6 a customer name with a character no font has."""
    path = folder / "work_orders.csv"
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    rows[1][3], rows[1][11] = "2026-13-45 10:20", "SZ99999"
    rows[3][11] = "SZ88888"
    rows[5][4] = "王\U00010000先生"
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)


@pytest.mark.parametrize("command", ["work-orders", "validate"])
def test_unknown_engineer_said_with_the_bad_date_of_its_row(examples_copy, cli, command,
                                                            monkeypatch):
    _break_orders(examples_copy)
    monkeypatch.chdir(examples_copy)
    result = cli(command, "work_orders.csv", *(["-o", "w.pdf"] if command != "validate" else []))
    found = stopped(result)
    expected = [
        "work_orders.csv:2 (WO-20260929-0007) 接单时间: impossible date: '2026-13-45 10:20' (no such day in the "
        "calendar)",
        "work_orders.csv:2 (WO-20260929-0007) 装维人员: engineer 'SZ99999' is not on the staff list",
        "work_orders.csv:4 (WO-20261103-0006) 装维人员: engineer 'SZ88888' is not on the staff list"]
    if command == "work-orders":   # and the text the form cannot print, in the same run
        assert found[:3] == expected and len(found) == 4, found
        assert found[3].startswith("work_orders.csv:6: work_orders WO-")
        assert "the font cannot print '\U00010000'" in found[3]
        assert not (examples_copy / "w.pdf").exists()
    else:
        assert found == expected


def test_forms_say_a_broken_layout_with_the_data(examples_copy, cli, monkeypatch):
    _break_orders(examples_copy)
    monkeypatch.chdir(examples_copy)
    result = cli("work-orders", "work_orders.csv", "--layout", "nope.yaml", "-o", "w.pdf")
    found = stopped(result)
    assert found[0] == "nope.yaml: no such layout file"
    assert len(found) == 4 and "SZ88888" in found[3], found


# ------------------------------------------------------------------------------ equipment
def _break_register(folder) -> None:
    path = folder / "equipment.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('holder: "SZ10001"\n    batch: B2506-A\n    manufactured: 2025-06-10',
                        'holder: "SZ99999"\n    batch: B2506-A\n    manufactured: 2025-13-10', 1)
    text = text.replace("  - id: H-0002\n    kind: helmet", "  - id: H-0001\n    kind: helmett", 1)
    text = text.replace('holder: "SZ10024"\n    batch: B2406-A',
                        'holder: "SZ77777"\n    batch: B2406-A', 1)
    text = text.replace("- {batch: B2403-D, kind: helmet,", "- {batch: B2403-X, kind: helmet,")
    text += "  - {batch: B2403-D, kind: helmet, date: 2026-18-20, type: test, result: pass}\n"
    path.write_text(text, encoding="utf-8")
    staff = examples_copy_staff = folder / "staff.yaml"
    examples_copy_staff.write_text(staff.read_text(encoding="utf-8").replace(
        "stars: 5", "stars: 7", 1), encoding="utf-8")


def test_equipment_says_what_validate_says(examples_copy, cli, monkeypatch):
    """The same register, several kinds of mistakes: `validate` refuses it; `equipment` gives
    the safety officer the report all the same, warning of the same problems (equipment used
    to stop at the batch checks, keeping quiet about the items and people it had set apart;
    then it stopped at a batch check naming a batch the register lacks, which counts for no
    item): in the order validate says them."""
    _break_register(examples_copy)
    monkeypatch.chdir(examples_copy)
    checked = cli("validate", "equipment.yaml")
    report = cli("equipment", "equipment.yaml", "--as-of", "2026-11-21", "-o", "r.json")
    no_traceback(checked)
    no_traceback(report)
    assert checked.code == 2 and report.code == 0, (checked, report)
    found = problems(checked.err)
    assert said_as_warnings(report.err) == found
    assert (examples_copy / "r.json").exists()
    assert [line.split(": ")[:2] for line in found] == [
        ["staff.yaml:14:5", "staff[1].stars"],
        ["equipment.yaml:18:5", "equipment[1].holder"],
        ["equipment.yaml:20:5", "equipment[1].manufactured"],
        ["equipment.yaml:26:5", "equipment[2].id"],
        ["equipment.yaml:27:5", "equipment[2].kind"],
        ["equipment.yaml:36:5", "equipment[3].holder"],
        ["equipment.yaml:482:6", "batch_checks[1].batch"],
        ["equipment.yaml:484:36", "batch_checks[2].date"]], found


def test_an_invalid_item_lists_all_its_problems(examples_copy, cli, monkeypatch):
    """An item kept aside as invalid (the report still prints) with a bad date and a holder
    not on the staff list: both are its reasons, and both are warned about."""
    path = examples_copy / "equipment.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('holder: "SZ10001"\n    batch: B2506-A\n    manufactured: 2025-06-10',
                        'holder: "SZ99999"\n    batch: B2506-A\n    manufactured: 2025-13-10', 1)
    path.write_text(text, encoding="utf-8")
    monkeypatch.chdir(examples_copy)
    result = cli("equipment", "equipment.yaml", "--as-of", "2026-11-21", "-o", "r.json")
    no_traceback(result)
    assert result.code == 0, result
    said = [line for line in result.err.splitlines() if "warning (data to fix" in line]
    assert [line.split("): ")[1].split(": ")[:2] for line in said] == [
        ["equipment.yaml:18:5", "equipment[1].holder"],
        ["equipment.yaml:20:5", "equipment[1].manufactured"]], said
    import json
    item = next(s for s in json.loads((examples_copy / "r.json").read_text(encoding="utf-8"))
                ["items"] if s["id"] == "H-0001")
    assert item["status"] == "invalid" and "SZ99999" in json.dumps(item, ensure_ascii=False)


def test_workbook_with_mistakes_on_every_sheet(examples_copy, cli, monkeypatch):
    """An equipment workbook with mistakes on its three sheets: every one, sheet by sheet in
    the workbook's order, row by row; validate and equipment alike."""
    book = openpyxl.load_workbook(examples_copy / "equipment.xlsx")
    register, checks, batches = book["台账"], book["检查记录"], book["批次抽检"]
    register["E3"] = "2025-13-01"
    register["C4"], register["E4"] = "SZ99999", "not a date"
    register["B6"] = "helmett"
    checks["B3"], checks["A5"], checks["D6"] = "2026-02-30", "H-9999", "maybe"
    batches["C2"] = "2026-99-01"
    book.save(examples_copy / "equipment.xlsx")
    monkeypatch.chdir(examples_copy)
    expected = [
        "equipment.xlsx[台账] row 3 生产日期", "equipment.xlsx[台账] row 4 使用人",
        "equipment.xlsx[台账] row 4 生产日期", "equipment.xlsx[台账] row 6 类别",
        "equipment.xlsx[检查记录] row 3 日期", "equipment.xlsx[检查记录] row 5 编号",
        "equipment.xlsx[检查记录] row 6 结果", "equipment.xlsx[批次抽检] row 2 日期"]
    result = cli("validate", "equipment.xlsx")
    no_traceback(result)
    assert result.code == 2, result
    assert [line.split(": ")[0] for line in problems(result.err)] == expected, result.err
    # the safety report is made all the same (a 检查记录 row for an unknown item, H-9999,
    # counts for no item), its warnings the same problems in the same order
    result = cli("equipment", "equipment.xlsx", "--as-of", "2026-11-21", "-o", "r.json")
    no_traceback(result)
    assert result.code == 0, result
    assert said_as_warnings(result.err) == problems(cli("validate", "equipment.xlsx").err)


def test_csv_with_mistakes_on_many_rows(examples_copy, cli, monkeypatch):
    """A mistake on each of 120 rows: all counted, the first 100 shown in row order."""
    path = examples_copy / "work_orders.csv"
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    header, first = rows[0], rows[1]
    body = []
    for n in range(120):
        row = list(first)
        row[0] = f"WO-{n:05d}"
        row[3] = "2026-02-30 10:00"
        body.append(row)
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([header, *body])
    monkeypatch.chdir(examples_copy)
    result = cli("validate", "work_orders.csv")
    found = stopped(result)
    assert [line.split(": ")[0] for line in found[:100]] == [
        f"work_orders.csv:{n} (WO-{n - 2:05d}) 接单时间" for n in range(2, 102)]
    assert "... and 20 more like these" in result.err and "120 problems found." in result.err


def test_no_absolute_path_when_run_inside_the_folder(examples_copy, cli, monkeypatch):
    """A missing photo found by the card check (not by loading: --photos is given) is named
    relative to the current folder: refused when the folder has none of that person's, a
    warning when it has (the folder's photo is used, as the web app uses its photos/)."""
    break_staff(examples_copy, stars=False, long_name=False)
    monkeypatch.chdir(examples_copy)
    result = cli("badges", "staff.yaml", "--photos", "photos", "-o", "b.pdf")
    no_traceback(result)
    assert result.code == 0, result
    assert ("warning: 陆佳怡（SZ10024）: photo file not found: photos/nobody.jpg; printed "
            "SZ10024.jpg from the photos folder instead") in result.err, result.err
    assert os.getcwd() not in result.err
    (examples_copy / "photos" / "SZ10024.jpg").unlink()
    result = cli("badges", "staff.yaml", "--photos", "photos", "-o", "b.pdf")
    no_traceback(result)
    assert result.code == 2, result
    assert "file not found: photos/nobody.jpg" in result.err, result.err
    assert os.getcwd() not in result.err


def test_a_broken_policy_file_and_a_broken_register(examples_copy, cli, monkeypatch):
    """--policy FILE with mistakes and a register with mistakes: both files' problems, the
    policy's first (it is read first)."""
    _break_register(examples_copy)
    (examples_copy / "policy.yaml").write_text("helmet_life_months: 0\nwarn_dayz: 3\n",
                                               encoding="utf-8")
    monkeypatch.chdir(examples_copy)
    result = cli("equipment", "equipment.yaml", "--policy", "policy.yaml",
                 "--as-of", "2026-11-21", "-o", "r.json")
    found = stopped(result)
    assert [line.split(": ")[:2] for line in found] == [
        ["policy.yaml:1:1", "policy.helmet_life_months"],
        ["policy.yaml:2:1", "policy.warn_dayz"]], found
    # the register's mistakes do not stop the report by themselves: said, as warnings
    warned = said_as_warnings(result.err)
    assert warned[0].startswith("staff.yaml:14:5: staff[1].stars")
    assert len(warned) == 8 and warned[-1].startswith("equipment.yaml:484:36: ")
    assert not (examples_copy / "r.json").exists()


def test_a_layout_names_and_colours_checked_beside_its_bad_values(examples_copy, cli,
                                                                  monkeypatch):
    """An element with a bad value, another with an unknown colour, a third reading a field
    the data does not have, and an unknown key: all four in one run (the colour and the name
    were checked only once every value was right)."""
    from tests.conftest import ROOT
    text = (ROOT / "badges" / "badge.yaml").read_text(encoding="utf-8")
    text = text.replace("width: 75\nheight: 100", "width: 75\nheight: 100\nheigth: 3", 1)
    text = text.replace("fill: [deep, blue], gradient: diagonal",
                        "fill: [deep, blu], gradient: diagonal", 1)
    text = text.replace("    size: 11", "    size: eleven", 1)
    text = text.replace("{{ person.name }}", "{{ person.nmae }}", 1)
    (examples_copy / "mine.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(examples_copy)
    found = stopped(cli("badges", "staff.yaml", "--layout", "mine.yaml", "-o", "b.pdf"))
    assert [line.split(": ")[:2] for line in found] == [
        [f"mine.yaml:{line_of(text, 'heigth: 3')}:1", "mine.heigth"],
        [f"mine.yaml:{line_of(text, '[deep, blu]')}:53", "mine.front[1].fill"],
        [f"mine.yaml:{line_of(text, 'size: eleven')}:5", "mine.front[5].size"],
        [f"mine.yaml:{line_of(text, 'person.nmae')}:5", "mine.front[13].text"]]
    assert "unknown colour 'blu'" in found[1] and "'person.nmae'" in found[3]


def test_options_naming_what_is_not_there_said_with_the_data(examples_copy, cli,
                                                            monkeypatch):
    """--team of no one and --photos of no folder, beside a bad row: all three at once."""
    break_staff(examples_copy, long_name=False, photo=False)
    monkeypatch.chdir(examples_copy)
    found = stopped(cli("badges", "staff.yaml", "--team", "园区装维九班", "--photos",
                        "nofolder", "-o", "b.pdf"))
    assert found[0].startswith("staff.yaml:14:5: staff[1].stars: 9 is out of range")
    assert found[1].startswith("--team 园区装维九班: nobody is in that team")
    assert found[2] == "--photos nofolder: no such folder"
    assert len(found) == 3, found


def _no_photo_and_a_bad_star(folder) -> None:
    """examples/staff.xlsx: rows 2 and 5 with an empty 照片, row 4 (SZ10024) with an empty
    照片 and 星级 三星."""
    book = openpyxl.load_workbook(folder / "staff.xlsx")
    sheet = book.active
    sheet["G2"] = sheet["G4"] = sheet["G5"] = None
    sheet["I4"] = "三星"
    book.save(folder / "staff.xlsx")


def test_a_row_with_a_bad_star_rating_has_its_missing_photo_said_too(examples_copy, cli,
                                                                     monkeypatch):
    """Trial of main: validate found 4 problems where badges found 3: the photo of the row
    with the bad 星级 was not checked until the star was fixed. Both say all four."""
    _no_photo_and_a_bad_star(examples_copy)
    monkeypatch.chdir(examples_copy)
    found = stopped(cli("badges", "staff.xlsx", "-o", "badges.pdf"))
    # the three people without a photo: one line naming them, the bad row's person too
    assert [line.split(": ")[0] for line in found] == [
        "staff.xlsx[花名册]", "staff.xlsx[花名册] row 4 (SZ10024) 星级"], found
    assert found[0].startswith("staff.xlsx[花名册]: 3 people (SZ10001 顾振东 (row 2), SZ10024 "
                               "陆佳怡 (row 4), SZ10025 陈晓峰 (row 5)), photo (front): no photo")
    assert not (examples_copy / "badges.pdf").exists()
    result = cli("validate", "staff.xlsx")
    assert stopped(result) == [found[1]]
    assert [w.split(": ")[1] for w in warnings(result.err)] == ["staff.xlsx[花名册]"]


def test_a_row_with_a_bad_star_rating_has_its_photo_looked_for_in_the_folder(
        examples_copy, cli, monkeypatch):
    """--photos: the row with the bad 星级 is matched in the folder too: found there, nothing
    more is said of it; not there, that is said with the star."""
    _no_photo_and_a_bad_star(examples_copy)
    monkeypatch.chdir(examples_copy)
    found = stopped(cli("badges", "staff.xlsx", "--photos", "photos", "-o", "b.pdf"))
    assert found == ["staff.xlsx[花名册] row 4 (SZ10024) 星级: should be a number, not '三星'"], found
    (examples_copy / "photos" / "SZ10024.jpg").unlink()
    found = stopped(cli("badges", "staff.xlsx", "--photos", "photos", "-o", "b.pdf"))
    assert len(found) == 2 and "SZ10024.jpg" in found[0] and "星级" in found[1], found


# ------------------------------------------------------------------------------ a whole record
def test_a_bad_field_does_not_hide_the_checks_of_its_whole_record(examples_copy, cli,
                                                                 monkeypatch):
    """An item with a misspelt kind and no dates: the missing dates are said with the kind
    (the check of the whole item ran only once every field was right); validate and
    equipment alike."""
    path = examples_copy / "equipment.yaml"
    text = path.read_text(encoding="utf-8")
    old = ('  - id: H-0002\n    kind: helmet\n    holder: "SZ10023"\n    batch: B2503-A\n'
           '    manufactured: "2025-03"\n    in_service: 2025-04-15\n')
    assert old in text
    path.write_text(text.replace(old, '  - id: H-0002\n    kind: helmett\n    holder: "SZ10023"'
                                      '\n    batch: B2503-A\n', 1), encoding="utf-8")
    monkeypatch.chdir(examples_copy)
    found = stopped(cli("validate", "equipment.yaml"))
    assert found == [
        "equipment.yaml:26:5: equipment[2]: give 'manufactured' or 'in_service'",
        "equipment.yaml:27:5: equipment[2].kind: 'helmett' is not allowed here; write one of "
        "helmet (安全帽) or insulated_shoes (绝缘鞋)"], found
    result = cli("equipment", "equipment.yaml", "--as-of", "2026-11-21", "-o", "r.json")
    assert result.code == 0, result
    said = [line.split("): ", 1)[1] for line in result.err.splitlines()
            if "warning (data to fix" in line]
    assert said[:2] == found, said


def test_a_given_value_with_a_mistake_counts_as_given(examples_copy, cli, monkeypatch):
    """A date with a mistake is not 'no date': only the date is said."""
    path = examples_copy / "equipment.yaml"
    text = path.read_text(encoding="utf-8")
    old = ('  - id: H-0002\n    kind: helmet\n    holder: "SZ10023"\n    batch: B2503-A\n'
           '    manufactured: "2025-03"\n    in_service: 2025-04-15\n')
    path.write_text(text.replace(old, '  - id: H-0002\n    kind: helmett\n    holder: "SZ10023"'
                                      '\n    batch: B2503-A\n    manufactured: 2025-13-01\n', 1),
                    encoding="utf-8")
    monkeypatch.chdir(examples_copy)
    found = stopped(cli("validate", "equipment.yaml"))
    assert [line.split(": ")[1] for line in found] == ["equipment[2].kind",
                                                       "equipment[2].manufactured"], found


def test_a_qr_code_without_caption_nor_data_says_both(examples_copy, cli, monkeypatch):
    """A record inside a record (company.qr_codes[2]): its missing caption and its missing
    data or image, in one run."""
    path = examples_copy / "company.yaml"
    text = path.read_text(encoding="utf-8")
    old = "    - caption: 苏州电信公众号\n      data: https"
    assert old in text
    start = text.index(old)
    end = text.index("\n", start + len(old))
    path.write_text(text[:start] + "    - note_x: 1" + text[end:], encoding="utf-8")
    monkeypatch.chdir(examples_copy)
    found = stopped(cli("validate", "staff.yaml"))
    assert sorted(line.split(": ")[1] for line in found) == [
        "company.qr_codes[2]", "company.qr_codes[2].caption", "company.qr_codes[2].note_x"], found
    assert any(line.endswith(": company.qr_codes[2]: give the QR code's 'data' (a URL or text) "
                             "or an 'image' file") for line in found), found


# ------------------------------------------------------------------------------ forms' options
@pytest.mark.parametrize("fmt", ["pdf", "docx"])
def test_only_naming_no_order_said_with_the_data_problems(examples_copy, cli, monkeypatch,
                                                          fmt):
    """--only of an id not in the data beside a bad row (and --engineer of no one): all in
    one run; the bad row stays a problem (which order was meant is not known)."""
    _break_orders(examples_copy)
    monkeypatch.chdir(examples_copy)
    found = stopped(cli("work-orders", "work_orders.csv", "--only", "WO-NOTHING",
                        "--engineer", "SZ1", "-o", f"w.{fmt}"))
    assert found == [
        "work_orders.csv:2 (WO-20260929-0007) 接单时间: impossible date: '2026-13-45 10:20' (no such day in the "
        "calendar)",
        "work_orders.csv:2 (WO-20260929-0007) 装维人员: engineer 'SZ99999' is not on the staff list",
        "work_orders.csv:4 (WO-20261103-0006) 装维人员: engineer 'SZ88888' is not on the staff list",
        "--only WO-NOTHING: no such id in work_orders",
        "--engineer SZ1: no such staff id; did you mean 'SZ10001'?"], found
    assert not (examples_copy / f"w.{fmt}").exists()


def test_an_unreadable_file_does_not_make_only_say_no_such_id(examples_copy, cli,
                                                              monkeypatch):
    monkeypatch.chdir(examples_copy)
    found = stopped(cli("work-orders", "nothere.csv", "--only", "WO-1", "-o", "w.pdf"))
    assert found == ["nothere.csv: file not found"], found


def test_word_output_says_unprintable_text_with_the_data_problems(examples_copy, cli,
                                                                  monkeypatch):
    """--format docx: text a Word document cannot hold (a control character pasted into a
    name) is said with a bad row's problems, for the orders that loaded."""
    path = examples_copy / "work_orders.csv"
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    rows[1][3] = "2026-13-45 10:20"
    rows[5][4] = "王\x07先生"
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    monkeypatch.chdir(examples_copy)
    for command in ("work-orders", "confirmations"):
        found = stopped(cli(command, "work_orders.csv", "-o", "w.docx"))
        assert len(found) == 2, found
        assert found[0].startswith("work_orders.csv:2 (WO-20260929-0007) 接单时间: impossible date")
        assert found[1].startswith("work_orders.csv:6: work_orders WO-")
        assert "a Word document cannot hold (U+0007" in found[1]
        assert not (examples_copy / "w.docx").exists()


# ------------------------------------------------------------------------------ a missing column
@pytest.mark.parametrize("command", ["validate", "work-orders"])
def test_a_missing_column_said_with_its_rows_problems(examples_copy, cli, monkeypatch,
                                                      command):
    """A sheet without its 客户姓名 column: the column, once, and the other problems of its
    rows (a bad date, an engineer not on the staff list), not 'required' on every row."""
    path = examples_copy / "work_orders.csv"
    rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
    for row in rows:
        del row[4]
    rows[2][3], rows[4][10] = "2026-02-30 10:00", "SZ99999"
    with open(path, "w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows(rows)
    monkeypatch.chdir(examples_copy)
    found = stopped(cli(command, "work_orders.csv",
                        *(["-o", "w.pdf"] if command != "validate" else [])))
    assert [line.split(": ")[0] for line in found] == [
        "work_orders.csv:1", "work_orders.csv:3 (WO-20261102-0003) 接单时间",
        "work_orders.csv:5 (WO-20261105-0011) 装维人员"], found
    assert found[0].startswith("work_orders.csv:1: no column for 'customer.name' (客户姓名)")


def test_missing_columns_of_a_workbook_said_with_its_rows_problems(examples_copy, cli,
                                                                   monkeypatch):
    """An equipment workbook without 类别 on its register and 结果 on its checks sheet: both
    columns, and the bad dates of their rows; nothing said of the batch check whose batch's
    items could not be read."""
    book = openpyxl.load_workbook(examples_copy / "equipment.xlsx")
    register, checks = book["台账"], book["检查记录"]
    assert register["B1"].value == "类别" and checks["D1"].value == "结果"
    register.delete_cols(2)
    checks.delete_cols(4)
    register["D3"], checks["B3"] = "2025-13-01", "2026-02-30"
    book.save(examples_copy / "equipment.xlsx")
    staff = openpyxl.load_workbook(examples_copy / "staff.xlsx")
    assert staff.active["B1"].value == "姓名"
    staff.active.delete_cols(2)
    staff.active["H4"] = "三星"
    staff.save(examples_copy / "staff.xlsx")
    monkeypatch.chdir(examples_copy)
    for command in (("validate",), ("equipment", "--as-of", "2026-11-21", "-o", "r.json")):
        result = cli(command[0], "equipment.xlsx", "staff.xlsx", *command[1:])
        found = stopped(result)
        assert [line.split(": ")[0] for line in found] == [
            "equipment.xlsx[台账] row 1", "equipment.xlsx[台账] row 3 生产日期",
            "equipment.xlsx[检查记录] row 1", "equipment.xlsx[检查记录] row 3 日期",
            "staff.xlsx[花名册] row 1", "staff.xlsx[花名册] row 4 (SZ10024) 星级"], found
        assert "no column for 'kind' (类别)" in found[0]
        assert "no column for 'result' (结果)" in found[2]
        assert "no column for 'name' (姓名)" in found[4]
        assert "no staff list given" not in result.err


# ------------------------------------------------------------------------------ a broken company
def _break_company(folder) -> None:
    """company.yaml with arrive_early_minutes 99 (line 11) and a complaint phone that is a
    list (line 13): the service card requires that phone."""
    path = folder / "company.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace('  hotline: "10000"', '  hotline: "10000"\n  arrive_early_minutes: 99', 1)
    text = text.replace('  complaint_phone: "0512-6258 0001"', "  complaint_phone: [1, 2]", 1)
    path.write_text(text, encoding="utf-8")


@pytest.mark.parametrize("command", ["badges", "service-cards", "phrase-cards", "validate"])
def test_fit_checked_when_the_company_section_is_invalid(examples_copy, cli, monkeypatch,
                                                          command):
    """A company section with mistakes and a name too long for its box: the name is said in
    the same run, checked with what of the company can be read; nothing is said of the
    fields with mistakes but their mistakes."""
    _break_company(examples_copy)
    break_staff(examples_copy, stars=False, photo=False)
    monkeypatch.chdir(examples_copy)
    args = {"badges": ("staff.yaml", "-o", "c.pdf"), "service-cards": ("staff.yaml", "-o", "c.pdf"),
            "phrase-cards": ("phrases.yaml", "staff.yaml", "-o", "c.pdf"),
            "validate": ("staff.yaml",)}[command]
    result = cli(command, *args)
    found = stopped(result)
    assert found[:2] == [
        "company.yaml:11:3: company.arrive_early_minutes: 99 is out of range: it should be at "
        "most 60",
        "company.yaml:13:3: company.complaint_phone: should be text, not [1, 2]"], found
    fit = [line for line in (warnings(result.err) if command == "validate" else found[2:])]
    assert any(line.split(": ", 1)[-1].startswith(f"staff.yaml:17:5: SZ10023 {LONG_NAME}: "
                                                  "name (front): ")
               or line.startswith(f"staff.yaml:17:5: SZ10023 {LONG_NAME}: name (front): ")
               for line in fit), result.err
    assert "does not fit in its box" in result.err
    assert "complaint_phone (front)" not in result.err
    assert not (examples_copy / "c.pdf").exists()


# ------------------------------------------------------------------------------ layouts
def _badge_layout(folder, *changes) -> str:
    """badges/badge.yaml with `changes` ((old, new) pairs) as mine.yaml in `folder`."""
    from tests.conftest import ROOT
    text = (ROOT / "badges" / "badge.yaml").read_text(encoding="utf-8")
    for old, new in changes:
        assert old in text, old
        text = text.replace(old, new, 1)
    (folder / "mine.yaml").write_text(text, encoding="utf-8")
    return text


@pytest.mark.parametrize("size", ["width: 75x", "width: -75", "height: tall"])
def test_a_wrong_card_size_does_not_hide_its_elements_problems(examples_copy, cli,
                                                               monkeypatch, size):
    """The card's size is wrong, and an element names an unknown colour, another a field the
    data does not have: all three in one run (the elements were checked only once the size
    was right); nothing said of the elements against a card size that did not read."""
    old = size.split(":")[0] + ": " + ("75" if size.startswith("width") else "100")
    text = _badge_layout(examples_copy, (old, size),
                         ("fill: [deep, blue], gradient: diagonal",
                          "fill: [deep, blu], gradient: diagonal"),
                         ("{{ person.name }}", "{{ person.nmae }}"))
    monkeypatch.chdir(examples_copy)
    found = stopped(cli("badges", "staff.yaml", "--layout", "mine.yaml", "-o", "b.pdf"))
    assert [line.split(": ")[0] for line in found] == [
        f"mine.yaml:{line_of(text, size)}:1", f"mine.yaml:{line_of(text, '[deep, blu]')}:53",
        f"mine.yaml:{line_of(text, 'person.nmae')}:5"], found
    assert "unknown colour 'blu'" in found[1] and "'person.nmae'" in found[2]


def _badges_with_layout(folder, cli, monkeypatch, text: str) -> list[str]:
    """The problems of `fieldprint badges` with `text` as its layout, mine.yaml."""
    (folder / "mine.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(folder)
    return stopped(cli("badges", "staff.yaml", "--layout", "mine.yaml", "-o", "b.pdf"))


def test_a_wrong_colour_list_does_not_hide_its_elements_problems(examples_copy, cli,
                                                                 monkeypatch):
    """`colours` given as a list: said, with an element reading a field the data lacks; the
    colour names the elements use are not said to be unknown (the list did not read)."""
    from tests.conftest import ROOT
    text = (ROOT / "badges" / "badge.yaml").read_text(encoding="utf-8")
    start = text.index("\ncolours:") + 1
    end = text.index("\n", text.index("\n", start) + 1)
    while text[end + 1:end + 3] == "  ":        # the palette's entries
        end = text.index("\n", end + 1)
    text = text[:start] + "colours: [deep, light]" + text[end:]
    text = text.replace("{{ person.name }}", "{{ person.nmae }}", 1)
    found = _badges_with_layout(examples_copy, cli, monkeypatch, text)
    assert [line.split(": ")[0] for line in found] == [
        f"mine.yaml:{line_of(text, 'colours: [deep')}:1",
        f"mine.yaml:{line_of(text, 'person.nmae')}:5"], found
    assert "unknown colour" not in "\n".join(found)


def test_a_colour_that_is_not_hex_is_said_at_its_line_with_the_rest(examples_copy, cli,
                                                                   monkeypatch):
    """A palette colour that is not '#rrggbb' (it was said alone, at the top of the file)
    with an element's unknown field: both, each at its own line."""
    from tests.conftest import ROOT
    text = (ROOT / "badges" / "badge.yaml").read_text(encoding="utf-8")
    import re
    match = re.search(r"\n  (\w+): \"?#[0-9a-fA-F]{6}\"?", text[text.index("\ncolours:"):])
    name = match.group(1)
    start = text.index("\ncolours:") + match.start() + 1
    end = text.index("\n", start)
    text = text[:start] + f"  {name}: blue" + text[end:]
    text = text.replace("{{ person.name }}", "{{ person.nmae }}", 1)
    found = _badges_with_layout(examples_copy, cli, monkeypatch, text)
    assert [line.split(": ")[0] for line in found] == [
        f"mine.yaml:{line_of(text, f'{name}: blue')}:3",
        f"mine.yaml:{line_of(text, 'person.nmae')}:5"], found
    assert f"mine.colours.{name}: give a hex colour such as '#0b5cad', not 'blue'" in found[0]


@pytest.mark.parametrize("command", ["work-orders", "confirmations"])
def test_a_form_layouts_bad_value_does_not_hide_its_unknown_names(examples_copy, cli,
                                                                   monkeypatch, command):
    """A form layout with a bad value in one block and names the records lack in others:
    every one in one run (the names were checked only once every value was right)."""
    from tests.conftest import ROOT
    name = {"work-orders": "work-order", "confirmations": "confirmation"}[command]
    text = (ROOT / "forms" / f"{name}.yaml").read_text(encoding="utf-8")
    first = text.index("    columns: 3")
    text = text[:first] + "    columns: three" + text[first + len("    columns: 3"):]
    text = text.replace('value: "{{ order.customer.name }}"',
                        'value: "{{ order.custmer.name }}"', 1)
    text = text.replace("{{ company.name }}", "{{ company.nmae }}", 1)
    (examples_copy / "mine.yaml").write_text(text, encoding="utf-8")
    monkeypatch.chdir(examples_copy)
    found = stopped(cli(command, "work_orders.csv", "--layout", "mine.yaml", "-o", "w.pdf"))
    assert [int(line.split(":")[1]) for line in found] == sorted([
        line_of(text, "columns: three"), line_of(text, "order.custmer.name"),
        line_of(text, "company.nmae")]), found
    assert [line.split(": ")[1] for line in found if "custmer" in line or "nmae" in line] \
        and all("the data has no field" in line for line in found if "columns" not in line)


@pytest.mark.parametrize("command", ["badges", "service-cards", "phrase-cards"])
def test_cards_only_of_no_one_said_with_the_data_problems(examples_copy, cli, monkeypatch,
                                                         command):
    """--only of an id not in the data beside a bad row: both; an --only of the bad row's
    own id is not 'no such ID'."""
    break_staff(examples_copy, long_name=False, photo=False)
    monkeypatch.chdir(examples_copy)
    data = ("phrases.yaml", "staff.yaml") if command == "phrase-cards" else ("staff.yaml",)
    found = stopped(cli(command, *data, "--only", "SZ99999", "--only", "SZ10001",
                        "-o", "c.pdf"))
    assert found == ["staff.yaml:14:5: staff[1].stars: 9 is out of range: it should be at "
                     "most 5", "--only SZ99999: no such ID in staff"], found
