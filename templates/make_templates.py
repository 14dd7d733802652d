"""Builds the built-in Word templates: templates/work_order.docx, confirmation.docx and
follow_up.docx.

    python templates/make_templates.py

They are docxtpl templates (Jinja2 inside Word): {{ order.customer.name }} prints a value,
{%tr for m in order.materials %} repeats a table row. The context is the same as the PDF
forms' (see generator/orders.py). Edit the .docx files in Word if you like; this script is
how they were made, so a change here and a re-run rebuilds them from scratch.

Chinese text is set in an East-Asian font through the styles (w:eastAsia), so Word never
falls back to a Latin font for hanzi. The output is deterministic (fixed dates in the
document properties and the zip).

Every page carries the form's title, the order number with its Code 128 and QR code (in the
page header: two pictures whose alt text is `fieldprint:code128` / `fieldprint:qr`, which
fieldprint replaces with each order's codes) and 第 x 页 / 共 y 页 counted per order (PAGE and
SECTIONPAGES fields; each order is its own section, numbered from 1). The body of one order is
sized to fit one A4 page in Word and in LibreOffice with a CJK font; the signature rows never
split and stay with the record above them.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT, WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT
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
    h2.paragraph_format.space_before = Pt(4)
    h2.paragraph_format.space_after = Pt(1)
    h2.paragraph_format.keep_with_next = True
    shade(h2.element.get_or_add_pPr(), BAND_FILL)


def shade(ppr_or_tcpr, fill: str) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    ppr_or_tcpr.append(shd)


def page_setup(doc, size: tuple[float, float] = (210, 297), top: float = 31,
               side: float = 15, bottom: float = 14, header: float = 6) -> None:
    """Page size and margins in mm; `top` leaves room for the page header (title, number,
    codes) that starts `header` mm from the top edge. Page numbers restart at 1 in each
    section (fieldprint makes each order a section of a combined document)."""
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(size[0]), Mm(size[1])
    section.left_margin = section.right_margin = Mm(side)
    section.top_margin = Mm(top)
    section.bottom_margin = Mm(bottom)
    section.header_distance = Mm(header)
    section.footer_distance = Mm(6)
    sect = section._sectPr
    numbering = OxmlElement("w:pgNumType")
    numbering.set(qn("w:start"), "1")
    cols = sect.find(qn("w:cols"))
    if cols is not None:
        cols.addprevious(numbering)
    else:
        sect.append(numbering)


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
    run.font.size = Pt(size or 9)
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


def row(t, widths_mm, cells: list[tuple], height_mm: float = 7):
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


def page_header(doc, title: str, subtitle: str, width_mm: float, qr_mm: float = 20,
                bars_mm: tuple[float, float] = (38, 8), number_pt: float = 8) -> None:
    """The page header of every page: the order number as Code 128 and text at the left, the
    company, title and subtitle in the middle, the QR code at the right, a rule under it."""
    import sys
    sys.path.insert(0, str(HERE.parent))
    from generator.docx.codes import code128_png, qr_png   # sample codes, replaced per order
    header = doc.sections[0].header
    header.is_linked_to_previous = False
    side = max(bars_mm[0] + 12, qr_mm + 2)     # room for the number in a wide Latin font
    widths = [side, width_mm - 2 * side, side]
    t = header.add_table(rows=1, cols=3, width=Mm(width_mm))
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for i, w in enumerate(widths):
        t.columns[i].width = Mm(w)
        t.rows[0].cells[i].width = Mm(w)
    left, middle, right = t.rows[0].cells
    for cell in (left, middle, right):
        cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
    p = left.paragraphs[0]
    picture(p, code128_png("FIELDPRINT"), bars_mm, "fieldprint:code128")
    q = left.add_paragraph()
    run = q.add_run("{% if order.id %}工单号：{{ order.id }}{% else %}工单号：＿＿＿＿＿＿＿＿{% endif %}")
    run.font.size = Pt(number_pt)
    run.bold = True
    p = middle.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run("{{ company.name }}")
    run.font.size = Pt(8)
    run.font.color.rgb = MUTED
    p = middle.add_paragraph(title, style="Title")
    p.paragraph_format.space_after = Pt(0)
    p = middle.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = p.add_run(subtitle)
    run.font.size = Pt(9)
    p = right.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    picture(p, qr_png("FIELDPRINT"), (qr_mm, qr_mm), "fieldprint:qr")
    no_borders(t)
    rule = header.paragraphs[0]          # python-docx's header starts with one paragraph
    t._tbl.addnext(rule._p)              # the rule goes under the table
    bottom_border(rule)
    rule.paragraph_format.space_after = Pt(0)
    for r in rule.runs:
        r.font.size = Pt(2)


def picture(paragraph, png: bytes, size_mm: tuple[float, float], marker: str) -> None:
    """A picture of `size_mm` whose alt text (descr) is `marker`."""
    run = paragraph.add_run()
    run.add_picture(io.BytesIO(png), width=Mm(size_mm[0]), height=Mm(size_mm[1]))
    doc_pr = run._r.xpath(".//wp:docPr")[0]
    doc_pr.set("descr", marker)
    doc_pr.set("name", marker)


def no_borders(t) -> None:
    tbl_pr = t._tbl.tblPr
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        el = OxmlElement(f"w:{edge}")
        el.set(qn("w:val"), "nil")
        borders.append(el)
    tbl_pr.append(borders)


def bottom_border(paragraph) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    border = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for k, v in (("w:val", "double"), ("w:sz", "6"), ("w:space", "1"), ("w:color", "1F3864")):
        bottom.set(qn(k), v)
    border.append(bottom)
    ppr.append(border)


def field_run(paragraph, instruction: str, shown: str) -> None:
    """A Word field (PAGE, SECTIONPAGES) showing `shown` until Word updates it."""
    def add(kind=None, text=None, instr=None):
        r = paragraph.add_run()
        r.font.size = Pt(8)
        if kind:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            r._r.append(fld)
        if instr:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = instr
            r._r.append(el)
        if text:
            r.text = text
    add("begin")
    add(instr=f" {instruction} ")
    add("separate")
    add(text=shown)
    add("end")


def page_footer(doc, text: str, width_mm: float) -> None:
    """The footer: the company's line at the left, 第 x 页 / 共 y 页 of this order at the right."""
    f = doc.sections[0].footer
    f.is_linked_to_previous = False
    p = f.paragraphs[0]
    p.style = doc.styles["Footer"]
    p.paragraph_format.tab_stops.add_tab_stop(Mm(width_mm), WD_TAB_ALIGNMENT.RIGHT)
    run = p.add_run(text)
    run.font.size = Pt(8)
    p.add_run("\t第 ").font.size = Pt(8)
    field_run(p, "PAGE", "1")
    p.add_run(" 页 / 共 ").font.size = Pt(8)
    field_run(p, "SECTIONPAGES", "1")
    p.add_run(" 页").font.size = Pt(8)


