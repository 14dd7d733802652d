"""Word output: `--format docx`, one document per order or all in one, the built-in templates,
users' own templates (sandboxed, checked before anything is written), hostile text."""
from __future__ import annotations

import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from test_work_orders import DATA, HOSTILE, copy_data, data_files, orders_in, squash, staff_in

docx = pytest.importorskip("docx")

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def docx_text(path: Path) -> str:
    """All the text of a document, paragraphs and table cells, in body order."""
    document = docx.Document(path)
    return "\n".join(t.text or "" for t in document.element.body.iter(f"{W}t"))


def page_breaks(path: Path) -> int:
    body = docx.Document(path).element.body
    return (len(body.findall(f".//{W}pageBreakBefore"))
            + len([b for b in body.iter(f"{W}br") if b.get(f"{W}type") == "page"]))


def section_headers(path: Path) -> list[str]:
    """The text of each section's own page header, in document order (one section an order)."""
    R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    with zipfile.ZipFile(path) as z:
        rels = etree.fromstring(z.read("word/_rels/document.xml.rels"))
        target = {r.get("Id"): r.get("Target") for r in rels}
        body = etree.fromstring(z.read("word/document.xml"))
        out = []
        for sect in body.iter(f"{W}sectPr"):
            ref = sect.find(f"{W}headerReference")
            part = etree.fromstring(z.read("word/" + target[ref.get(f"{R}id")]))
            out.append("".join(t.text or "" for t in part.iter(f"{W}t")))
        return out


def user_template(tmp_path: Path, *paragraphs: str) -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    path = tmp_path / "mine.docx"
    document.save(path)
    return path


def check_order_text(text: str, order: dict, staff: dict) -> None:
    flat = squash(text)
    customer = order["customer"]
    for value in (customer["name"], customer.get("phone"), customer.get("address")):
        if value:
            assert squash(str(value)) in flat, (order["id"], value)
    if order.get("engineer"):
        assert staff[order["engineer"]]["name"] in flat


# ------------------------------------------------------------------------------ built-in templates
@pytest.mark.parametrize("command", ["work-orders", "confirmations"])
def test_all_orders_in_one_document_one_per_page(cli, tmp_path, command):
    out = tmp_path / f"{command}.docx"
    result = cli(command, *data_files(), "-o", out)
    assert result.code == 0, result
    assert "one per page" in result.out
    text = docx_text(out)
    orders, staff = orders_in(), staff_in()
    for order in orders:
        check_order_text(text, order, staff)
    # in data order, each its own section (a new page, numbered from 1) with its own header
    positions = [text.index(o["customer"]["name"]) for o in orders]
    assert positions == sorted(positions)
    headers = section_headers(out)
    assert len(headers) == len(orders)
    for order, header in zip(orders, headers):
        assert f"工单号：{order['id']}" in header
    body = docx.Document(out).element.body
    assert len(body.findall(f"{W}sectPr")) == 1 and body[-1].tag == f"{W}sectPr"
    assert all(s.find(f"{W}pgNumType").get(f"{W}start") == "1" for s in body.iter(f"{W}sectPr"))


def test_one_document_per_order_into_a_folder(cli, tmp_path):
    folder = tmp_path / "word"
    result = cli("work-orders", *data_files(), "--format", "docx", "-o", f"{folder}/")
    assert result.code == 0, result
    orders, staff = orders_in(), staff_in()
    assert sorted(p.name for p in folder.iterdir()) == sorted(f"{o['id']}.docx" for o in orders)
    for order in orders:
        text = docx_text(folder / f"{order['id']}.docx")
        check_order_text(text, order, staff)
        assert f"工单号：{order['id']}" in section_headers(folder / f"{order['id']}.docx")[0]
        others = [o["id"] for o in orders if o["id"] != order["id"]]
        assert not any(other in text for other in others)


