"""`fieldprint serve` at the HTTP level: every route, as the browser would call it, and the
hostile uploads of issue 17. (The same paths in a real Chromium: test_web_browser.py.)"""
from __future__ import annotations

import concurrent.futures
import io
import json
import logging
import re
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import httpx2
import openpyxl
import pytest
from PIL import Image
from pypdf import PdfReader

from generator.web.uploads import Limits
from generator.web.workspace import Workspace
from web_helpers import (EXAMPLES, c, client, csrf, download, photos_zip,  # noqa: F401
                         run_job, seed, served, ws)   # (c, ws: fixtures)

pytestmark = [pytest.mark.filterwarnings("ignore::DeprecationWarning"),
              pytest.mark.chinese]   # the pages are checked in Chinese, their default


def problems_table(html: str) -> list[list[str]]:
    body = re.search(r'<table class="problems".*?<tbody>(.*?)</tbody>', html, re.S)
    if not body:
        return []
    return [[re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>",
                                                                       row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)]


# ------------------------------------------------------------------ pages and language
def test_every_page_answers_in_chinese_by_default(c):
    for path in ("/", "/company", "/cards/badges", "/cards/service-cards", "/forms/work-orders",
                 "/forms/confirmations", "/forms/follow-ups", "/equipment", "/templates"):
        response = c.get(path)
        assert response.status_code == 200, path
        assert "工号牌" in response.text and "劳动防护用品" in response.text, path
    assert c.get("/static/htmx.min.js").text.startswith("/*! htmx 2")
    assert c.get("/cards/nothing").status_code == 404


def test_english_on_request(c):
    response = c.post("/lang", data={"csrf": csrf(c), "lang": "en", "back": "/equipment"})
    assert response.url.path == "/equipment"
    assert "Safety equipment" in response.text and "Badges" in response.text
    back = c.post("/lang", data={"csrf": csrf(c), "lang": "zh", "back": "https://evil.example/"})
    assert back.url.path == "/" and "工号牌" in back.text


def test_sample_fills_an_empty_workspace(tmp_path):
    with client(tmp_path / "empty") as c:
        assert c.post("/sample", data={"csrf": csrf(c)}).status_code == 200
        assert sorted(p.name for p in (tmp_path / "empty").iterdir()) == [
            ".fieldprint", "company.yaml", "equipment.xlsx", "logo.png", "photos",
            "phrases.yaml", "staff.xlsx", "work_orders.yaml"]
        assert len(list((tmp_path / "empty" / "photos").glob("*.jpg"))) == 15


# ------------------------------------------------------------------ phrase cards
def test_phrase_cards_take_only_a_yaml_file_and_print_without_photos(ws, c, tmp_path, cli):
    """The pocket card's page: phrases.yaml only (an Excel file is refused, saying what to
    upload); the template is the file `fieldprint template phrases.yaml` writes; nobody's
    missing photo stops it; the PDF is the command's."""
    page = c.get("/cards/phrase-cards").text
    assert "还没有服务用语：请上传 phrases.yaml" in page
    r = c.post("/upload/phrases", data={"csrf": csrf(c), "back": "/cards/phrase-cards"},
               files={"files": ("phrases.xlsx", b"PK\x03\x04", "application/octet-stream")})
    assert r.status_code == 422 and "phrases.xlsx：请上传 YAML 文件（.yaml）" in r.text
    assert cli("template", str(tmp_path / "phrases.yaml")).code == 0
    template = c.get("/templates/phrases.yaml")
    assert template.content == (tmp_path / "phrases.yaml").read_bytes()
    assert 'href="/templates/phrases.yaml"' in c.get("/templates").text
    shutil.rmtree(ws / "photos")                                 # the card has no photo
    r = c.post("/upload/phrases", data={"csrf": csrf(c), "back": "/cards/phrase-cards"},
               files={"files": ("我的用语.yaml", template.content, "application/yaml")})
    assert r.status_code == 200 and "我的用语.yaml 已保存为 phrases.yaml" in r.text
    assert 'id="problems"' not in r.text and 'id="make-manifest"' not in r.text
    assert r.text.count('<figure class="card') == 15
    png = c.get("/cards/phrase-cards/preview/0.png?side=back")
    assert png.status_code == 200 and png.content.startswith(b"\x89PNG")
    pdf = download(c, run_job(c, "/cards/phrase-cards/jobs", {   # no list for this card:
        "csrf": csrf(c), "what": "manifest", "people": "SZ10023"}))   # the PDF is made
    expected = tmp_path / "cli.pdf"
    assert cli("phrase-cards", str(ws / "phrases.yaml"), str(ws / "staff.xlsx"),
               "--only", "SZ10023", "-o", str(expected)).code == 0
    assert _pdf_text(pdf) == _pdf_text(expected.read_bytes())
    assert "我是吴韵通信装维工程师王建国" in _pdf_text(pdf)


def _pdf_text(pdf: bytes) -> str:
    return "".join("".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf)).pages)


# ------------------------------------------------------------------ badges
def test_upload_sheet_and_photo_zip_gives_15_previews_and_a_pdf_of_15_fronts(tmp_path):
    folder = seed(tmp_path / "ws", photos=False, staff=False)
    with client(folder) as c:
        token = csrf(c)
        staff = (EXAMPLES / "staff.xlsx").read_bytes()
        r = c.post("/upload/staff", data={"csrf": token, "back": "/cards/badges"},
                   files={"files": ("花名册.xlsx", staff)})
        assert r.status_code == 200 and r.url.path == "/cards/badges"
        r = c.post("/upload/photos", data={"csrf": token, "back": "/cards/badges"},
                   files={"files": ("photos.zip", photos_zip())})
        assert "15" in r.text
        assert problems_table(r.text) == []
        assert len(re.findall(r'<figure class="card', r.text)) == 15
        png = c.get("/cards/badges/preview/0.png?side=front")
        assert png.headers["content-type"] == "image/png"
        image = Image.open(io.BytesIO(png.content))
        assert image.size == (384, 512)  # 75 × 100 mm at 130 dpi
        assert len(set(image.convert("L").resize((16, 16)).getdata())) > 20  # drawn, not blank
        fragment = run_job(c, "/cards/badges/jobs", {"csrf": token, "what": "pdf",
                                                     "side": "front", "sheet": "none"})
        pdf = PdfReader(io.BytesIO(download(c, fragment)))
        assert len(pdf.pages) == 15
        names = [p.get("姓名") for p in openpyxl.load_workbook(EXAMPLES / "staff.xlsx").active
                 .iter_rows(min_row=2, values_only=True) and []]
        del names
        texts = [page.extract_text() for page in pdf.pages]
        assert "王建国" in texts[1] and all("工号" in t for t in texts)
    assert (folder / "photos" / "SZ10023.jpg").is_file()


def _photos_by_name(ws: Path) -> None:
    """No photos yet, and the staff sheet's 照片 column empty: photos match by file name."""
    for p in (ws / "photos").iterdir():
        p.unlink()
    book = openpyxl.load_workbook(ws / "staff.xlsx")
    for row in book.active.iter_rows(min_row=2):
        row[6].value = None
    book.save(ws / "staff.xlsx")


def test_photos_are_matched_by_name_and_leftovers_listed(ws, c):
    _photos_by_name(ws)
    token = csrf(c)
    archive = photos_zip({"SZ10023.jpg": "王建国.jpg", "SZ10025.jpg": "不认识.jpg"})
    r = c.post("/upload/photos", data={"csrf": token, "back": "/cards/badges"},
               files={"files": ("p.zip", archive)})
    assert "不认识.jpg" in r.text                          # matches nobody: listed
    assert (ws / "photos" / "王建国.jpg").is_file()
    rows = problems_table(r.text)
    assert len(rows) == 1 and "SZ10025" in rows[0][4]     # the one without a photo
    assert rows[0][1:4] == ["花名册", "5", "照片"]


class _Unflagged(zipfile.ZipInfo):
    """An entry whose name is written as the bytes `raw`, without the UTF-8 flag."""
    __slots__ = ("raw",)

    def _encodeFilenameFlags(self):
        return self.raw, self.flag_bits & ~0x800


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_photo_names_of_a_zip_without_the_utf8_flag_are_read(ws, c, encoding):
    """Chinese Windows' 压缩(zipped)文件夹 writes names in GBK, Linux `zip` in UTF-8, neither
    with the archive's UTF-8 flag: zipfile read 王建国.jpg as ═⌡╜¿╣·.jpg, and no photo named by
    姓名 matched anyone (a new user's trial)."""
    _photos_by_name(ws)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for path in sorted((EXAMPLES / "photos").glob("*.jpg")):
            name = "王建国.jpg" if path.name == "SZ10023.jpg" else path.name
            info = _Unflagged("员工照片/" + name)
            info.raw = info.filename.encode(encoding)
            archive.writestr(info, path.read_bytes())
    r = c.post("/upload/photos", data={"csrf": csrf(c), "back": "/cards/badges"},
               files={"files": ("p.zip", out.getvalue())})
    assert r.status_code == 200
    assert (ws / "photos" / "王建国.jpg").is_file()
    assert problems_table(r.text) == []                  # everyone has a photo
    assert "王建国.jpg" not in r.text or "未使用" not in r.text