def keep_rows_whole(t) -> None:
    """No row of `t` is split across pages."""
    for r in t.rows:
        trpr = r._tr.get_or_add_trPr()
        trpr.append(OxmlElement("w:cantSplit"))


def keep_with_next(t) -> None:
    """Every paragraph of `t` stays on the page of what follows (a table kept together)."""
    for r in t.rows:
        for c in r.cells:
            for p in c.paragraphs:
                p.paragraph_format.keep_with_next = True


def heading(doc, text: str) -> None:
    doc.add_paragraph(text, style="Heading 2")


def end_paragraph(doc) -> None:
    """A document ends with a paragraph; this one is 1 pt high, so it never makes a page."""
    p = doc.add_paragraph()
    p.paragraph_format.space_before = Pt(0)
    p.paragraph_format.space_after = Pt(0)
    p.paragraph_format.line_spacing = Pt(1)
    rpr = p._p.get_or_add_pPr()
    run_props = OxmlElement("w:rPr")
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "2")
    run_props.append(size)
    rpr.append(run_props)


def signatures(doc, items: list[tuple[str, str]], with_time: bool, width_mm: float = 180,
               height_mm: float = 20) -> None:
    """Side-by-side signature boxes: (label, the name printed under the line)."""
    w = width_mm / len(items)
    t = table(doc, [w] * len(items))
    when = "日期：　　　年　　月　　日" + ("　　时　　分" if with_time else "")
    r = t.add_row()
    r.height = Mm(height_mm)
    for cell, (label, name) in zip(r.cells, items):
        cell.width = Mm(w)
        p = cell.paragraphs[0]
        p.add_run(label).bold = True
        p.paragraph_format.space_before = Pt(4)
        q = cell.add_paragraph()
        if name:
            run = q.add_run(name)
            run.font.size = Pt(8)
            run.font.color.rgb = MUTED
            q.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        cell.add_paragraph(when).paragraph_format.space_after = Pt(3)
    keep_rows_whole(t)


