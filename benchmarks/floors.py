"""The floors each job is compared with: the work a job cannot avoid, measured in CPU seconds in
the same run on the same machine (issue 19: honest floors).

- badges: per person, what printing a photo needs and nothing more — decode the camera JPEG at
  the same reduced scale fieldprint decodes it (Pillow draft mode, the same 300 dpi × 0.9 rule),
  crop to the photo box, resize to 300 dpi (or keep the decoded pixels when fewer: fieldprint
  never enlarges, and a 1/8 decode of a 4000 × 3000 photo gives 280 of the 295 columns; the
  floor once enlarged them to 295, ~5 % more work than the badge does), encode the JPEG that
  goes into the PDF — plus one
  QR matrix with the same encoder fieldprint uses (generator.qr.matrix, uncached); the CPU
  time of all workers summed;
- work orders: raw reportlab drawing exactly the ops fieldprint's engine lays out for each
  order (every string, line, box, fill, the Code 128 and the QR code), one public canvas call
  per op; the laying out itself is not timed;
- register from YAML: libyaml's bare event parse of the same file (PyYAML's C parser, events
  only: no Python objects built from them). The CSV route is compared with the same floor.
"""
from __future__ import annotations

import io
import math
import os
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import yaml
from PIL import Image

PHOTO_BOX_MM = (25.0, 33.5)  # the photo of the built-in badge layout (badges/badge.yaml)


def _photo_and_qr(args: tuple[str, str]) -> float:
    """CPU seconds for one person's unavoidable work (see the module docstring)."""
    from generator import qr
    from generator.card.images import DRAFT_SLACK, JPEG_QUALITY, PRINT_DPI
    from generator.units import px
    path, payload = args
    start = time.process_time()
    target = (px(PHOTO_BOX_MM[0], PRINT_DPI), px(PHOTO_BOX_MM[1], PRINT_DPI))
    with Image.open(path) as image:
        w, h = image.size
        ratio = PHOTO_BOX_MM[0] / PHOTO_BOX_MM[1]
        crop_w, crop_h = (h * ratio, float(h)) if w / h > ratio else (float(w), w / ratio)
        scale = min(1.0, target[0] / crop_w)
        image.draft("RGB", (math.ceil(w * scale * DRAFT_SLACK), math.ceil(h * scale * DRAFT_SLACK)))
        image.load()
        w2, h2 = image.size
        crop_w, crop_h = (h2 * ratio, float(h2)) if w2 / h2 > ratio else (float(w2), w2 / ratio)
        left, top = (w2 - crop_w) / 2, (h2 - crop_h) * 0.3   # the photo element's default focus
        size = target
        if crop_w < target[0]:   # fewer pixels than 300 dpi: fieldprint keeps them, never enlarges
            out_w = max(1, round(crop_w))
            size = (out_w, max(1, round(out_w * PHOTO_BOX_MM[1] / PHOTO_BOX_MM[0])))
        out = image.resize(size, Image.LANCZOS, box=(left, top, left + crop_w, top + crop_h),
                           reducing_gap=1.25)
        out.save(io.BytesIO(), "JPEG", quality=JPEG_QUALITY)
    qr.matrix.__wrapped__(payload)   # the same encoder, not its per-run cache
    return time.process_time() - start


def badges_floor(staff_yaml: Path, cores: int, repeats: int = 1) -> float:
    """The workers' summed CPU seconds for every person (see the module docstring); the least
    of `repeats` passes."""
    data = yaml.load(staff_yaml.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
    work = [(str(staff_yaml.parent / p["photo"]), p["qr"]) for p in data["staff"]]
    with ProcessPoolExecutor(max_workers=cores) as pool:
        return min(sum(pool.map(_photo_and_qr, work, chunksize=8)) for _ in range(repeats))


def orders_floor(orders_yaml: Path, staff_yaml: Path, company_yaml: Path) -> float:
    """Raw reportlab drawing exactly what fieldprint draws: each order is laid out by
    fieldprint's engine first (not timed), then every op of its page - each string at its
    place, size, weight and colour, each line, box, fill, tick box, the Code 128 bars and the
    QR code (its matrix made here, as fieldprint makes it) - is drawn through reportlab's
    public canvas API, one call per op (generator.form.plain_draw, the general path the fast
    painter is tested against); only the drawing and the PDF's writing are timed."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen.canvas import Canvas

    from generator import qr
    from generator.commands.common import load
    from generator.fonts import chain, font_set
    from generator.form import Record, layout_record, load_form
    from generator.form.cache import RunCache
    from generator.form.plain_draw import PlainPainter
    from generator.orders import WorkingCalendar, iter_contexts, order_shape

    dataset = load((orders_yaml, staff_yaml, company_yaml))
    fonts = font_set(dataset.company)
    layout = load_form("work-order", order_shape())
    calendar = WorkingCalendar.for_company(dataset.company)
    orders = dataset.work_orders
    records = (Record(ctx, o.id) for o, ctx in
               zip(orders, iter_contexts(dataset, orders, calendar)))
    regular = chain(fonts.regular).fonts[0]
    # The command runs in a fresh process; so must the codes here: without this, a bigger
    # floor would find the QR matrices of a smaller one's orders (the same ids) cached.
    qr.matrix.cache_clear()
    qr.size_modules.cache_clear()
    cache = RunCache()
    H = layout.page.size_mm[1]
    spent = 0.0
    start = time.process_time()
    canvas = Canvas(io.BytesIO(), pagesize=A4, invariant=1, initialFontName=regular)
    painter = PlainPainter(canvas, fonts, H)
    spent += time.process_time() - start
    for record in records:
        doc = layout_record(layout, record, fonts, cache)
        start = time.process_time()
        for ops in doc.pages:
            painter.page(ops)
            canvas.showPage()
        spent += time.process_time() - start
    start = time.process_time()
    canvas.save()
    return spent + time.process_time() - start


def yaml_floor(path: Path, repeats: int = 2) -> float:
    """libyaml's event parse of the file, CPU seconds: the least of `repeats` (at least two:
    the file is then cached)."""
    best = math.inf
    for _ in range(max(2, repeats)):
        start = time.process_time()
        with open(path, "rb") as fh:
            for _event in yaml.parse(fh, Loader=yaml.CSafeLoader):
                pass
        best = min(best, time.process_time() - start)
    return best


def cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
