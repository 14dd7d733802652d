"""Start-up of a command: its libraries imported without the cyclic garbage collector.

Importing pydantic, Jinja2 and our models makes hundreds of thousands of objects that live as
long as the process; the collector, run every 700 new objects, walks them about a hundred
times during `fieldprint validate` and finds nothing to free (~5 % of its CPU). `importing()`
pauses it for the imports and then freezes what they made (`gc.freeze`: never walked again,
still freed by reference counting), so the work after them is collected as usual.
"""
from __future__ import annotations

import contextlib
import gc
from typing import Iterator


@contextlib.contextmanager
def importing() -> Iterator[None]:
    """`with importing(): import ...`: the collector paused for the block, what exists after
    it frozen, the collector running again (left as it was when it was already off)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