ENGINEER = ("{% if engineer.name %}{{ engineer.name }}"
            "{% if engineer.name_ug %} {{ engineer.name_ug }}{% endif %}"   # a Uyghur name too
            "{% elif not order.assigned %}待派单{% endif %}")
ENGINEER_SIGNED = ("{% if engineer.name %}{{ engineer.name }}（工号 {{ engineer.id }}）"
                   "{% endif %}")


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


def new_document(title: str, size=(210, 297), **margins):
    doc = Document()
    slim(doc)
    page_setup(doc, size, **margins)
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
    page_header(doc, "装维工单",
                "{{ order.kind_label }}{% if order.service_label %} · {{ order.service_label }}{% endif %}",
                180)

    heading(doc, "一、客户与工单")
    w = [22, 38, 22, 38, 22, 38]
    t = table(doc, w)
    row(t, w, [("工单类型", "label", 1),
               ("{% if blank %}☐装机 ☐移机 ☐修障{% else %}{{ order.kind_label }}{% endif %}", "value", 1),
               ("业务类型", "label", 1),
               ("{% if blank %}☐宽带 ☐固话 ☐IPTV ☐FTTR ☐其他{% else %}{{ order.service_label }}{% endif %}", "value", 1),
               ("接单时间", "label", 1), ("{{ order.received_text }}", "value", 1)])
    row(t, w, [("客户姓名", "label", 1), ("{{ order.customer.name }}", "value", 1),
               ("联系电话", "label", 1), ("{{ order.customer.phone }}", "value", 1),
               ("业务账号", "label", 1), ("{{ order.customer.account }}", "value", 1)])
    for label, value in (("{{ order.address_label }}", "{{ order.customer.address }}"),
                         ("预约时间", "{{ order.appointment_text }}"),
                         ("{% if order.kind == 'repair' %}故障现象{% elif blank %}故障/需求{% else %}业务需求{% endif %}",
                          "{{ order.fault }}"),
                         ("客户准备", "{{ order.prepare }}")):
        row(t, w, [(label, "label", 1), (value, "value", 5)])
    row(t, w, [("{%tr if order.note %}", "value", 6)])
    row(t, w, [("备注", "label", 1), ("{{ order.note }}", "value", 5)])
    row(t, w, [("{%tr endif %}", "value", 6)])

    heading(doc, "二、派单与服务时限")
    t = table(doc, w)
    row(t, w, [("装维工程师", "label", 1), (ENGINEER, "value", 1),
               ("工号", "label", 1), ("{{ engineer.id }}", "value", 1),
               ("手机", "label", 1), ("{{ engineer.phone }}", "value", 1)])
    d = "order.deadlines."

    def before(name: str) -> str:
        return f"{{% if {d}{name} %}}{{{{ {d}{name} }}}} 前{{% endif %}}"
    records = (before("records_text") + f"{{% if {d}records_mark %}}（{{{{ {d}records_mark }}}}）"
                                        "{% endif %}")
    # 装移机: the 10-15 minute call; 修障: first reply in 8 hours, cut-over hand-over in 4
    row(t, w, [("{%tr if not blank and order.kind != 'repair' %}", "value", 6)])
    row(t, w, [("电话预约", "label", 1), (f"{{{{ {d}call_text }}}}", "value", 1),
               ("到达现场", "label", 1), (before("arrive_text"), "value", 1),
               ("改约通知", "label", 1), (before("change_notice_text"), "value", 1)])
    row(t, w, [("资料录入", "label", 1), (records, "value", 3),
               ("物品赔偿", "label", 1), ("损坏客户物品 48 小时内", "value", 1)])
    row(t, w, [("{%tr elif not blank %}", "value", 6)])
    row(t, w, [("首次回复", "label", 1), (before("first_reply_text"), "value", 1),
               ("割接转派", "label", 1), (before("cutover_text"), "value", 1),
               ("到达现场", "label", 1), (before("arrive_text"), "value", 1)])
    row(t, w, [("改约通知", "label", 1), (before("change_notice_text"), "value", 1),
               ("资料录入", "label", 1), (records, "value", 1),
               ("物品赔偿", "label", 1), ("损坏客户物品 48 小时内", "value", 1)])
    row(t, w, [("{%tr else %}", "value", 6)])
    row(t, w, [("电话预约", "label", 1), ("", "value", 1), ("首次回复", "label", 1),
               ("", "value", 1), ("到达现场", "label", 1), ("", "value", 1)])
    row(t, w, [("{%tr endif %}", "value", 6)])
    minutes = "{{ order.deadlines.arrive_minutes }}"
    note = para(doc, "{% if blank %}时限要求：装移机上门前 10–15 分钟电话预约；修障接单后及时联系客户，"
                     "8 小时内首次回复，属工程割接障碍的 4 小时内转派割接工程队；均提前 " + minutes +
                     " 分钟到达，改约至少提前 2 小时告知，完工后 5 个工作日内录入资料（按法定工作日计），"
                     "损坏客户物品 48 小时内赔偿。"
                     "{% elif order.kind == 'repair' %}时限要求（修障）：接单后及时联系客户；各类故障 8 小时内首次回复；"
                     "工程割接障碍 4 小时内转派割接工程队并告知客户其负责人电话；提前 " + minutes +
                     " 分钟到达；改约至少提前 2 小时告知；完工后 5 个工作日内录入资料（按法定工作日计）；"
                     "损坏客户物品 48 小时内赔偿。"
                     "{% else %}时限要求（装移机）：上门前 10–15 分钟电话预约，提前 " + minutes +
                     " 分钟到达；如需改约，至少提前 2 小时告知客户；完工后 5 个工作日内录入装维资料"
                     "（按国家法定工作日计）；损坏客户物品，48 小时内赔偿。{% endif %}",
                size=7.5, colour=MUTED)
    note.paragraph_format.space_before = Pt(1)

    heading(doc, "三、出发前检查（四统一、四携带）")
    w2 = [22, 158]
    t = table(doc, w2)
    for label, items in (("四统一", ["统一着装", "统一工具包", "佩戴工号牌", "佩戴安全帽"]),
                         ("四携带", ["鞋套", "垫布、抹布", "服务卡", "宣传资料"])):
        r = row(t, w2, [(label, "label", 1), ("", "value", 1)], height_mm=7)
        boxes(r.cells[1], [[(BOX, item) for item in items]])

    heading(doc, "四、现场记录")
    t = table(doc, w2)
    r = row(t, w2, [("现场核实", "label", 1), ("", "value", 1)], height_mm=7)
    boxes(r.cells[1], [[(BOX, i) for i in ("核对客户身份", "勘察线路", "测速 / Wi-Fi 演示",
                                           "清理现场、恢复原状")]])
    r = row(t, w2, [("处理过程", "label", 1), ("{{ order.work_done }}", "value", 1)], height_mm=18)
    r.cells[1].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    wm = [12, 78, 22, 20, 48]
    t = table(doc, wm)
    row(t, wm, [("序号", "label", 1), ("使用材料", "label", 1), ("数量", "label", 1),
                ("单位", "label", 1), ("备注", "label", 1)], height_mm=6.5)
    for r in t.rows[0].cells:
        r.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    repeat_header(t.rows[0])             # a long list continues with its header on page 2
    # docxtpl: a row whose first cell holds {%tr ... %} is replaced by the tag
    row(t, wm, [("{%tr for m in order.materials %}", "value", 5)])
    r = row(t, wm, [("{{ loop.index }}", "center", 1), ("{{ m.item }}", "value", 1),
                    ("{{ m.qty }}", "value", 1), ("{{ m.unit }}", "center", 1),
                    ("{{ m.note }}", "value", 1)], height_mm=6.5)
    r.cells[2].paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.RIGHT
    row(t, wm, [("{%tr endfor %}", "value", 5)])
    row(t, wm, [("{%tr for i in range(4 - order.materials|length) %}", "value", 5)])
    row(t, wm, [("", "value", 1)] * 5, height_mm=6.5)
    row(t, wm, [("{%tr endfor %}", "value", 5)])
    keep_rows_whole(t)
    w4 = [22, 68, 22, 68]
    t = table(doc, w4)
    r = row(t, w4, [("测速结果", "label", 1), ("{{ order.speed_test }}", "value", 3)],
            height_mm=12)
    r.cells[1].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    row(t, w4, [("完工时间", "label", 1), ("{{ order.completed_text }}", "value", 1),
                ("资源变更", "label", 1), ("", "value", 1)])
    keep_with_next(t)                    # the signatures stay with the record above them

    para(doc, "", size=4).paragraph_format.keep_with_next = True
    signatures(doc, [("客户签字：", "签字即确认已核对工单信息、服务已完成"),
                     ("装维工程师签字：", ENGINEER_SIGNED)], with_time=True, height_mm=18)
    end_paragraph(doc)
    page_footer(doc, "{{ company.name }}　服务热线 {{ company.hotline }}"
                     "{% if company.complaint_phone %}　投诉电话 {{ company.complaint_phone }}{% endif %}",
                180)
    save_deterministic(doc, HERE / "work_order.docx")