def test_a_sheet_with_mistakes_lists_sheet_row_and_column(ws, c):
    """The two rows with mistakes are listed (sheet, row, column); the 13 other people are
    still previewed, and nothing prints until the sheet is fixed."""
    book = openpyxl.load_workbook(ws / "staff.xlsx")
    wrong = [book.active["A4"].value, book.active["A6"].value]
    book.active["I4"] = 9          # 星级 out of range, row 4
    book.active["A6"] = None       # 工号 missing, row 6
    out = io.BytesIO()
    book.save(out)
    r = c.post("/upload/staff", data={"csrf": csrf(c), "back": "/cards/badges"},
               files={"files": ("staff.xlsx", out.getvalue())})
    rows = problems_table(r.text)
    assert [row[1:4] for row in rows] == [["花名册", "4", "星级"], ["花名册", "6", "工号"]]
    assert "工作表" in r.text and "行" in r.text and "列" in r.text
    shown = re.findall(r'name="people" value="([^"]+)"', r.text)
    assert len(shown) == 13 and not set(wrong) & set(shown)
    # the left-out people's photos are still theirs (the 照片 column of the row whose 工号 was
    # emptied names its photo): neither is listed as unused
    unused = " ".join(re.findall(r'<li class="unmatched">(.*?)</li>', r.text))
    assert f"{wrong[0]}.jpg" not in unused and f"{wrong[1]}.jpg" not in unused
    assert r.text.count('<figure class="card') >= 13
    fragment = run_job(c, "/cards/badges/jobs", {"csrf": csrf(c), "what": "pdf"})
    assert "/download" not in fragment and "星级" in fragment