def test_ticks_follow_the_data_but_never_in_the_customers_section(cli, tmp_path):
    out = tmp_path / "c.docx"
    assert cli("confirmations", *data_files(), "--only", "WO-20261121-0001", "-o", out).code == 0
    text = docx_text(out)
    assert text.count("☑") == 1                       # cause: ours (the engineer's record)
    assert re.search(r"☑\s*我方原因", text) and re.search(r"☐\s*第三方原因", text)
    survey = text[text.index("请问您对我们的服务是否满意"):]
    assert "☑" not in survey and re.search(r"☐\s*非常满意", survey)
    record = text[:text.index("请问您对我们的服务是否满意")]
    assert "现场测评" in record and "非常满意" in record     # the rating, as a record


def test_blank_word_confirmation(cli, tmp_path):
    out = tmp_path / "pad.docx"
    result = cli("confirmations", DATA / "company.yaml", "--blank", "-o", out)
    assert result.code == 0, result
    text = docx_text(out)
    assert "服务确认书" in section_headers(out)[0] and "None" not in text and "☑" not in text


def test_templates_set_chinese_in_an_east_asian_font():
    for name in ("work_order.docx", "confirmation.docx", "follow_up.docx"):
        with zipfile.ZipFile(TEMPLATES / name) as z:
            styles = etree.fromstring(z.read("word/styles.xml"))
        defaults = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr/{W}rFonts")
        assert defaults is not None and defaults.get(f"{W}eastAsia")
        normal = styles.find(f"{W}style[@{W}styleId='Normal']/{W}rPr/{W}rFonts")
        assert normal.get(f"{W}eastAsia") == defaults.get(f"{W}eastAsia")


def test_templates_are_rebuilt_by_the_committed_script(tmp_path):
    """templates/make_templates.py makes exactly the committed files (deterministic)."""
    work = tmp_path / "templates"
    shutil.copytree(TEMPLATES, work)
    for name in ("work_order.docx", "confirmation.docx", "follow_up.docx"):
        (work / name).unlink()
    subprocess.run([sys.executable, str(work / "make_templates.py")], check=True, capture_output=True)
    for name in ("work_order.docx", "confirmation.docx", "follow_up.docx"):
        assert (work / name).read_bytes() == (TEMPLATES / name).read_bytes(), name


def test_same_input_gives_the_same_bytes(cli, tmp_path):
    a, b = tmp_path / "a.docx", tmp_path / "b.docx"
    assert cli("work-orders", *data_files(), "-o", a).code == 0
    assert cli("work-orders", *data_files(), "-o", b).code == 0
    assert a.read_bytes() == b.read_bytes()


def libreoffice_pdf(tmp_path: Path, docx_file: Path):
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        pytest.skip("LibreOffice is not installed (CI installs it)")
    import pypdf
    profile = tmp_path / "lo-profile"
    run = subprocess.run([soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless",
                          "--convert-to", "pdf", "--outdir", str(tmp_path), str(docx_file)],
                         capture_output=True, timeout=300)
    assert run.returncode == 0, run.stderr
    return pypdf.PdfReader(tmp_path / f"{docx_file.stem}.pdf")


def order_on_each_page(pdf, orders: list[dict]) -> list[str]:
    """The one order number each page shows (its page header), checked to be one."""
    ids = [o["id"] for o in orders]
    out = []
    for number, page in enumerate(pdf.pages, 1):
        text = page.extract_text()
        shown = [i for i in ids if i in text]
        assert len(shown) == 1, (number, shown)
        out.append(shown[0])
    return out


