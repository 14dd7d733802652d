"""Batches of form documents for comparing ways of drawing them (tests/test_form_draw.py,
benchmarks/painter.py): the example orders as work orders and confirmations, the example
equipment report."""
from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def batches(orders: Path | None = None, staff: Path | None = None):
    """[(layout name, FormLayout, [Record], FontSet)] for the examples (or other orders)."""
    from generator.data.dataset import load_dataset
    from generator.equipment.pdf import FORM, form_contexts
    from generator.equipment.report import build_report
    from generator.equipment.rules import DEFAULT_POLICY
    from generator.fonts import font_set
    from generator.form import Record, load_form
    from generator.orders import WorkingCalendar, iter_contexts

    examples = ROOT / "examples"
    data = load_dataset([orders or examples / "work_orders.yaml",
                         staff or examples / "staff.yaml"])
    fonts = font_set(data.company)
    calendar = WorkingCalendar.for_company(data.company)
    out = []
    for name in ("work-order", "confirmation"):
        records = [Record(ctx) for ctx in iter_contexts(data, data.work_orders, calendar,
                                                         as_of=dt.date(2026, 11, 21))]
        out.append((name, load_form(name), records, fonts))
    register = load_dataset([examples / "equipment.yaml", examples / "staff.yaml"])
    report = build_report(register, dt.date(2026, 11, 21), DEFAULT_POLICY)
    out.append(("equipment-report", load_form(FORM),
                [Record(ctx) for ctx in form_contexts(report)], font_set(register.company)))
    return out


def draw(painter_class, layout, records, fonts) -> bytes:
    """Every record's pages drawn by `painter_class(canvas, fonts, page_h)` into one PDF."""
    from generator.form import layout_record
    from generator.form.cache import RunCache
    from generator.pdf import new_canvas
    buffer = io.BytesIO()
    width, height = layout.page.size_mm
    canvas = new_canvas(buffer, (width, height), font=fonts.regular, title=layout.name)
    painter = painter_class(canvas, fonts, height)
    cache = RunCache()
    for record in records:
        for ops in layout_record(layout, record, fonts, cache).pages:
            painter.page(ops)
            canvas.showPage()
    canvas.save()
    return buffer.getvalue()
