"""Millimetres everywhere; this is the one place that converts to PDF points."""

MM = 72.0 / 25.4  # points per millimetre
A4 = (210.0, 297.0)  # mm, portrait
A5 = (148.0, 210.0)


def pt(mm: float) -> float:
    """Millimetres to points."""
    return mm * MM


def px(mm_value: float, dpi: int) -> int:
    """Millimetres to whole pixels at a resolution."""
    return max(1, round(mm_value / 25.4 * dpi))
