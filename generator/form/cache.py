"""What one rendering run of the form engine remembers between its records.

A batch of 10,000 work orders lays out the same layout 10,000 times: the layout's own
wording (block titles, labels, table headers), the geometry of rows and the lines of short
texts repeat from record to record. A `RunCache` is made by `render_pdf` (or by whoever lays
out a batch) and handed down through the Typesetter of each record; it ends with the run, so
nothing is kept between runs or shared by two layouts, and a key may name a layout object by
id() because the layout outlives the run.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class RunCache:
    shared_rows: dict = field(default_factory=dict)   # layout wording -> (owner, Row)
    label_cells: dict = field(default_factory=dict)   # (field id, x, w, size, font) -> (field, label, Cell)
    field_rows: dict = field(default_factory=dict)    # fields block id -> rows of (field, span)
    static: dict = field(default_factory=dict)        # block id -> made of fixed wording only?
    static_flows: dict = field(default_factory=dict)  # (block id, width, fonts) -> Flow
    row_geometry: dict = field(default_factory=dict)  # (x, cells' columns) -> Row geometry
    placed: dict = field(default_factory=dict)        # table columns, x, h -> TableShape.placed
    baselines: dict = field(default_factory=dict)     # (font, size, line height) -> offset
    wrapped: dict = field(default_factory=dict)       # (font, text, width, size) -> lines

    # Texts that differ per record are many in a big batch: the caches they key are bounded.
    LIMIT = 20000

    def bounded(self, cache: dict) -> dict:
        """`cache`, emptied first when it has grown past LIMIT entries."""
        if len(cache) > self.LIMIT:
            cache.clear()
        return cache
