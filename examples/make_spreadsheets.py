"""Make the example spreadsheets from the example YAML: the same data as office staff keep it.

    python examples/make_spreadsheets.py          (from the repository; rewrites the files below)

- staff.xlsx        sheet 花名册, Chinese headers, IDs and phones as text
- work_orders.csv   UTF-8 with BOM (Excel's "CSV UTF-8"), Chinese headers and labels (装机, 宽带),
                    the appointment as one cell "2026-11-21 14:00-16:00" as dispatch systems export it
- equipment.xlsx    sheet 台账 with date cells (a year-month stays text: 2025-03), sheet
                    检查记录 with one row per check, and sheet 批次抽检 with the batch checks

fieldprint reads each of them into the same records as the YAML (tests/test_tables_examples.py).
Run it again after changing the YAML; the output is byte-for-byte the same for the same YAML.
"""
from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if not (HERE.parent / "generator").is_dir():  # pragma: no cover - an installed copy
    raise SystemExit("run this from a fieldprint checkout: python examples/make_spreadsheets.py")
sys.path.insert(0, str(HERE.parent))

from generator.data import headers as H  # noqa: E402
from generator.data.blank_sheets import SHEET_TITLES, csv_text, xlsx_bytes  # noqa: E402
from generator.data.models import (CAUSE_LABELS, CHECK_TYPE_LABELS, EQUIPMENT_LABELS,  # noqa: E402
                              KIND_LABELS, RATING_LABELS, RESULT_LABELS, SERVICE_LABELS)
from generator.data.materials import format_materials  # noqa: E402
from generator.data.yamlsource import load_yaml  # noqa: E402

LABELS = {
    ("work_orders", "kind"): KIND_LABELS, ("work_orders", "service"): SERVICE_LABELS,
    ("work_orders", "cause"): CAUSE_LABELS, ("work_orders", "rating"): RATING_LABELS,
    ("equipment", "kind"): EQUIPMENT_LABELS,
    ("checks", "type"): CHECK_TYPE_LABELS, ("checks", "result"): RESULT_LABELS,
    ("batch_checks", "kind"): EQUIPMENT_LABELS, ("batch_checks", "type"): CHECK_TYPE_LABELS,
    ("batch_checks", "result"): RESULT_LABELS,
}


def _value(section: str, field: str, value):
    """A YAML value as a spreadsheet cell: codes as their Chinese label, text as typed."""
    if value is None:
        return None
    labels = LABELS.get((section, field))
    if labels is not None:
        return labels.get(str(value), str(value))
    if field == "materials":
        return format_materials(value)
    kind = H.kind_of(section, field)
    if kind == "text":
        return str(getattr(value, "raw", value))
    if kind == "int":
        return int(value)
    return value  # dates and times as they are; "2025-03" stays text


def _flat(record: dict, prefix: str = "") -> dict:
    out = {}
    for key, value in record.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out


def table(section: str, records: list[dict], skip=()) -> tuple[list[str], list[list]]:
    """Columns in the order of the header table, only those the records use."""
    flat = [_flat(r) for r in records]
    unknown = {k for f in flat for k in f} - set(H.COLUMNS[section]) - set(skip)
    if unknown:
        raise SystemExit(f"{section}: no spreadsheet column for {sorted(unknown)}")
    names = [f for f in H.COLUMNS[section] if f not in skip and any(f in r for r in flat)]
    return names, [[_value(section, f, r.get(f)) for f in names] for r in flat]


def _moment(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def work_orders_rows(records: list[dict]) -> tuple[list[str], list[list]]:
    """The appointment as one cell, '2026-11-21 14:00-16:00', when it starts and ends the same day."""
    records = [dict(r) for r in records]
    one_cell = all(not r.get("appointment") or not r["appointment"].get("end")
                   or r["appointment"]["start"].date() == r["appointment"]["end"].date()
                   for r in records)
    for r in records:
        if isinstance(r.get("appointment"), dict):
            r["appointment"] = dict(r["appointment"])
            start, end = r["appointment"]["start"], r["appointment"].get("end")
            if one_cell and end is not None:
                r["appointment"]["start"] = f"{_moment(start)}-{end.strftime('%H:%M')}"
                del r["appointment"]["end"]
    return table("work_orders", records)


def main(out: Path = HERE) -> list[Path]:
    """Write the three spreadsheets into `out` (examples/ by default); returns their paths."""
    staff = load_yaml(HERE / "staff.yaml")["staff"]
    orders = load_yaml(HERE / "work_orders.yaml")["work_orders"]
    register = load_yaml(HERE / "equipment.yaml")
    equipment = register["equipment"]

    names, rows = table("staff", staff)
    (out / "staff.xlsx").write_bytes(
        xlsx_bytes([(SHEET_TITLES["staff"], "staff", names, rows)], hints=False))

    names, rows = work_orders_rows(orders)
    text = csv_text("work_orders", names, rows)
    (out / "work_orders.csv").write_bytes(("\ufeff" + text).encode("utf-8"))

    checks = [{"item": item["id"], **check} for item in equipment
              for check in item.get("checks") or ()]
    names, rows = table("equipment", equipment, skip=("checks",))
    check_names, check_rows = table("checks", checks)
    batch_names, batch_rows = table("batch_checks", register.get("batch_checks") or [])
    (out / "equipment.xlsx").write_bytes(xlsx_bytes(
        [(SHEET_TITLES["equipment"], "equipment", names, rows),
         (SHEET_TITLES["checks"], "checks", check_names, check_rows),
         (SHEET_TITLES["batch_checks"], "batch_checks", batch_names, batch_rows)],
        hints=False))
    return [out / name for name in ("staff.xlsx", "work_orders.csv", "equipment.xlsx")]


if __name__ == "__main__":
    for path in main():
        print(f"wrote {path}")