def _sheet(rows: list[tuple]) -> bytes:
    """A 花名册 of (工号, 姓名, 照片) rows, everything else as a new user fills it in."""
    book = openpyxl.Workbook()
    book.active.title = "花名册"
    book.active.append(["工号", "姓名", "单位", "班组", "职务", "手机", "照片", "二维码"])
    for i, (pid, name, photo) in enumerate(rows):
        book.active.append([pid, name, "苏州吴韵通信", "一班", "工程师", f"1370000{i:04d}", photo,
                            f"https://u.wechat.com/{pid}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _trial(c, rows: list[tuple], photos: list[str]) -> str:
    """Upload a sheet and photos named `photos` as a new user does; the page after."""
    token = csrf(c)
    c.post("/upload/staff", data={"csrf": token, "back": "/cards/badges"},
           files={"files": ("花名册.xlsx", _sheet(rows))})
    jpeg = (EXAMPLES / "photos" / "SZ10001.jpg").read_bytes()
    return c.post("/upload/photos", data={"csrf": token, "back": "/cards/badges"},
                  files=[("files", (name, jpeg)) for name in photos]).text


@pytest.fixture
def fresh(tmp_path):
    with client(seed(tmp_path / "ws", photos=False, staff=False)) as test_client:
        yield test_client


def test_why_a_photo_is_missing_is_said_as_the_cli_says_it_with_upload_advice(fresh, tmp_path,
                                                                             cli):
    """Every kind of missing photo (none named so, two files for one person, a name two people
    share, a named file not there) is said in the web app with the command line's words
    (`card.people.NO_PHOTO`) and the web's advice; the web said each of the first three as
    'no photo; upload one' before, and never said the two files or the shared name."""
    rows = [("SZ20001", "张三", None), ("SZ20002", "李四", None), ("SZ20003", "王五", None),
            ("SZ20004", "王五", None), ("SZ20005", "赵六", "photos/nothere.jpg")]
    html = _trial(fresh, rows, ["SZ20002.jpg", "SZ20002.png", "王五.jpg"])
    said = {r[4].split("：", 1)[0]: r[4] for r in problems_table(html) if r[3] == "照片"}
    assert said == {
        "张三（SZ20001）": "张三（SZ20001）：没有照片，photos 中也没有名为 SZ20001.jpg 或 张三.jpg "
                         "的照片（任何图片后缀均可）；请上传一张这样命名的照片",
        "李四（SZ20002）": "李四（SZ20002）：photos：SZ20002.jpg、SZ20002.png 都对应这个人；"
                         "请只留一个：把其余的从工作文件夹的 photos 文件夹中删去",
        "王五（SZ20003）": "王五（SZ20003）：photos：有 2 个人叫 王五；请把这个人的照片改用工号命名"
                         "（SZ20003.jpg）后重新上传",
        "王五（SZ20004）": "王五（SZ20004）：photos：有 2 个人叫 王五；请把这个人的照片改用工号命名"
                         "（SZ20004.jpg）后重新上传",
        "赵六（SZ20005）": "赵六（SZ20005）：找不到照片文件 photos/nothere.jpg；请上传这个文件，"
                         "或改正表格里的照片文件名"}
    # the command line, given the same photos as a folder: the same facts, its own advice
    folder = tmp_path / "ws" / "photos"
    (tmp_path / "staff.xlsx").write_bytes(_sheet(rows[:4]))
    shutil.copy(tmp_path / "ws" / "company.yaml", tmp_path / "company.yaml")
    shutil.copy(tmp_path / "ws" / "logo.png", tmp_path / "logo.png")
    err = cli("badges", tmp_path / "staff.xlsx", "--photos", folder, "--side", "front",
              "-o", tmp_path / "x.pdf", "--lang", "zh").err
    assert f"没有照片，{folder} 中也没有名为 SZ20001.jpg 或 张三.jpg 的照片（任何图片后缀均可）" in err
    assert f"{folder}：SZ20002.jpg、SZ20002.png 都对应这个人；请只留一个；" in err
    assert f"{folder}：有 2 个人叫 王五；请把照片 王五.jpg 改用工号命名（SZ20003.jpg）" in err


@pytest.mark.parametrize("second_name", [None, "赵六"])
def test_a_duplicate_id_is_listed_as_the_cli_says_it(fresh, second_name):
    """Whether the second SZ20003 row has problems of its own (no 姓名) or not, the page says
    it repeats the 工号 of row 4, as `fieldprint badges` does; the others are previewed, and
    nothing prints until the sheet is fixed."""
    html = _trial(fresh, [("SZ20001", "张三", "photos/p1.jpg"), ("SZ20002", "李四", "photos/p2.jpg"),
                          ("SZ20003", "王五", "photos/p3.jpg"),
                          ("SZ20003", second_name, "photos/p4.jpg")],
                  ["p1.jpg", "p2.jpg", "p3.jpg", "p4.jpg"])
    rows = problems_table(html)
    duplicate = [r for r in rows if r[3] == "工号"]
    assert len(duplicate) == 1 and duplicate[0][1:3] == ["花名册", "5"]
    assert "SZ20003" in duplicate[0][4] and "重复" in duplicate[0][4]
    assert "staff.xlsx[花名册] 第 4 行" in duplicate[0][4] and "/ws/" not in duplicate[0][4]
    assert (["花名册", "5", "姓名"] in [r[1:4] for r in rows]) == (second_name is None)
    assert re.findall(r'name="people" value="([^"]+)"', html) == ["SZ20001", "SZ20002", "SZ20003"]
    fragment = run_job(fresh, "/cards/badges/jobs", {"csrf": csrf(fresh), "what": "pdf"})
    assert "/download" not in fragment and "SZ20003" in fragment


def test_a_photo_file_the_sheet_names_but_is_not_there_is_said_as_not_found(fresh):
    html = _trial(fresh, [("SZ20001", "张三", "photos/p1.jpg"),
                          ("SZ20003", "王五", "photos/nothere.jpg")], ["p1.jpg"])
    rows = problems_table(html)
    assert [r[1:4] for r in rows] == [["花名册", "3", "照片"]]
    assert "找不到照片文件 photos/nothere.jpg" in rows[0][4] and "王五" in rows[0][4]
    assert "没有照片" not in html
    # a photo named by 工号 in photos/ is still the person's
    jpeg = (EXAMPLES / "photos" / "SZ10001.jpg").read_bytes()
    html = fresh.post("/upload/photos", data={"csrf": csrf(fresh), "back": "/cards/badges"},
                      files={"files": ("SZ20003.jpg", jpeg)}).text
    assert 'id="problems"' not in html        # said as a warning: the sheet names another
    assert [r[1:4] for r in problems_table(html)] == [["花名册", "3", "照片"]]
    assert "改用了照片文件夹里的 SZ20003.jpg" in problems_table(html)[0][4]


def test_photos_named_in_the_photo_column_are_used_not_unused(fresh):
    html = _trial(fresh, [("SZ20001", "张三", "photos/p1.jpg"), ("SZ20002", "李四", "p2.jpg"),
                          ("SZ20003", "王五", "photos/P3.JPG"), ("SZ20004", None, "photos/p4.jpg")],
                  ["p1.jpg", "p2.jpg", "P3.JPG", "p4.jpg", "stranger.jpg"])
    unused = " ".join(re.findall(r'<li class="unmatched">(.*?)</li>', html))
    assert "stranger.jpg" in unused                              # named by nobody: listed
    for name in ("p1.jpg", "P3.JPG", "p4.jpg"):       # named by a record (one left out): used
        assert name not in unused
    assert "p2.jpg" in html            # the sheet names p2.jpg beside it, not in photos/
    assert sorted(r[1:4] for r in problems_table(html)) == [["花名册", "3", "照片"],
                                                            ["花名册", "5", "姓名"]]


@pytest.mark.parametrize("lang, title, nav", [("zh", "找不到这个页面", "工号牌"),
                                              ("en", "Page not found", "Badges")])
def test_a_page_that_does_not_exist_answers_in_the_apps_language_and_style(c, lang, title,
                                                                           nav):
    c.post("/lang", data={"csrf": csrf(c), "lang": lang, "back": "/"})
    for path in ("/nothing", "/cards/nothing", "/upload/nothing", "/cards/badges/preview/99.png"):
        r = c.get(path) if "upload" not in path else c.post(path, data={"csrf": csrf(c)})
        assert r.status_code == 404, path
        assert title in r.text and nav in r.text and 'href="/"' in r.text, path
        assert "Not Found" not in r.text


def test_an_upload_says_where_the_file_went(ws, c):
    r = c.post("/upload/staff", data={"csrf": csrf(c), "back": "/cards/badges"},
               files={"files": ("花名册坏.xlsx", (EXAMPLES / "staff.xlsx").read_bytes())})
    assert "花名册坏.xlsx 已保存为 staff.xlsx；原来的 staff.xlsx 已移到 .history/ 文件夹保存" \
        in r.text
    assert len(list((ws / ".history").glob("*staff.xlsx"))) == 1
    (ws / "staff.xlsx").unlink()
    r = c.post("/upload/staff", data={"csrf": csrf(c), "back": "/cards/badges"},
               files={"files": ("花名册.csv", "工号,姓名\nSZ20001,张三\n".encode())})
    assert "花名册.csv 已保存为 staff.csv" in r.text and "原来的" not in r.text


def test_png_zip_and_manifest(c):
    token = csrf(c)
    archive = zipfile.ZipFile(io.BytesIO(download(c, run_job(
        c, "/cards/badges/jobs", {"csrf": token, "what": "png"}))))
    assert len(archive.namelist()) == 30 and "SZ10023-front.png" in archive.namelist()
    manifest = download(c, run_job(c, "/cards/badges/jobs",
                                   {"csrf": token, "what": "manifest", "side": "front"}))
    lines = manifest.decode("utf-8-sig").splitlines()
    assert lines[0] == "sheet,slot,side,id,name,layout,hash" and len(lines) == 16
    assert ",front,SZ10023,王建国,badge," in lines[2]


def test_chosen_people_and_service_cards(c):
    token = csrf(c)
    fragment = run_job(c, "/cards/service-cards/jobs", {
        "csrf": token, "what": "pdf", "people": ["SZ10023", "SZ10024"], "copies": "1",
        "sheet": "none", "side": "front"})
    pdf = PdfReader(io.BytesIO(download(c, fragment)))
    assert len(pdf.pages) == 2 and "王建国" in pdf.pages[0].extract_text()
    assert c.get("/cards/service-cards/preview/0.png?side=back").status_code == 200
    assert c.get("/cards/badges/preview/99.png").status_code == 404


def test_downloads_belong_to_the_session_that_made_them(ws, c):
    fragment = run_job(c, "/cards/badges/jobs", {"csrf": csrf(c), "what": "manifest"})
    url = re.search(r'href="(/jobs/[\w-]+/download)"', fragment).group(1)
    from starlette.testclient import TestClient
    other = TestClient(c.app)                      # the same server, another browser
    assert other.get(url).status_code == 404
    assert c.get(url).status_code == 200


def test_cancel_leaves_nothing(ws):
    with client(ws) as c:
        text = c.post("/cards/badges/jobs", data={"csrf": csrf(c), "what": "pdf"}).text
        job = re.search(r'/jobs/([\w-]+)', text).group(1)
        r = c.post(f"/jobs/{job}/cancel", data={"csrf": csrf(c)})
        assert "取消" in r.text or "Cancel" in r.text
        assert c.get(f"/jobs/{job}/download").status_code == 404
        folder = c.app.state.jobs.folder / job
        assert not list(folder.glob("*.pdf"))


def test_finished_downloads_are_removed_after_their_time(ws):
    with client(ws, download_ttl=0) as c:
        fragment = run_job(c, "/cards/badges/jobs", {"csrf": csrf(c), "what": "manifest"})
        url = re.search(r'href="(/jobs/[\w-]+/download)"', fragment).group(1)
        c.app.state.jobs.sweep()
        assert c.get(url).status_code == 404
        assert not any(c.app.state.jobs.folder.iterdir())


def test_a_job_with_problems_says_them(ws, c):
    (ws / "photos" / "SZ10023.jpg").unlink()
    fragment = run_job(c, "/cards/badges/jobs", {"csrf": csrf(c), "what": "pdf"})
    assert "SZ10023" in fragment and "download" not in fragment
    fragment = run_job(c, "/cards/badges/jobs", {"csrf": csrf(c), "what": "pdf",
                                                 "allow_missing_photos": "1"})
    assert "/download" in fragment


# ------------------------------------------------------------------ forms
@pytest.mark.parametrize("kind", ["work-orders", "confirmations", "follow-ups"])
def test_form_pages_preview_and_pdf(c, kind):
    page = c.get(f"/forms/{kind}")
    expected = 18 if kind == "follow-ups" else 23   # follow-ups: the completed orders only
    assert page.text.count('class="form-page"') == expected
    png = c.get(f"/forms/{kind}/preview/0/0.png")
    assert png.status_code == 200 and Image.open(io.BytesIO(png.content)).width > 200
    fragment = run_job(c, f"/forms/{kind}/jobs", {"csrf": csrf(c), "format": "pdf",
                                                  "orders": ["WO-20261121-0001"]})
    pdf = PdfReader(io.BytesIO(download(c, fragment)))
    assert "WO-20261121-0001" in pdf.pages[0].extract_text()


def test_copies_that_leave_the_office_hide_phone_numbers(c):
    order = "WO-20261121-0001"
    plain = PdfReader(io.BytesIO(download(c, run_job(c, "/forms/work-orders/jobs", {
        "csrf": csrf(c), "format": "pdf", "orders": [order]})))).pages[0].extract_text()
    masked = PdfReader(io.BytesIO(download(c, run_job(c, "/forms/work-orders/jobs", {
        "csrf": csrf(c), "format": "pdf", "orders": [order], "mask_phones": "1"})))
                       ).pages[0].extract_text()
    phones = re.findall(r"1\d{10}", plain)
    # the customer's number shows as 139****0001; the engineer's own stays whole
    assert any(p[:3] + "****" + p[-4:] in masked and p not in masked for p in phones)


def test_work_orders_as_word(c):
    fragment = run_job(c, "/forms/work-orders/jobs", {"csrf": csrf(c), "format": "docx"})
    archive = zipfile.ZipFile(io.BytesIO(download(c, fragment)))
    text = b"".join(archive.read(n) for n in archive.namelist() if n.startswith("word/"))
    assert len(set(re.findall(rb"WO-\d{8}-\d{4}", text))) == 23      # every order


def test_work_order_upload_replaces_and_keeps_the_previous(ws, c):
    before = (ws / "work_orders.yaml").read_bytes()
    csv = (EXAMPLES / "work_orders.csv").read_bytes()
    r = c.post("/upload/work_orders", data={"csrf": csrf(c), "back": "/forms/work-orders"},
               files={"files": ("工单.csv", csv)})
    assert r.url.path == "/forms/work-orders" and 'class="form-page"' in r.text
    assert (ws / "work_orders.csv").read_bytes() == csv
    assert not (ws / "work_orders.yaml").exists()
    kept = list((ws / ".history").glob("*work_orders.yaml"))
    assert len(kept) == 1 and kept[0].read_bytes() == before


# ------------------------------------------------------------------ equipment
def test_dashboard_counts_equal_the_cli_summary(ws, c, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1763683200")   # 2025-11-21
    page = c.get("/equipment?as_of=2026-11-21").text
    shown = {m.group(1): int(m.group(2)) for m in re.finditer(
        r'data-status="(\w+)"><b>(\d+)</b>', page)}
    cli = subprocess.run([sys.executable, "-m", "generator.cli", "equipment",
                          str(ws / "equipment.xlsx"), str(ws / "staff.xlsx"), "--as-of",
                          "2026-11-21", "--format", "json"], capture_output=True, text=True)
    assert cli.returncode == 0, cli.stderr
    assert shown == json.loads(cli.stdout)["summary"]
    assert page.index('id="overdue"') < page.index('id="all"')
    assert "已超期" in page


def test_recording_a_check_writes_the_register(ws, c):
    before = (ws / "equipment.xlsx").read_bytes()
    r = c.post("/equipment/checks", data={"csrf": csrf(c), "target": "item", "item": "H-0007",
                                          "date": "2026-11-20", "type": "test",
                                          "result": "pass", "note": "web"})
    assert r.status_code == 200 and "H-0007" not in problems_table(r.text)
    sheet = openpyxl.load_workbook(ws / "equipment.xlsx")["检查记录"]
    last = [c.value for c in sheet[sheet.max_row]]
    assert last[0] == "H-0007" and last[2:5] == ["检测", "合格", "web"]
    assert last[1].date().isoformat() == "2026-11-20"
    assert [p.read_bytes() for p in (ws / ".history").glob("*equipment.xlsx")] == [before]
    batch = c.post("/equipment/checks", data={"csrf": csrf(c), "target": "batch",
                                              "batch": "B2503-A", "date": "2026-11-20",
                                              "type": "visual", "result": "pass"})
    assert batch.status_code == 200
    bad = c.post("/equipment/checks", data={"csrf": csrf(c), "target": "item", "item": "X-1",
                                            "date": "someday", "type": "x", "result": "pass"})
    assert bad.status_code == 422 and len(problems_table(bad.text)) == 3


def test_the_check_form_offers_the_items_a_check_can_change(ws, c):
    """Issue 19.3: an item listed as 数据有误 whose id can be read (H-0019: in service before
    it was made) is offered, it is the one needing a check; a scrapped one (H-0009) is not,
    nor a row whose 编号 is empty (a check names its item by id); a check posted for the
    scrapped one is refused with why, the register kept."""
    book = openpyxl.load_workbook(ws / "equipment.xlsx")
    book["台账"].append([None, "安全帽", "SZ10001", None, "2020-01-01", "2020-02-01"])
    book.save(ws / "equipment.xlsx")
    page = c.get("/equipment?as_of=2026-11-21").text
    form = page[page.index('id="check-form"'):]
    offered = re.findall(r"<option>([^<]*)</option>", form[:form.index('name="batch"')])
    assert "H-0019" in offered and "H-0007" in offered
    assert "H-0009" not in offered and not any(o.startswith("equipment[") for o in offered)
    assert re.search(r'<td>H-0019</td><td>安全帽</td><td>数据有误</td>', page)
    # the row without 编号 is still on the page: overdue by what can be read, data to fix
    assert re.search(r"<td>equipment\[\d+\]</td><td>安全帽</td><td>已超期（数据待更正）</td>", page)
    r = c.post("/equipment/checks", data={"csrf": csrf(c), "target": "item", "item": "H-0019",
                                          "date": "2026-11-20", "type": "visual",
                                          "result": "pass"})
    assert r.status_code == 200 and "已登记 1 条检查记录" in r.text
    assert not any("H-0019" in " ".join(row) for row in problems_table(r.text))
    sheet = openpyxl.load_workbook(ws / "equipment.xlsx")["检查记录"]
    assert [c.value for c in sheet[sheet.max_row]][0] == "H-0019"
    before = (ws / "equipment.xlsx").read_bytes()
    r = c.post("/equipment/checks", data={"csrf": csrf(c), "target": "item", "item": "H-0009",
                                          "date": "2026-11-20", "type": "test",
                                          "result": "pass"})
    assert r.status_code == 422
    assert any("H-0009 已报废" in " ".join(row) for row in problems_table(r.text))
    assert (ws / "equipment.xlsx").read_bytes() == before


def test_a_note_with_a_control_character_is_refused_and_the_register_kept(ws, c):
    """A workbook cannot hold a vertical tab: openpyxl refused the whole save (issue 15.14)."""
    before = (ws / "equipment.xlsx").read_bytes()
    r = c.post("/equipment/checks", data={"csrf": csrf(c), "target": "item", "item": "H-0007",
                                          "date": "2026-11-20", "type": "test",
                                          "result": "pass", "note": "盖\x0b子\x1b[2J"})
    assert r.status_code == 422
    rows = [" ".join(row) for row in problems_table(r.text)]
    assert any("\\x0b" in row and "\\x1b" in row for row in rows), rows
    assert "\x1b" not in r.text
    assert (ws / "equipment.xlsx").read_bytes() == before


def test_a_check_beside_a_yaml_register_goes_to_checks_csv(ws, c):
    (ws / "equipment.xlsx").unlink()
    (ws / "equipment.yaml").write_bytes((EXAMPLES / "equipment.yaml").read_bytes())
    r = c.post("/equipment/checks", data={"csrf": csrf(c), "target": "item", "item": "H-0007",
                                          "date": "2026-11-20", "type": "test",
                                          "result": "pass"})
    assert r.status_code == 200
    assert "H-0007,2026-11-20,检测,合格" in (ws / "checks.csv").read_text("utf-8-sig")
    assert "H-0007" in c.get("/equipment").text


@pytest.mark.parametrize("fmt,magic", [("xlsx", b"PK"), ("pdf", b"%PDF"),
                                       ("ics", b"BEGIN:VCALENDAR")])
def test_equipment_downloads(c, fmt, magic):
    r = c.get(f"/equipment/report.{fmt}?as_of=2026-11-21")
    assert r.status_code == 200 and r.content.startswith(magic)
    assert "equipment-2026-11-21" in r.headers["content-disposition"]


def test_the_equipment_page_lists_the_teams_in_the_printed_reports_order(ws, c):
    """The by-team table was sorted by name while the printed report, the workbook and the
    chat messages put the most urgent team first (the equipment helper's report)."""
    import datetime as dt

    from generator.equipment.pdf import report_context
    from generator.web.equipment import _load
    report, _warnings = _load(Workspace(ws), dt.date(2026, 11, 21))
    printed = [team["team"] for team in report_context(report)["teams"]]
    page = c.get("/equipment?as_of=2026-11-21").text
    table = page[page.index('id="teams"'):]
    table = table[:table.index("</table>")]
    shown = re.findall(r"<tr><td>([^<]*)</td>", table)
    assert len(printed) > 2 and printed != sorted(printed)    # the order is the point
    assert shown == printed


def test_a_logo_replaced_in_the_folder_itself_is_previewed_anew(ws, c):
    """The previews were kept by company.yaml's time alone: a logo (or font) copied over the
    old one in the workspace folder, not through the 公司信息 page, still showed the old one
    until the server was started again (the fonts helper's report)."""
    assert "logo: logo.png" in (ws / "company.yaml").read_text("utf-8")
    before = c.get("/cards/badges/preview/0.png?side=front").content
    Image.new("RGB", (300, 300), (200, 0, 0)).save(ws / "logo.png")    # a red square
    after = c.get("/cards/badges/preview/0.png?side=front").content
    assert after != before
    with client(ws) as fresh:                                     # as a new server draws it
        assert fresh.get("/cards/badges/preview/0.png?side=front").content == after


# ------------------------------------------------------------------ company, templates
def test_company_form_saves_company_yaml(ws, c):
    with open(ws / "company.yaml", "a", encoding="utf-8") as fh:
        fh.write("  workdays: [2027-02-07]\n")          # a key the form does not show
    page = c.get("/company").text
    assert "苏州吴韵通信工程有限公司" in page
    logo = io.BytesIO()
    Image.new("RGB", (60, 60), "blue").save(logo, "PNG")
    r = c.post("/company", data={"csrf": csrf(c), "name": "新公司 <b>&", "hotline": "10000",
                                 "qr_caption_1": "公众号", "qr_data_1": "https://x.example"},
               files={"logo": ("徽标.png", logo.getvalue())})
    assert r.status_code == 200 and "新公司 &lt;b&gt;&amp;" in r.text
    import yaml
    saved = yaml.safe_load((ws / "company.yaml").read_text())["company"]
    assert saved["name"] == "新公司 <b>&" and saved["logo"] == "logo.png"
    assert saved["qr_codes"] == [{"caption": "公众号", "data": "https://x.example"}]
    assert saved["workdays"] == [__import__("datetime").date(2027, 2, 7)]  # kept
    assert list((ws / ".history").glob("*company.yaml"))
    text = (ws / "company.yaml").read_text()
    for comment in ("# quoted: phone numbers are text, never numbers",   # the office's notes
                    "# A fictional company; copy this file and put your own details in.",
                    "# relative to this file"):
        assert comment in text
    assert 'hotline: "10000"' in text and "unit:" not in text   # quotes kept; emptied: gone
    c.post("/company", data={"csrf": csrf(c), "name": "新公司", "hotline": "10000"})
    again = (ws / "company.yaml").read_text()
    assert again.count("fieldprint serve") == 1 and "# quoted: phone numbers" in again
    assert "website" not in again


def test_company_form_changes_only_what_the_user_changed(ws, c):
    """The form shows the file as the commands read it (010 as written, not YAML 1.1's octal
    8), and a save leaves every field the user did not touch as the file writes it; the header
    of a save in the other language is replaced, not added to (it was compared with the header
    of the current language)."""
    original = ("company:\n  name: 旧公司\n  hotline: 10000\n  complaint_phone: 010\n"
                "  workdays: [2027-02-07]\n  website: https://old.example\n")
    (ws / "company.yaml").write_text(original, encoding="utf-8")
    page = c.get("/company").text
    assert 'value="010"' in page
    fields = {"name": "新公司", "hotline": "10000", "complaint_phone": "010",
              "website": "https://old.example"}
    assert c.post("/company", data={"csrf": csrf(c), **fields}).status_code == 200
    saved = (ws / "company.yaml").read_text(encoding="utf-8")
    assert saved.endswith(original.replace("旧公司", "新公司"))   # every other line as it was
    c.post("/lang", data={"csrf": csrf(c), "lang": "en", "back": "/company"})
    assert c.post("/company", data={"csrf": csrf(c), **fields, "name": "新公司 2"}).status_code == 200
    again = (ws / "company.yaml").read_text(encoding="utf-8")
    assert again.count("fieldprint serve") == 1 and again.startswith("# Written by fieldprint")
    assert again.endswith(original.replace("旧公司", "新公司 2"))


@pytest.mark.parametrize("crlf", [False, True])
@pytest.mark.parametrize("field, typed, old, new", [
    ("hotline", "95000", b'  hotline: "10000"', b'  hotline: "95000"'),
    ("address", "苏州市新区 1 号", "  address: 江苏省苏州市工业园区星湖街218号生物医药产业园A4楼5层".encode(),
     "  address: 苏州市新区 1 号".encode()),
    ("website", "", b"  website: https://www.example.com/wuyun-tongxin\n", b""),
    ("qr_caption_2", "苏州电信服务号", "      data: https://weixin.qq.com/r/example-suzhou-telecom".encode(),
     None),
])
def test_company_save_keeps_every_unchanged_field_byte_for_byte(ws, c, field, typed, old, new,
                                                                 crlf):
    """The example company.yaml writes its service promise over six lines, each ending in a
    backslash; a save of another field wrote it back as one long line (ruamel.yaml dumps what
    it read). Now only the changed field's text changes: the promise, the comments, the other
    fields and the line ends (CRLF, as Notepad saves) stay byte for byte."""
    from generator.web.company import company_fields
    original = (EXAMPLES / "company.yaml").read_bytes()
    if crlf:
        original = original.replace(b"\n", b"\r\n")
        old, new = old.replace(b"\n", b"\r\n"), new and new.replace(b"\n", b"\r\n")
    promise = re.search(rb'  service_promise: ".*?"\r?\n', original, re.S).group(0)
    assert promise.count(b"\\") == 5                       # the layout a save must keep
    (ws / "company.yaml").write_bytes(original)
    shown = company_fields(Workspace(ws))
    r = c.post("/company", data={"csrf": csrf(c), **shown, field: typed})
    assert r.status_code == 200 and 'id="problems"' not in r.text
    saved = (ws / "company.yaml").read_bytes()
    header, _nl, body = saved.partition(b"\r\n" if crlf else b"\n")
    assert "fieldprint serve" in header.decode() and not header.endswith(b"\r")
    assert promise in body
    if new is None:   # a row of the QR table: the list is written anew, the rest untouched
        start = original.index(b"  qr_codes:")
        assert body[:start] == original[:start]
        assert "苏州电信服务号" in body.decode() and (b"\r\n" in body[start:]) == crlf
    else:
        assert original.count(old) == 1 and body == original.replace(old, new)
    assert company_fields(Workspace(ws)) == {**shown, field: typed}


def test_a_field_added_to_the_company_goes_after_the_last(ws, c):
    from generator.web.company import company_fields
    original = ("# ours\ncompany:\n  name: 旧公司   # 全称\n  hotline: \"10000\"\n"
                "  service_promise: \"第一行\\\n    第二行\"\n# the end\n").encode()
    (ws / "company.yaml").write_bytes(original)
    shown = company_fields(Workspace(ws))
    assert shown["service_promise"] == "第一行第二行"
    c.post("/company", data={"csrf": csrf(c), **shown, "website": "https://new.example"})
    body = (ws / "company.yaml").read_bytes().split(b"\n", 1)[1]
    assert body == original.replace(b"\n# the end", b"\n  website: https://new.example\n# the end")


def test_a_company_file_that_cannot_be_read_is_said_and_never_saved_over(ws, c):
    """A company.yaml with a mistake (a key twice) was shown as an empty form, and a save
    wrote a new file in its place."""
    broken = (ws / "company.yaml").read_text(encoding="utf-8") + '  hotline: "95000"\n'
    (ws / "company.yaml").write_text(broken, encoding="utf-8")
    page = c.get("/company")
    rows = problems_table(page.text)
    assert rows and any("hotline" in " ".join(row) for row in rows), page.text
    assert "保存会丢掉文件里原有的内容" in page.text
    r = c.post("/company", data={"csrf": csrf(c), "name": "新公司", "hotline": "10000"})
    assert r.status_code == 422 and problems_table(r.text)
    assert (ws / "company.yaml").read_text(encoding="utf-8") == broken


def test_company_form_refuses_what_commands_would(c, ws):
    before = (ws / "company.yaml").read_bytes()
    r = c.post("/company", data={"csrf": csrf(c), "name": "", "qr_caption_1": "x"},
               files={"logo": ("logo.png", b"not a picture")})
    assert r.status_code == 422 and problems_table(r.text)
    assert (ws / "company.yaml").read_bytes() == before


def test_templates_download(c):
    r = c.get("/templates/staff.xlsx")
    book = openpyxl.load_workbook(io.BytesIO(r.content))
    assert [cell.value for cell in book.active[1]][:2] == ["工号", "姓名"]
    assert c.get("/templates/secrets.xlsx").status_code == 404


# ------------------------------------------------------------------ hostile input
def _zip(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return out.getvalue()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(out, "JPEG")
    return out.getvalue()


def _upload_photos(c, name, content):
    return c.post("/upload/photos", data={"csrf": csrf(c), "back": "/cards/badges"},
                  files={"files": (name, content)})


def test_zip_slip_is_refused(ws, c, tmp_path):
    for entry in ("../../evil.jpg", "/tmp/evil.jpg", "a/../../evil.jpg", "C:\\evil.jpg",
                  "..\\evil.jpg"):
        r = _upload_photos(c, "p.zip", _zip([("ok.jpg", _jpeg()), (entry, _jpeg())]))
        assert r.status_code == 422, entry
        assert "已拒绝" in r.text or "不是普通文件名" in r.text, entry
    assert not list(tmp_path.rglob("evil.jpg")) and not Path("/tmp/evil.jpg").exists()
    assert not (ws / "photos" / "ok.jpg").exists()         # nothing kept from a hostile zip


def test_a_symlink_in_a_zip_is_refused(ws, c):
    link = zipfile.ZipInfo("SZ10023.jpg")
    link.external_attr = (0o120777 << 16)
    r = _upload_photos(c, "p.zip", _zip([(link, b"/etc/passwd")]))
    assert r.status_code == 422
    assert (ws / "photos" / "SZ10023.jpg").read_bytes()[:2] == b"\xff\xd8"


def test_a_zip_bomb_is_refused(c, ws):
    bomb = _zip([("big.jpg", b"\0" * (60 * 1024 * 1024))])
    assert len(bomb) < 200_000
    r = _upload_photos(c, "p.zip", bomb)
    assert r.status_code == 422 and "big.jpg" in r.text
    assert not (ws / "photos" / "big.jpg").exists()
    r = c.post("/upload/staff", data={"csrf": csrf(c)},
               files={"files": ("staff.xlsx", bomb)})
    assert r.status_code == 422


def _png_header(width: int, height: int) -> bytes:
    """A PNG that claims width × height (header only, tiny file)."""
    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr)
            + chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b""))


def test_a_30000_pixel_square_png_is_refused_unread(c, ws):
    r = _upload_photos(c, "SZ10023.png", _png_header(30000, 30000))
    assert r.status_code == 422 and "太大" in r.text
    assert not (ws / "photos" / "SZ10023.png").exists()


def test_a_50_mb_upload_is_refused(c, ws):
    r = _upload_photos(c, "big.jpg", b"\xff\xd8" + b"\0" * (50 * 1024 * 1024))
    assert r.status_code == 413 and "32 MB" in r.text
    assert not (ws / "photos" / "big.jpg").exists()


def test_a_streamed_upload_without_length_is_cut_at_the_limit(ws):
    """A client that sends no Content-Length (chunked) is counted as the bytes arrive."""
    with client(ws, limits=Limits(request_bytes=1024 * 1024)) as c:
        token = csrf(c)
        boundary = b"xyz"

        def body():
            yield (b"--xyz\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\n"
                   + token.encode() + b"\r\n--xyz\r\nContent-Disposition: form-data; "
                   b"name=\"files\"; filename=\"big.jpg\"\r\n\r\n")
            for _ in range(40):
                yield b"\0" * 65536
            yield b"\r\n--xyz--\r\n"
        r = c.post("/upload/photos", content=body(),
                   headers={"content-type": "multipart/form-data; boundary=" + boundary.decode()})
        assert r.status_code == 413
        assert not (ws / "photos" / "big.jpg").exists()


def test_a_photo_path_of_etc_passwd_is_refused(ws, c):
    book = openpyxl.load_workbook(ws / "staff.xlsx")
    book.active["G2"] = "/etc/passwd"
    book.active["G3"] = "../../../../etc/hostname"
    book.save(ws / "staff.xlsx")
    rows = problems_table(c.get("/cards/badges").text)
    assert [r[1:4] for r in rows] == [["花名册", "2", "照片"], ["花名册", "3", "照片"]]
    assert "/etc/passwd" in rows[0][4]
    fragment = run_job(c, "/cards/badges/jobs", {"csrf": csrf(c), "what": "pdf",
                                                 "allow_missing_photos": "1"})
    assert "/etc/passwd" in fragment and "/download" not in fragment


def test_a_company_logo_outside_the_workspace_is_refused(ws, c):
    text = (ws / "company.yaml").read_text().replace("logo: logo.png", "logo: /etc/passwd")
    (ws / "company.yaml").write_text(text)
    assert "/etc/passwd" in c.get("/cards/badges").text
    fragment = run_job(c, "/forms/work-orders/jobs", {"csrf": csrf(c), "format": "pdf"})
    assert "/etc/passwd" in fragment and "/download" not in fragment


def test_a_symlinked_photo_in_the_workspace_is_not_used(ws, c):
    (ws / "photos" / "SZ10023.jpg").unlink()
    (ws / "photos" / "SZ10023.jpg").symlink_to("/etc/passwd")
    rows = problems_table(c.get("/cards/badges").text)
    assert len(rows) == 1 and "SZ10023" in rows[0][4]


def test_missing_csrf_token_changes_nothing(ws, c):
    before = (ws / "staff.xlsx").read_bytes()
    for url, kwargs in (("/upload/staff", {"files": {"files": ("s.csv", b"x")}}),
                        ("/equipment/checks", {"data": {"item": "H-0007"}}),
                        ("/company", {"data": {"name": "x"}}),
                        ("/cards/badges/jobs", {"data": {"what": "pdf"}}),
                        ("/sample", {}), ("/lang", {"data": {"lang": "en"}})):
        r = c.post(url, **kwargs)
        assert r.status_code == 403, url
        r = c.post(url, **{**kwargs, "data": {**kwargs.get("data", {}), "csrf": "forged"}})
        assert r.status_code == 403, url
    assert (ws / "staff.xlsx").read_bytes() == before


def test_wrong_file_types_are_refused(c):
    r = c.post("/upload/staff", data={"csrf": csrf(c)},
               files={"files": ("staff.exe", b"MZ")})
    assert r.status_code == 422 and "staff.exe" in r.text
    r = _upload_photos(c, "notes.txt", b"hello")
    assert "notes.txt" in r.text
    r = _upload_photos(c, "SZ10099.jpg", b"not a jpeg")
    assert r.status_code == 422


def test_upload_limits_count(ws):
    with client(ws, limits=Limits(files=3)) as c:
        r = _upload_photos(c, "p.zip", _zip([(f"{i}.jpg", _jpeg()) for i in range(5)]))
        assert r.status_code == 422


# ------------------------------------------------------------------ sessions and passwords
def test_no_session_on_a_non_local_address(ws):
    from generator.web import security
    security.set_password(ws / ".fieldprint", "correct horse")
    with client(ws, require_login=True) as c:
        r = c.get("/cards/badges", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == "/login"
        assert c.get("/cards/badges/preview/0.png", follow_redirects=False).status_code == 303
        assert c.get("/equipment/report.xlsx", follow_redirects=False).status_code == 303
        assert c.post("/upload/staff").status_code == 401
        token = re.search(r'name="csrf" value="([^"]+)"', c.get("/login").text).group(1)
        bad = c.post("/login", data={"csrf": token, "password": "wrong"})
        assert bad.status_code == 401
        good = c.post("/login", data={"csrf": token, "password": "correct horse"})
        assert good.status_code == 200 and good.url.path == "/"
        assert c.get("/cards/badges").status_code == 200
        cookie = good.history[0].headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie
        c.post("/logout", data={"csrf": csrf(c)})
        assert c.get("/equipment", follow_redirects=False).status_code == 303
    stored = (ws / ".fieldprint" / "password").read_text()
    assert stored.startswith("$argon2id$") and "correct horse" not in stored


def test_serve_refuses_a_non_local_address_without_password(tmp_path, cli):
    result = cli("serve", "--host", "0.0.0.0", "--workspace", tmp_path / "w", "--no-browser")
    assert result.code == 2
    assert "--set-password" in result.err


def test_set_password_stores_a_hash(tmp_path):
    from click.testing import CliRunner

    from generator.cli import cli as group
    result = CliRunner().invoke(group, ["serve", "--set-password", "--workspace",
                                        str(tmp_path / "w")], input="s3cret-pass\ns3cret-pass\n")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "w" / ".fieldprint" / "password").read_text().startswith("$argon2id$")
    short = CliRunner().invoke(group, ["serve", "--set-password", "--workspace",
                                       str(tmp_path / "w")], input="abc\nabc\n")
    assert short.exit_code != 0


def test_no_personal_data_in_logs(c, caplog):
    caplog.set_level(logging.DEBUG)
    c.get("/cards/badges")
    c.get("/cards/badges/preview/1.png")
    run_job(c, "/cards/badges/jobs", {"csrf": csrf(c), "what": "manifest"})
    assert "王建国" not in caplog.text and "1370000" not in caplog.text


def test_serve_runs_and_answers_only_this_machine(tmp_path):
    """The real command: uvicorn on a free port, a page by 127.0.0.1, refused by another name."""
    import os
    import socket
    import time

    import httpx2
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "generator.cli", "serve", "--workspace",
                               str(tmp_path / "w"), "--port", str(port), "--no-browser"],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              env={**os.environ, "FIELDPRINT_LANG": "zh"})
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                page = httpx2.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except httpx2.TransportError:
                assert server.poll() is None, server.stderr.read().decode()
                assert time.monotonic() < deadline, "serve did not start"
                time.sleep(0.2)
        assert page.status_code == 200 and "打印台" in page.text
        assert "server" not in page.headers
        rebound = httpx2.get(f"http://127.0.0.1:{port}/", headers={"Host": "evil.example"})
        assert rebound.status_code == 400
    finally:
        server.terminate()
        server.wait(timeout=20)
    log = server.stderr.read().decode()
    assert "GET /" not in log            # no access log


