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
