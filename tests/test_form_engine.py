"""The form engine, step by step: layout files (validation with file:line), text breaking,
laying out pages (positions, page breaks, repeated headers) without drawing anything."""
from __future__ import annotations

import io
import textwrap
from pathlib import Path

import pytest

from generator.errors import UserError
from generator.fonts import font_set
from generator.form import Record, layout_record, load_form, render_pdf
from generator.form.ops import BOX, LINE, QR, BARS, TEXT
from generator.form.text import metrics

FONTS = font_set()


def write_layout(tmp_path: Path, body: str, name: str = "form.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


BASE = """\
name: 测试表
header:
  title: 测试表
  number: "{{ order.id }}"
  number_label: 工单号
blocks:
"""


def form(tmp_path: Path, blocks: str, extra: str = "") -> Path:
    """A layout file: the header above, these blocks (written at any indentation), extra keys."""
    text = BASE + textwrap.indent(textwrap.dedent(blocks), "  ") + textwrap.dedent(extra)
    path = tmp_path / "form.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def line_of(path: Path, marker: str) -> int:
    return next(i for i, line in enumerate(path.read_text("utf-8").splitlines(), 1)
                if marker in line)


def ctx(**order):
    o = {"id": "WO-1", "customer": {"name": "李女士", "address": "苏州"}, "materials": [],
         "cause": None}
    o.update(order)
    return {"order": o, "company": {"name": "公司"}, "engineer": {"name": "王建国"},
            "today": None, "blank": False}


def texts(page) -> list[str]:
    return [op[3] for op in page if op[0] == TEXT]


def lay(path: Path, context: dict, label: str = "work_orders WO-1"):
    return layout_record(load_form(path), Record(context, label), FONTS)


# ------------------------------------------------------------------------------ layout files
def test_unknown_key_is_reported_with_file_and_line(tmp_path):
    path = form(tmp_path, """\
      - type: fields
        fields:
          - {label: 姓名, value: "{{ order.customer.name }}", colour: red}
    """)
    with pytest.raises(UserError) as err:
        load_form(path)
    text = str(err.value)
    assert f"{path}:{line_of(path, 'colour')}" in text
    assert "unknown field 'colour'" in text and "known: label, value, span, and bold" in text


def test_unknown_block_type_and_bad_values_all_reported(tmp_path):
    path = form(tmp_path, """\
      - type: pictures
      - type: table
        rows: order.materials
        min_rows: -1
        columns: [{header: 材料, value: "{{ row.item }}"}]
    """, extra="""\
    style:
      accent: blue
    """)
    with pytest.raises(UserError) as err:
        load_form(path)
    problems = err.value.problems
    assert len(problems) == 3
    by_line = {p.location.line: p.message for p in problems}
    assert "unknown block type 'pictures'" in by_line[line_of(path, "pictures")]
    assert "use one of fields, table" in by_line[line_of(path, "pictures")]
    assert "min_rows" in str(problems) and line_of(path, "min_rows") in by_line
    assert "#1F3864" in by_line[line_of(path, "accent")]


def test_broken_expression_is_reported_where_it_is(tmp_path):
    path = form(tmp_path, """\
      - type: fields
        fields:
          - {label: 姓名, value: "{{ order.customer.name "}
    """)
    with pytest.raises(UserError) as err:
        load_form(path)
    assert f"{path}:{line_of(path, '姓名')}" in str(err.value)
    assert "cannot read the expression" in str(err.value)


def test_layout_cannot_reach_python_internals(tmp_path):
    path = form(tmp_path, """\
      - type: note
        text: "{{ ''.__class__.__mro__ }}"
    """)
    with pytest.raises(UserError) as err:
        lay(path, ctx())
    message = str(err.value)
    assert "refused by the sandbox" in message
    assert f"form.yaml:{line_of(path, '__mro__')}" in message and "work_orders WO-1" in message


def test_name_the_context_lacks_is_an_error_naming_it(tmp_path):
    path = form(tmp_path, """\
      - type: fields
        fields: [{label: 姓名, value: "{{ order.custmer.name }}"}]
    """)
    with pytest.raises(UserError) as err:
        lay(path, ctx())
    assert "custmer" in str(err.value)


def test_missing_values_print_as_nothing(tmp_path):
    path = form(tmp_path, """\
      - type: fields
        fields:
          - {label: 预约, value: "{{ order.appointment.start }}"}
          - {label: 备注, value: "{{ order.note }}"}
    """)
    doc = lay(path, ctx(appointment=None, note=None))
    assert "None" not in texts(doc.pages[0])


# ------------------------------------------------------------------------------ text breaking
def test_chinese_breaks_between_characters_and_keeps_punctuation_attached():
    m = metrics(FONTS.regular)
    text = "宽带频繁掉线，光猫灯红色闪烁，重启无效。"
    width = m.width("宽带频繁掉线", 10) + 0.1     # room for exactly six characters
    lines = m.wrap(text, width, 10)
    assert "".join(lines) == text
    assert all(not line.startswith(("，", "。")) for line in lines)
    assert all(m.width(line, 10) <= width + m.width("，", 10) for line in lines)


def test_latin_words_stay_whole_unless_longer_than_a_line():
    m = metrics(FONTS.regular)
    width = m.width("download speed", 10) + 0.1
    lines = m.wrap("download speed 512 Mbps upload", width, 10)
    assert lines[0] == "download speed"
    long = "x" * 200
    assert "".join(m.wrap(long, 30, 10)) == long


def test_controls_are_dropped_and_reported_glyphs_kept():
    m = metrics(FONTS.regular)
    cleaned, missing = m.clean("李\x07女士😀")
    assert cleaned == "李女士😀" and missing == ["\x07", "😀"]


# ------------------------------------------------------------------------------ pages
def table_layout(tmp_path, min_rows=5):
    return form(tmp_path, f"""\
      - type: fields
        title: 客户
        fields: [{{label: 姓名, value: "{{{{ order.customer.name }}}}"}}]
      - type: table
        title: 材料
        rows: order.materials
        as: m
        numbered: true
        min_rows: {min_rows}
        columns:
          - {{header: 使用材料, value: "{{{{ m.item }}}}"}}
          - {{header: 数量, value: "{{{{ m.qty }}}}", width: 20, align: right}}
      - type: signatures
        items: [{{label: 客户签字}}, {{label: 工程师签字}}]
    """)


def test_blank_rows_fill_the_table_to_min_rows(tmp_path):
    path = table_layout(tmp_path, min_rows=5)
    doc = lay(path, ctx(materials=[{"item": "光缆", "qty": "20"}]))
    page = doc.pages[0]
    assert len(doc.pages) == 1
    words = texts(page)
    assert words.count("1") == 1 and "2" not in words
    # the table's rows: header + 1 + 4 blank, each separated by a horizontal rule
    horizontal = {round(op[2], 2) for op in page if op[0] == LINE and op[2] == op[4]
                  and op[3] - op[1] > 100}
    assert len(horizontal) >= 7


def test_long_table_flows_to_a_second_page_with_its_header_repeated(tmp_path):
    path = table_layout(tmp_path)
    materials = [{"item": f"材料{i}", "qty": str(i)} for i in range(1, 61)]
    doc = lay(path, ctx(materials=materials))
    assert len(doc.pages) == 2
    first, second = (texts(p) for p in doc.pages)
    assert "第 1 页 / 共 2 页" in first and "第 2 页 / 共 2 页" in second
    assert second.count("使用材料") == 1 and second.count("数量") == 1
    assert "测试表（续）" in second and "工单号：WO-1" in second
    assert "材料60" in second and "材料1" in first
    # the repeated header comes before the first continued row
    assert second.index("使用材料") < second.index(next(t for t in second if t.startswith("材料")
                                                      and t != "使用材料"))
    # nothing is drawn below the body (the footer starts under it)
    bottom = 297 - 14
    assert all(op[2] <= bottom + 0.01 for op in doc.pages[0] if op[0] == TEXT
               and not op[3].startswith("第"))


def test_a_value_taller_than_a_page_is_split_between_its_lines(tmp_path):
    path = form(tmp_path, """\
      - type: fields
        fields: [{label: 地址, value: "{{ order.customer.address }}"}]
    """)
    address = "苏州市工业园区" + "很长的地址" * 800
    doc = lay(path, ctx(customer={"name": "x", "address": address}))
    assert len(doc.pages) >= 2
    printed = "".join(t for p in doc.pages for t in texts(p)
                      if t not in ("地址", "测试表", "工单号：WO-1", "测试表（续）")
                      and not t.startswith("第 "))
    assert printed == address
    for page in doc.pages:
        assert all(op[2] <= 297 - 14 + 0.01 for op in page if op[0] == TEXT
                   and not op[3].startswith("第 "))


def test_choice_ticks_the_option_the_data_names(tmp_path):
    path = form(tmp_path, """\
      - type: choice
        label: 故障原因
        options: cause
        selected: order.cause
    """)
    doc = lay(path, ctx(cause="third_party"))
    boxes = [op for op in doc.pages[0] if op[0] == BOX]
    assert [b[4] for b in boxes] == [False, True, False, False]
    blank = lay(path, ctx(cause=None))
    assert not any(op[4] for op in blank.pages[0] if op[0] == BOX)


def test_header_has_code128_and_qr_of_the_number(tmp_path):
    path = form(tmp_path, """\
      - type: note
        text: 说明
    """)
    page = lay(path, ctx()).pages[0]
    assert [op[4] for op in page if op[0] == QR] == ["WO-1"]
    assert len([op for op in page if op[0] == BARS]) == 1
    doc = lay(path, ctx(id="工单-1"))
    assert not [op for op in doc.pages[0] if op[0] == BARS]
    assert "Code 128" in str(doc.problems[0])


def test_glyphs_the_font_lacks_are_reported_per_record_and_field(tmp_path):
    path = form(tmp_path, """\
      - type: fields
        fields: [{label: 客户姓名, value: "{{ order.customer.name }}"}]
    """)
    doc = lay(path, ctx(customer={"name": "李女士😀"}), label="work_orders WO-9")
    [problem] = doc.unprintable
    text = str(problem)
    assert "work_orders WO-9" in text and "order.customer.name" in text and "客户姓名" in text
    assert "U+1F600" in text


def test_a_batch_with_unprintable_text_writes_nothing_and_lists_every_case(tmp_path):
    path = form(tmp_path, """\
      - type: fields
        fields: [{label: 客户姓名, value: "{{ order.customer.name }}"}]
    """)
    records = [Record(ctx(id=f"WO-{i}", customer={"name": name}), f"work_orders WO-{i}")
               for i, name in enumerate(["李女士", "王😀", "张\x07三", "赵六"])]
    target = tmp_path / "out.pdf"
    with pytest.raises(UserError) as err:
        render_pdf(load_form(path), records, target, FONTS)
    assert [p.path.split(":")[0] for p in err.value.problems] == ["work_orders WO-1",
                                                                  "work_orders WO-2"]
    assert not target.exists()
    result = render_pdf(load_form(path), records, target, FONTS, strict=False)
    assert target.exists() and len(result.problems) == 2 and result.pages == 4


def test_hostile_text_is_laid_out_as_typed(tmp_path):
    path = form(tmp_path, """\
      - type: fields
        fields: [{label: 客户姓名, value: "{{ order.customer.name }}"}]
    """)
    doc = lay(path, ctx(customer={"name": "<b>&{{ 7*7 }}</b>"}))
    assert "<b>&{{ 7*7 }}</b>" in texts(doc.pages[0])


def test_landscape_pages_and_groups_from_a_list(tmp_path):
    path = write_layout(tmp_path, """\
    name: 报表
    page: {size: A4, orientation: landscape}
    header: {title: 劳动防护用品报表, qr: false, barcode: false}
    blocks:
      - type: group
        for_each: groups
        as: g
        blocks:
          - type: table
            title: "{{ g.team }}"
            rows: g.items          # a key of the data, not dict.items
            columns:
              - {header: 编号, value: "{{ row.id }}", fill: "{{ row.colour }}"}
              - {header: 状态, value: "{{ row.status }}"}
    """)
    context = {"groups": [{"team": "一班", "items": [{"id": "H-1", "status": "到期",
                                                      "colour": "#F8D7DA"}]},
                          {"team": "二班", "items": [{"id": "H-2", "status": "正常",
                                                      "colour": ""}]}]}
    layout = load_form(path)
    assert layout.page.size_mm == (297.0, 210.0)
    doc = layout_record(layout, Record(context), FONTS)
    words = texts(doc.pages[0])
    assert words.index("一班") < words.index("H-1") < words.index("二班") < words.index("H-2")
    fills = [op for op in doc.pages[0] if op[0] == "rect" and op[5] == "#F8D7DA"]
    assert len(fills) == 1


def test_when_skips_a_block(tmp_path):
    path = form(tmp_path, """\
      - type: note
        when: "order.cause == 'ours'"
        text: 我方原因
      - type: note
        text: 总是
    """)
    assert "我方原因" not in texts(lay(path, ctx(cause=None)).pages[0])
    assert "我方原因" in texts(lay(path, ctx(cause="ours")).pages[0])


def test_chunks_are_joined_into_one_pdf_in_order(tmp_path):
    import pypdf
    path = table_layout(tmp_path)
    records = [Record(ctx(id=f"WO-{i}")) for i in range(7)]
    out = io.BytesIO()
    result = render_pdf(load_form(path), records, out, FONTS, chunk_pages=3)
    reader = pypdf.PdfReader(io.BytesIO(out.getvalue()))
    assert result.pages == len(reader.pages) == 7
    assert [f"工单号：WO-{i}" in p.extract_text() for i, p in enumerate(reader.pages)] == [True] * 7
    again = io.BytesIO()
    render_pdf(load_form(path), records, again, FONTS, chunk_pages=3)
    assert again.getvalue() == out.getvalue()


def test_pages_compressed_early_give_reportlabs_own_bytes(tmp_path, monkeypatch):
    """render_pdf compresses each page as soon as it is finished (memory); the file must be
    byte for byte what reportlab writes when it compresses at save time."""
    import generator.form as engine
    path = table_layout(tmp_path)
    records = [Record(ctx(id=f"WO-{i}", materials=[{"item": "光缆", "qty": str(i)}]))
               for i in range(3)]
    early = io.BytesIO()
    render_pdf(load_form(path), records, early, FONTS)
    monkeypatch.setattr(engine, "_compress_last_page", lambda canvas: None)
    late = io.BytesIO()
    render_pdf(load_form(path), records, late, FONTS)
    assert early.getvalue() == late.getvalue()


@pytest.mark.parametrize("size", ["A7", "[210]", "[210, -3]", "letter"])
def test_a_wrong_page_size_is_said_once_with_what_to_write(tmp_path, size):
    """A value that fits neither form of the page size (a name, or [width, height]) was said
    twice, once per form, under pydantic's names (page.size.literal['A3',...], page.size.tuple[
    constrained-float, ...]): now once, naming the allowed values."""
    path = form(tmp_path, """\
      - type: note
        text: x
    """, extra=f"page:\n  size: {size}\n")
    with pytest.raises(UserError) as err:
        load_form(path)
    [problem] = err.value.problems
    assert problem.location.line == line_of(path, "size:")
    assert problem.path.endswith("page.size"), problem.path
    assert problem.message.endswith("is not a page size: write one of A3, A4, A5, A6, B5, or "
                                    "the width and height in mm, e.g. [210, 297]"), problem


def test_a_page_size_in_lower_case_is_fine(tmp_path):
    path = form(tmp_path, "- type: note\n  text: x\n", extra="page:\n  size: a5\n")
    assert load_form(path).page.size_mm == (148.0, 210.0)


def test_a_value_that_fits_no_form_of_a_union_is_said_once(tmp_path):
    """The kind, not only the page size: a choice block's options are a list name or a list
    of options; a wrong one is one problem, naming the allowed names."""
    path = form(tmp_path, """\
      - type: choice
        label: 原因
        selected: order.cause
        options: causes
    """)
    with pytest.raises(UserError) as err:
        load_form(path)
    [problem] = err.value.problems
    assert problem.path.endswith("blocks[1].options"), problem.path
    assert "'causes' is not allowed here; use one of 'kind', 'service', 'cause' or 'rating'" \
        in problem.message
