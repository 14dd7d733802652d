"""Issue 14: the forms say what the service standard says. Each fault kind of the issue is a
test here, asserted on the text a user reads (pdftotext/pypdf) and on rasterised pages."""
from __future__ import annotations

import re

import pypdf
import pytest

from conftest import EXAMPLES
from test_work_orders import DATA, copy_data, data_files, squash


def text_of(path) -> str:
    return squash("".join(p.extract_text() for p in pypdf.PdfReader(path).pages))


def pages_text(path) -> list[str]:
    """Each page's text as pdftotext (poppler) reads it, spaces removed."""
    import subprocess
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                         capture_output=True).stdout.decode("utf-8")
    return [squash(page) for page in out.split("\f")[:-1]]


def render(path, page: int = 0, dpi: int = 100):
    pdfium = pytest.importorskip("pypdfium2")
    pdf = pdfium.PdfDocument(path)
    return pdf, pdf[page], pdf[page].render(scale=dpi / 72).to_pil().convert("L")


def text_top(page, needle: str, dpi: int = 100) -> float:
    """The top of `needle` on a pdfium page, in pixels from the top at `dpi`."""
    textpage = page.get_textpage()
    searcher = textpage.search(needle)
    found = searcher.get_next()
    assert found is not None, needle
    index, _ = found
    _, _, _, top = textpage.get_charbox(index)
    return (page.get_height() - top) * dpi / 72


# ------------------------------------------------------------------------------ 1. the survey
def test_the_customers_survey_is_never_ticked_for_them(cli, tmp_path):
    """The rating from the data is a record with its own title; the customer's section, headed
    by the standard's question, looks the same whatever the data says (pixels)."""
    pictures = []
    for rating in ("very_satisfied", "dissatisfied"):
        def rate(orders, rating=rating):
            orders[0]["rating"] = rating
        folder = copy_data(tmp_path / rating, rate)
        out = tmp_path / f"{rating}.pdf"
        result = cli("confirmations", *data_files(folder), "--only", "WO-20261121-0001",
                     "-o", out)
        assert result.code == 0, result
        text = text_of(out)
        assert "现场测评结果" in text and "请问您对我们的服务是否满意" in text
        label = "非常满意" if rating == "very_satisfied" else "不满意"
        assert text.count(label) == 2                    # the record's value and the option
        pdf, page, image = render(out)
        top = text_top(page, "三、服务评价")
        bottom = text_top(page, "客户签字")
        pictures.append(image.crop((0, int(top) - 4, image.width, int(bottom) - 8)))
    assert pictures[0].size == pictures[1].size
    assert pictures[0].tobytes() == pictures[1].tobytes()   # nothing in it came from the data


def test_blank_and_pdf_survey_boxes_are_empty(cli, tmp_path):
    from generator.data.dataset import load_dataset
    from generator.fonts import font_set
    from generator.form import Record, layout_record, load_form
    from generator.orders import build_contexts
    data = load_dataset(data_files())
    ctx = build_contexts(data, data.work_orders).contexts[0]
    assert ctx["order"]["rating"] == "very_satisfied"
    doc = layout_record(load_form("confirmation"), Record(ctx, "x"), font_set(data.company))
    ops = doc.pages[0]
    title = next(op for op in ops if op[0] == "text" and "请问您对我们的服务" in str(op[3]))
    sign = next(op for op in ops if op[0] == "text" and str(op[3]).startswith("客户签字"))
    survey_boxes = [op for op in ops if op[0] == "box" and title[2] < op[2] < sign[2]]
    assert len(survey_boxes) == 8 and not any(op[4] for op in survey_boxes)
    ticked = [op for op in ops if op[0] == "box" and op[4]]
    assert len(ticked) == 1 and ticked[0][2] < title[2]        # the cause, in the record


