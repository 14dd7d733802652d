"""What the command line says of many alike problems: once, not once per person (the new
user's trial: validate repeated the missing-photo message 15 times when the photos folder was
not there, said a warning twice, and gave the missing photo's fix only when it was the
person's only problem)."""
from __future__ import annotations

import shutil

import pytest

from generator.errors import Location, PersonPhoto, Problem


@pytest.fixture
def no_photos(examples_copy, monkeypatch):
    """The examples without their photos/ folder, run from inside that folder."""
    shutil.rmtree(examples_copy / "photos")
    monkeypatch.chdir(examples_copy)
    return examples_copy


@pytest.mark.chinese
@pytest.mark.parametrize("staff", ["staff.xlsx", "staff.yaml"])
def test_a_missing_photos_folder_is_said_once_naming_everyone(no_photos, cli, staff):
    result = cli("validate", staff)
    # validate checks the data of every document: badges refused is said, exit stays 0
    assert result.code == 0, result.err
    said = [line for line in result.err.splitlines() if "照片" in line]
    assert len(said) == 1, result.err
    [line] = said
    assert line.startswith(f"注意：{staff}")
    assert "15 人的照片找不到：没有 photos/ 这个文件夹" in line
    assert "SZ10001 顾振东（第 " in line and "SZ10036 蒋雪梅（第 " in line
    assert line.endswith("请把照片放进这个文件夹，或用 --photos 指定照片所在的文件夹，"
                         "或加 --allow-missing-photos 先印占位图")
    assert "有 15 人的工号牌印不出来" in result.out and "没有问题" not in result.out


@pytest.mark.chinese
def test_badges_say_the_missing_folder_once_and_refuse(no_photos, cli):
    result = cli("badges", "staff.xlsx", "-o", "b.pdf")
    assert result.code == 2
    lines = [line for line in result.err.splitlines() if "照片" in line]
    assert len(lines) == 1 and "15 人的照片找不到：没有 photos/ 这个文件夹" in lines[0], result.err
    assert "staff.xlsx[花名册]" in lines[0] and "第 2 行" in lines[0]
    assert not (no_photos / "b.pdf").exists()
    placeholders = cli("badges", "staff.xlsx", "--allow-missing-photos", "-o", "b.pdf")
    assert placeholders.code == 0, placeholders.err
    [line] = [line for line in placeholders.err.splitlines() if "照片" in line]
    assert line.startswith("注意：") and line.endswith("已先印占位图")


@pytest.mark.chinese
def test_some_photos_missing_from_a_folder_that_is_there(examples_copy, cli, monkeypatch):
    for name in ("SZ10023.jpg", "SZ10024.jpg", "SZ10030.jpg"):
        (examples_copy / "photos" / name).unlink()
    monkeypatch.chdir(examples_copy)
    result = cli("validate", "staff.xlsx")
    assert result.code == 0
    [line] = [line for line in result.err.splitlines() if "照片" in line]
    assert "3 人的照片不在 photos/ 文件夹里（SZ10023 王建国（第 3 行）、SZ10024 陆佳怡（第 4 行）、" \
        "SZ10030 朱文斌（第 10 行））" in line
    assert "请按名单里写的文件名（如 SZ10023.jpg）放进去，或加 --allow-missing-photos 先印占位图" in line
    (examples_copy / "photos" / "SZ10023.jpg").write_bytes(
        (examples_copy / "photos" / "SZ10001.jpg").read_bytes())
    (examples_copy / "photos" / "SZ10024.jpg").write_bytes(
        (examples_copy / "photos" / "SZ10001.jpg").read_bytes())
    one = cli("validate", "staff.xlsx")   # one person: said as it was, by row
    [line] = [line for line in one.err.splitlines() if "照片" in line]
    assert line == ("注意：staff.xlsx[花名册] 第 10 行: SZ10030 朱文斌: 照片（正面）: 找不到文件："
                    "photos/SZ10030.jpg；请改正，或加 --allow-missing-photos 先印占位图")


@pytest.mark.chinese
def test_the_fix_is_given_beside_the_persons_other_problem(examples_copy, cli, monkeypatch):
    """The trial: a missing photo got its fix only when it was the person's only problem."""
    path = examples_copy / "staff.yaml"
    text = path.read_text(encoding="utf-8").replace("photo: photos/SZ10001.jpg",
                                                    "photo: photos/nobody.jpg")
    path.write_text(text.replace("    stars: 5\n", "    stars: 7\n", 1), encoding="utf-8")
    monkeypatch.chdir(examples_copy)
    for command in (["validate"], ["badges", "-o", "b.pdf"]):
        result = cli(*command, "staff.yaml")
        assert result.code == 2
        [photo] = [line for line in result.err.splitlines() if "nobody.jpg" in line]
        assert "SZ10001 顾振东: 照片（正面）: 找不到文件：photos/nobody.jpg；请改正，或加 " \
            "--allow-missing-photos 先印占位图" in photo
        assert "超出范围" in result.err


