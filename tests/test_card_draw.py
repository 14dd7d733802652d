"""Drawing: every element type rasterised and looked at (pixels, decoded codes), on a layout
made for the test. When a check fails, the rendered PNG is kept in tests/failures/ (git-ignored)."""
from __future__ import annotations

from pathlib import Path

import pytest
from PIL import Image

from card_helpers import make_data, make_photo, person, render
from generator.card import CardRun, execute, load_card_layout
from generator.data.dataset import load_dataset

OUT = Path(__file__).parent / "failures"
DPI = 300

LAYOUT = """\
title: every element
width: 80
height: 60
bleed: 2
colours: {blue: "#1769c9", red: "#d01010"}
front:
  - {type: rect, x: 0, y: 0, width: 80, height: 10, fill: [blue, "#0a2d5e"], gradient: horizontal}
  - {type: rect, x: 5, y: 14, width: 10, height: 10, fill: red, radius: 5}
  - {type: rect, x: 20, y: 14, width: 10, height: 10, stroke: blue, stroke_width: 1}
  - {type: rect, x: 35, y: 14, width: 10, height: 10, fill: red, opacity: 0.3}
  - {type: line, x1: 5, y1: 28, x2: 45, y2: 28, colour: red, width: 1}
  - {type: image, source: logo.png, x: 50, y: 14, width: 10, height: 10}
  - {type: photo, x: 64, y: 12, width: 12, height: 16, radius: 1, border: blue}
  - {type: barcode, data: "{{ person.id }}", x: 5, y: 32, width: 40, height: 10}
  - {type: qr, data: "{{ person.qr }}", x: 50, y: 32, width: 26, height: 26, caption: 扫码}
  - {type: text, text: "{{ person.name }}", x: 5, y: 46, width: 40, height: 10, size: 14, bold: true, align: center}
back:
  - {type: text, when: person.stars, text: "{{ person.stars | stars }}", x: 5, y: 5, width: 70, height: 8, size: 12}
  - type: qr
    each: company.qr_codes
    data: "{{ item.data }}"
    caption: "{{ index }}. {{ item.caption }}"
    x: 5
    y: 15
    width: 70
    height: 40
"""


@pytest.fixture(scope="module")
def drawn(tmp_path_factory):
    folder = tmp_path_factory.mktemp("draw")
    logo = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    logo.paste((0, 160, 0, 255), (50, 50, 150, 150))
    logo.save(folder / "logo.png")
    (folder / "every.yaml").write_text(LAYOUT, encoding="utf-8")
    staff = make_data(folder, people=[person(1, stars=3)])
    make_photo(folder / "photos" / "T00001.jpg", size=(600, 800), colour=(250, 200, 0))
    data = load_dataset([staff], missing_files="ignore")
    pdf = folder / "every.pdf"
    execute(CardRun(load_card_layout(str(folder / "every.yaml")), data.company, data.staff,
                    sheet="none"), pdf, None)
    return render(pdf, 0, DPI), render(pdf, 1, DPI), pdf


def _at(image, x_mm, y_mm):
    return image.getpixel((round(x_mm / 25.4 * DPI), round(y_mm / 25.4 * DPI)))


def _keep(image, name):
    OUT.mkdir(exist_ok=True)
    image.save(OUT / f"{name}.png")


def test_shapes_and_colours(drawn):
    front, _, _ = drawn
    try:
        left, right = _at(front, 1, 5), _at(front, 79, 5)
        assert left[2] > right[2] + 40                 # the gradient runs left to right
        assert _at(front, 10, 19)[0] > 180 and _at(front, 10, 19)[1] < 60   # red circle
        assert _at(front, 5.3, 14.3) == (255, 255, 255)                     # ... round
        assert _at(front, 20.2, 19)[2] > 150 and _at(front, 25, 19) == (255, 255, 255)  # outline
        faded = _at(front, 40, 19)
        assert faded[0] > 230 and 150 < faded[1] < 220                      # 30 % red on white
        assert _at(front, 25, 28)[0] > 180                                  # the line
        assert _at(front, 55, 19)[1] > 120 and _at(front, 51, 15) == (255, 255, 255)  # logo, transparent corner
        assert _at(front, 70, 14)[0] > 200 and _at(front, 70, 14)[2] < 80    # the photo's yellow
    except AssertionError:
        _keep(front, "every-front")
        raise


def test_codes_scan(drawn):
    import zxingcpp
    front, back, _ = drawn
    found = {(r.format.name, r.text) for r in zxingcpp.read_barcodes(front)}
    assert ("Code128", "T00001") in found
    assert ("QRCode", "https://u.wechat.com/test-00001") in found
    back_codes = sorted(r.text for r in zxingcpp.read_barcodes(back))
    assert back_codes == ["https://weixin.qq.com/r/test-js", "https://weixin.qq.com/r/test-sz"]


def test_text_and_each_captions(drawn):
    from card_helpers import text
    front, back, pdf = drawn
    printed = text(pdf)
    assert person(1)["name"] in printed and "★★★☆☆" in printed
    assert "1. 江苏电信公众号" in printed and "2. 苏州电信公众号" in printed
    name_box = front.crop((round(5 / 25.4 * DPI), round(46 / 25.4 * DPI),
                           round(45 / 25.4 * DPI), round(56 / 25.4 * DPI))).convert("L")
    assert name_box.getextrema()[0] < 60      # dark glyphs were drawn


def test_bleed_extends_edge_colour_and_nothing_else(tmp_path):
    """On an A4 sheet, the header's colour continues 2 mm beyond the trim; the red circle,
    away from the edge, does not."""
    (tmp_path / "l.yaml").write_text(LAYOUT.replace("logo.png", "missing-ok.png").split("  - {type: image")[0]
                                     + "back: []\n", encoding="utf-8")
    staff = make_data(tmp_path, 1)
    data = load_dataset([staff], missing_files="ignore")
    pdf = tmp_path / "s.pdf"
    result = execute(CardRun(load_card_layout(str(tmp_path / "l.yaml")), data.company, data.staff,
                             sides=("front",), sheet="a4"), pdf, None)
    slot = result.pages[0].slots[0]
    sheet = render(pdf, 0, DPI)
    inside = _at(sheet, slot.x + 1, slot.y + 5)
    outside = _at(sheet, slot.x - 1, slot.y + 5)         # in the bleed
    beyond = _at(sheet, slot.x - 3, slot.y + 5)          # past the bleed: white paper
    assert inside[2] > 150 and outside[2] > 150 and beyond == (255, 255, 255)
