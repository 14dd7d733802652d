"""The order number's Code 128 and QR code as PNG images, for Word documents (a .docx cannot
draw vectors the way the PDF forms do). Same codes as the PDF: `form.draw.code128_pattern` and
`qr.matrix`. One black-and-white pixel grid per module, scaled by Word to the picture's size in
the template, so the bars keep their proportions. Deterministic bytes."""
from __future__ import annotations

import io

from ..qr import QUIET_MODULES, matrix

BLANK_PNG_SIZE = (1, 1)


def _png(image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def blank_png() -> bytes:
    """A 1 × 1 transparent image: where a form has no number (blank pads)."""
    from PIL import Image
    return _png(Image.new("LA", BLANK_PNG_SIZE, (255, 0)))


def qr_png(payload: str, scale: int = 8) -> bytes:
    """The QR code of `payload` with its 4-module quiet zone, `scale` pixels a module;
    a blank image for an empty payload."""
    if not payload:
        return blank_png()
    from PIL import Image
    rows = matrix(payload)
    n = len(rows) + 2 * QUIET_MODULES
    image = Image.new("1", (n, n), 1)
    pixels = image.load()
    for r, row in enumerate(rows):
        for c, dark in enumerate(row):
            if dark:
                pixels[c + QUIET_MODULES, r + QUIET_MODULES] = 0
    return _png(image.resize((n * scale, n * scale), Image.NEAREST))


def code128_png(value: str, height: int = 60, scale: int = 4) -> bytes | None:
    """`value` as Code 128 bars (no quiet zone: the picture's margin gives it), `scale` pixels
    a module and `height` pixels tall; a blank image for an empty value, None when Code 128
    cannot carry it (not ASCII)."""
    if not value:
        return blank_png()
    from PIL import Image
    from ..form.draw import code128_pattern
    pattern = code128_pattern(value)
    if pattern is None:
        return None
    widths = [int(c) for c in pattern]
    image = Image.new("1", (sum(widths) * scale, height), 1)
    x = 0
    for i, w in enumerate(widths):
        if i % 2 == 0:   # bars at even positions, spaces between
            image.paste(0, (x * scale, 0, (x + w) * scale, height))
        x += w
    return _png(image)