def test_the_same_problem_found_twice_is_said_once(capsys):
    from generator.commands.common import report_problems
    twice = Problem("'1370000102' does not look like a phone number", Location("s.xlsx", 3))
    report_problems([twice, Problem(twice.message, twice.location)], prefix="warning: ")
    assert capsys.readouterr().err.count("1370000102") == 1


def test_a_photo_folder_outside_the_current_one_is_named_without_dot_dots(tmp_path,
                                                                          monkeypatch):
    from generator.commands.common import grouped
    from generator.errors import display_path
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    assert display_path("../there/photos/x.jpg") == str(tmp_path / "there" / "photos" / "x.jpg")
    assert display_path(here / "photos" / "x.jpg") == "photos/x.jpg"
    people = [PersonPhoto("file not found", Location("../s.yaml", n), f"T{n} 某: photo (front)",
                          who=f"T{n} 某", file=f"../there/photos/T{n}.jpg") for n in (2, 5)]
    [said] = grouped(people)
    assert str(said).startswith(f"../s.yaml: 2 people's photos cannot be found: there is no "
                                f"folder {tmp_path / 'there' / 'photos'}/ (T2 某 (line 2), "
                                "T5 某 (line 5))")


@pytest.mark.chinese
def test_chinese_lists_space_the_conjunction_beside_latin_words():
    from generator.i18n import words
    assert words(["columns", "row_height"]) == "columns 和 row_height"
    assert words(["'validate'", "'calibrate'"], "or") == "'validate' 或 'calibrate'"
    assert words(["正面", "反面", "两面"], "or") == "正面、反面或两面"


# ------------------------------------------------------------------ words an office can act on
@pytest.mark.chinese
def test_a_long_uyghur_name_gets_advice_for_whoever_keeps_the_staff_list(examples_copy, cli,
                                                                        monkeypatch):
    path = examples_copy / "staff.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "name: 陆佳怡", "name: 买买提·艾力·阿不都热合曼·库尔班"), encoding="utf-8")
    monkeypatch.chdir(examples_copy)
    result = cli("validate", "staff.yaml")
    [line] = [line for line in result.err.splitlines() if "库尔班" in line]
    assert "请在花名册的“姓名”一栏写得短一些（如 买买提·艾力）" in line, line
    # the layout's box: second, for whoever keeps the layouts
    assert line.endswith("或请维护版式的同事把这个框放大（版式文件 badge.yaml 的 lines、min_size）")


@pytest.mark.chinese
def test_the_layout_is_named_by_its_title_in_chinese_text(examples_copy, cli, monkeypatch):
    monkeypatch.chdir(examples_copy)
    result = cli("badges", "staff.yaml", "-o", "b.pdf")
    assert "版式“工号牌 75×100”（badge）不印维吾尔文姓名" in result.err, result.err


@pytest.mark.chinese
def test_characters_are_described_in_plain_words():
    from generator.fonts import describe_chars
    assert describe_chars(["😀", "𠮷", "\x07"]) == (
        "'😀'（表情符号，U+1F600）、'𠮷'（生僻字，U+20BB7）、'\\x07'（看不见的控制字符，U+0007）")


@pytest.mark.chinese
def test_a_workbook_that_is_not_one_is_said_in_words(tmp_path, cli):
    fake = tmp_path / "staff.xlsx"
    fake.write_bytes(b"\xd0\xcf\x11\xe0 an old .xls or a file with a password")
    result = cli("validate", fake)
    assert result.code == 2
    assert "无法作为 Excel 工作簿（.xlsx）打开：文件里其实不是 .xlsx" in result.err, result.err
    assert "BadZip" not in result.err and "Error" not in result.err


@pytest.mark.chinese
def test_no_yaml_keys_in_the_advice_for_a_staff_sheet(examples_copy, cli, monkeypatch):
    import openpyxl
    book = openpyxl.load_workbook(examples_copy / "staff.xlsx")
    sheet = book.active
    headers = [cell.value for cell in sheet[1]]
    for header in ("照片", "二维码"):
        sheet.cell(2, headers.index(header) + 1).value = None
    book.save(examples_copy / "staff.xlsx")
    monkeypatch.chdir(examples_copy)
    result = cli("validate", "staff.xlsx")
    said = [line for line in result.err.splitlines() if "SZ10001" in line]
    assert any("请在花名册的“照片”一栏填上照片文件" in line for line in said), said
    assert any("请在花名册的“二维码”一栏填二维码的链接或文字" in line for line in said), said
    assert not any("YAML" in line or "qr:" in line or "photo:" in line for line in said)