# ------------------------------------------------------------------------------ 2. the rules
def test_each_deadline_only_on_its_kinds(cli, tmp_path):
    out = tmp_path / "orders.pdf"
    assert cli("work-orders", *data_files(), "-o", out).code == 0
    repair, install, move = pages_text(out)
    # 修障: first reply in 8 hours, cut-over hand-over in 4; no 10-15 minute call
    # (text extraction gives a page's labels before its values)
    assert "首次回复" in repair and "2026-11-2117:12前" in repair          # received + 8 h
    assert "割接转派" in repair and "2026-11-2113:12前" in repair          # received + 4 h
    assert "割接工程队" in repair
    assert "电话预约" not in repair and "10–15分钟" not in repair
    assert "故障地址" in repair and "装机地址" not in repair
    # 装移机: the call 10-15 minutes before; no fault rule
    for doc, label in ((install, "装机地址"), (move, "移机地址")):
        assert "电话预约" in doc and "10–15分钟电话预约" in doc
        assert "首次回复" not in doc and "割接" not in doc and "8小时内首次" not in doc
        assert label in doc
    assert "08:45–08:50" in install                   # appointment 09:00


def test_arriving_early_is_a_company_setting(cli, tmp_path):
    folder = copy_data(tmp_path)
    company = (folder / "company.yaml").read_text("utf-8")
    (folder / "company.yaml").write_text(company.replace("company:\n",
                                         "company:\n  arrive_early_minutes: 10\n", 1), "utf-8")
    out = tmp_path / "o.pdf"
    result = cli("work-orders", *data_files(folder), folder / "company.yaml", "--only",
                 "WO-20261121-0002", "-o", out)
    assert result.code == 0, result
    text = text_of(out)
    assert "提前10分钟到达" in text and "08:50前" in text    # 09:00 - 10 minutes


# ------------------------------------------------------------------------------ 3. 2027
@pytest.mark.parametrize("completed,due", [("2026-12-30 16:00", "2027-01-07（四）"),
                                           ("2027-09-30 16:00", "2027-10-08（五）"),
                                           ("2027-02-05 16:00", "2027-02-15（一）")])
def test_deadlines_in_a_year_the_calendar_lacks_are_estimated_and_marked(cli, tmp_path,
                                                                         completed, due):
    def later(orders):
        orders[0]["received"] = completed.replace("16:00", "08:00")
        orders[0]["appointment"] = None
        orders[0]["completed"] = completed
    folder = copy_data(tmp_path, later)
    out = tmp_path / "o.pdf"
    result = cli("work-orders", *data_files(folder), "--only", "WO-20261121-0001", "-o", out)
    assert result.code == 0, result
    assert f"{due}前（暂按法定节假日推算）" in text_of(out)
    assert "2027" in result.err and "暂按法定节假日推算" in result.err
    checked = cli("validate", *data_files(folder))
    assert checked.code == 0 and "2027" in checked.err and "chinese-calendar" in checked.err


def test_known_years_carry_no_mark(cli, tmp_path):
    out = tmp_path / "o.pdf"
    result = cli("work-orders", *data_files(), "-o", out)
    assert result.code == 0 and "暂按" not in text_of(out) and "chinese-calendar" not in result.err


# ------------------------------------------------------------------------------ 5. follow-ups
def test_follow_ups_skip_open_orders_with_a_warning_naming_them(cli, tmp_path):
    out = tmp_path / "f.pdf"
    data = [EXAMPLES / "work_orders.yaml", EXAMPLES / "staff.yaml"]
    result = cli("follow-ups", *data, "-o", out)
    assert result.code == 0, result
    open_ids = ["WO-20261121-0002", "WO-20261121-0004", "WO-20261121-0006",
                "WO-20261121-0009", "WO-20261121-0011"]
    for order_id in open_ids:
        assert order_id in result.err
    assert "--include-open" in result.err and "18 " in result.out
    text = text_of(out)
    assert not any(order_id in text for order_id in open_ids)
    result = cli("follow-ups", *data, "-o", out, "--include-open")
    assert result.code == 0 and "23 " in result.out


