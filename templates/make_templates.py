"""Builds the built-in Word templates: templates/work_order.docx and templates/confirmation.docx.

    python templates/make_templates.py

They are docxtpl templates (Jinja2 inside Word): {{ order.customer.name }} prints a value,
{%tr for m in order.materials %} repeats a table row. The context is the same as the PDF
forms' (see generator/orders.py). Edit the .docx files in Word if you like; this script is
how they were made, so a change here and a re-run rebuilds them from scratch.

Chinese text is set in an East-Asian font through the styles (w:eastAsia), so Word never
falls back to a Latin font for hanzi. The output is deterministic (fixed dates in the
document properties and the zip).
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT, WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
EAST_ASIAN = "微软雅黑"          # Microsoft YaHei: on every Windows since Vista and in Office for Mac
LATIN = "Microsoft YaHei"
ACCENT = RGBColor(0x1F, 0x38, 0x64)
MUTED = RGBColor(0x5F, 0x66, 0x70)
LABEL_FILL = "EDF1F7"
BAND_FILL = "E6ECF5"
FIXED_DATE = "2026-01-01T00:00:00Z"


# ------------------------------------------------------------------------------ helpers
def set_fonts(element_rpr, size: float | None = None) -> None:
    """rFonts with an East-Asian font, and the zh-CN language, on a run-properties element."""
    fonts = element_rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        element_rpr.insert(0, fonts)
    for attr in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attr), LATIN)
    fonts.set(qn("w:eastAsia"), EAST_ASIAN)
    # characters shared by both scripts (□ ☑ “ ” …) are drawn with the East-Asian font
    fonts.set(qn("w:hint"), "eastAsia")
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(attr)) is not None:
            del fonts.attrib[qn(attr)]
    lang = element_rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        element_rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def setup_styles(doc) -> None:
    styles = doc.styles
    # document defaults: every run, in every style, starts from these fonts
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    set_fonts(rpr_default.find(qn("w:rPr")))
    normal = styles["Normal"]
    normal.font.size = Pt(10)
    normal.font.name = LATIN
    set_fonts(normal.element.get_or_add_rPr())
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    normal.paragraph_format.line_spacing = 1.15
    for name, size, colour in (("Title", 20, ACCENT), ("Heading 2", 11, ACCENT),
                               ("Header", 8, MUTED), ("Footer", 8, MUTED)):
        style = styles[name]
        style.font.size = Pt(size)
        style.font.color.rgb = colour
        style.font.name = LATIN
        set_fonts(style.element.get_or_add_rPr())
        if name in ("Title", "Heading 2"):
            style.font.bold = True
            style.font.italic = False
    title = styles["Title"]
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    title.paragraph_format.space_after = Pt(2)
    # the Title style of python-docx's default template draws a rule under it: remove it
    ppr = title.element.get_or_add_pPr()
    border = ppr.find(qn("w:pBdr"))
    if border is not None:
        ppr.remove(border)
    spacing = OxmlElement("w:spacing")   # letter-spacing of the title: 4 pt (in 1/20 pt)
    spacing.set(qn("w:val"), "80")
    title.element.get_or_add_rPr().append(spacing)
    h2 = styles["Heading 2"]
    h2.paragraph_format.space_before = Pt(7)
    h2.paragraph_format.space_after = Pt(2)
    h2.paragraph_format.keep_with_next = True
    shade(h2.element.get_or_add_pPr(), BAND_FILL)


def shade(ppr_or_tcpr, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    ppr_or_tcpr.append(shd)


def page_setup(doc) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Mm(15)
    section.top_margin = Mm(10)
    section.bottom_margin = Mm(12)
    section.header_distance = Mm(6)
    section.footer_distance = Mm(6)


def para(container, text: str = "", *, style: str | None = None, bold: bool = False,
         size: float | None = None, colour: RGBColor | None = None,
         align: str | None = None):
    p = container.add_paragraph(style=style)
    if text:
        run = p.add_run(text)
        run.bold = bold or None
        if size:
            run.font.size = Pt(size)
        if colour is not None:
            run.font.color.rgb = colour
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return p


def table(doc, widths_mm: list[float]):
    t = doc.add_table(rows=0, cols=len(widths_mm))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for i, w in enumerate(widths_mm):
        t.columns[i].width = Mm(w)
    return t


def cell_text(cell, text: str, *, label: bool = False, align: str | None = None,
              size: float | None = None):
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    run = p.add_run(text)
    run.font.size = Pt(size or 9.5)
    if label:
        run.bold = True
        shade(cell._tc.get_or_add_tcPr(), LABEL_FILL)
    if size:
        run.font.size = Pt(size)
    if align == "center":
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif align == "right":
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return cell


BOX, TICKED = "☐", "☑"          # a matching pair (BALLOT BOX, BALLOT BOX WITH CHECK)
SYMBOLS = "Segoe UI Symbol"     # has both on Windows; elsewhere Word/LibreOffice fall back alike


def box_run(paragraph, box: str, label: str) -> None:
    """A checkbox and its label; the box in a symbol font, so ticked and empty boxes match."""
    run = paragraph.add_run(box)
    run.font.size = Pt(10.5)
    rpr = run._r.get_or_add_rPr()
    fonts = OxmlElement("w:rFonts")
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), SYMBOLS)
    rpr.insert(0, fonts)
    run = paragraph.add_run(f" {label}　　")
    run.font.size = Pt(9.5)


def boxes(cell, lines: list[list[tuple[str, str]]]) -> None:
    """Lines of (box, label) in a cell; box is □ or a Jinja expression giving ☑/□."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = cell.paragraphs[0]
    for i, line in enumerate(lines):
        if i:
            p.add_run().add_break(WD_BREAK.LINE)
        for box, label in line:
            box_run(p, box, label)