# ------------------------------------------------------------------ requests at once
def test_previews_asked_at_once_are_all_drawn_and_the_server_lives(tmp_path):
    """A browser asks for a page's previews in parallel; PDFium is not thread-safe, so the
    server draws them one at a time. Twenty-four at once, nothing loaded or cached yet, on a real
    server in its own process (a crash in PDFium would kill it): every answer is a PNG and the
    server lives."""
    with served(seed(tmp_path / "ws")) as (server, http):
        http.get("/templates")   # a session, nothing drawn or loaded yet
        urls = ([f"/cards/badges/preview/{i}.png?side={side}" for i in range(8)
                 for side in ("front", "back")]
                + [f"/forms/work-orders/preview/{i}/0.png" for i in range(8)])
        with concurrent.futures.ThreadPoolExecutor(len(urls)) as pool:
            answers = list(pool.map(http.get, urls))
        for url, answer in zip(urls, answers):
            assert answer.status_code == 200, url
            assert Image.open(io.BytesIO(answer.content)).width > 200, url
        assert server.poll() is None, "the server died while drawing previews"


def test_two_users_at_once_each_read_their_own_language(tmp_path):
    """One office worker reads the pages in English while another reads them in Chinese: the
    language belongs to each request, not to the server process."""
    with served(seed(tmp_path / "ws")) as (_server, english):
        with httpx2.Client(base_url=english.base_url, timeout=120) as chinese:
            english.post("/lang", data={"csrf": csrf(english), "lang": "en", "back": "/"})
            chinese.get("/")
            asks = [(who, path) for _ in range(6) for who in (english, chinese)
                    for path in ("/equipment", "/templates", "/company")]
            with concurrent.futures.ThreadPoolExecutor(12) as pool:
                pages = list(pool.map(lambda ask: ask[0].get(ask[1]).text, asks))
    for (who, path), page in zip(asks, pages):
        if who is english:
            assert "Safety equipment" in page and "劳动防护用品" not in page, path
        else:
            assert "劳动防护用品" in page and "Safety equipment" not in page, path


