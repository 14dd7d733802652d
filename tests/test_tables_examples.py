"""The example spreadsheets hold the same data as the example YAML: the same validated records,
and every command makes the same output from them."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from generator.data.dataset import load_dataset

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

YAML = ["staff.yaml", "work_orders.yaml", "equipment.yaml"]
SHEETS = ["staff.xlsx", "work_orders.csv", "equipment.xlsx"]


def _make_spreadsheets():
    spec = importlib.util.spec_from_file_location("make_spreadsheets",
                                                  EXAMPLES / "make_spreadsheets.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_spreadsheets_are_made_from_the_current_yaml(tmp_path):
    """If this fails, the YAML changed: run python examples/make_spreadsheets.py and commit."""
    for path in _make_spreadsheets().main(tmp_path):
        assert path.read_bytes() == (EXAMPLES / path.name).read_bytes(), path.name


def test_same_records_as_the_yaml():
    from_yaml = load_dataset([EXAMPLES / n for n in YAML])
    from_sheets = load_dataset([EXAMPLES / n for n in SHEETS])
    for section in ("staff", "work_orders", "equipment", "batch_checks"):
        assert getattr(from_sheets, section) == getattr(from_yaml, section), section
        assert getattr(from_yaml, section), section
    assert from_sheets.company == from_yaml.company
    assert from_sheets.warnings == from_yaml.warnings == []
    assert sum(len(item.checks) for item in from_sheets.equipment) > 20


def test_spreadsheets_use_chinese_headers():
    import openpyxl
    book = openpyxl.load_workbook(EXAMPLES / "equipment.xlsx", read_only=True)
    assert book.sheetnames == ["台账", "检查记录", "批次抽检"]
    assert next(book["台账"].iter_rows(values_only=True))[:3] == ("编号", "类别", "使用人")
    book.close()
    first = (EXAMPLES / "work_orders.csv").read_text(encoding="utf-8-sig").splitlines()[0]
    assert first.startswith("工单号,类型,业务,接单时间,客户姓名")


def test_same_equipment_json(cli, tmp_path):
    outputs = []
    for name in ("equipment.yaml", "equipment.xlsx"):
        target = tmp_path / f"{name}.json"
        result = cli("equipment", EXAMPLES / name, "--as-of", "2026-11-21", "--format", "json",
                     "-o", target)
        assert result.code == 0, result
        outputs.append(json.loads(target.read_text(encoding="utf-8")))
    assert outputs[0] == outputs[1]


def _pdf_text(path: Path) -> list[str]:
    from pypdf import PdfReader
    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.mark.parametrize("command,files", [
    ("badges", ["staff"]),
    ("work-orders", ["staff", "work_orders"]),
    ("confirmations", ["staff", "work_orders"]),
    ("follow-ups", ["staff", "work_orders"]),
])
def test_same_printed_text(cli, tmp_path, command, files):
    from generator.cli import cli as group
    if command not in group.commands:
        pytest.skip(f"fieldprint {command} is not built yet")
    texts = []
    for kind, names in (("yaml", YAML), ("sheets", SHEETS)):
        chosen = [EXAMPLES / n for n in names if n.split(".")[0] in files]
        target = tmp_path / f"{kind}.pdf"
        result = cli(command, *chosen, "-o", target)
        assert result.code == 0, result
        texts.append(_pdf_text(target))
    assert texts[0] == texts[1]
    assert any(t.strip() for t in texts[0])
