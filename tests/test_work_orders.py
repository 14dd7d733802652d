"""`fieldprint work-orders / confirmations / follow-ups` as a user runs them, PDF output:
what the office checks on paper (page sizes, fonts, every order's details, scannable codes,
page numbers) and what must never happen (crashes, half-written files, code execution)."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pypdf
import pytest
import yaml

from conftest import EXAMPLES

DATA = Path(__file__).parent / "test_work_orders_data"
SIZES = {"A4": (210.0, 297.0), "A5": (148.0, 210.0)}
BASE14 = {"/Helvetica", "/Times-Roman", "/Courier", "/Symbol", "/ZapfDingbats"}


def data_files(folder: Path = DATA) -> list[Path]:
    return [folder / "work_orders.yaml", folder / "staff.yaml"]


def orders_in(folder: Path = DATA) -> list[dict]:
    return yaml.safe_load((folder / "work_orders.yaml").read_text("utf-8"))["work_orders"]


def staff_in(folder: Path = DATA) -> dict[str, dict]:
    return {p["id"]: p for p in yaml.safe_load((folder / "staff.yaml").read_text("utf-8"))["staff"]}


def copy_data(tmp_path: Path, change=None) -> Path:
    """A private copy of the test data; `change(orders)` edits the orders first."""
    folder = tmp_path / "data"
    shutil.copytree(DATA, folder)
    if change is not None:
        orders = orders_in(folder)
        change(orders)
        (folder / "work_orders.yaml").write_text(
            yaml.safe_dump({"work_orders": orders}, allow_unicode=True), "utf-8")
    return folder


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def pages_mm(reader: pypdf.PdfReader) -> list[tuple[float, float]]:
    return [(float(p.mediabox.width) * 25.4 / 72, float(p.mediabox.height) * 25.4 / 72)
            for p in reader.pages]


def fonts_of(reader: pypdf.PdfReader) -> list[dict]:
    out = []
    for page in reader.pages:
        fonts = page["/Resources"].get_object().get("/Font", {})
        for ref in fonts.get_object().values():
            out.append(ref.get_object())
    return out


def documents(reader: pypdf.PdfReader) -> list[str]:
    """The text of each document (pages joined until '第 n 页 / 共 n 页')."""
    docs, current = [], ""
    for page in reader.pages:
        text = page.extract_text()
        current += text
        m = re.search(r"第 (\d+) 页 / 共 (\d+) 页", text)
        assert m, "every page has a page number"
        if m[1] == m[2]:
            docs.append(current)
            current = ""
    assert current == ""
    return docs


def check_orders_printed(pdf: Path, folder: Path, with_engineer: bool = True) -> None:
    reader = pypdf.PdfReader(pdf)
    docs = documents(reader)
    orders = orders_in(folder)
    staff = staff_in(folder)
    assert len(docs) == len(orders)
    for order, text in zip(orders, docs):
        flat = squash(text)
        customer = order["customer"]
        for value in (order["id"], customer["name"], customer.get("phone"),
                      customer.get("address")):
            if value:
                assert squash(str(value)) in flat, (order["id"], value)
        if with_engineer and order.get("engineer"):
            assert staff[order["engineer"]]["name"] in flat


# ------------------------------------------------------------------------------ the forms
@pytest.mark.parametrize("command,size", [("work-orders", "A4"), ("confirmations", "A4"),
                                          ("follow-ups", "A5")])
def test_each_form_prints_every_order_on_exact_pages_with_embedded_fonts(cli, tmp_path,
                                                                         command, size):
    out = tmp_path / f"{command}.pdf"
    extra = ["--include-open"] if command == "follow-ups" else []
    result = cli(command, *data_files(), "-o", out, *extra)
    assert result.code == 0, result
    assert f"wrote {out}" in result.out and "3 " in result.out
    reader = pypdf.PdfReader(out)
    w, h = SIZES[size]
    for pw, ph in pages_mm(reader):
        assert abs(pw - w) < 0.1 and abs(ph - h) < 0.1
    fonts = fonts_of(reader)
    assert fonts
    for font in fonts:
        assert font["/BaseFont"] not in BASE14
        assert "/FontFile2" in font["/FontDescriptor"], font["/BaseFont"]
    check_orders_printed(out, DATA)


def test_examples_print(cli, tmp_path):
    if not (EXAMPLES / "work_orders.yaml").is_file():
        pytest.skip("examples/work_orders.yaml not there yet")
    out = tmp_path / "orders.pdf"
    result = cli("work-orders", EXAMPLES / "work_orders.yaml", EXAMPLES / "staff.yaml",
                 "-o", out)
    assert result.code == 0, result
    check_orders_printed(out, EXAMPLES)


def test_codes_on_a_work_order_decode_to_the_order_number(cli, tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    zxing = pytest.importorskip("zxingcpp")
    out = tmp_path / "orders.pdf"
    assert cli("work-orders", *data_files(), "-o", out).code == 0
    pdf = pdfium.PdfDocument(out)
    numbers = [o["id"] for o in orders_in()]
    for page, number in zip(pdf, numbers):
        image = page.render(scale=300 / 72).to_pil()
        found = {str(r.format): r.text for r in zxing.read_barcodes(image)}
        assert found.get("Code 128") == number, found
        assert found.get("QR Code") == number, found


def test_deadlines_printed_on_the_work_order(cli, tmp_path):
    out = tmp_path / "orders.pdf"
    assert cli("work-orders", *data_files(), "--only", "WO-20260930-0007", "-o", out).code == 0
    text = squash(pypdf.PdfReader(out).pages[0].extract_text())
    assert "2026-10-13（二）前" in text            # across National Day and the make-up Saturday
    assert "09:15–09:20" in text                  # a move: call 10-15 minutes before 09:30
    assert "首次回复" not in text and "2026-09-3000:05" not in text   # a fault rule


def test_25_materials_flow_onto_a_second_page_with_the_table_header_repeated(cli, tmp_path):
    def many(orders):
        orders[0]["materials"] = [{"item": f"材料{i:02d}", "qty": i, "unit": "个"}
                                  for i in range(1, 26)]
    folder = copy_data(tmp_path, many)
    out = tmp_path / "orders.pdf"
    result = cli("work-orders", *data_files(folder), "--only", "WO-20261121-0001", "-o", out)
    assert result.code == 0, result
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 2
    first, second = (p.extract_text() for p in reader.pages)
    assert "第 1 页 / 共 2 页" in first and "第 2 页 / 共 2 页" in second
    for header in ("序号", "使用材料", "数量", "单位", "备注"):
        assert header in first and header in second
    assert "材料25" in second and "材料01" in first
    assert "装维工单（续）" in second and "WO-20261121-0001" in second
    assert "客户签字" in second


def test_only_selects_and_unknown_ids_are_refused(cli, tmp_path):
    out = tmp_path / "one.pdf"
    result = cli("confirmations", *data_files(), "--only", "WO-20261121-0002", "-o", out)
    assert result.code == 0
    assert "张伟" in pypdf.PdfReader(out).pages[0].extract_text()
    assert len(pypdf.PdfReader(out).pages) == 1
    bad = cli("confirmations", *data_files(), "--only", "WO-20261121-0003", "-o",
              tmp_path / "x.pdf")
    assert bad.code == 2 and "WO-20261121-0003" in bad.err and "did you mean" in bad.err
    assert not (tmp_path / "x.pdf").exists()


def test_blank_confirmation_for_paper_pads(cli, tmp_path):
    out = tmp_path / "pad.pdf"
    result = cli("confirmations", DATA / "company.yaml", "--blank", "-o", out)
    assert result.code == 0, result
    reader = pypdf.PdfReader(out)
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert "服务确认书" in text and "苏州测试通信工程有限公司" in text
    assert "工单号：" in text and "客户签字" in text and "None" not in text
    for cause in ("我方原因", "第三方原因", "用户方原因", "原因不明"):
        assert cause in text


def test_same_input_gives_the_same_bytes(cli, tmp_path):
    a, b = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert cli("work-orders", *data_files(), "-o", a).code == 0
    assert cli("work-orders", *data_files(), "-o", b).code == 0
    assert a.read_bytes() == b.read_bytes()


def test_one_pdf_per_order_into_a_folder(cli, tmp_path):
    folder = tmp_path / "out"
    result = cli("work-orders", *data_files(), "-o", f"{folder}/")
    assert result.code == 0, result
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{o['id']}.pdf" for o in orders_in())


# ------------------------------------------------------------------------------ hostile input
HOSTILE = "<b>&{{ 7*7 }}</b>"


def test_hostile_strings_print_as_typed(cli, tmp_path):
    def hostile(orders):
        orders[0]["customer"]["name"] = HOSTILE
        orders[0]["customer"]["address"] = "苏州市" + "地" * 497          # 500 characters
        orders[0]["fault"] = "光猫坏了 %(x)s {% raw %} ]]> \\"
    folder = copy_data(tmp_path, hostile)
    for command in ("work-orders", "confirmations", "follow-ups"):
        out = tmp_path / f"{command}.pdf"
        extra = ["--include-open"] if command == "follow-ups" else []
        result = cli(command, *data_files(folder), "-o", out, *extra)
        assert result.code == 0, result
        first = squash(documents(pypdf.PdfReader(out))[0])
        assert squash(HOSTILE) in first and "&49" not in first     # as typed, not evaluated
        assert "苏州市" + "地" * 497 in first
        if command != "follow-ups":
            assert "%(x)s{%raw%}]]>\\" in first
        assert "warning" not in result.err


def test_text_that_cannot_print_as_typed_stops_the_batch_naming_order_and_field(cli, tmp_path):
    def unprintable(orders):
        orders[0]["fault"] = "光猫坏了😀"
        orders[1]["customer"]["name"] = "李\x07四"
        orders[2]["customer"]["address"] = "吴中区𪚥祥路1号"
    folder = copy_data(tmp_path, unprintable)
    out = tmp_path / "orders.pdf"
    result = cli("work-orders", *data_files(folder), "-o", out)
    assert result.code == 2, result
    assert not out.exists() and "Traceback" not in result.err
    lines = result.err.splitlines()
    for order, field, char in (("WO-20261121-0001", "order.fault", "U+1F600"),
                               ("WO-20261121-0002", "order.customer.name", "U+0007"),
                               ("WO-20260930-0007", "order.customer.address", "U+2A6A5")):
        assert any(order in line and field in line and char in line for line in lines), order
    assert "work_orders.yaml:" in result.err          # where each order starts in the data
    # printing anyway: the rest as typed, each case still listed
    result = cli("work-orders", *data_files(folder), "-o", out, "--allow-unprintable")
    assert result.code == 0, result
    assert result.err.count("warning:") >= 3 and "U+1F600" in result.err
    assert "光猫坏了" in documents(pypdf.PdfReader(out))[0]


def test_layout_reaching_python_internals_fails_with_exit_2(cli, tmp_path):
    layout = tmp_path / "evil.yaml"
    layout.write_text("name: x\nheader: {title: x}\nblocks:\n"
                      "  - {type: note, text: \"{{ ''.__class__.__mro__ }}\"}\n", "utf-8")
    out = tmp_path / "x.pdf"
    result = cli("work-orders", *data_files(), "--layout", layout, "-o", out)
    assert result.code == 2
    assert "sandbox" in result.err and "evil.yaml:4" in result.err
    assert "Traceback" not in result.err
    assert not out.exists()


def test_a_failure_leaves_the_previous_file_untouched(cli, tmp_path):
    out = tmp_path / "orders.pdf"
    out.write_bytes(b"previous")
    layout = tmp_path / "bad.yaml"
    layout.write_text("name: x\nheader: {title: x}\nblocks:\n"
                      "  - {type: note, text: \"{{ order.customer.nmae }}\"}\n", "utf-8")
    result = cli("work-orders", *data_files(), "--layout", layout, "-o", out)
    assert result.code == 2 and "nmae" in result.err
    assert out.read_bytes() == b"previous"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_usage_mistakes_say_what_to_do(cli, tmp_path):
    result = cli("work-orders", *data_files(), "--template", DATA / "company.yaml",
                 "-o", tmp_path / "x.pdf")
    assert result.code == 2 and "--format docx" in result.err
    result = cli("work-orders", *data_files(), "-o", tmp_path / "x.txt")
    assert result.code == 2
    result = cli("work-orders", DATA / "staff.yaml", "-o", tmp_path / "x.pdf")
    assert result.code == 2 and "no work orders" in result.err
    result = cli("work-orders", *data_files(), "--layout", "nope", "-o", tmp_path / "x.pdf")
    assert result.code == 2 and "work-order" in result.err


def test_help_explains_with_an_example(cli):
    result = cli("work-orders", "--help")
    assert result.code == 0
    assert "Example" in result.out and "fieldprint work-orders" in result.out


def test_demo_makes_the_forms(tmp_path):
    if not (EXAMPLES / "work_orders.yaml").is_file():
        pytest.skip("examples/work_orders.yaml not there yet")
    from generator.commands.forms import demo
    written = demo(EXAMPLES, tmp_path)
    names = {p.name for p in written}
    assert {"work-orders.pdf", "confirmations.pdf", "follow-ups.pdf", "confirmation-blank.pdf",
            "work-orders.docx", "confirmations.docx", "follow-ups.docx"} <= names
    assert all(p.stat().st_size > 1000 for p in written)


@pytest.mark.parametrize("command", ["work-orders", "confirmations", "follow-ups"])
def test_a_staff_row_with_a_mistake_stops_only_the_orders_naming_that_engineer(cli, tmp_path,
                                                                               command):
    """Trial of main: one badge photo not there, or a star rating typed as 三星, stopped every
    form. A photo is not on these forms; a wrong row is a warning unless an order to print
    names that engineer."""
    folder = tmp_path / "data"
    shutil.copytree(EXAMPLES, folder)
    staff = yaml.safe_load((folder / "staff.yaml").read_text("utf-8"))
    staff["staff"][0]["photo"] = "photos/XJ003.jpg"          # SZ10001: not there
    staff["staff"][2]["stars"] = "三星"                       # SZ10024
    (folder / "staff.yaml").write_text(yaml.safe_dump(staff, allow_unicode=True), "utf-8")
    data = (folder / "work_orders.yaml", folder / "staff.yaml")
    out = tmp_path / "all.pdf"
    result = cli(command, *data, "-o", out)    # WO-20261102-0003 names SZ10024
    assert result.code == 2 and not out.exists()
    assert "三星" in result.err and "WO-20261102-0003" in result.err
    assert "XJ003" not in result.err
    one = tmp_path / "one.pdf"
    result = cli(command, *data, "--only", "WO-20261121-0001", "-o", one)
    assert result.code == 0 and one.exists()
    assert "三星" in result.err and "staff.yaml" in result.err and "XJ003" not in result.err
    assert "WO-20261121-0001" in pypdf.PdfReader(one).pages[0].extract_text()