def test_every_built_in_card_layout_is_offered(c):
    """The web menu offers what the command line offers: the bilingual layouts too."""
    assert 'value="badge-bilingual"' in c.get("/cards/badges").text
    assert 'value="service-card-bilingual"' in c.get("/cards/service-cards").text
    assert 'max="1000"' in c.get("/cards/badges").text     # copies: the CLI's limit
    from generator.card_kinds import CARD_LAYOUTS
    from generator.content import builtin_names
    offered = [name for names in CARD_LAYOUTS.values() for name in names]
    assert sorted(offered) == builtin_names("badges", ".yaml")


def _upload_staff(c, ws, change, back: str):
    book = openpyxl.load_workbook(ws / "staff.xlsx")
    change(book.active)
    out = io.BytesIO()
    book.save(out)
    return c.post("/upload/staff", data={"csrf": csrf(c), "back": back},
                  files={"files": ("staff.xlsx", out.getvalue())})


def test_a_staff_row_with_a_mistake_does_not_stop_the_forms(ws, c):
    """Trial of main: a star rating typed as 三星 left the forms page with only the problem
    table. The row is a warning; the orders print, but not one naming that engineer."""
    def typo(sheet):
        sheet["I4"] = "三星"      # SZ10024's 星级
    page = _upload_staff(c, ws, typo, "/forms/work-orders")
    assert page.text.count('class="form-page"') == 23
    rows = problems_table(page.text)   # an order listed names SZ10024: to fix before it prints
    assert [row[1:4] for row in rows][0] == ["花名册", "4", "星级"] and "三星" in rows[0][4]
    fragment = run_job(c, "/forms/work-orders/jobs", {"csrf": csrf(c), "format": "pdf",
                                                      "orders": ["WO-20261121-0001"]})
    pdf = PdfReader(io.BytesIO(download(c, fragment)))
    assert "WO-20261121-0001" in pdf.pages[0].extract_text()
    fragment = run_job(c, "/forms/work-orders/jobs", {"csrf": csrf(c), "format": "pdf",
                                                      "orders": ["WO-20261102-0003"]})
    assert "/download" not in fragment and "三星" in fragment and "SZ10024" in fragment
    assert "--only" not in fragment            # the command's option means nothing here


