"""`fieldprint serve`: the server-side time to preview one badge (target: under 150 ms).

    python benchmarks/web_preview.py [--rounds 5]

A workspace made from examples/ (company, staff sheet, 15 photos); the app is called in this
process through Starlette's TestClient, so the time is the server's own: loading the staff
sheet, matching photos, laying out the card, decoding the photo, writing the one-card PDF and
rasterising it to the PNG the page shows. The preview cache is emptied before every request
(a cold preview of a person, as after an upload); the fonts and layouts stay loaded, as they do
in a running server. The first request of the process (loading fonts and layouts) is reported
apart.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
EXAMPLES = HERE.parent / "examples"
TARGET_MS = 150.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="times over every person and side")
    ns = parser.parse_args()
    warnings.simplefilter("ignore", DeprecationWarning)
    from starlette.testclient import TestClient

    from generator.web.app import create_app
    with tempfile.TemporaryDirectory() as scratch:
        ws = Path(scratch) / "ws"
        ws.mkdir()
        for name in ("company.yaml", "logo.png", "staff.xlsx"):
            shutil.copy(EXAMPLES / name, ws / name)
        shutil.copytree(EXAMPLES / "photos", ws / "photos")
        app = create_app(ws)
        with TestClient(app) as client:
            start = time.perf_counter()
            assert client.get("/cards/badges/preview/0.png?side=front").status_code == 200
            first = (time.perf_counter() - start) * 1000
            cold, cold_cpu, cached = [], [], []
            for _round in range(ns.rounds):
                for index in range(15):
                    for side in ("front", "back"):
                        url = f"/cards/badges/preview/{index}.png?side={side}"
                        app.state.previews._png.clear()
                        start, cpu = time.perf_counter(), time.process_time()
                        response = client.get(url)
                        cold.append((time.perf_counter() - start) * 1000)
                        cold_cpu.append((time.process_time() - cpu) * 1000)
                        assert response.status_code == 200
                        start = time.perf_counter()
                        client.get(url)
                        cached.append((time.perf_counter() - start) * 1000)
    fronts = cold[0::2]
    p95 = sorted(cold)[int(0.95 * (len(cold) - 1))]
    print(f"first preview of the process (fonts, layout loaded): {first:.0f} ms")
    print(f"one badge side, cold: median {statistics.median(cold):.0f} ms, p95 {p95:.0f} ms, "
          f"max {max(cold):.0f} ms over {len(cold)} requests "
          f"(fronts, with photo: median {statistics.median(fronts):.0f} ms)")
    print(f"  CPU time of those requests (the machine's load does not inflate it): median "
          f"{statistics.median(cold_cpu):.0f} ms, p95 "
          f"{sorted(cold_cpu)[int(0.95 * (len(cold_cpu) - 1))]:.0f} ms")
    print(f"the same again, from the preview cache: median {statistics.median(cached):.1f} ms")
    verdict = "within" if p95 < TARGET_MS else "OVER"
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"target: under {TARGET_MS:.0f} ms -> p95 {verdict} target "
          f"(load average {load:.1f} on {os.cpu_count()} cores while measuring)")


if __name__ == "__main__":
    main()
