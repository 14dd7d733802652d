"""A progress line on stderr for long jobs: items done / total, rate, time left.

Shown only when stderr is a terminal, the job has more than a few dozen items and the user
did not ask for --quiet; otherwise every call is a no-op.
"""
from __future__ import annotations

import sys
import time

import click

MIN_ITEMS = 40          # shorter jobs finish before a bar is worth reading
REFRESH_SECONDS = 0.1


QUIET = "fieldprint.quiet"   # set in ctx.meta by -q/--quiet (commands.clicktext)


def _quiet() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get(QUIET))


class Progress:
    """with Progress(total, "badges") as bar: ... bar.advance()"""

    def __init__(self, total: int, label: str, stream=None):
        self.total, self.label, self.done = total, label, 0
        self.stream = stream or sys.stderr
        self.enabled = (total >= MIN_ITEMS and not _quiet()
                        and getattr(self.stream, "isatty", lambda: False)())
        self.start = self.last = time.monotonic()

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        if self.enabled:
            self._draw(final=True)
            self.stream.write("\n")
            self.stream.flush()

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self.enabled and time.monotonic() - self.last >= REFRESH_SECONDS:
            self._draw()

    def _draw(self, final: bool = False) -> None:
        now = time.monotonic()
        self.last = now
        elapsed = max(now - self.start, 1e-9)
        rate = self.done / elapsed
        left = (self.total - self.done) / rate if rate > 0 else 0
        tail = f"{elapsed:5.1f} s" if final else f"{left:5.0f} s left"
        self.stream.write(f"\r{self.label}: {self.done}/{self.total}  {rate:7.1f}/s  {tail}  ")
        self.stream.flush()
