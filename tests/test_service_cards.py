"""`fieldprint service-cards`: the card left with the customer, 10 to an A4 sheet."""
from __future__ import annotations

import pytest
import yaml

from card_helpers import (COMPANY, assert_fonts_embedded, decode_qr, make_data, page_sizes_mm,
                          person, render, text, trim_boxes_mm)
from conftest import EXAMPLES

A4 = (210.0, 297.0)


def test_card_pages_are_exactly_90_by_54(tmp_path, cli):
    staff = make_data(tmp_path, 2)
    pdf = tmp_path / "s.pdf"
    result = cli("service-cards", staff, "--sheet", "none", "--copies", "1", "-o", pdf)
    assert result.code == 0, result
    assert page_sizes_mm(pdf) == [(90.0, 54.0)] * 4
    assert set(trim_boxes_mm(pdf)) == {(0.0, 0.0, 90.0, 54.0)}
    assert_fonts_embedded(pdf)
    printed = text(pdf)
    for i in (1, 2):
        assert f"T{i:05d}" in printed and person(i)["name"] in printed
        assert person(i)["phone"] in printed
    assert "10000" in printed and COMPANY["complaint_phone"] in printed
    assert "以后有问题您可以拨打我们免费客服热线10000联系，再见。" in printed.replace("\n", "")


@pytest.mark.parametrize("layout", ["service-card", "service-card-bilingual"])
def test_a_card_without_complaint_phone_or_promise_is_refused(tmp_path, cli, layout):
    """The trial printed service cards with no 投诉电话 after the company page was saved with
    it empty. 《家客代维人员上门服务规范》 (001): the card left with the customer carries
    "咨询服务电话、投诉电话和服务承诺". Both missing are said in one run, nothing written."""
    staff = make_data(tmp_path, 2, company=dict(COMPANY, complaint_phone=None,
                                                service_promise=""))
    pdf = tmp_path / "s.pdf"
    result = cli("service-cards", staff, "--layout", layout, "-o", pdf)
    assert result.code == 2 and not pdf.exists(), result
    said = result.err
    assert "company.complaint_phone" in said and "company.service_promise" in said
    assert said.count("is empty, but this card must show it") == 2 and "投诉电话" in said
    assert "Traceback" not in said
    # the badge needs neither: its lost-card line falls back to the hotline
    assert cli("badges", staff, "-o", tmp_path / "b.pdf").code == 0


@pytest.mark.parametrize("missing", [["complaint_phone"], ["service_promise"],
                                     ["complaint_phone", "service_promise"]])
def test_validate_warns_of_what_service_cards_require_of_the_company(tmp_path, cli, missing):
    """Trial: `validate company.yaml` said OK for a company that service cards refuse (no
    complaint phone or service promise, which the card left with the customer must carry,
    《家客代维人员上门服务规范》). Now a warning per field, where it is, and exit 0 (the other
    documents print without them); once filled in, OK."""
    company = dict(COMPANY, **{field: None if field == "complaint_phone" else ""
                               for field in missing})
    staff = make_data(tmp_path, 2, company=company)
    for data in ([tmp_path / "company.yaml"], [staff]):
        result = cli("validate", *data)
        assert result.code == 0, result
        lines = [line for line in result.err.splitlines() if "service cards: " in line]
        assert len(lines) == len(missing), result.err
        assert {field for field in missing for line in lines if f"company.{field}" in line} \
            == set(missing)
        for line in lines:
            assert line.startswith("warning: service cards: ") and "company.yaml:" in line
            assert "is empty, but this card must show it" in line and "家客代维人员上门服务规范" in line
        assert "OK:" not in result.out and "service cards would be refused" in result.out
    make_data(tmp_path, 2)
    result = cli("validate", tmp_path / "company.yaml")
    assert result.code == 0 and "service cards" not in result.err and "OK:" in result.out


