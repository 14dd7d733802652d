"""Previews of the forms for the README: the first page of each built-in form, from the
bundled examples, rendered by pypdfium2 (the PNG is the print). Run from the repository:

    python docs/images/make_form_previews.py

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


def png(pdf: Path, target: Path, dpi: int = 72) -> None:
    page = pdfium.PdfDocument(pdf)[0]
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
        soffice = shutil.which("soffice")
        if soffice:
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