def test_word_converts_with_libreoffice(cli, tmp_path):
    """Converted with a CJK font, each example order takes one page (the one with 25 materials
    two), every page showing its order number; nothing of an order is left alone on a page."""
    from conftest import EXAMPLES
    out = tmp_path / "orders.docx"
    data = [EXAMPLES / "work_orders.yaml", EXAMPLES / "staff.yaml"]
    assert cli("work-orders", *data, "-o", out).code == 0
    pdf = libreoffice_pdf(tmp_path, out)
    orders = orders_in(EXAMPLES)
    shown = order_on_each_page(pdf, orders)
    long = [o["id"] for o in orders if len(o.get("materials", [])) > 12]
    assert long == ["WO-20261115-0001"]
    expected = [o["id"] for o in orders for _ in range(2 if o["id"] in long else 1)]
    assert shown == expected
    for page, number in zip(pdf.pages, shown):
        text = page.extract_text()
        assert "装维工单" in text and re.search(r"第\s*\d\s*页\s*/\s*共", text)
        if number not in long:     # the whole record and its signatures on the one page
            assert "客户签字" in text and "使用材料" in text and "一、客户与工单" in text
    first = pdf.pages[0].extract_text()
    assert orders[0]["customer"]["phone"] in first


@pytest.mark.parametrize("command", ["confirmations", "follow-ups"])
def test_other_word_forms_convert_one_page_an_order(cli, tmp_path, command):
    from conftest import EXAMPLES
    out = tmp_path / f"{command}.docx"
    data = [EXAMPLES / "work_orders.yaml", EXAMPLES / "staff.yaml"]
    assert cli(command, *data, "-o", out).code == 0
    pdf = libreoffice_pdf(tmp_path, out)
    orders = orders_in(EXAMPLES)
    if command == "follow-ups":
        orders = [o for o in orders if o.get("completed")]
    assert order_on_each_page(pdf, orders) == [o["id"] for o in orders]


def test_word_codes_decode_to_the_order_number(cli, tmp_path):
    """The Code 128 and QR of the page header, as Word shows them, carry the order number."""
    zxing = pytest.importorskip("zxingcpp")
    from PIL import Image
    out = tmp_path / "orders.docx"
    assert cli("work-orders", *data_files(), "-o", out).code == 0
    with zipfile.ZipFile(out) as z:
        media = {n: z.read(n) for n in z.namelist() if n.startswith("word/media/fieldprint-")}
    import io
    found = {}
    for name, png in sorted(media.items()):
        image = Image.open(io.BytesIO(png)).convert("L")
        framed = Image.new("L", (image.width + 80, image.height + 80), 255)
        framed.paste(image, (40, 40))
        found[name] = [(str(r.format), r.text) for r in zxing.read_barcodes(framed)]
    for i, order in enumerate(orders_in(), 1):
        assert found[f"word/media/fieldprint-qr-{i}.png"] == [("QR Code", order["id"])]
        assert found[f"word/media/fieldprint-code128-{i}.png"] == [("Code 128", order["id"])]


# ------------------------------------------------------------------------------ hostile input
def test_hostile_strings_print_as_typed_and_never_break_the_xml(cli, tmp_path):
    def hostile(orders):
        orders[0]["customer"]["name"] = HOSTILE
        orders[0]["customer"]["address"] = "苏州市" + "地" * 497
        orders[0]["fault"] = "光猫坏了😀 & <w:t> ]]> \x07\x00铃"
        orders[0]["work_done"] = "第一行\n第二行\t制表"
        orders[1]["customer"]["name"] = "{% for x in range(10**9) %}{% endfor %}"
    folder = copy_data(tmp_path, hostile)
    out = tmp_path / "orders.docx"
    result = cli("work-orders", *data_files(folder), "-o", out)
    # the bell and NUL cannot be in a Word document: nothing written, order and field named
    assert result.code == 2, result
    assert not out.exists() and "Traceback" not in result.err
    assert "WO-20261121-0001" in result.err and "order.fault" in result.err
    assert "U+0000" in result.err and "U+0007" in result.err
    result = cli("work-orders", *data_files(folder), "-o", out, "--allow-unprintable")
    assert result.code == 0, result
    with zipfile.ZipFile(out) as z:
        etree.fromstring(z.read("word/document.xml"))          # strict XML parser
    text = docx_text(out)
    assert HOSTILE in text and "&49" not in text
    assert "苏州市" + "地" * 497 in text
    assert "光猫坏了😀 & <w:t> ]]> 铃" in text                 # the bell and NUL left out
    assert "U+0007" in result.err and "U+0000" in result.err and "order.fault" in result.err
    assert "{% for x in range(10**9) %}{% endfor %}" in text
    body = docx.Document(out).element.body
    assert body.findall(f".//{W}br") and body.findall(f".//{W}tab")   # newline and tab kept