def row(t, widths_mm, cells: list[tuple], height_mm: float = 7.5):
    """cells: (text, kind, span) with kind 'label' or 'value'."""
    r = t.add_row()
    r.height = Mm(height_mm)
    i = 0
    for text, kind, span in cells:
        cell = r.cells[i]
        if span > 1:
            cell = cell.merge(r.cells[i + span - 1])
        cell_text(cell, text, label=(kind == "label"),
                  align="center" if kind == "center" else None)
        i += span
    for j, w in enumerate(widths_mm):
        r.cells[j].width = Mm(w)
    return r


def repeat_header(table_row) -> None:
    trpr = table_row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    trpr.append(el)


def heading(doc, text: str) -> None:
    doc.add_paragraph(text, style="Heading 2")


def header_block(doc, title: str, subtitle: str) -> None:
    para(doc, "{{ company.name }}", size=9, colour=MUTED, align="center")
    doc.add_paragraph(title, style="Title")
    para(doc, subtitle, size=10, align="center")
    p = para(doc, "工单号：{{ order.id }}", bold=True, size=10, align="right")
    p.paragraph_format.space_after = Pt(2)


def footer(doc, text: str) -> None:
    f = doc.sections[0].footer
    p = f.paragraphs[0]
    p.text = text
    p.style = doc.styles["Footer"]


def signatures(doc, with_time: bool, customer_hint: str = "") -> None:
    t = table(doc, [90, 90])
    when = "日期：　　　年　　月　　日" + ("　　时　　分" if with_time else "")
    r = t.add_row()
    r.height = Mm(20)
    left, right = r.cells
    for cell, label, name in ((left, "客户签字：", customer_hint),
                              (right, "装维工程师签字：",
                               "{% if engineer.name %}{{ engineer.name }}（工号 {{ engineer.id }}）{% endif %}")):
        cell.width = Mm(90)
        p = cell.paragraphs[0]
        p.add_run(label).bold = True
        p.paragraph_format.space_before = Pt(6)
        if name:
            q = cell.add_paragraph()
            run = q.add_run(name)
            run.font.size = Pt(8)
            run.font.color.rgb = MUTED
            q.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        else:
            cell.add_paragraph()
        cell.add_paragraph(when).paragraph_format.space_after = Pt(4)


