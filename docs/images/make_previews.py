"""The README's pictures: a badge and a service card (front and back), the bilingual badge, the
printer calibration sheet, the first page of each built-in form, the equipment report's page of
items with no team, from the bundled examples, rendered by pypdfium2 (the PNG is the print).
Run from the repository:

    python docs/images/make_previews.py          # every picture
    python docs/images/make_previews.py notify   # only the chat message (docs/notify.md)

The Word preview needs LibreOffice and a Chinese font it can use (the templates ask for
微软雅黑; map it to any CJK font in fontconfig on a machine without it).
"""
from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import pypdfium2 as pdfium

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
EX = ROOT / "examples"
JOBS = [("work-orders", "WO-20261121-0001", "forms-work-order.png"),
        ("confirmations", "WO-20261105-0011", "forms-confirmation.png"),
        ("follow-ups", "WO-20261116-0006", "forms-follow-up.png")]
CARDS = [("badges", "badge", "badge", [], "SZ10023", ("front", "back")),
         ("service-cards", "service-card", "service-card", ["--copies", "1"], "SZ10023",
          ("front", "back")),
         # the Uyghur name beneath the Chinese one (docs/fonts.md)
         ("badges", "badge-bilingual", "badge-bilingual", [], "SZ10033", ("front",))]


def png(pdf: Path, target: Path, dpi: int = 72, page: int = 0) -> None:
    page = pdfium.PdfDocument(pdf)[page]
    image = page.render(scale=dpi / 72).to_pil().convert("RGB")
    image.quantize(colors=64, method=2).save(target, optimize=True)
    print("wrote", target)


# A WeCom-like chat window for the notification preview (docs/notify.md). Only WeCom's
# documented markdown subset is rendered: ## headings, > quotes, **bold**, <font color>.
CHAT_PAGE = """<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><style>
@font-face {{ font-family: wqy; src: url("{font}"); }}
body {{ margin: 0; background: #f3f4f6; font: 14px/1.6 wqy, sans-serif; color: #1f2329; }}
.win {{ width: 640px; padding: 18px 20px 24px; }}
.time {{ text-align: center; color: #8f959e; font-size: 12px; margin-bottom: 12px; }}
.row {{ display: flex; gap: 10px; }}
.avatar {{ width: 38px; height: 38px; border-radius: 6px; background: #3370ff; color: #fff;
          font-size: 17px; display: flex; align-items: center; justify-content: center; }}
.name {{ color: #646a73; font-size: 12px; margin-bottom: 4px; }}
.tag {{ background: #e1eaff; color: #245bdb; border-radius: 3px; padding: 0 4px; margin-left: 4px; }}
.bubble {{ background: #fff; border-radius: 0 8px 8px 8px; padding: 10px 14px; width: 540px;
          box-shadow: 0 1px 2px rgba(0,0,0,.06); }}
h2 {{ font-size: 16px; margin: 0 0 6px; }}
blockquote {{ margin: 4px 0; padding-left: 8px; border-left: 3px solid #dee0e3; color: #646a73; }}
p {{ margin: 0; }}
.warning {{ color: #f54a45; }} .comment {{ color: #8f959e; }} .info {{ color: #2ea121; }}
</style></head><body><div class="win"><div class="time">{time}</div>
<div class="row"><div class="avatar">机</div><div><div class="name">设备提醒<span class="tag">机器人</span></div>
<div class="bubble">{body}</div></div></div></div></body></html>"""


def wecom_markdown_html(content: str) -> str:
    """WeCom's markdown subset as HTML (escaped first; our data never carries markup)."""
    import html
    import re
    out = []
    for line in content.split("\n"):
        text = html.escape(line, quote=True)
        text = re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", text)
        text = re.sub(r"&lt;font color=&quot;(warning|comment|info)&quot;&gt;(.*?)&lt;/font&gt;",
                      r'<span class="\1">\2</span>', text)
        if text.startswith("## "):
            out.append(f"<h2>{text[3:]}</h2>")
        elif text.startswith("&gt; "):
            out.append(f"<blockquote>{text[5:]}</blockquote>")
        else:
            out.append(f"<p>{text or '&nbsp;'}</p>")
    return "\n".join(out)


def page_with(pdf: Path, *words: str) -> int:
    """The index of the first page of `pdf` whose text holds every one of `words`."""
    document = pdfium.PdfDocument(pdf)
    for index in range(len(document)):
        text = document[index].get_textpage().get_text_range()
        if all(word in text for word in words):
            return index
    raise SystemExit(f"no page of {pdf} says {words}")