# ------------------------------------------------------------------------------ 6. no engineer
def test_an_order_with_no_engineer_says_waiting_for_dispatch(cli, tmp_path):
    def unassigned(orders):
        del orders[1]["engineer"]
    folder = copy_data(tmp_path, unassigned)
    out = tmp_path / "o.pdf"
    result = cli("work-orders", *data_files(folder), "--only", "WO-20261121-0002", "-o", out)
    assert result.code == 0, result
    assert "待派单" in text_of(out)
    checked = cli("validate", *data_files(folder))
    assert checked.code == 0
    assert "WO-20261121-0002" in checked.err and "待派单" in checked.err


# ------------------------------------------------------------------------------ 7. short words
@pytest.mark.parametrize("word,code", [("用户方原因", "customer"), ("第三方", "third_party"),
                                       ("我方", "ours"), ("用户方", "customer"),
                                       ("原因不明", "unknown")])
def test_the_standards_short_words_for_the_cause(word, code):
    from generator.data.models import WorkOrder
    order = WorkOrder.model_validate({"id": "1", "kind": "修障", "received": "2026-11-21 09:00",
                                      "customer": {"name": "李"}, "cause": word})
    assert order.cause == code


@pytest.mark.parametrize("word,code", [("维修", "repair"), ("安装", "install"), ("移装", "move")])
def test_the_words_people_write_for_the_kind(word, code):
    from generator.data.models import WorkOrder
    order = WorkOrder.model_validate({"id": "1", "kind": word, "received": "2026-11-21 09:00",
                                      "customer": {"name": "李"}})
    assert order.kind == code


def test_a_wrong_cause_lists_the_chinese_choices(cli, tmp_path):
    def wrong(orders):
        orders[0]["cause"] = "天气"
    folder = copy_data(tmp_path, wrong)
    result = cli("validate", *data_files(folder))
    assert result.code == 2
    for word in ("我方原因", "第三方原因", "用户方原因", "原因不明"):
        assert word in result.err
    assert "Traceback" not in result.err


# ------------------------------------------------------------------------------ 8. handwriting
def empty_band_mm(path, page: int = 0) -> float:
    """The height of the empty band above the footer rule of a rasterised A4 page, in mm."""
    _, _, image = render(path, page, dpi=100)
    px = 100 / 25.4
    footer = int((297 - 14 + 4) * px) - 3            # just above the footer rule
    width = image.width
    for y in range(footer, 0, -1):
        row = image.crop((0, y, width, y + 1)).tobytes()
        if min(row) < 200:
            return (footer - y) / px
    return 297.0


def test_free_space_goes_to_handwriting(cli, tmp_path):
    out = tmp_path / "pad.pdf"
    assert cli("work-orders", DATA / "company.yaml", "--blank", "-o", out).code == 0
    assert empty_band_mm(out) < 0.05 * 297
    orders = tmp_path / "orders.pdf"
    assert cli("work-orders", *data_files(), "-o", orders).code == 0
    for page in range(3):
        assert empty_band_mm(orders, page) < 0.08 * 297
    from generator.form import load_form
    layout = load_form("work-order")
    lines = {b.label.source if hasattr(b.label, "source") else str(b.label): b.lines
             for b in layout.blocks if b.type == "text" and b.label is not None}
    assert lines["处理过程"] >= 3 and lines["测速结果"] >= 2


def test_blank_pads_tick_the_kind_and_the_service(cli, tmp_path):
    out = tmp_path / "pad.pdf"
    assert cli("work-orders", DATA / "company.yaml", "--blank", "-o", out).code == 0
    text = text_of(out)
    for word in ("装机", "移机", "修障", "宽带", "固话", "IPTV", "FTTR"):
        assert word in text
    assert "首次回复" in text and "割接" in text and "电话预约" in text   # rules for each kind
    from generator.data.dataset import load_dataset
    from generator.fonts import font_set
    from generator.form import Record, layout_record, load_form
    from generator.orders import blank_context
    data = load_dataset([DATA / "company.yaml"])
    doc = layout_record(load_form("work-order"), Record(blank_context(data), "blank"),
                        font_set(data.company))
    boxes = [op for op in doc.pages[0] if op[0] == "box"]
    assert len(boxes) >= 3 + 8 + 8 + 4 and not any(op[4] for op in boxes)