def fixed_properties(doc, title: str) -> None:
    import datetime as dt
    props = doc.core_properties
    props.author = "fieldprint"
    props.last_modified_by = "fieldprint"
    props.title = title
    props.comments = "docxtpl template built by templates/make_templates.py"
    when = dt.datetime(2026, 1, 1)
    props.created = when
    props.modified = when
    props.revision = 1


def save_deterministic(doc, path: Path) -> None:
    buffer = io.BytesIO()
    doc.save(buffer)
    with zipfile.ZipFile(buffer) as zin, zipfile.ZipFile(path, "w") as zout:
        for info in sorted(zin.infolist(), key=lambda i: (i.filename != "[Content_Types].xml",
                                                          i.filename)):
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(fixed, zin.read(info.filename))


def slim(doc) -> None:
    """Drop what python-docx's default template carries and a form does not need: the
    thumbnail, stylesWithEffects.xml (Word 2010 extras) and customXml; parts nothing refers
    to are not written."""
    drop = ("thumbnail", "stylesWithEffects", "customXml")
    for rels in (doc.part.package.rels, doc.part.rels):
        for rid, rel in list(rels.items()):
            if any(word in rel.reltype for word in drop):
                del rels[rid]


def new_document(title: str):
    doc = Document()
    slim(doc)
    page_setup(doc)
    setup_styles(doc)
    fixed_properties(doc, title)
    # python-docx's default template starts with one empty paragraph: drop it
    body = doc.element.body
    for p in list(body.iterchildren(qn("w:p"))):
        body.remove(p)
    return doc