@pytest.mark.chinese
def test_a_bad_order_row_names_its_order_number(examples_copy, cli, monkeypatch):
    path = examples_copy / "work_orders.csv"
    path.write_text(path.read_text(encoding="utf-8-sig").replace(
        "2026-11-02 08:41", "2026-13-02 08:41", 1), encoding="utf-8-sig")
    monkeypatch.chdir(examples_copy)
    result = cli("validate", "work_orders.csv")
    assert result.code == 2
    assert "work_orders.csv:3（WO-20261102-0003） 接单时间: 不存在的日期" in result.err, result.err
    # an order with no engineer yet: its number, and the column to fill in, not a YAML key
    path.write_text(path.read_text(encoding="utf-8-sig").replace(
        "2026-13-02 08:41", "2026-11-02 08:41", 1), encoding="utf-8-sig")
    result = cli("validate", "work_orders.csv")
    [line] = [line for line in result.err.splitlines() if "尚未派单" in line]
    assert "（WO-20261121-0011）" in line and "请在“装维人员”一栏填写装维人员的工号" in line, line
    assert "engineer" not in line


@pytest.mark.chinese
def test_a_did_you_mean_is_not_followed_by_a_second_mark():
    said = Problem("台账中没有批次 'B2403-O' 的安全帽；您是不是想写 'B2403-A'？；批次抽检只对本批次的物品有效")
    assert str(said) == "台账中没有批次 'B2403-O' 的安全帽；您是不是想写 'B2403-A'？批次抽检只对本批次的物品有效"


# ------------------------------------------------------------------------------ smaller
@pytest.mark.chinese
def test_a_folder_made_for_the_output_is_said(examples_copy, cli, monkeypatch):
    monkeypatch.chdir(examples_copy)
    result = cli("service-cards", "staff.yaml", "--copies", "1", "-o", "new/deeper/cards.pdf")
    assert result.code == 0, result.err
    assert "已新建文件夹 new/deeper" in result.err
    assert (examples_copy / "new" / "deeper" / "cards.pdf").is_file()
    again = cli("service-cards", "staff.yaml", "--copies", "1", "-o", "new/deeper/cards.pdf")
    assert "已新建文件夹" not in again.err     # said only when made


def test_service_cards_take_allow_missing_photos_as_the_readme_says(examples_copy, cli,
                                                                     monkeypatch):
    shutil.rmtree(examples_copy / "photos")
    monkeypatch.chdir(examples_copy)
    for options in ([], ["--allow-missing-photos"]):   # the built-in card shows no photo
        result = cli("service-cards", "staff.yaml", "--copies", "1", *options, "-o", "s.pdf")
        assert result.code == 0, result.err
        assert "photo" not in result.err


@pytest.mark.chinese
def test_layouts_list_says_which_command_prints_with_each(cli):
    rows = {line.split()[0]: line for line in cli("layouts", "list").out.splitlines()[1:]}
    assert rows["phrase-card"].endswith("卡片版式（fieldprint phrase-cards）")
    assert rows["service-card"].endswith("卡片版式（fieldprint service-cards）")
    assert rows["badge"].endswith("卡片版式（fieldprint badges）")
    assert rows["equipment-report"].endswith("表单版式（fieldprint equipment）")


@pytest.mark.chinese
def test_the_same_problem_of_many_peoples_cards_is_said_once(examples_copy, cli, monkeypatch):
    """A staff sheet without its QR codes: one line naming the people, not one per person."""
    import openpyxl
    book = openpyxl.load_workbook(examples_copy / "staff.xlsx")
    sheet = book.active
    column = [cell.value for cell in sheet[1]].index("二维码") + 1
    for row in range(2, sheet.max_row + 1):
        sheet.cell(row, column).value = None
    book.save(examples_copy / "staff.xlsx")
    monkeypatch.chdir(examples_copy)
    result = cli("validate", "staff.xlsx")
    said = [line for line in result.err.splitlines() if "二维码" in line]
    assert len(said) == 1, result.err
    assert said[0].startswith("注意：staff.xlsx[花名册]: 15 人（SZ10001 顾振东（第 2 行）、")
    assert "）的二维码（正面）：没有二维码：请在花名册的“二维码”一栏填" in said[0], said[0]
