"""How much the form engine's own PDF operators (generator.form.draw.Painter, through reportlab
internals) save against reportlab's public canvas calls (tests/public_painter.py, the
reference that tests/test_form_draw.py compares it with):

    python benchmarks/painter.py [N]     # N work orders (default 1,000), CPU seconds

Both lay out the same records the same way (that time is measured on its own and shown);
only the drawing differs.
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE.parent))

from form_batches import batches, draw  # noqa: E402
from generator.form import layout_record  # noqa: E402
from generator.form.cache import RunCache  # noqa: E402
from generator.form.draw import Painter  # noqa: E402
from public_painter import PublicPainter  # noqa: E402


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    name, layout, records, fonts = batches()[0]          # work orders
    records = (records * (n // len(records) + 1))[:n]

    def cpu(work) -> float:
        best = float("inf")
        for _ in range(2):
            start = time.process_time()
            work()
            best = min(best, time.process_time() - start)
        return best

    def lay_out():
        cache = RunCache()
        for record in records:
            layout_record(layout, record, fonts, cache)
    laid = cpu(lay_out)
    ours = cpu(lambda: draw(Painter, layout, records, fonts))
    public = cpu(lambda: draw(PublicPainter, layout, records, fonts))
    print(f"{n} {name}s, CPU s (best of 2): layout alone {laid:.2f}; layout + Painter "
          f"{ours:.2f}; layout + public API {public:.2f}; drawing {ours - laid:.2f} vs "
          f"{public - laid:.2f} ({(public - ours) / public:.0%} of the public route saved)")


if __name__ == "__main__":
    main()