# ------------------------------------------------------------------------------ confirmation
def tick(expr: str) -> str:
    return f"{{% if {expr} %}}{TICKED}{{% else %}}{BOX}{{% endif %}}"


RATINGS = [("very_satisfied", "非常满意"), ("satisfied", "满意"), ("neutral", "一般"),
           ("dissatisfied", "不满意")]


def confirmation() -> None:
    doc = new_document("服务确认书")
    page_header(doc, "服务确认书",
                "{% if order.kind == 'repair' %}{{ order.service_label }}故障处理"
                "{% elif order.kind %}{{ order.service_label }}{{ order.kind_label }}{% endif %}服务确认",
                180)

    heading(doc, "一、服务信息")
    w = [22, 38, 22, 38, 22, 38]
    t = table(doc, w)
    row(t, w, [("客户姓名", "label", 1), ("{{ order.customer.name }}", "value", 1),
               ("联系电话", "label", 1), ("{{ order.customer.phone }}", "value", 1),
               ("业务账号", "label", 1), ("{{ order.customer.account }}", "value", 1)])
    row(t, w, [("服务地址", "label", 1), ("{{ order.customer.address }}", "value", 5)])
    row(t, w, [("服务类型", "label", 1), ("{{ order.service_label }}{{ order.kind_label }}", "value", 1),
               ("上门时间", "label", 1), ("{{ order.appointment_text }}", "value", 3)])
    row(t, w, [("装维工程师", "label", 1), (ENGINEER, "value", 1),
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
    row(t, w2, [("{%tr if blank or order.kind == 'repair' %}", "value", 2)])
    r = row(t, w2, [("故障原因", "label", 1), ("", "value", 1)], height_mm=12)
    boxes(r.cells[1], [[(tick(f"order.cause == '{c}'"), label) for c, label in causes[:2]],
                       [(tick(f"order.cause == '{c}'"), label) for c, label in causes[2:]]])
    row(t, w2, [("{%tr endif %}", "value", 2)])
    # the engineer's on-site record (现场测评打分), apart from the customer's own section
    row(t, w2, [("{%tr if not blank and order.rating %}", "value", 2)])
    row(t, w2, [("现场测评", "label", 1),
                ("{{ order.rating_label }}（现场测评结果，工程师记录）", "value", 1)])
    row(t, w2, [("{%tr endif %}", "value", 2)])

    # the customer's section: the standard's question heads it; nothing is ticked for them
    heading(doc, "三、服务评价（请您填写）：请问您对我们的服务是否满意？")
    t = table(doc, w2)
    r = row(t, w2, [("满意度", "label", 1), ("", "value", 1)])
    boxes(r.cells[1], [[(BOX, label) for _, label in RATINGS]])
    r = row(t, w2, [("服务规范", "label", 1), ("", "value", 1)], height_mm=12)
    boxes(r.cells[1], [[(BOX, "工程师出示工号牌，按约定时间上门"), (BOX, "穿戴鞋套、铺设垫布，文明施工")],
                       [(BOX, "当面测试，演示使用方法"), (BOX, "清理现场，恢复原状，留下服务卡")]])
    r = row(t, w2, [("意见和建议", "label", 1), ("", "value", 1)], height_mm=30)
    r.cells[1].vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.TOP
    keep_rows_whole(t)
    keep_with_next(t)

    para(doc, "", size=4).paragraph_format.keep_with_next = True
    signatures(doc, [("客户签字：", ""), ("装维工程师签字：", ENGINEER_SIGNED)], with_time=False,
               height_mm=18)

    heading(doc, "我们的服务承诺")
    para(doc, "{{ company.service_promise }}", size=8.5)
    p = para(doc, "免费客服热线 {{ company.hotline }}"
                  "{% if company.consult_phone and company.consult_phone != company.hotline %}"
                  "　咨询电话 {{ company.consult_phone }}{% endif %}"
                  "{% if company.complaint_phone %}　投诉电话 {{ company.complaint_phone }}{% endif %}"
                  "　感谢您对我们工作的支持！", size=9, align="center")
    p.paragraph_format.space_before = Pt(6)
    page_footer(doc, "{{ company.name }}{% if company.address %}　{{ company.address }}{% endif %}",
                180)
    save_deterministic(doc, HERE / "confirmation.docx")


# ------------------------------------------------------------------------------ follow-up
def follow_up() -> None:
    """回访单, A5 like the PDF form."""
    doc = new_document("回访单", (148, 210), top=27, side=9, bottom=12, header=5)
    page_header(doc, "回访单", "服务回访记录", 130, qr_mm=16, bars_mm=(30, 6), number_pt=6.5)
    width = 130
    heading(doc, "服务信息")
    w = [18, 47, 18, 47]
    t = table(doc, w)
    row(t, w, [("客户姓名", "label", 1), ("{{ order.customer.name }}", "value", 1),
               ("联系电话", "label", 1), ("{{ order.customer.phone }}", "value", 1)], height_mm=6.5)
    row(t, w, [("地址", "label", 1), ("{{ order.customer.address }}", "value", 3)], height_mm=6.5)
    row(t, w, [("服务类型", "label", 1), ("{{ order.service_label }}{{ order.kind_label }}", "value", 1),
               ("完工时间", "label", 1), ("{{ order.completed_text }}", "value", 1)], height_mm=6.5)
    row(t, w, [("装维工程师", "label", 1),
               ("{% if engineer.name %}{{ engineer.name }}（{{ engineer.id }}）"
                "{% elif not order.assigned %}待派单{% endif %}", "value", 1),
               ("现场评价", "label", 1), ("{{ order.rating_label }}", "value", 1)], height_mm=6.5)

    heading(doc, "回访记录")
    w2 = [18, 112]
    t = table(doc, w2)
    r = row(t, w2, [("回访方式", "label", 1), ("", "value", 1)], height_mm=6.5)
    boxes(r.cells[1], [[(BOX, "电话回访"), (BOX, "上门回访"), (BOX, "短信 / 微信")]])
    t2 = table(doc, w)
    row(t2, w, [("回访时间", "label", 1), ("", "value", 1), ("回访人", "label", 1),
                ("", "value", 1)], height_mm=6.5)
    t = table(doc, w2)
    r = row(t, w2, [("回访内容", "label", 1), ("", "value", 1)], height_mm=19)
    boxes(r.cells[1], [[(BOX, "业务已正常使用"), (BOX, "工程师按约定时间上门")],
                       [(BOX, "着装规范，佩戴工号牌"), (BOX, "施工后清理了现场")],
                       [(BOX, "演示了使用方法"), (BOX, "告知了服务热线")]])
    r = row(t, w2, [("满意度", "label", 1), ("", "value", 1)], height_mm=6.5)
    boxes(r.cells[1], [[(BOX, label) for _, label in RATINGS]])
    r = row(t, w2, [("客户意见", "label", 1), ("", "value", 1)], height_mm=26)
    r = row(t, w2, [("跟进处理", "label", 1), ("", "value", 1)], height_mm=14)
    keep_rows_whole(t)
    keep_with_next(t)
    para(doc, "", size=4).paragraph_format.keep_with_next = True
    signatures(doc, [("回访人：", ""), ("审核：", "")], with_time=False, width_mm=width,
               height_mm=16)
    end_paragraph(doc)
    page_footer(doc, "{{ company.name }}　服务热线 {{ company.hotline }}", width)
    save_deterministic(doc, HERE / "follow_up.docx")


if __name__ == "__main__":
    work_order()
    confirmation()
    follow_up()
    print("wrote", ", ".join(str(HERE / n) for n in ("work_order.docx", "confirmation.docx",
                                                    "follow_up.docx")))
