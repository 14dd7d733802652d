"""Benchmark inputs, generated here (no downloads) and cached under benchmarks/work/.

- people: N staff with a distinct 4000 x 3000 JPEG each (noise and gradients, so it compresses
  like a camera photo: 2-4 MB) and a distinct QR payload;
- work orders: N one-page orders for those people;
- equipment: an N-item register, as YAML and as CSV.
"""
from __future__ import annotations

import csv
import io
import os
import random
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image, ImageDraw

PHOTO_SIZE = (4000, 3000)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
GIVEN = "建国秀英志强丽娟海峰晓明春燕文杰玉兰国华淑珍永红子涵宇轩浩然梓萱欣怡俊杰思远雨桐嘉怡"
TEAMS = ["园区装维一班", "园区装维二班", "吴中装维一班", "相城装维班", "姑苏装维班", "高新区装维班"]


def _name(i: int) -> str:
    rnd = random.Random(i)
    return rnd.choice(SURNAMES) + "".join(rnd.choice(GIVEN) for _ in range(rnd.choice((1, 2))))


_BASE: Image.Image | None = None


def _photo(args: tuple[int, str]) -> None:
    """One distinct camera-like photo: a shared noisy base, shifted, with its own subject."""
    global _BASE
    i, path = args
    if _BASE is None:
        w, h = PHOTO_SIZE[0] + 400, PHOTO_SIZE[1] + 400
        noise = Image.effect_noise((w, h), 18)
        grad = Image.linear_gradient("L").resize((w, h))
        radial = Image.radial_gradient("L").resize((w, h))
        _BASE = Image.merge("RGB", (Image.blend(noise, grad, 0.6),
                                    Image.blend(grad.transpose(Image.Transpose.ROTATE_180), noise, 0.3),
                                    radial))
    dx, dy = (i * 37) % 400, (i * 53) % 400
    img = _BASE.crop((dx, dy, dx + PHOTO_SIZE[0], dy + PHOTO_SIZE[1]))
    draw = ImageDraw.Draw(img)
    rnd = random.Random(i)
    skin = (rnd.randint(180, 235), rnd.randint(140, 190), rnd.randint(110, 160))
    draw.ellipse((1500, 500, 2500, 1800), fill=skin)
    draw.rectangle((1000, 1900, 3000, 3000), fill=(rnd.randint(0, 80), rnd.randint(40, 120), 160))
    img.save(path, "JPEG", quality=88)


def make_people(folder: Path, n: int) -> Path:
    """staff.yaml + company.yaml, photos in ../photos/ (shared by every size); reused when
    already there."""
    data = folder / "staff.yaml"
    if data.exists():
        return data
    folder.mkdir(parents=True, exist_ok=True)
    photos = folder.parent / "photos"   # shared by every size: person i has photo i
    photos.mkdir(parents=True, exist_ok=True)
    todo = [(i, str(photos / f"P{i:05d}.jpg")) for i in range(n)
            if not (photos / f"P{i:05d}.jpg").exists()]
    with ProcessPoolExecutor(max_workers=os.cpu_count()) as pool:
        list(pool.map(_photo, todo, chunksize=8))
    lines = ["staff:"]
    for i in range(n):
        lines += [f'  - id: "P{i:05d}"', f"    name: {_name(i)}",
                  f"    team: {TEAMS[i % len(TEAMS)]}", f'    phone: "139{i:08d}"',
                  f"    photo: ../photos/P{i:05d}.jpg",
                  f"    qr: https://u.wechat.example.cn/staff/P{i:05d}?k={i * 7919 % 100003}",
                  f"    stars: {1 + i % 5}"]
    (folder / "company.yaml").write_text(COMPANY, encoding="utf-8")
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data


COMPANY = """\
company:
  name: 苏州基准通信工程有限公司
  unit: 苏州基准通信工程有限公司园区分公司
  hotline: "10000"
  complaint_phone: "0512-68001234"
  service_promise: 准时上门，文明服务，规范施工，一次修复。
  feedback_qr: https://example.cn/feedback
  qr_codes:
    - {caption: 江苏电信公众号, data: "https://example.cn/js"}
    - {caption: 苏州电信公众号, data: "https://example.cn/sz"}
"""


def make_orders(folder: Path, n: int, people: int) -> Path:
    data = folder / f"orders-{n}" / "work_orders.yaml"
    if data.exists():
        return data
    data.parent.mkdir(parents=True, exist_ok=True)
    kinds = ("install", "move", "repair")
    lines = ["work_orders:"]
    for i in range(n):
        day = 1 + i % 28
        lines += [f"  - id: WO-202611{day:02d}-{i:05d}", f"    kind: {kinds[i % 3]}",
                  "    service: broadband", f"    received: 2026-11-{day:02d}T09:{i % 60:02d}:00",
                  f'    customer: {{name: {_name(i + 7)[0]}女士, phone: "138{i:08d}", '
                  f'address: 苏州市工业园区星湖街{i % 900 + 1}号{i % 30 + 1}幢{i % 20 + 1}0{i % 4 + 1}室, '
                  f'account: "ad{i:08d}"}}',
                  "    fault: 宽带无法上网，光猫 LOS 灯红色闪烁" if i % 3 == 2 else
                  "    prepare: 电脑一台、可用电源插座",
                  f"    appointment: {{start: 2026-11-{day:02d}T14:00:00, end: 2026-11-{day:02d}T16:00:00}}",
                  f'    engineer: "P{i % people:05d}"',
                  "    materials: [{item: 皮线光缆, qty: 20, unit: 米}, {item: 光纤冷接子, qty: 2, unit: 个}]"]
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return data


def make_equipment(folder: Path, n: int, people: int) -> tuple[Path, Path]:
    """The same register as YAML and as CSV (+ checks CSV)."""
    yaml_path = folder / f"equipment-{n}" / "equipment.yaml"
    csv_path = yaml_path.with_suffix(".csv")
    if yaml_path.exists() and csv_path.exists():
        return yaml_path, csv_path
    yaml_path.parent.mkdir(parents=True, exist_ok=True)
    lines = ["equipment:"]
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["id", "kind", "holder", "batch", "manufactured", "in_service"])
    for i in range(n):
        kind = "helmet" if i % 2 else "insulated_shoes"
        year = 2023 + i % 4
        month = 1 + i % 12
        holder = f"P{i % people:05d}"
        lines += [f"  - id: E-{i:06d}", f"    kind: {kind}", f'    holder: "{holder}"',
                  f"    batch: B{year}-{i % 40:02d}", f"    manufactured: {year}-{month:02d}",
                  f"    in_service: {year}-{month:02d}-15"]
        writer.writerow([f"E-{i:06d}", kind, holder, f"B{year}-{i % 40:02d}", f"{year}-{month:02d}",
                         f"{year}-{month:02d}-15"])
    yaml_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    csv_path.write_text(buf.getvalue(), encoding="utf-8")
    return yaml_path, csv_path