# ------------------------------------------------------------------------------ work order
def work_order() -> None:
    doc = new_document("装维工单")
    header_block(doc, "装维工单",
                 "{{ order.kind_label }}{% if order.service_label %} · {{ order.service_label }}{% endif %}")

    heading(doc, "一、客户与工单")
    w = [22, 38, 22, 38, 22, 38]
    t = table(doc, w)
    row(t, w, [("工单类型", "label", 1), ("{{ order.kind_label }}", "value", 1),
               ("业务类型", "label", 1), ("{{ order.service_label }}", "value", 1),
               ("受理时间", "label", 1), ("{{ order.received_text }}", "value", 1)])
    row(t, w, [("客户姓名", "label", 1), ("{{ order.customer.name }}", "value", 1),
               ("联系电话", "label", 1), ("{{ order.customer.phone }}", "value", 1),
               ("业务账号", "label", 1), ("{{ order.customer.account }}", "value", 1)])
    for label, value in (("装机地址", "{{ order.customer.address }}"),
                         ("预约时间", "{{ order.appointment_text }}"),
                         ("故障现象", "{{ order.fault }}"),
                         ("客户准备", "{{ order.prepare }}")):
        row(t, w, [(label, "label", 1), (value, "value", 5)])
    row(t, w, [("{%tr if order.note %}", "value", 6)])
    row(t, w, [("备注", "label", 1), ("{{ order.note }}", "value", 5)])
    row(t, w, [("{%tr endif %}", "value", 6)])

    heading(doc, "二、派单与服务时限")
    t = table(doc, w)
    row(t, w, [("装维工程师", "label", 1), ("{{ engineer.name }}", "value", 1),
               ("工号", "label", 1), ("{{ engineer.id }}", "value", 1),
               ("手机", "label", 1), ("{{ engineer.phone }}", "value", 1)])
    d = "order.deadlines."
    row(t, w, [("首次回复", "label", 1),
               (f"{{% if {d}first_reply_text %}}{{{{ {d}first_reply_text }}}} 前{{% endif %}}", "value", 1),
               ("电话预约", "label", 1), (f"{{{{ {d}call_text }}}}", "value", 1),
               ("到达现场", "label", 1),
               (f"{{% if {d}arrive_text %}}{{{{ {d}arrive_text }}}} 前{{% endif %}}", "value", 1)])
    row(t, w, [("改约通知", "label", 1),
               (f"{{% if {d}change_notice_text %}}{{{{ {d}change_notice_text }}}} 前{{% endif %}}", "value", 1),
               ("资料录入", "label", 1),
               (f"{{% if {d}records_text %}}{{{{ {d}records_text }}}} 前{{% endif %}}", "value", 1),
               ("物品赔偿", "label", 1), ("损坏物品 48 小时内", "value", 1)])
    note = para(doc, "时限要求：受理后 8 小时内首次回复客户；上门前 10–15 分钟电话预约，提前 5 分钟到达；"
                     "如需改约，至少提前 2 小时告知客户；完工后 5 个工作日内录入装维资料（按国家法定工作日计）；"
                     "损坏客户物品，48 小时内赔偿。", size=8, colour=MUTED)
    note.paragraph_format.space_before = Pt(2)

    heading(doc, "三、出发前检查（四统一、四携带）")
    w2 = [22, 158]
    t = table(doc, w2)
    for label, items in (("四统一", ["统一着装", "统一工具包", "佩戴工号牌", "佩戴安全帽"]),
                         ("四携带", ["鞋套", "垫布、抹布", "服务卡", "宣传资料"])):
        r = row(t, w2, [(label, "label", 1), ("", "value", 1)])
        boxes(r.cells[1], [[(BOX, item) for item in items]])

    heading(doc, "四、现场记录")
    t = table(doc, w2)
    r = row(t, w2, [("现场核实", "label", 1), ("", "value", 1)])
    boxes(r.cells[1], [[(BOX, i) for i in ("核对客户身份", "勘察线路", "测速 / Wi-Fi 演示",
                                           "清理现场、恢复原状")]])
    row(t, w2, [("处理过程", "label", 1), ("{{ order.work_done }}", "value", 1)], height_mm=14)
    para(doc, "", size=4)
    wm = [12, 78, 22, 20, 48]
    t = table(doc, wm)
    row(t, wm, [("序号", "label", 1), ("使用材料", "label", 1), ("数量", "label", 1),
                ("单位", "label", 1), ("备注", "label", 1)])
    for r in t.rows[0].cells:
        r.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    repeat_header(t.rows[0])             # a long list continues with its header on page 2
    # docxtpl: a row whose first cell holds {%tr ... %} is replaced by the tag
    row(t, wm, [("{%tr for m in order.materials %}", "value", 5)])
    r = row(t, wm, [("{{ loop.index }}", "center", 1), ("{{ m.item }}", "value", 1),
                    ("{{ m.qty }}", "value", 1), ("{{ m.unit }}", "center", 1),
                    ("{{ m.note }}", "value", 1)])
    r.cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    row(t, wm, [("{%tr endfor %}", "value", 5)])
    row(t, wm, [("{%tr for i in range(4 - order.materials|length) %}", "value", 5)])
    row(t, wm, [("", "value", 1)] * 5)
    row(t, wm, [("{%tr endfor %}", "value", 5)])
    para(doc, "", size=4)
    w4 = [22, 68, 22, 68]
    t = table(doc, w4)
    row(t, w4, [("测速结果", "label", 1), ("{{ order.speed_test }}", "value", 1),
                ("完工时间", "label", 1), ("{{ order.completed_text }}", "value", 1)])
    row(t, w4, [("资源变更", "label", 1), ("", "value", 3)], height_mm=10)

    para(doc, "", size=6)
    signatures(doc, with_time=True, customer_hint="签字即确认已核对工单信息、服务已完成")
    footer(doc, "{{ company.name }}　服务热线 {{ company.hotline }}"
                "{% if company.complaint_phone %}　投诉电话 {{ company.complaint_phone }}{% endif %}")
    save_deterministic(doc, HERE / "work_order.docx")


# ------------------------------------------------------------------------------ confirmation
def tick(expr: str) -> str:
    return f"{{% if {expr} %}}{TICKED}{{% else %}}{BOX}{{% endif %}}"