def test_service_cards_need_no_photos_on_the_web(ws, c):
    """Trial of main: the 服务卡 page refused the PDF for badge photos it does not print."""
    for name in ("SZ10023.jpg", "SZ10024.jpg", "SZ10025.jpg"):
        (ws / "photos" / name).unlink()
    page = c.get("/cards/service-cards")
    assert "allow_missing_photos" not in page.text
    fragment = run_job(c, "/cards/service-cards/jobs", {"csrf": csrf(c), "what": "pdf"})
    assert "/download" in fragment
    # a job that does fail names the file and the column, not the server's folder nor a field
    fragment = run_job(c, "/cards/badges/jobs", {"csrf": csrf(c), "what": "pdf"})
    assert "/download" not in fragment and "照片" in fragment
    assert str(ws) not in fragment and "staff.photo" not in fragment


# ------------------------------------------------------------------ the web trial's gaps
def test_an_uploaded_photo_is_deleted_only_after_confirming_and_nothing_else_is_lost(ws, c):
    """Trial: the web could not delete an uploaded photo (a wrong one stayed on the card). The
    badges page lists the photos with whose card each is on; 删除 asks first, showing the photo
    and whose it is; confirmed, the photo goes to .history (not erased), the page says so and
    the card of its person now says the photo is missing; nothing else changes."""
    before = {p.relative_to(ws): p.read_bytes() for p in ws.rglob("*")
              if p.is_file() and ".fieldprint" not in p.parts}
    page = c.get("/cards/badges").text
    listed = re.search(r'<details class="photos" id="photo-list">(.*?)</details>', page, re.S)
    assert listed and "已上传的照片（15）" in listed.group(1)
    assert 'src="/photos/SZ10023.jpg"' in listed.group(1) and "王建国（SZ10023）" in listed.group(1)
    assert c.get("/photos/SZ10023.jpg").content == (ws / "photos" / "SZ10023.jpg").read_bytes()
    for wrong in ("..%2Fcompany.yaml", "nothing.jpg", "..%2F..%2Fetc%2Fpasswd"):
        assert c.get(f"/photos/{wrong}").status_code == 404, wrong
    # asked first: nothing deleted yet
    ask = c.post("/photos/delete", data={"csrf": csrf(c), "name": "SZ10023.jpg",
                                         "back": "/cards/badges"})
    assert ask.status_code == 200 and "删除照片 SZ10023.jpg？" in ask.text
    assert "王建国（SZ10023）" in ask.text and ".history" in ask.text
    assert 'name="confirmed"' in ask.text and (ws / "photos" / "SZ10023.jpg").is_file()
    # without the form's token: refused, nothing deleted
    assert c.post("/photos/delete", data={"name": "SZ10023.jpg", "confirmed": "1"}
                  ).status_code == 403
    assert (ws / "photos" / "SZ10023.jpg").is_file()
    done = c.post("/photos/delete", data={"csrf": csrf(c), "name": "SZ10023.jpg",
                                          "back": "/cards/badges", "confirmed": "1"})
    assert done.url.path == "/cards/badges"
    flash = re.search(r'<p class="flash" id="flash">(.*?)</p>', done.text).group(1)
    assert "已删除照片 SZ10023.jpg" in flash and ".history/" in flash
    assert not (ws / "photos" / "SZ10023.jpg").exists()
    kept = list((ws / ".history").glob("*photos_SZ10023.jpg"))
    assert len(kept) == 1 and kept[0].read_bytes() == before[Path("photos/SZ10023.jpg")]
    after = {p.relative_to(ws): p.read_bytes() for p in ws.rglob("*")
             if p.is_file() and ".fieldprint" not in p.parts and ".history" not in p.parts}
    assert after == {k: v for k, v in before.items() if k != Path("photos/SZ10023.jpg")}
    assert "已上传的照片（14）" in done.text
    rows = problems_table(done.text)
    assert len(rows) == 1 and rows[0][3] == "照片" and "王建国（SZ10023）" in rows[0][4]
    # a name that is not there (deleted already, or a path): said, nothing changed
    again = c.post("/photos/delete", data={"csrf": csrf(c), "name": "SZ10023.jpg",
                                           "back": "/cards/badges", "confirmed": "1"})
    assert again.status_code == 422 and "SZ10023.jpg" in again.text
    outside = c.post("/photos/delete", data={"csrf": csrf(c), "name": "../company.yaml",
                                             "confirmed": "1"})
    assert outside.status_code == 422 and (ws / "company.yaml").is_file()


