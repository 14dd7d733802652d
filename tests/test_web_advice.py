"""No message naming a command-line option reaches a web page (the web has no options: its
advice names the page's fields and choices). The kind, not the examples: every message of the
code that names an option is either said only by a command, or an `advice.Advice` (or one of
the older tables chosen by medium) whose web wording names none, or listed below with why the
web never says it; and the web's paths that reach such advice say the web's words."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from generator import advice
from generator.i18n import in_language

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.chinese
OPTION = re.compile(r"(?<![\w-])--[a-z][a-z-]+")

# Messages naming an option outside the commands, that the web never says: why.
NOT_ON_THE_WEB = {
    "--team {team}: nobody is in that team{hint} (teams: {teams})":
        "card/people.by_team: only the commands choose a team",
    "--sort {key}: use one of {keys}": "card/people.sorted_people: only the commands sort",
    "--photos {folder}: no such folder":
        "card/people: the web's photos are its uploads, never a folder named",
    "--only {id}: no such id in work_orders{hint}":
        "orders.select_orders: the web's forms tick orders from the list",
    "--engineer {id}: no such staff id{hint}": "orders.select_orders: only the commands",
    "--team {team}: no engineer on the staff list is in that team{hint} (teams: {teams})":
        "orders.select_orders: only the commands",
    "--from {start} is after --to {end}": "orders.select_orders: only the commands",
    "--section must be one of {sections}":
        "data/tables: the web names each upload's section itself",
    "the headers fit {sections} equally well; name the file after its section (staff.csv, "
    "work_orders.csv, equipment.csv, checks.csv) or pass --section":
        "data/tables: the web saves an upload as staff.csv, work_orders.csv …",
    "the signature does not match: give the robot's secret (starting SEC for DingTalk) with "
    "--notify-secret or 'secret:' in the company file, and check the computer's clock":
        "webhook: only `fieldprint equipment --notify` posts to a chat group",
}
COMMAND_FILES = ("commands/", "cli.py")


def _messages() -> dict[str, set[str]]:
    """message id -> the files of generator/ it is written in."""
    from babel.messages.extract import extract_from_dir

    from generator.i18n import KEYWORDS, METHODS
    found: dict[str, set[str]] = {}
    source = ROOT / "generator"
    for filename, _line, message, _comments, _context in extract_from_dir(
            source, method_map=METHODS, keywords=KEYWORDS):
        if filename.startswith("locale"):
            continue
        for text in (message if isinstance(message, tuple) else (message,)):
            if text:
                found.setdefault(text, set()).add(filename)
    return found


def _tables() -> list[dict[str, str]]:
    """Every advice chosen by medium: {medium: message id}."""
    from generator.card.document import WORKER_DIED_ADVICE
    from generator.card.render import REFUSED_PHOTO, REFUSED_QR
    said = [{"command": a.command, "web": a.web} for a in vars(advice).values()
            if isinstance(a, advice.Advice)]
    return said + [REFUSED_PHOTO, REFUSED_QR, WORKER_DIED_ADVICE]


def test_every_message_naming_an_option_is_the_commands_own_or_has_web_words():
    commands_wording = {table["command"] for table in _tables()}
    loose = []
    for message, files in _messages().items():
        if not OPTION.search(message) or message in commands_wording:
            continue
        if all(f.startswith(COMMAND_FILES) for f in files) or message in NOT_ON_THE_WEB:
            continue
        loose.append(f"{sorted(files)}: {message!r}")
    assert not loose, ("messages that name an option and may reach a web page; make them an "
                       "advice.Advice with web words, or say in NOT_ON_THE_WEB why the web "
                       "never says them:\n" + "\n".join(loose))


# Text naming an option written outside the message catalog (not in `_()`, `N_()` …), that the
# test above cannot see: the file and why the web never says it.
UNCATALOGUED = {
    "card/calibrate.py": "the calibration sheet, printed by `fieldprint calibrate` only",
}


def _uncatalogued() -> dict[str, list[str]]:
    """file -> the string constants of generator/ (outside the commands) that name an option
    and are not a message id: not in a gettext call, not a docstring. An option filled in
    for a placeholder (`_("{advice}").format(advice="--x")`) is one."""
    import ast
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "generator").rglob("*.py")):
        name = path.relative_to(ROOT / "generator").as_posix()
        if name.startswith(COMMAND_FILES):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        skip = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in (
                    "_", "N_", "_l", "_lp", "ngettext", "pgettext", "both"):
                skip.update(id(n) for n in ast.walk(node))
            body = getattr(node, "body", None)
            if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
                skip.add(id(body[0].value))   # a docstring
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and id(node) not in skip and OPTION.search(node.value):
                found.setdefault(name, []).append(node.value)
    return found


def test_no_text_outside_the_catalog_names_an_option_where_the_web_may_say_it():
    """The test above reads the message catalog's ids only; an option written in a plain
    string (a value filled into a message, text drawn on a page) would pass it unseen."""
    found = _uncatalogued()
    loose = {name: texts for name, texts in found.items() if name not in UNCATALOGUED}
    assert not loose, loose
    assert set(UNCATALOGUED) <= set(found)   # no stale entry


def test_not_on_the_web_lists_only_messages_that_exist():
    assert not set(NOT_ON_THE_WEB) - set(_messages())


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_web_wording_of_every_advice_names_no_option(lang):
    for table in _tables():
        web = in_language(lang, table["web"])
        assert not OPTION.search(web), web
        assert OPTION.search(in_language(lang, table["command"])) or "command" not in table


# ------------------------------------------------------------------ through the web
def _text(html: str) -> str:
    """A page's text as the user reads it (tags, scripts and styles out, entities read)."""
    import html as entities
    html = re.sub(r"<(script|style)\b.*?</\1>", "", html, flags=re.S)
    return entities.unescape(re.sub(r"<[^>]+>", " ", html))