@pytest.mark.parametrize("cards, sheets", [(1, 1), (10, 1), (11, 2), (23, 3)])
def test_ten_cards_to_an_a4_sheet(tmp_path, cli, cards, sheets):
    staff = make_data(tmp_path, 1)
    pdf = tmp_path / "s.pdf"
    result = cli("service-cards", staff, "--copies", cards, "-o", pdf)
    assert result.code == 0, result
    assert page_sizes_mm(pdf) == [A4] * (2 * sheets)   # each front sheet, then its back


def test_copies_of_several_people_share_sheets(tmp_path, cli):
    staff = make_data(tmp_path, 3)
    pdf = tmp_path / "s.pdf"
    assert cli("service-cards", staff, "--copies", "4", "--side", "front", "-o", pdf).code == 0
    assert len(page_sizes_mm(pdf)) == 2                 # 12 cards
    printed = text(pdf)
    assert printed.count("T00001") == 4 and printed.count("T00003") == 4


def test_the_qr_code_scans_at_300_dpi(tmp_path, cli):
    staff = make_data(tmp_path, 1)
    pdf = tmp_path / "s.pdf"
    assert cli("service-cards", staff, "--sheet", "none", "--copies", "1", "-o", pdf).code == 0
    assert decode_qr(render(pdf, 0)) == [COMPANY["feedback_qr"]]
    # without a company feedback link, the engineer's own WeChat
    company = dict(COMPANY, feedback_qr=None)
    staff = make_data(tmp_path / "own", 1, company=company)
    assert cli("service-cards", staff, "--sheet", "none", "--copies", "1", "-o", pdf).code == 0
    assert decode_qr(render(pdf, 0)) == [person(1)["qr"]]


def test_every_card_on_a_sheet_scans(tmp_path, cli):
    staff = make_data(tmp_path, 1)
    pdf = tmp_path / "s.pdf"
    assert cli("service-cards", staff, "--side", "front", "-o", pdf).code == 0
    from generator.card.impose import grid
    from generator.card.layout import load_card_layout
    layout = load_card_layout("service-card")
    g = grid(layout.size, layout.model.bleed, layout.model.sheet)
    for slot in range(10):
        x, y = g.position(slot)
        assert decode_qr(render(pdf, 0, crop_mm=(x, y, 90, 54))) == [COMPANY["feedback_qr"]]


def test_a_long_service_promise_shrinks_then_is_reported(tmp_path, cli):
    base = COMPANY["service_promise"]
    longer = make_data(tmp_path / "longer", 1, company=dict(COMPANY, service_promise=base * 3))
    pdf = tmp_path / "s.pdf"
    result = cli("service-cards", longer, "--sheet", "none", "--copies", "1", "-o", pdf)
    assert result.code == 0, result
    assert base * 3 in text(pdf).replace("\n", "")
    too_long = make_data(tmp_path / "too", 1, company=dict(COMPANY, service_promise=base * 12))
    result = cli("service-cards", too_long, "-o", tmp_path / "x.pdf")
    assert result.code == 2
    assert "company.service_promise" in result.err and "does not fit" in result.err
    assert "5 pt" in result.err  # the layout's minimum was tried
    assert not (tmp_path / "x.pdf").exists()


def test_the_examples_and_png(tmp_path, cli):
    out = tmp_path / "png"
    result = cli("service-cards", EXAMPLES / "staff.yaml", "--only", "SZ10023", "--copies", "10",
                 "-o", tmp_path / "s.pdf", "--png", out)
    assert result.code == 0, result
    assert sorted(p.name for p in out.iterdir()) == ["SZ10023-back.png", "SZ10023-front.png"]
    company = yaml.safe_load((EXAMPLES / "company.yaml").read_text(encoding="utf-8"))["company"]
    from PIL import Image
    front = Image.open(out / "SZ10023-front.png")
    assert front.size == (1063, 638)
    assert decode_qr(front) == [company["feedback_qr"]]


def test_help_has_an_example(cli):
    result = cli("service-cards", "--help")
    assert result.code == 0 and "fieldprint service-cards staff.xlsx" in result.out
    assert "--copies" in result.out