# ------------------------------------------------------------------------------ 9. sections
def test_a_long_fault_does_not_split_the_survey_section(cli, tmp_path):
    def long_fault(orders):
        orders[0]["fault"] = "故障描述很长。" * 160
    folder = copy_data(tmp_path, long_fault)
    out = tmp_path / "c.pdf"
    result = cli("confirmations", *data_files(folder), "--only", "WO-20261121-0001", "-o", out)
    assert result.code == 0, result
    pages = [squash(p.extract_text()) for p in pypdf.PdfReader(out).pages]
    assert len(pages) >= 2
    [survey] = [p for p in pages if "请问您对我们的服务是否满意" in p]
    assert "服务规范" in survey and "您的意见和建议" in survey


# ------------------------------------------------------------------------------ choosing, privacy
def test_choosing_by_engineer_team_and_dates(cli, tmp_path):
    out = tmp_path / "o.pdf"
    data = [EXAMPLES / "work_orders.yaml", EXAMPLES / "staff.yaml"]
    result = cli("work-orders", *data, "--engineer", "SZ10027", "-o", out)
    assert result.code == 0 and "2 work orders" in result.out
    result = cli("work-orders", *data, "--from", "2026-11-20", "--to", "2026-11-20", "-o", out)
    assert result.code == 0, result
    ids = re.findall(r"WO-\d{8}-\d{4}", text_of(out))
    assert ids and all(i.startswith("WO-20261120") for i in ids)
    result = cli("confirmations", *data, "--team", "园区装维一班", "-o", out)
    assert result.code == 0, result
    bad = cli("work-orders", *data, "--team", "园区一班", "--engineer", "SZ99999", "-o",
              tmp_path / "x.pdf")
    assert bad.code == 2 and "园区一班" in bad.err and "SZ99999" in bad.err
    assert "园区装维一班" in bad.err and not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("command", ["work-orders", "confirmations", "follow-ups"])
def test_mask_phones_hides_the_middle_and_the_account(cli, tmp_path, command):
    out = tmp_path / "o.pdf"
    result = cli(command, *data_files(), "--mask-phones", "-o", out, "--include-open"
                 if command == "follow-ups" else "--mask-phones")
    assert result.code == 0, result
    text = text_of(out)
    assert "139****5678" in text and "13912345678" not in text
    assert "0512-****1234" in text and "65551234" not in text
    assert "051262001234" not in text
    assert "13700001023" in text or command != "work-orders"   # the engineer's own phone stays
    docx_out = tmp_path / "o.docx"
    if command != "follow-ups":
        assert cli(command, *data_files(), "--mask-phones", "-o", docx_out).code == 0
        import zipfile
        with zipfile.ZipFile(docx_out) as z:
            xml = z.read("word/document.xml").decode()
        assert "139****5678" in xml and "13912345678" not in xml and "051262001234" not in xml


@pytest.mark.parametrize("note_lines", [3, 4, 5, 6])
def test_the_signatures_are_never_alone_on_a_page(cli, tmp_path, note_lines):
    """However the record grows, the signature block starts its page with the record's last
    row above it (PDF; Word keeps it with the record the same way)."""
    def grow(orders):
        orders[0]["note"] = "\n".join(["备注说明很长的一行。" * 6] * note_lines)
        orders[0]["customer"]["address"] = "苏州市" + "长地址" * 40
    folder = copy_data(tmp_path, grow)
    out = tmp_path / "o.pdf"
    result = cli("work-orders", *data_files(folder), "--only", "WO-20261121-0001", "-o", out)
    assert result.code == 0, result
    for page in pages_text(out):
        if "客户签字" in page:
            assert "完工时间" in page or "测速结果" in page