def _says_no_option(html: str) -> str:
    text = _text(html)
    assert not OPTION.search(text), OPTION.search(text).group(0) + " in: " + text[:3000]
    return text


def _own_layout(ws: Path, name: str, edit) -> str:
    from generator.content import content_dir
    text = (content_dir("badges") / "service-card.yaml").read_text(encoding="utf-8")
    (ws / "layouts").mkdir(exist_ok=True)
    (ws / "layouts" / f"{name}.yaml").write_text(edit(text), encoding="utf-8")
    return f"layouts/{name}.yaml"


@pytest.fixture
def ws(tmp_path):
    from web_helpers import seed
    return seed(tmp_path / "ws")


@pytest.fixture
def c(ws):
    from web_helpers import client
    with client(ws) as c:
        yield c


def _count(c, kind: str, **choices) -> str:
    from web_helpers import csrf
    data = {"csrf": csrf(c), "people": ["SZ10023", "SZ10024"], **choices}
    return _says_no_option(c.post(f"/cards/{kind}/count", data=data).text)


def test_card_pages_say_photo_and_uyghur_advice_in_the_webs_words(tmp_path):
    """No photos uploaded, a person with a Uyghur name: the card pages' problems and
    warnings (no photo, a layout that does not print the Uyghur name) name the page's upload
    and 版式, not --photos or --layout."""
    from web_helpers import client, seed
    ws = seed(tmp_path / "ws", photos=False)
    with client(ws) as c:
        for kind in ("badges", "service-cards"):
            text = _says_no_option(c.get(f"/cards/{kind}").text)
            assert "请在“版式”里选它" in text
            # the layout named by its title, as the 版式 list shows it, not its file name
            title = "工号牌 75×100" if kind == "badges" else "服务卡 90×54"
            assert f"版式“{title}”不印维吾尔文姓名" in text
            # no photo (badges): the upload named, not --photos
            assert kind != "badges" or "请上传这个文件" in text


def test_a_slot_the_sheet_does_not_have_is_said_by_the_fields_name(c):
    text = _count(c, "service-cards", start="50")
    assert "从第几个位置开始 50：这种排版每张纸只有第 1 到第 10 个位置" in text
    assert "将印出：2 人 × 每人 10 张 = 20 张卡，共 4 页" in _count(c, "service-cards")


def test_a_card_too_large_for_a4_names_the_paper_choice(ws, c):
    from web_helpers import csrf, run_job
    choice = _own_layout(ws, "wide", lambda t: re.sub(
        r"\nsheet: .*\n", "\nsheet: {gap: 5}\n", t.replace("width: 90\n", "width: 250\n", 1)))
    text = _count(c, "service-cards", layout=choice)
    assert "请在“纸张”里选“卡片尺寸（证卡打印机）”" in text
    fragment = run_job(c, "/cards/service-cards/jobs", {"csrf": csrf(c), "what": "pdf",
                                                        "layout": choice})
    assert "请在“纸张”里选“卡片尺寸（证卡打印机）”" in _says_no_option(fragment)


def test_a_side_the_layout_does_not_have_names_the_side_choice(ws, c):
    from web_helpers import csrf, run_job
    choice = _own_layout(ws, "front-only", lambda t: t[:t.index("\nback:\n")] + "\n")
    fragment = run_job(c, "/cards/service-cards/jobs", {"csrf": csrf(c), "what": "pdf",
                                                        "layout": choice, "side": "back"})
    assert "请在“正反面”里选“正面”" in _says_no_option(fragment)
    # both sides, as the page offers by default, are the sides the layout has
    fragment = run_job(c, "/cards/service-cards/jobs", {"csrf": csrf(c), "what": "pdf",
                                                        "layout": choice, "people": "SZ10023"})
    assert "下载 service-cards.pdf" in _says_no_option(fragment)


def test_a_csv_in_an_unknown_encoding_says_to_save_it_again(c):
    from web_helpers import csrf
    data = "工号,姓名\nSZ1,王\x81\x20\n".encode("latin-1", "replace") + b"\xff\xfe\x81\n"
    page = c.post("/upload/staff", data={"csrf": csrf(c), "back": "/cards/badges"},
                  files={"files": ("staff.csv", data, "text/csv")}, follow_redirects=True)
    text = _says_no_option(page.text + c.get("/cards/badges").text)
    assert "另存为“CSV UTF-8”，再重新上传" in text


