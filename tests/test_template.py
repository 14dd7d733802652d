"""`fieldprint template`: spreadsheets to start from, that load as they are."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from generator.data import headers as H
from generator.data.dataset import load_dataset
from generator.errors import UserError

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def pdf_text(path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout


def row_header(sheet) -> list:
    return [c.value for c in sheet[1]]


@pytest.fixture
def folder(tmp_path):
    (tmp_path / "company.yaml").write_text("company:\n  name: 测试公司\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("name", ["staff.xlsx", "work_orders.xlsx", "equipment.xlsx",
                                  "checks.xlsx", "staff.csv", "work_orders.csv"])
def test_template_is_written(cli, folder, name):
    result = cli("template", folder / name)
    assert result.code == 0, result
    assert (folder / name).is_file()
    assert "fill it in" in result.out


def test_templates_load_but_for_their_example_rows(cli, folder):
    """Each blank sheet is read as it is, but its example row (the sample person 王建国, the
    sample order, helmet and checks) is refused, as a company.yaml still 【…】 is: with the
    row, the 备注 column and what to do."""
    for name in ("staff.xlsx", "work_orders.csv", "equipment.xlsx"):
        assert cli("template", folder / name).code == 0
    with pytest.raises(UserError) as refused:
        load_dataset([folder / "staff.xlsx", folder / "work_orders.csv",
                      folder / "equipment.xlsx"])
    said = [str(p) for p in refused.value.problems]
    assert len(said) == 5 and all("the template's example row" in w for w in said), said
    assert any("staff.xlsx[花名册] row 2 (SZ10023) 备注" in w for w in said)
    assert all("delete the example row" in w for w in said)
    # what is left once the example rows are taken out loads as it is
    book = openpyxl.load_workbook(folder / "staff.xlsx")
    book.active.cell(2, row_header(book.active).index("备注") + 1, "第一位")
    book.save(folder / "staff.xlsx")
    assert [p.id for p in load_dataset([folder / "staff.xlsx"]).staff] == ["SZ10023"]


def test_a_forgotten_example_row_is_said_by_validate(cli, folder):
    """A new user filled in the template below its example row and printed: 王建国, the
    sample person, would have had a badge. validate names the row to delete."""
    assert cli("template", folder / "staff.xlsx").code == 0
    result = cli("validate", folder / "staff.xlsx")
    assert result.code == 2
    assert "example row" in result.err and "[花名册] row 2 (SZ10023) 备注" in result.err


@pytest.mark.parametrize("command,name,sheet,extra", [
    ("badges", "staff.xlsx", "花名册", ["--allow-missing-photos"]),
    ("service-cards", "staff.xlsx", "花名册", []),
    ("work-orders", "work_orders.xlsx", "工单", []),
])
def test_a_forgotten_example_row_prints_nothing(cli, folder, command, name, sheet, extra):
    """Trial of main: one person added below the example row, then badges: exit 0 and a badge
    for 王建国 SZ10023 of the sample company. Now nothing is written; the row is named."""
    shutil.copy(EXAMPLES / "staff.yaml", folder / "staff.yaml")
    assert cli("template", folder / name).code == 0
    book = openpyxl.load_workbook(folder / name)
    sheet_ = book.active
    row = [c.value for c in sheet_[2]]
    row[0] = "WO-20261201-0001" if command == "work-orders" else "XJ001"
    row[row_header(sheet_).index("备注")] = None
    sheet_.append(row)
    book.save(folder / name)
    data = [folder / name] + ([folder / "staff.yaml"] if command == "work-orders" else [])
    out = folder / "out.pdf"
    result = cli(command, *data, *extra, "-o", out)
    assert result.code == 2 and not out.exists(), result
    example = "WO-20261121-0001" if command == "work-orders" else "SZ10023"   # its ID too
    assert f"[{sheet}] row 2 ({example}) 备注" in result.err, result.err
    assert "delete the example row" in result.err


def test_xlsx_template_headers_lists_and_formats(cli, folder):
    assert cli("template", folder / "work_orders.xlsx").code == 0
    book = openpyxl.load_workbook(folder / "work_orders.xlsx")
    ws = book["工单"]
    header = [c.value for c in ws[1]]
    assert header == [H.header_for("work_orders", f) for f in H.COLUMNS["work_orders"]]
    lists = {str(dv.sqref).split(":")[0][:-1]: dv.formula1
             for dv in ws.data_validations.dataValidation}
    kind_column = openpyxl.utils.get_column_letter(header.index("类型") + 1)
    assert lists[kind_column] == '"装机,移机,修障"'
    assert len(lists) == 4  # kind, service, cause, rating
    id_column = openpyxl.utils.get_column_letter(header.index("联系电话") + 1)
    assert ws.column_dimensions[id_column].number_format == "@"
    assert ws.freeze_panes == "A2"
    assert ws["A1"].comment is not None and "必填" in ws["A1"].comment.text


def test_equipment_template_has_a_checks_sheet_with_lists(cli, folder):
    assert cli("template", folder / "equipment.xlsx").code == 0
    book = openpyxl.load_workbook(folder / "equipment.xlsx")
    assert book.sheetnames == ["台账", "检查记录", "批次抽检"]
    formulas = sorted(dv.formula1 for dv in book["检查记录"].data_validations.dataValidation)
    assert formulas == ['"合格,不合格"', '"检测,预防性试验,外观检查"']
    formulas = [dv.formula1 for dv in book["台账"].data_validations.dataValidation]
    assert formulas == ['"安全帽,绝缘鞋"']


def test_template_is_deterministic(cli, tmp_path):
    for i in (1, 2):
        assert cli("template", tmp_path / f"{i}" / "staff.xlsx").code == 0
    assert (tmp_path / "1" / "staff.xlsx").read_bytes() == (tmp_path / "2" / "staff.xlsx").read_bytes()


def test_template_mistakes(cli, folder):
    result = cli("template", folder / "people.xlsx")
    assert result.code == 2 and "--section" in result.err
    assert cli("template", folder / "people.xlsx", "--section", "staff").code == 0
    result = cli("template", folder / "people.xlsx", "--section", "staff")
    assert result.code == 2 and "--force" in result.err
    assert cli("template", folder / "people.xlsx", "--section", "staff", "--force").code == 0
    assert cli("template", folder / "checks").code == 0
    assert (folder / "checks.xlsx").is_file()
    result = cli("template", folder / "staff.pdf")
    assert result.code == 2 and ".xlsx or .csv" in result.err


def test_a_company_file_to_fill_in(cli, tmp_path):
    """After pip install there is no examples/ folder: `template company.yaml` writes the
    company details to fill in, and the message for a missing company says so. Each detail is
    a 【placeholder】 that validate refuses, with its line, until it is filled in: the trial
    printed the bundled example's company, which the template used to write, unnoticed."""
    staff = tmp_path / "staff.yaml"
    staff.write_text('staff:\n  - id: "SZ001"\n    name: 王建国\n', encoding="utf-8")
    before = cli("validate", staff)
    assert "fieldprint template company.yaml" in before.err
    result = cli("template", tmp_path / "company.yaml")
    assert result.code == 0, result
    company = tmp_path / "company.yaml"
    text = company.read_text(encoding="utf-8")
    assert "company:" in text and "hotline:" in text and "\n  # logo: " in text
    assert "吴韵" not in text and "example.com" not in text        # no sample company
    unfilled = cli("validate", staff)
    assert unfilled.code == 2 and "company.yaml:6:3: company.name: 【公司全称" in unfilled.err
    assert "is still the template's placeholder" in unfilled.err
    filled = re.sub(r"(\w+): \"?【[^】]*】\"?", r'\1: "测试"', text)
    company.write_text(filled.replace('"测试"\n      data: "测试"', '"公众号"\n      data: "x"'),
                       encoding="utf-8")
    after = cli("validate", staff)
    assert after.code == 0 and "template's placeholder" not in after.err, after
    assert cli("template", company).code == 2      # exists: --force