def chat_preview(tmp: Path) -> None:
    """docs/images/notify-wecom.png: the example's WeCom message (as of 2026-11-21), drawn by
    headless Chromium in a mock chat window. A rendering, not a screenshot of the app."""
    import datetime as dt
    from PIL import Image, ImageChops
    from generator.commands.equipment import make_report
    from generator.equipment.notify import Target, build
    from generator.fonts import default_font_path
    from generator.i18n import set_language
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("kept the chat preview: no chromium here")
        return
    set_language("zh")
    report = make_report((EX / "equipment.yaml",), dt.date(2026, 11, 21), None, None)
    message = build(report, Target("wecom", "https://qyapi.weixin.qq.com/x"),
                    "equipment-2026-11-21.pdf")
    page = tmp / "chat.html"
    page.write_text(CHAT_PAGE.format(font=default_font_path().as_uri(), time="11月21日 08:00",
                                     body=wecom_markdown_html(
                                         message.payload["markdown"]["content"])),
                    encoding="utf-8")
    shot = tmp / "chat.png"
    subprocess.run([chromium, "--headless=new", "--no-sandbox", "--disable-gpu",
                    "--hide-scrollbars", "--force-device-scale-factor=1",
                    "--window-size=680,1400", f"--screenshot={shot}", page.as_uri()],
                   check=True, capture_output=True)
    image = Image.open(shot).convert("RGB")
    background = Image.new("RGB", image.size, image.getpixel((image.width - 1,
                                                               image.height - 1)))
    box = ImageChops.difference(image, background).getbbox()
    image = image.crop((0, 0, image.width, min(image.height, box[3] + 24)))
    target = HERE / "notify-wecom.png"
    image.quantize(colors=64, method=2).save(target, optimize=True)
    print("wrote", target)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    if sys.argv[1:] == ["notify"]:
        with tempfile.TemporaryDirectory() as tmp:
            chat_preview(Path(tmp))
        return
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for command, order, name in JOBS:
            out = tmp / f"{command}.pdf"
            subprocess.run([sys.executable, "-m", "generator.cli", command,
                            EX / "work_orders.yaml", EX / "staff.yaml", "--only", order,
                            "-o", out], check=True, cwd=ROOT)
            png(out, HERE / name, dpi=72 if command != "follow-ups" else 90)
        for command, layout, name, extra, person, sides in CARDS:
            out = tmp / f"{name}.pdf"
            subprocess.run([sys.executable, "-m", "generator.cli", command, EX / "staff.yaml",
                            "--layout", layout, "--only", person, "--sheet", "none",
                            *extra, "-o", out], check=True, cwd=ROOT)
            for index, side in enumerate(sides):
                png(out, HERE / f"{name}-{side}.png", dpi=110, page=index)
        out = tmp / "calibration.pdf"
        subprocess.run([sys.executable, "-m", "generator.cli", "calibrate", "-o", out],
                       check=True, cwd=ROOT)
        png(out, HERE / "calibration.png", dpi=60)
        out = tmp / "phrase-card.pdf"
        subprocess.run([sys.executable, "-m", "generator.cli", "phrase-cards",
                        EX / "phrases.yaml", EX / "staff.yaml", "--only", "SZ10023",
                        "--sheet", "none", "-o", out], check=True, cwd=ROOT)
        for index, side in enumerate(("front", "back")):
            png(out, HERE / f"phrase-card-{side}.png", dpi=80, page=index)
        out = tmp / "equipment.pdf"
        subprocess.run([sys.executable, "-m", "generator.cli", "equipment",
                        EX / "equipment.yaml", "--as-of", "2026-11-21", "--format", "pdf",
                        "-o", out], check=True, cwd=ROOT)
        # the page of the items with no team: an item in stock (库存未发放), a helmet kept by
        # its batch's passing sample, an invalid record, one scrapped with its batch
        png(out, HERE / "equipment-report.png", dpi=60, page=page_with(out, "（未分班组）", "持有人"))
        soffice = shutil.which("soffice")
        chinese = shutil.which("fc-list") and subprocess.run(
            ["fc-list", ":lang=zh"], capture_output=True, text=True).stdout.strip()
        if not (soffice and chinese):
            print("kept the Word preview: LibreOffice or a Chinese system font is missing here")
        else:
            docx = tmp / "work-order.docx"
            subprocess.run([sys.executable, "-m", "generator.cli", "work-orders",
                            EX / "work_orders.yaml", EX / "staff.yaml", "--only",
                            "WO-20261121-0001", "-o", docx], check=True, cwd=ROOT)
            subprocess.run([soffice, f"-env:UserInstallation={(tmp / 'lo').as_uri()}",
                            "--headless", "--convert-to", "pdf", "--outdir", str(tmp), str(docx)],
                           check=True, capture_output=True)
            png(tmp / "work-order.pdf", HERE / "forms-work-order-word.png")
        chat_preview(tmp)


if __name__ == "__main__":
    main()
