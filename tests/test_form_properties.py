"""Property tests: whatever text an order holds, the forms lay it out without crashing, print
it as typed (minus what cannot print, which is reported), and the Word XML stays valid.

Bounded and seeded for CI by the "ci" Hypothesis profile (tests/conftest.py);
`HYPOTHESIS_PROFILE=long python3 -m pytest -q -m property` runs many more examples.
"""
from __future__ import annotations

import io
import zipfile

from hypothesis import given, strategies as st
from lxml import etree

from generator.content import content_dir
from generator.docx.template import WordTemplate
from generator.fonts import font_set
from generator.form import Record, layout_record, load_form
from generator.form.ops import TEXT
from generator.form.text import metrics

FONTS = font_set()
NASTY = st.sampled_from(["<", "&", "{{ x }}", "{% if %}", "%(x)s", "\x00", "\u202e", "😀",
                         "𠮷", "e\u0301", "\t", "\n", "]]>", "\ufffe", "\\", "'", '"'])
TEXTS = st.lists(st.one_of(st.text(max_size=40), NASTY), max_size=8).map("".join) | \
    st.text(min_size=300, max_size=2000)


def context(name: str, address: str, fault: str) -> dict:
    order = {"id": "WO-1", "kind": "repair", "service": "broadband", "received": None,
             "customer": {"name": name, "phone": "139", "address": address, "account": None},
             "fault": fault, "prepare": None, "appointment": None, "engineer": "SZ1",
             "completed": None, "materials": [{"item": fault, "qty": "1", "unit": "个",
                                                "note": name}],
             "work_done": fault, "speed_test": None, "cause": None, "rating": None,
             "note": None, "kind_label": "修障", "service_label": "宽带", "cause_label": "",
             "rating_label": "", "received_text": "", "completed_text": "",
             "appointment_text": "", "address_label": "故障地址", "assigned": True,
             "masked": False, "deadlines": {**{k: "" for k in (
                 "first_reply_text", "cutover_text", "call_text", "arrive_text",
                 "change_notice_text", "records_text", "records_mark")},
                 "arrive_minutes": 5}}
    person = {"id": "SZ1", "name": name, "name_ug": None, "phone": "137", "team": None}
    return {"order": order, "engineer": person, "person": person, "today": None,
            "blank": False, "company": {"name": "公司", "hotline": "10000",
                                        "complaint_phone": None, "consult_phone": "10000",
                                        "service_promise": "承诺", "address": None}}


def printable(text: str) -> str:
    """What the PDF should show of a text: controls out, line breaks and spaces ignored."""
    cleaned, _ = metrics(FONTS.regular).clean(text)
    return "".join(cleaned.split())


def in_order(needle: str, haystack: str) -> bool:
    """Every character of needle appears in haystack, in the same order."""
    if needle in haystack:
        return True
    it = iter(haystack)
    return all(ch in it for ch in needle)


@given(name=TEXTS, address=TEXTS, fault=TEXTS)
def test_any_text_is_laid_out_as_typed_or_reported(name, address, fault):
    for form in ("work-order", "confirmation", "follow-up"):
        layout = load_form(form)
        doc = layout_record(layout, Record(context(name, address, fault), "work_orders WO-1"),
                            FONTS)
        top = layout.page.margins.top + 10            # the short header of a following page
        bottom = layout.page.size_mm[1] - layout.page.margins.bottom   # the footer below
        shown = "".join("".join(op[3] for op in page if op[0] == TEXT and op[2] < bottom
                                and (i == 0 or op[2] > top))
                        for i, page in enumerate(doc.pages))
        shown = "".join(shown.split())
        printed = (name, address) if form == "follow-up" else (name, address, fault)
        for value in printed:
            # in order, all of it (a value split over two pages has the row's other cells and
            # the page break between its parts)
            assert in_order(printable(value), shown), value
        m = metrics(FONTS.regular)
        for value in printed:
            _, missing = m.clean(value)
            for ch in missing:
                assert any(f"U+{ord(ch):04X}" in str(p) for p in doc.unprintable), ch


WORD = WordTemplate(content_dir("templates") / "work_order.docx")


@given(name=TEXTS, address=TEXTS, fault=TEXTS)
def test_any_text_keeps_the_word_xml_valid(name, address, fault):
    problems: list = []
    data = WORD.render(context(name, address, fault), "work_orders WO-1", None, problems)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        root = etree.fromstring(z.read("word/document.xml"))
    text = "".join(t.text or "" for t in root.iter(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}t"))
    import re
    bad = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
    for value in (name, address):
        kept = bad.sub("", value).replace("\n", "").replace("\t", "")
        for line in kept.split("\n"):
            assert "".join(line.split()) in "".join(text.split())
    if bad.search(name + address + fault):
        assert problems
