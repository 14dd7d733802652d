"""Text columns that line up on a terminal when cells hold Chinese (two columns a character)."""
from __future__ import annotations

from .clicktext import display_width


def pad(text: str, width: int) -> str:
    """`text` followed by spaces up to `width` screen columns (never cut)."""
    return text + " " * max(0, width - display_width(text))
