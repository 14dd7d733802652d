"""The README's pictures: a badge and a service card (front and back), the first page of each
built-in form and of the equipment report, from the bundled examples, rendered by pypdfium2
(the PNG is the print). Run from the repository:

    python docs/images/make_previews.py

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
CARDS = [("badges", "badge", "badge", []),
         ("service-cards", "service-card", "service-card", ["--copies", "1"])]


def png(pdf: Path, target: Path, dpi: int = 72, page: int = 0) -> None:
    page = pdfium.PdfDocument(pdf)[page]
    image = page.render(scale=dpi / 72).to_pil().convert("RGB")
    image.quantize(colors=64, method=2).save(target, optimize=True)
    print("wrote", target)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for command, order, name in JOBS:
            out = tmp / f"{command}.pdf"
            subprocess.run([sys.executable, "-m", "generator.cli", command,
                            EX / "work_orders.yaml", EX / "staff.yaml", "--only", order,
                            "-o", out], check=True, cwd=ROOT)
            png(out, HERE / name, dpi=72 if command != "follow-ups" else 90)
        for command, layout, name, extra in CARDS:
            out = tmp / f"{name}.pdf"
            subprocess.run([sys.executable, "-m", "generator.cli", command, EX / "staff.yaml",
                            "--layout", layout, "--only", "SZ10023", "--sheet", "none",
                            *extra, "-o", out], check=True, cwd=ROOT)
            for index, side in enumerate(("front", "back")):
                png(out, HERE / f"{name}-{side}.png", dpi=110, page=index)
        out = tmp / "equipment.pdf"
        subprocess.run([sys.executable, "-m", "generator.cli", "equipment",
                        EX / "equipment.yaml", "--as-of", "2026-11-21", "--format", "pdf",
                        "-o", out], check=True, cwd=ROOT)
        png(out, HERE / "equipment-report.png", dpi=60, page=1)
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


if __name__ == "__main__":
    main()