def test_a_phrases_file_to_adapt(cli, tmp_path):
    """`template phrases.yaml` writes the standard's phrases (the bundled example) for the
    pocket card; the message for missing phrases names it (a pip user has no examples/)."""
    staff = tmp_path / "staff.yaml"
    shutil.copy(EXAMPLES / "company.yaml", tmp_path / "company.yaml")
    shutil.copy(EXAMPLES / "logo.png", tmp_path / "logo.png")
    staff.write_text('staff:\n  - id: "SZ001"\n    name: 王建国\n', encoding="utf-8")
    before = cli("phrase-cards", staff, "-o", tmp_path / "p.pdf")
    assert before.code == 2 and "fieldprint template phrases.yaml" in before.err, before
    assert cli("template", tmp_path / "phrases.yaml").code == 0
    text = (tmp_path / "phrases.yaml").read_text(encoding="utf-8")
    assert text == (EXAMPLES / "phrases.yaml").read_text(encoding="utf-8")
    after = cli("phrase-cards", tmp_path / "phrases.yaml", staff, "-o", tmp_path / "p.pdf")
    assert after.code == 0, after
    text = pdf_text(tmp_path / "p.pdf")
    assert "装维服务用语" in text and "王建国" in text and "【公司】" not in text


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_help_names_the_examples_folder(cli, lang):
    """After pip install there is no examples/ folder: the help's examples name the files a
    user has (staff.xlsx ...), and the template command that writes them."""
    from generator.cli import cli as group
    for name in group.commands:
        text = cli("--lang", lang, name, "--help").out
        assert "examples/" not in text, name
    assert "fieldprint template staff.xlsx" in cli("--lang", lang, "--help").out
