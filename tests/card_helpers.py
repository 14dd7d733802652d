"""Helpers for the card tests (badges, service cards): small data sets made on the spot, and
the checks a user makes on a PDF (page sizes, embedded fonts, text, scannable QR codes)."""
from __future__ import annotations

from pathlib import Path

import yaml
from PIL import Image, ImageDraw

MM = 72 / 25.4

COMPANY = {
    "name": "苏州测试通信工程有限公司",
    "short_name": "测试通信",
    "partner_label": "电信特约服务商",
    "hotline": "10000",
    "consult_phone": "0512-6000 0000",
    "complaint_phone": "0512-6000 0001",
    "service_promise": "预约后准时上门；统一着装、佩戴工号牌；文明施工；损坏物品48小时内赔偿。",
    "feedback_qr": "https://example.com/feedback",
    "qr_codes": [
        {"caption": "江苏电信公众号", "data": "https://weixin.qq.com/r/test-js"},
        {"caption": "苏州电信公众号", "data": "https://weixin.qq.com/r/test-sz"},
    ],
}


def make_photo(path: Path, size=(300, 400), colour=(70, 120, 200), mode="RGB", fmt="JPEG",
               **save) -> Path:
    """A simple portrait: a coloured background, a light 'face' in the upper part."""
    image = Image.new("RGB", size, colour)
    draw = ImageDraw.Draw(image)
    w, h = size
    draw.ellipse((w * 0.3, h * 0.15, w * 0.7, h * 0.5), fill=(235, 200, 170))
    draw.rectangle((w * 0.15, h * 0.6, w * 0.85, h), fill=(20, 50, 120))
    if mode != "RGB":
        image = image.convert(mode)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, fmt, **save)
    return path


def person(i: int, **fields) -> dict:
    record = {"id": f"T{i:05d}", "name": f"测试{'甲乙丙丁戊己庚辛壬癸'[i % 10]}{i}",
              "unit": "苏州测试通信工程有限公司园区分公司", "phone": f"1380000{i:04d}",
              "photo": f"photos/T{i:05d}.jpg", "qr": f"https://u.wechat.com/test-{i:05d}",
              "stars": i % 6}
    record.update(fields)
    return record


def make_data(folder: Path, n: int = 3, *, people: list[dict] | None = None,
              company: dict | None = None, photos: bool = True) -> Path:
    """company.yaml and staff.yaml in `folder`, with a photo per person; returns staff.yaml."""
    folder.mkdir(parents=True, exist_ok=True)
    people = people if people is not None else [person(i + 1) for i in range(n)]
    (folder / "company.yaml").write_text(
        yaml.safe_dump({"company": company or COMPANY}, allow_unicode=True), encoding="utf-8")
    (folder / "staff.yaml").write_text(
        yaml.safe_dump({"staff": people}, allow_unicode=True, sort_keys=False), encoding="utf-8")
    if photos:
        for record in people:
            photo = record.get("photo")
            if photo and not (folder / photo).exists():
                make_photo(folder / photo)
    return folder / "staff.yaml"


# ------------------------------------------------------------------------------ PDF checks
def page_sizes_mm(pdf: Path) -> list[tuple[float, float]]:
    from pypdf import PdfReader
    return [(round(float(p.mediabox.width) / MM, 1), round(float(p.mediabox.height) / MM, 1))
            for p in PdfReader(str(pdf)).pages]


def trim_boxes_mm(pdf: Path) -> list[tuple[float, ...]]:
    from pypdf import PdfReader
    return [tuple(round(float(v) / MM, 1) for v in p.trimbox) for p in PdfReader(str(pdf)).pages]


def fonts(pdf: Path) -> list[tuple[str, bool]]:
    """(font name, embedded) of every font any page or form uses."""
    from pypdf import PdfReader
    from pypdf.generic import IndirectObject
    found: dict[str, bool] = {}

    def visit(resources, seen):
        if resources is None:
            return
        resources = resources.get_object()
        for font in (resources.get("/Font") or {}).values():
            font = font.get_object()
            name = str(font.get("/BaseFont"))
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            embedded = descriptor is not None and any(
                k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[name] = found.get(name, True) and embedded
        for xobject in (resources.get("/XObject") or {}).values():
            ref = xobject.idnum if isinstance(xobject, IndirectObject) else id(xobject)
            if ref in seen:
                continue
            seen.add(ref)
            xobject = xobject.get_object()
            if xobject.get("/Subtype") == "/Form":
                visit(xobject.get("/Resources"), seen)

    seen: set = set()
    for page in PdfReader(str(pdf)).pages:
        visit(page.get("/Resources"), seen)
    return sorted(found.items())


BASE14 = ("Helvetica", "Times", "Courier", "Symbol", "ZapfDingbats")


def assert_fonts_embedded(pdf: Path) -> None:
    used = fonts(pdf)
    assert used, "no fonts at all"
    for name, embedded in used:
        assert embedded, f"{name} is not embedded"
        assert not any(base in name for base in BASE14), f"base-14 font {name}"


def text(pdf: Path) -> str:
    from pypdf import PdfReader
    return "\n".join(page.extract_text() for page in PdfReader(str(pdf)).pages)


def render(pdf: Path, page: int = 0, dpi: int = 300, crop_mm=None) -> Image.Image:
    """A page (or a part of it: x, y, w, h in mm from the top-left) rasterised with pdfium."""
    import pypdfium2 as pdfium
    document = pdfium.PdfDocument(str(pdf))
    try:
        p = document[page]
        kwargs = {}
        if crop_mm is not None:
            w, h = p.get_size()
            x, y, cw, ch = crop_mm
            kwargs["crop"] = (x * MM, h - (y + ch) * MM, w - (x + cw) * MM, y * MM)
        return p.render(scale=dpi / 72, **kwargs).to_pil().convert("RGB")
    finally:
        document.close()


def decode_qr(image: Image.Image) -> list[str]:
    import zxingcpp
    return sorted(r.text for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode))