# ------------------------------------------------------------------------------ users' templates
def test_user_template_cannot_reach_python_internals(cli, tmp_path):
    template = user_template(tmp_path, "客户：{{ order.customer.name }}",
                             "{{ ''.__class__.__mro__ }}")
    out = tmp_path / "x.docx"
    result = cli("work-orders", *data_files(), "--template", template, "-o", out)
    assert result.code == 2, result
    assert "sandbox" in result.err and "Traceback" not in result.err
    assert not out.exists()


def test_template_naming_unknown_variables_fails_before_writing(cli, tmp_path):
    template = user_template(tmp_path, "{{ engneer.name }}", "{{ order.custmer.name }}",
                             "{{ order.customer.name }} {{ company.anything }}")
    folder = tmp_path / "word"
    result = cli("work-orders", *data_files(), "--format", "docx", "--template", template,
                 "-o", f"{folder}/")
    assert result.code == 2, result
    assert "'engneer'" in result.err and "did you mean 'engineer'" in result.err
    assert "'order.custmer'" in result.err and "did you mean 'customer'" in result.err
    # the company section has a fixed set of fields (an unknown one is refused in the data),
    # so a field no company can have is a typo, like any other (one rule, issue 12)
    assert "'company.anything'" in result.err
    assert not folder.exists() or not any(folder.iterdir())


def test_user_template_renders_with_loops(cli, tmp_path):
    template = user_template(tmp_path, "工单 {{ order.id }} {{ engineer.name }}",
                             "{% for m in order.materials %}{{ m.item }}×{{ m.qty }} "
                             "{% endfor %}")
    out = tmp_path / "mine-out.docx"
    result = cli("work-orders", *data_files(), "--template", template, "--only",
                 "WO-20261121-0001", "-o", out)
    assert result.code == 0, result
    text = docx_text(out)
    assert "工单 WO-20261121-0001 王建国" in text and "皮线光缆×20" in text


def test_docxtpl_literal_braces_apply_to_the_template_not_the_data(cli, tmp_path):
    def braces(orders):
        orders[0]["customer"]["name"] = "王{_{x}_}"
    folder = copy_data(tmp_path, braces)
    template = user_template(tmp_path, "客户 {{ order.customer.name }} 字面 {_{ 与 }_}")
    out = tmp_path / "b.docx"
    result = cli("work-orders", *data_files(folder), "--template", template, "--only",
                 "WO-20261121-0001", "-o", out)
    assert result.code == 0, result
    assert "客户 王{_{x}_} 字面 {{ 与 }}" in docx_text(out)


def test_follow_ups_in_word_leave_out_open_orders(cli, tmp_path):
    out = tmp_path / "f.docx"
    result = cli("follow-ups", *data_files(), "-o", out)
    assert result.code == 0, result
    assert "WO-20261121-0002" in result.err and "--include-open" in result.err
    headers = section_headers(out)
    done = [o["id"] for o in orders_in() if o.get("completed")]
    assert len(headers) == len(done) and all(i in h for i, h in zip(done, headers))
    assert "回访单" in docx_text(out) or "回访单" in headers[0]


def test_word_forms_say_waiting_for_dispatch_and_never_tick_the_survey(cli, tmp_path):
    def unassigned(orders):
        del orders[0]["engineer"]
    folder = copy_data(tmp_path, unassigned)
    for command in ("work-orders", "confirmations", "follow-ups"):
        out = tmp_path / f"{command}.docx"
        result = cli(command, *data_files(folder), "--only", "WO-20261121-0001", "-o", out)
        assert result.code == 0, result
        text = docx_text(out)
        assert "待派单" in text, command
        if command != "work-orders":
            survey = text[text.index("满意度"):]
            assert "☑" not in survey, command