def test_a_control_character_in_an_order_says_to_correct_the_sheet(ws, c):
    from web_helpers import csrf, run_job
    orders = ws / "work_orders.yaml"
    orders.write_text(orders.read_text(encoding="utf-8").replace(
        "早上起来宽带无法上网", "早上起来宽带\\a无法上网".replace("\\a", "\a"), 1)
        .replace("fault: 早上起来宽带\a无法上网", 'fault: "早上起来宽带\\a无法上网'), encoding="utf-8")
    text = orders.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if "早上起来宽带" in x)
    if line.count('"') == 1:
        orders.write_text(text.replace(line, line + '"'), encoding="utf-8")
    _says_no_option(c.get("/forms/work-orders").text)
    for fmt in ("docx", "pdf"):
        fragment = run_job(c, "/forms/work-orders/jobs", {"csrf": csrf(c), "format": fmt})
        said = _says_no_option(fragment)
        assert "请在表格里删掉它们，再重新上传" in said, said


@pytest.mark.parametrize("edit,fit,advice", [
    # wider than A4, the layout's two columns kept (the trial's gap: no advice at all)
    (lambda t: t.replace("width: 90\n", "width: 250\n", 1), 0,
     "请在“纸张”里选“卡片尺寸（证卡打印机）”"),
    (lambda t: t.replace("height: 54\n", "height: 300\n", 1), 0,
     "请在“纸张”里选“卡片尺寸（证卡打印机）”"),
    # one fits across, the layout asks for two
    (lambda t: t.replace("width: 90\n", "width: 150\n", 1), 1,
     "请在“纸张”里选“卡片尺寸（证卡打印机）”，或在“版式”里换一个版式"),
])
def test_a_layout_asking_for_more_cards_than_a4_holds_says_what_to_choose(ws, c, edit, fit,
                                                                         advice):
    from web_helpers import csrf, run_job
    choice = _own_layout(ws, "large", edit)
    text = _count(c, "service-cards", layout=choice)
    assert f"最多排得下 {fit} 张；{advice}" in text
    fragment = run_job(c, "/cards/service-cards/jobs", {"csrf": csrf(c), "what": "pdf",
                                                        "layout": choice})
    assert f"最多排得下 {fit} 张；{advice}" in _says_no_option(fragment)


def test_the_command_line_says_the_layouts_sheet_or_its_option(ws):
    import os
    import subprocess
    import sys
    choice = _own_layout(ws, "large", lambda t: t.replace("width: 90\n", "width: 150\n", 1))
    said = subprocess.run([sys.executable, "-m", "generator.cli", "service-cards",
                           str(ws / "company.yaml"), str(ws / "staff.xlsx"), "--layout",
                           str(ws / choice), "-o", str(ws / "x.pdf")], capture_output=True,
                          text=True, env={**os.environ, "FIELDPRINT_LANG": "en"})
    assert said.returncode == 2
    assert ("at most 1 fit, 5 mm from the paper edge; write columns: 1 under the layout's "
            "sheet:, or use --sheet none") in said.stderr


def test_a_company_field_inside_an_english_sentence_is_not_capitalised():
    """The English advice said "with the Complaint phone after the colon": the 公司信息 page's
    label put into a sentence. Every company field is said in sentence case there; the page's
    labels keep theirs."""
    from generator.card.render import fill_in_company
    from generator.company_fields import COMPANY_FIELDS, company_word, in_sentence
    from generator.i18n import set_language
    set_language("en", process=False)
    try:
        said = fill_in_company("complaint_phone", None, "command")
        assert said.endswith("with the complaint phone after the colon"), said
        assert fill_in_company("complaint_phone", None, "web") == \
            "fill in the complaint phone on the Company page"
        for key in COMPANY_FIELDS:
            word = company_word(key)
            assert not word[:1].isupper() or word.split(" ")[0].isupper(), word
        assert in_sentence("QR codes") == "QR codes" and in_sentence("Logo") == "logo"
    finally:
        set_language("zh", process=False)
    assert company_word("complaint_phone") == "投诉电话"


def test_a_character_no_font_has_in_a_name_says_the_webs_way_to_fix_it(ws, c):
    """A character the fonts lack (an emoji in a name) was refused on the web card page with
    "或在 company.fonts 里指定有这个字的字体": a file the office never edits on the web. The page
    says its own way: the sheet, or a font uploaded on 公司信息."""
    import io

    import openpyxl

    from web_helpers import csrf
    book = openpyxl.load_workbook(ws / "staff.xlsx")
    book.active["B3"] = "王建国😀"
    data = io.BytesIO()
    book.save(data)
    c.post("/upload/staff", data={"csrf": csrf(c), "back": "/cards/badges"},
           files={"files": ("staff.xlsx", data.getvalue(), "application/octet-stream")})
    text = _says_no_option(c.get("/cards/badges").text)
    assert "中的 '😀'（表情符号，U+1F600）；请在表格里改掉这些字，或在“公司信息”页上传有这些字的字体" in text
    assert "company.fonts" not in text
