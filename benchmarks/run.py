"""fieldprint benchmarks: each command end to end as a user runs it, against a floor.

    python benchmarks/run.py            # full sizes: 1,000 badges, 10,000 orders, 100,000 items
    python benchmarks/run.py --quick    # small sizes, a smoke run

Inputs are generated (no downloads) and cached in benchmarks/work/. Prints, per job: wall time,
ms per item, peak RSS of the whole process tree, output size, the floor and the ratio; and
writes the same table to benchmarks/work/results.md.
"""
from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import floors  # noqa: E402
import inputs  # noqa: E402

SIZES = {"full": {"people": 1000, "orders": 10000, "docx": 500, "items": 100000},
         "quick": {"people": 40, "orders": 400, "docx": 40, "items": 5000}}


@dataclass
class Row:
    job: str
    items: int
    seconds: float
    peak_mb: float
    out_bytes: int
    floor: float | None = None
    target: str = ""

    @property
    def ms_per_item(self) -> float:
        return 1000 * self.seconds / self.items


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants, from /proc."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
                        break
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    todo.extend(int(c) for c in fh.read().split())
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def run_cli(args: list[str], out: Path) -> tuple[float, float, int]:
    """Run `fieldprint ARGS` in a fresh process; (seconds, peak MB, output bytes)."""
    cmd = [sys.executable, "-m", "generator.cli", "--quiet", *map(str, args)]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            cwd=HERE.parent)
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n"
                         f"{proc.stderr.read().decode()[-3000:]}")
    size = sum(f.stat().st_size for f in out.rglob("*")) if out.is_dir() else out.stat().st_size
    return seconds, peak / 1024, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    parser.add_argument("--only", nargs="*", help="jobs to run (badges, orders, docx, equipment)")
    ns = parser.parse_args()
    size = SIZES["quick" if ns.quick else "full"]
    work = HERE / "work"
    out = work / "out"
    out.mkdir(parents=True, exist_ok=True)
    want = set(ns.only or ["badges", "orders", "docx", "equipment"])
    cores = floors.cores()
    print(f"generating inputs in {work} (cached) ...", flush=True)
    staff = inputs.make_people(work / f"people-{size['people']}", size["people"])
    company = staff.parent / "company.yaml"
    rows: list[Row] = []

    if "badges" in want:
        n = size["people"]
        pdf = out / "badges.pdf"
        s, mb, b = run_cli(["badges", staff, "--side", "both", "--sheet", "a4", "-o", pdf], pdf)
        rows.append(Row(f"badges, both sides, A4 ({cores} cores)", n, s, mb, b,
                        floors.badges_floor(staff, cores), "≤ 1.3 × floor, ≤ 400 MB"))
    if "orders" in want:
        for n in (size["orders"] // 10, size["orders"]):
            orders = inputs.make_orders(work, n, size["people"])
            pdf = out / f"orders-{n}.pdf"
            s, mb, b = run_cli(["work-orders", orders, staff, company, "-o", pdf], pdf)
            rows.append(Row(f"work orders → PDF, {n:,}", n, s, mb, b, floors.orders_floor(orders),
                            "≤ 5 ms/page, ≤ 1.5 × floor, ≤ 500 MB"))
    if "docx" in want:
        n = size["docx"]
        orders = inputs.make_orders(work, n, size["people"])
        folder = out / f"docx-{n}"
        s, mb, b = run_cli(["work-orders", orders, staff, company, "--format", "docx",
                               "-o", f"{folder}/"], folder)
        rows.append(Row(f"work orders → Word, {n:,} files", n, s, mb, b, None, "≤ 25 ms/doc"))
    if "equipment" in want:
        for n in (size["items"] // 10, size["items"]):
            yaml_path, csv_path = inputs.make_equipment(work, n, size["people"])
            for label, src, fmt, target in (
                    ("CSV → JSON", csv_path, "json", "≤ 3 s"),
                    ("CSV → CSV", csv_path, "csv", "≤ 3 s"),
                    ("YAML → JSON", yaml_path, "json", "≤ 1.3 × floor"),
                    ("CSV → PDF", csv_path, "pdf", "≤ 20 s")):
                if n != size["items"] and fmt != "json":
                    continue  # the smaller size is only for the scaling check
                result = out / f"equipment-{n}.{fmt}"
                s, mb, b = run_cli(["equipment", src, staff, "--as-of", "2026-11-21", "--format", fmt,
                                    "-o", result], result)
                floor = floors.yaml_floor(yaml_path) if src == yaml_path else None
                rows.append(Row(f"equipment {label}, {n:,}", n, s, mb, b, floor, target))

    lines = [f"Machine: {platform.machine()}, {cores} cores, Python {platform.python_version()}, "
             f"{platform.platform()}", "",
             "| job | items | wall s | ms/item | peak RSS MB | output MB | floor s | ratio | target |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in rows:
        floor = f"{r.floor:.2f}" if r.floor else ""
        ratio = f"{r.seconds / r.floor:.2f}" if r.floor else ""
        lines.append(f"| {r.job} | {r.items:,} | {r.seconds:.2f} | {r.ms_per_item:.2f} | "
                     f"{r.peak_mb:.0f} | {r.out_bytes / 1e6:.1f} | {floor} | {ratio} | {r.target} |")
    text = "\n".join(lines)
    print(text)
    (work / "results.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
