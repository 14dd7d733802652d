"""Evaluating and measuring the texts of one record: values, wrapping, what cannot print."""
from __future__ import annotations

from ..errors import Location, Problem
from ..units import MM
from . import model as m
from .cache import RunCache
from .ops import LEADING
from .text import Metrics, unprintable_message
from .values import Fixed, Text



class Typesetter:
    """Evaluates texts for one record and measures them; collects missing-glyph problems."""

    def __init__(self, layout: m.FormLayout, regular: Metrics, bold: Metrics,
                 record: str = "", location: Location | None = None,
                 cache: RunCache | None = None):
        self.layout = layout
        self.cache = cache if cache is not None else RunCache()
        self.style = layout.style
        self.regular = regular
        self.bold = bold
        self.record = record
        self.location = location
        self.problems: list[Problem] = []
        self.unprintable: list[Problem] = []
        self._reported: set[tuple[str, str]] = set()

    def metrics(self, bold: bool) -> Metrics:
        return self.bold if bold else self.regular

    def value(self, text: Text | None, ctx: dict, label: str = "") -> str:
        """The printable text of a layout value for this record (checked against the font)."""
        if text is None:
            return ""
        raw = text(ctx)
        if not raw:
            return ""
        if raw.isascii() and raw.isprintable():
            return raw                   # prints as typed (what clean would say)
        if text.is_plain:
            return self.clean(raw, label)
        return self.clean(raw, label, text.data_path)

    def clean(self, raw: str, label: str = "", data_path: str | None = None) -> str:
        cleaned, missing = self.regular.clean(raw)
        if missing:
            where = data_path or label or "text"
            if data_path and label:
                where = f"{data_path} ({label})"
            key = (where, "".join(missing))
            if key not in self._reported:
                self._reported.add(key)
                self.unprintable.append(Problem(
                    unprintable_message(missing), self.location,
                    f"{self.record}: {where}" if self.record else where))
        return cleaned

    def line_mm(self, size: float) -> float:
        return size * LEADING / MM

    def wrap(self, text: str, width: float, size: float, bold: bool = False) -> list[str]:
        if not text:
            return []
        m = self.bold if bold else self.regular
        if "\n" not in text and m.fits(text, max(width, 1.0) * MM * 1000.0 / size):
            return [text]    # most values: one line, no breaking to work out
        fixed = type(text) is Fixed
        key = (m.name, fixed, text, width, size)
        lines = self.cache.wrapped.get(key)
        if lines is None:
            lines = m.wrap(text, max(width, 1.0), size)
            if fixed:                    # the layout's own wording: so is each of its lines
                lines = [Fixed(line) for line in lines]
            if len(text) < 400 or fixed:  # labels, notes (templated: the same every record)
                self.cache.bounded(self.cache.wrapped)[key] = lines
        return list(lines)

    def width(self, text: str, size: float, bold: bool = False) -> float:
        return self.metrics(bold).width(text, size)

    def baseline(self, size: float, line_h: float) -> float:
        """Distance from the top of a line box to the baseline, in mm."""
        r = self.regular
        size_mm = size / MM
        return (line_h - (r.ascent + r.descent) * size_mm) / 2 + r.ascent * size_mm