def _own_service_card(ws: Path, photo: bool) -> str:
    """The built-in service card as the company's own layout in layouts/, with a photo in the
    top right corner when `photo`; its choice's value."""
    from generator.content import content_dir
    text = (content_dir("badges") / "service-card.yaml").read_text(encoding="utf-8")
    text = text.replace("title: 服务卡 90×54", "title: 本公司服务卡")
    if photo:
        text = text.replace("\nfront:\n", "\nfront:\n  - {type: photo, x: 70, y: 18, "
                                          "width: 15, height: 20}\n", 1)
    (ws / "layouts").mkdir(exist_ok=True)
    (ws / "layouts" / "own-card.yaml").write_text(text, encoding="utf-8")
    return "layouts/own-card.yaml"


@pytest.mark.parametrize("photo", [True, False])
def test_a_service_card_layout_with_a_photo_has_its_photos_checked(ws, c, photo):
    """Trial: the web skipped the photo check for every service card, by the card's kind; a
    company's own service-card layout with a photo printed a blank box for a missing photo.
    Now it is read from the layout, as the command line's card engine does: with a photo
    element, a missing photo is a problem (and the placeholder is offered); without, none."""
    (ws / "photos" / "SZ10024.jpg").unlink()
    choice = _own_service_card(ws, photo)
    page = c.get(f"/cards/service-cards?layout={choice}").text
    assert f'value="{choice}" selected' in page and "本公司服务卡" in page
    rows = problems_table(page)
    fragment = run_job(c, "/cards/service-cards/jobs",
                       {"csrf": csrf(c), "what": "pdf", "layout": choice})
    if photo:
        assert [r[3] for r in rows] == ["照片"] and "陆佳怡（SZ10024）" in rows[0][4]
        assert 'name="allow_missing_photos"' in page and 'id="photo-list"' in page
        assert "/download" not in fragment and "SZ10024" in fragment and "照片" in fragment
        fragment = run_job(c, "/cards/service-cards/jobs", {
            "csrf": csrf(c), "what": "pdf", "layout": choice, "allow_missing_photos": "1"})
    else:
        assert rows == [] and "allow_missing_photos" not in page
    pdf = PdfReader(io.BytesIO(download(c, fragment)))
    assert "陆佳怡" in "".join(p.extract_text() for p in pdf.pages)
    # the built-in service card has no photo: no photo problem, whatever the own layout says
    assert problems_table(c.get("/cards/service-cards").text) == []


def test_the_phrase_card_is_called_as_the_glossary_calls_it():
    """Trial: the menu said 服务用语卡; the glossary (docs/术语表.md) says 服务用语口袋卡 (the
    standard, seeds/002, names only the 服务用语规范, no card). No Chinese text of the app, nor
    the user guide, shortens it."""
    glossary = (Path(__file__).parent.parent / "docs" / "术语表.md").read_text(encoding="utf-8")
    assert "| 服务用语口袋卡 | service-phrase pocket card |" in glossary
    root = Path(__file__).parent.parent
    for path in [root / "generator/locale/zh_CN/LC_MESSAGES/fieldprint.po", root / "README.md",
                 root / "docs/使用说明.md", *sorted((root / "generator/web/templates").glob("*")),
                 *sorted((root / "badges").glob("*.yaml"))]:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"服务用语卡(?!片)", text), path


def test_the_menu_says_the_glossarys_name_of_the_phrase_card(c):
    page = c.get("/").text
    assert '<a href="/cards/phrase-cards">服务用语口袋卡</a>' in page
    assert "<h1>服务用语口袋卡</h1>" in c.get("/cards/phrase-cards").text


