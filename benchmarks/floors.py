"""The floors each job is compared with, measured in the same run on the same machine.

- badges: decoding every photo at the reduced scale the renderer needs (Pillow draft mode)
  plus building every QR matrix, divided by the number of cores used;
- work orders: reportlab drawing the same number of pages with the same text and codes, raw;
- register from YAML: PyYAML's C loader parsing the same file and nothing else.
"""
from __future__ import annotations

import io
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import qrcode
import yaml
from PIL import Image
from qrcode.constants import ERROR_CORRECT_M

PHOTO_PX = (320, 420)  # about a 27 x 35 mm photo box at 300 dpi


def _decode_and_qr(args: tuple[str, str]) -> float:
    path, payload = args
    start = time.perf_counter()
    with Image.open(path) as im:
        im.draft("RGB", PHOTO_PX)
        im.load()
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=0)
    code.add_data(payload)
    code.make(fit=True)
    code.get_matrix()
    return time.perf_counter() - start


def badges_floor(staff_yaml: Path, cores: int) -> float:
    data = yaml.load(staff_yaml.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    work = [(str(staff_yaml.parent / p["photo"]), p["qr"]) for p in data["staff"]]
    with ProcessPoolExecutor(max_workers=cores) as pool:
        total = sum(pool.map(_decode_and_qr, work, chunksize=8))
    return total / cores


def orders_floor(orders_yaml: Path) -> float:
    """Raw reportlab: one page per order with the same strings, a Code 128 and a QR code."""
    from reportlab.graphics.barcode.code128 import Code128
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from generator import qr
    from generator.fonts import font_set

    orders = yaml.load(orders_yaml.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    orders = orders["work_orders"]
    font = font_set().regular
    # The command runs in a fresh process; so must the codes here: without this, the
    # 10,000-order floor found the QR matrices of its first 1,000 orders (the same ids)
    # cached by the 1,000-order floor run before it in this process.
    qr.matrix.cache_clear()
    qr.size_modules.cache_clear()
    start = time.perf_counter()
    canvas = Canvas(io.BytesIO(), pagesize=A4, invariant=1, initialFontName=font)
    for order in orders:
        canvas.setFont(font, 10)
        y = 780
        texts = [order["id"], order["kind"], order["service"], str(order["received"])]
        texts += [str(v) for v in order["customer"].values()]
        texts += [order.get("fault") or order.get("prepare") or "", order["engineer"]]
        texts += [f"{m['item']} {m['qty']} {m['unit']}" for m in order["materials"]]
        for i, text in enumerate(texts * 2):  # labels and values
            canvas.drawString(50, y - 18 * i, text)
        Code128(order["id"], barHeight=30).drawOn(canvas, 380, 770)
        qr.draw(canvas, 500, 740, 60, order["id"])
        canvas.showPage()
    canvas.save()
    return time.perf_counter() - start


def yaml_floor(path: Path) -> float:
    start = time.perf_counter()
    with open(path, encoding="utf-8") as fh:
        yaml.load(fh, Loader=yaml.CSafeLoader)
    return time.perf_counter() - start


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
