"""The 公司信息 page checks what is typed as `fieldprint validate` does (the same checks,
data/models.py): a phone number no one could dial holds the save back, said beside the
field, with what was typed kept; saved as typed on request, and said again on the page as
long as the file holds it."""
from __future__ import annotations

import re

import pytest

from web_helpers import c, csrf, ws  # noqa: F401  (c, ws: fixtures)

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"), pytest.mark.chinese]


def _form(c) -> dict:
    page = c.get("/company").text
    values = dict(re.findall(r'<input name="(\w+)" value="([^"]*)"', page))
    promise = re.search(r'<textarea name="service_promise"[^>]*>(.*?)</textarea>', page, re.S)
    return {**values, "service_promise": promise.group(1), "csrf": csrf(c)}


@pytest.mark.parametrize("field,typed,why", [
    ("complaint_phone", "0512-6258 00O1", "里面有电话号码不会有的字母或符号"),   # the trial's
    ("hotline", "1OOOO", "里面有电话号码不会有的字母或符号"),
    ("consult_phone", "0512-62S8 0000", "里面有电话号码不会有的字母或符号"),
    ("complaint_phone", "1380013800", "手机号码是 11 位，这个是 10 位"),
    ("hotline", "100", "不到 5 位数字"),
])
def test_a_phone_no_one_could_dial_is_said_before_it_is_saved(ws, c, field, typed, why):
    before = (ws / "company.yaml").read_bytes()
    page = c.post("/company", data={**_form(c), field: typed})
    assert page.status_code == 422
    assert "还没有保存：请核对下面说的地方" in page.text
    assert f"&#39;{typed}&#39; 不像电话号码：" in page.text and why in page.text
    assert f'<input name="{field}" value="{typed}" class="warned">' in page.text  # kept
    assert (ws / "company.yaml").read_bytes() == before            # nothing written
    assert 'id="save-as-typed"' in page.text
    saved = c.post("/company", data={**_form(c), field: typed, "confirm": "1"})
    assert saved.status_code == 200 and "已保存到 company.yaml" in saved.text
    assert typed in (ws / "company.yaml").read_text(encoding="utf-8")
    assert "请核对，不影响打印（1）" in saved.text and "不像电话号码" in saved.text
    # a later save of another field is not held back by it (it was seen)
    again = c.post("/company", data={**_form(c), "address": "苏州"})
    assert "已保存到 company.yaml" in again.text and "不像电话号码" in again.text


def test_a_phone_that_reads_well_saves_at_once(ws, c):
    saved = c.post("/company", data={**_form(c), "complaint_phone": "0512-6258 0002"})
    assert "已保存到 company.yaml" in saved.text and "不像电话号码" not in saved.text
    assert "0512-6258 0002" in (ws / "company.yaml").read_text(encoding="utf-8")


def test_the_same_words_as_validate(ws, c):
    import os
    import subprocess
    import sys
    text = (ws / "company.yaml").read_text(encoding="utf-8")
    (ws / "company.yaml").write_text(text.replace("0512-6258 0001", "0512-6258 00O1"),
                                     encoding="utf-8")
    said = subprocess.run([sys.executable, "-m", "generator.cli", "validate",
                           str(ws / "company.yaml")], capture_output=True, text=True,
                          env={**os.environ, "FIELDPRINT_LANG": "zh"})
    message = "'0512-6258 00O1' 不像电话号码：里面有电话号码不会有的字母或符号；会照原样打印，请核对"
    assert message in said.stdout + said.stderr
    assert message.replace("'", "&#39;") in c.get("/company").text