def confirmation() -> None:
    doc = new_document("服务确认书")
    header_block(doc, "服务确认书",
                 "{% if order.kind == 'repair' %}{{ order.service_label }}故障处理"
                 "{% elif order.kind %}{{ order.service_label }}{{ order.kind_label }}{% endif %}服务确认")

    heading(doc, "一、服务信息")
    w = [22, 38, 22, 38, 22, 38]
    t = table(doc, w)
    row(t, w, [("客户姓名", "label", 1), ("{{ order.customer.name }}", "value", 1),
               ("联系电话", "label", 1), ("{{ order.customer.phone }}", "value", 1),
               ("业务账号", "label", 1), ("{{ order.customer.account }}", "value", 1)])
    row(t, w, [("服务地址", "label", 1), ("{{ order.customer.address }}", "value", 5)])
    row(t, w, [("服务类型", "label", 1), ("{{ order.service_label }}{{ order.kind_label }}", "value", 1),
               ("上门时间", "label", 1), ("{{ order.appointment_text }}", "value", 3)])
    row(t, w, [("装维工程师", "label", 1), ("{{ engineer.name }}", "value", 1),
               ("工号", "label", 1), ("{{ engineer.id }}", "value", 1),
               ("完工时间", "label", 1), ("{{ order.completed_text }}", "value", 1)])

    heading(doc, "二、处理情况")
    w2 = [22, 158]
    t = table(doc, w2)
    row(t, w2, [("{% if order.kind == 'repair' %}故障现象{% else %}服务内容{% endif %}", "label", 1),
                ("{{ order.fault }}", "value", 1)], height_mm=9)
    row(t, w2, [("处理结果", "label", 1), ("{{ order.work_done }}", "value", 1)], height_mm=14)
    row(t, w2, [("测速 / 演示", "label", 1), ("{{ order.speed_test }}", "value", 1)])
    causes = [("ours", "我方原因（局端）"), ("third_party", "第三方原因（如物业、停电）"),
              ("customer", "用户方原因（如自行改线、路由器）"), ("unknown", "原因不明 / 正在调查")]
    r = row(t, w2, [("故障原因", "label", 1), ("", "value", 1)], height_mm=12)
    boxes(r.cells[1], [[(tick(f"order.cause == '{c}'"), label) for c, label in causes[:2]],
                       [(tick(f"order.cause == '{c}'"), label) for c, label in causes[2:]]])

    heading(doc, "三、服务评价（请您填写）")
    ratings = [("very_satisfied", "非常满意"), ("satisfied", "满意"), ("neutral", "一般"),
               ("dissatisfied", "不满意")]
    t = table(doc, w2)
    r = row(t, w2, [("满意度", "label", 1), ("", "value", 1)])
    boxes(r.cells[1], [[(tick(f"order.rating == '{c}'"), label) for c, label in ratings]])
    r = row(t, w2, [("服务规范", "label", 1), ("", "value", 1)], height_mm=12)
    boxes(r.cells[1], [[(BOX, "工程师出示工号牌，按约定时间上门"), (BOX, "穿戴鞋套、铺设垫布，文明施工")],
                       [(BOX, "当面测试，演示使用方法"), (BOX, "清理现场，恢复原状，留下服务卡")]])
    r = row(t, w2, [("意见和建议", "label", 1), ("", "value", 1)], height_mm=30)
    r.cells[1].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP

    para(doc, "", size=6)
    signatures(doc, with_time=False)

    heading(doc, "我们的服务承诺")
    para(doc, "{{ company.service_promise }}", size=8.5)
    p = para(doc, "免费客服热线 {{ company.hotline }}"
                  "{% if company.consult_phone and company.consult_phone != company.hotline %}"
                  "　咨询电话 {{ company.consult_phone }}{% endif %}"
                  "{% if company.complaint_phone %}　投诉电话 {{ company.complaint_phone }}{% endif %}"
                  "　感谢您对我们工作的支持！", size=9, align="center")
    p.paragraph_format.space_before = Pt(6)
    footer(doc, "{{ company.name }}{% if company.address %}　{{ company.address }}{% endif %}")
    save_deterministic(doc, HERE / "confirmation.docx")


if __name__ == "__main__":
    work_order()
    confirmation()
    print("wrote", HERE / "work_order.docx", "and", HERE / "confirmation.docx")