def test_the_default_copies_are_said_before_printing(tmp_path, cli):
    """The trial: service cards default to 10 a person (a full A4 sheet each), so a first try
    printed 30 pages and said so only afterwards: the number is said before the work, with
    how to change it, and in --help."""
    staff = make_data(tmp_path, 3)
    result = cli("service-cards", staff, "-o", tmp_path / "s.pdf")
    assert result.code == 0, result
    assert result.err.startswith("10 cards for each of 3 people (the default; --copies N for "
                                 "another number)"), result.err
    given = cli("service-cards", staff, "--copies", "10", "-o", tmp_path / "s.pdf")
    assert given.code == 0 and "the default" not in given.err
    text = " ".join(cli("service-cards", "--help").out.split())
    assert "each person gets 10 cards by default, one full A4 sheet" in text
    assert "--copies 1 for one card each" in text


@pytest.mark.chinese
@pytest.mark.parametrize("command", ["service-cards", "validate"])
def test_a_missing_complaint_phone_names_the_key_to_add_and_points_at_the_file(
        tmp_path, cli, command):
    """Trial: the example company without its complaint_phone line was said at
    company.yaml:6:3 (the `name:` line) as company.complaint_phone …；请填写, not which line to
    add. Now: the file, no line; the field by its name, then its key (投诉电话（complaint_phone，
    反面）); the line to add. A key there but empty: its own line, and to write after it."""
    import shutil
    for name in ("company.yaml", "logo.png", "staff.yaml"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    company = tmp_path / "company.yaml"
    original = company.read_text(encoding="utf-8")
    company.write_text("".join(line for line in original.splitlines(keepends=True)
                               if "complaint_phone" not in line), encoding="utf-8")
    result = cli(command, tmp_path / "staff.yaml", "-o", tmp_path / "s.pdf") \
        if command == "service-cards" else cli(command, tmp_path / "staff.yaml")
    line = next(x for x in result.err.splitlines() if "（complaint_phone" in x)
    assert "company.yaml: 投诉电话（complaint_phone，反面）: 没有填写，但这张卡必须印出它" in line
    assert "company.yaml:6" not in result.err and "company.complaint_phone" not in line
    assert line.endswith("请在 company.yaml 的“company:”下面加一行“complaint_phone: ……”，"
                         "冒号后面写上投诉电话")
    # the key written but empty: its line, and what to write after it
    company.write_text(original.replace('complaint_phone: "0512-6258 0001"', "complaint_phone:"),
                       encoding="utf-8")
    result = cli(command, tmp_path / "staff.yaml", "-o", tmp_path / "s.pdf") \
        if command == "service-cards" else cli(command, tmp_path / "staff.yaml")
    number = next(i for i, x in enumerate(original.splitlines(), 1) if "complaint_phone" in x)
    line = next(x for x in result.err.splitlines() if "（complaint_phone" in x)
    assert f"company.yaml:{number}:3: 投诉电话（complaint_phone，反面）" in line
    assert line.endswith("请在这一行的“complaint_phone:”后面写上投诉电话")


@pytest.mark.chinese
def test_other_company_fields_are_named_in_words_with_their_key(tmp_path, cli):
    """The same fault for every company field: validate names a wrong hotline or a logo not
    there by its name and key (客服热线（hotline）), at its line."""
    import shutil
    shutil.copy(EXAMPLES / "company.yaml", tmp_path / "company.yaml")
    company = tmp_path / "company.yaml"
    company.write_text(company.read_text(encoding="utf-8").replace(
        'hotline: "10000"', "hotline: [1, 2]").replace("logo: logo.png", "logo: none.png"),
        encoding="utf-8")
    result = cli("validate", company)
    assert result.code == 2, result
    assert ": 客服热线（hotline）: 应该是文字" in result.err
    assert ": 标志（logo）: 找不到文件：none.png" in result.err
    assert "company.hotline" not in result.err and "company.logo" not in result.err