@pytest.mark.parametrize("kind", ["work-orders", "follow-ups"])
def test_a_form_preview_opens_larger_with_every_page(c, kind):
    """Trial: a work order's preview was small (260 pixels wide on the page) with no larger
    view, and only its first page. A click on it opens the order enlarged (150 dpi: an A4 page
    1240 pixels wide), every page of it as the PDF prints it, with the orders before and after."""
    page = c.get(f"/forms/{kind}").text
    assert f'href="/forms/{kind}/view/1"' in page and "点击放大" in page
    ids = re.findall(r'name="orders" value="([^"]+)"', page)
    view = c.get(f"/forms/{kind}/view/1")
    assert view.status_code == 200 and ids[1] in view.text
    assert f'href="/forms/{kind}/view/0"' in view.text and f'href="/forms/{kind}/view/2"' in view.text
    pdf = PdfReader(io.BytesIO(download(c, run_job(c, f"/forms/{kind}/jobs", {
        "csrf": csrf(c), "format": "pdf", "orders": [ids[1]]}))))
    images = re.findall(r'<img alt="[^"]*" src="([^"]+)"', view.text)
    assert len(images) == len(pdf.pages)
    for number, src in enumerate(images):
        assert src == f"/forms/{kind}/preview/1/{number}.png?size=large"
        large = Image.open(io.BytesIO(c.get(src).content))
        width_pt = float(pdf.pages[number].mediabox.width)
        assert abs(large.width - width_pt / 72 * 150) <= 1
    small = Image.open(io.BytesIO(c.get(f"/forms/{kind}/preview/1/0.png").content))
    assert large.width > 1.8 * small.width
    assert c.get(f"/forms/{kind}/preview/1/{len(pdf.pages)}.png?size=large").status_code == 404
    assert c.get(f"/forms/{kind}/view/999").status_code == 404
    assert c.get("/forms/nothing/view/0").status_code == 404


def test_a_worker_that_dies_is_said_with_what_the_web_user_can_do(ws, monkeypatch, tmp_path):
    """Trial: a badge job whose photo worker was killed (out of memory) told the web's user to
    run again with --jobs 1, an option the web does not have. The same fact, with the web's
    advice (close other programs, print fewer people at once); the command line keeps its own
    (tests/test_card_workers.py)."""
    import os
    import signal

    import generator.card.document as document
    from generator.errors import UserError
    from generator.web import tasks
    real, main = document._work, os.getpid()

    def dying(job):     # the worker that gets SZ10030's photo is killed as the OOM killer does
        if os.getpid() != main and str(getattr(job, "path", "")).endswith("SZ10030.jpg"):
            os.kill(os.getpid(), signal.SIGKILL)
        return real(job)
    monkeypatch.setattr(document, "_work", dying)
    out = tmp_path / "job"
    out.mkdir()
    for task in (tasks.card_pdf, tasks.card_pngs):
        with pytest.raises(UserError) as caught:
            task({"workspace": str(ws), "kind": "badges", "jobs": 2}, out, lambda n, of: None)
        text = "\n".join(tasks.problem_text(p) for p in caught.value.problems)
        assert "工作进程意外退出" in text and "内存不足" in text, text
        assert "--jobs" not in text and "关闭其他程序" in text and "取消勾选" in text, text
    assert document.WorkerDied.says("command").endswith(
        "请加 --jobs 1（只用一个工作进程）重新运行，或每次少打印一些人")


def test_the_company_page_says_what_service_cards_require_of_it(ws, c):
    """Trial: the company page saved with the complaint phone emptied said nothing; the service
    cards were refused later, on another page, once per person. The company page now says, as
    `fieldprint validate` warns, what the service card requires of the company (the complaint
    phone and the service promise, 《家客代维人员上门服务规范》), until it is filled in."""
    from generator.web.company import company_fields
    values = company_fields(Workspace(ws))
    assert 'id="service-card-problems"' not in c.get("/company").text
    saved = c.post("/company", data={**values, "csrf": csrf(c), "complaint_phone": "",
                                     "service_promise": ""})
    assert saved.url.path == "/company" and "已保存" in saved.text
    assert 'id="problems"' not in saved.text and 'id="service-card-problems"' in saved.text
    table = problems_table(saved.text)
    # the keys are not in the file any more: the file, no line (not its first key's line)
    assert len(table) == 2 and all(row[0] == "company.yaml" and not row[2] for row in table)
    assert sorted(row[3] for row in table) == sorted(["投诉电话", "服务承诺"])  # the form's labels
    said = " ".join(row[4] for row in table)
    assert "投诉电话" in said and "服务承诺" in said and "家客代维人员上门服务规范" in said
    assert "服务卡打印前需要补填的公司信息（2）" in saved.text
    fragment = run_job(c, "/cards/service-cards/jobs", {"csrf": csrf(c), "what": "pdf"})
    assert "/download" not in fragment and "投诉电话" in fragment      # what it said, refused
    again = c.post("/company", data={**values, "csrf": csrf(c)})
    assert 'id="service-card-problems"' not in again.text


def test_a_named_photo_not_there_is_found_by_id_alike_on_the_web_and_the_command_line(
        fresh, tmp_path, cli, monkeypatch):
    """Trial: a photo the sheet names but that is not there was looked for by 工号 in the web's
    photos/, but not in the command line's --photos folder (which refused the card). Both now
    use the folder's photo and say so, at the row, as a warning (the sheet may name a newer
    photo); with none in the folder either, both say the named file is not found."""
    rows = [("SZ20001", "张三", "photos/新照片.jpg"), ("SZ20002", "李四", "photos/nothere.jpg")]
    html = _trial(fresh, rows, ["SZ20001.jpg"])
    said = problems_table(html)         # the first table: what stops the print
    assert [r[1:4] for r in said] == [["花名册", "3", "照片"]]
    assert "找不到照片文件 photos/nothere.jpg" in said[0][4]
    assert 'id="warnings"' in html
    notes = re.findall(r'<figcaption class="note">(.*?)</figcaption>', html)
    assert len(notes) == 1 and "张三（SZ20001）" in notes[0] and "photos/新照片.jpg" in notes[0]
    assert "SZ20001.jpg" in notes[0]
    # the command line, the same sheet and the same photos as a folder
    ws = tmp_path / "ws"
    (tmp_path / "cli").mkdir()
    (tmp_path / "cli" / "staff.xlsx").write_bytes(_sheet(rows))
    for name in ("company.yaml", "logo.png"):
        shutil.copy(ws / name, tmp_path / "cli" / name)
    monkeypatch.chdir(tmp_path / "cli")
    result = cli("badges", "staff.xlsx", "--photos", ws / "photos",
                 "--side", "front", "-o", tmp_path / "x.pdf", "--lang", "zh")
    assert result.code == 2 and not (tmp_path / "x.pdf").exists(), result
    warned = [line for line in result.err.splitlines() if line.startswith("注意：")]
    refused = [line for line in result.err.splitlines() if not line.startswith("注意：")]
    assert warned == ["注意：张三（SZ20001）：找不到照片文件 photos/新照片.jpg；改用了照片文件夹里的 "
                      "SZ20001.jpg（如果不是这张，请改正数据里的照片文件名）"], result.err
    assert refused[0].endswith("中配上了 1 张照片") and "发现 1 个问题" in refused[-1]
    assert "李四" in refused[1] and "找不到照片文件 photos/nothere.jpg" in refused[1], result.err
    assert not any("SZ20001" in line for line in refused)     # not refused: a warning
    # with the second row's file named by 工号 in the folder: both print
    (ws / "photos" / "SZ20002.jpg").write_bytes((ws / "photos" / "SZ20001.jpg").read_bytes())
    result = cli("badges", "staff.xlsx", "--photos", ws / "photos",
                 "--side", "front", "-o", tmp_path / "x.pdf", "--lang", "zh")
    assert result.code == 0 and (tmp_path / "x.pdf").is_file(), result
    assert result.err.count("改用了照片文件夹里的") == 2
    page = fresh.get("/cards/badges").text
    assert 'id="problems"' not in page and len(re.findall(r'class="note"', page)) == 2
    assert [r[1:4] for r in problems_table(page)] == [["花名册", "2", "照片"], ["花名册", "3", "照片"]]


def test_a_card_refused_on_the_web_advises_what_the_web_offers(ws, c):
    """The kind of the worker's message, in the card engine's refusals: a badge without a QR
    code and one with a photo that cannot be read advised --allow-missing-qr and
    --allow-missing-photos on the web page, options the web does not have. The web says its own
    (the placeholder box, the staff sheet); the command line keeps its options."""
    book = openpyxl.load_workbook(ws / "staff.xlsx")
    book.active["H3"] = None                                   # SZ10023: no QR code
    book.save(ws / "staff.xlsx")
    (ws / "photos" / "SZ10024.jpg").write_bytes(b"\xff\xd8\xff\xe0broken" * 10)
    page = c.get("/cards/badges").text
    captions = " ".join(re.findall(r'<figcaption class="problem">(.*?)</figcaption>', page))
    fragment = run_job(c, "/cards/badges/jobs", {"csrf": csrf(c), "what": "pdf"})
    assert "/download" not in fragment
    for said in (captions, fragment):
        assert "--allow-missing" not in said, said
        assert "没有二维码" in said and "请在花名册里补上" in said, said
    assert "SZ10024" in fragment and "请改正，或勾选“缺少照片时打印占位图”" in fragment, fragment


def test_the_command_line_keeps_its_options_in_a_refusal():
    from generator.card.render import REFUSED_PHOTO, REFUSED_QR, refused_photo
    assert set(REFUSED_PHOTO) == set(REFUSED_QR) == {"command", "web"}
    assert "--allow-missing-photos" in refused_photo("x", "command")
    assert "--" not in refused_photo("x", "web")
