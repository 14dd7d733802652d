"""A QR code supplied as a picture (a WeChat code saved from a phone, a screenshot): found,
cropped to the code and its quiet zone, and measured, so it prints like a generated one.

HR receives WeChat codes as phone screenshots: a 1080 × 1920 picture in which the code is a
square somewhere in the middle. Printed whole into a 17 mm box, such a code would come out a
few millimetres wide with modules far below what a phone can scan. zxing-cpp finds the code
and tells its version (so its size in modules); the picture is cut to the code plus the
4-module quiet zone the standard asks for, padded with white where the picture ends.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from ..data.headers import field_word
from ..errors import display_path
from ..i18n import _
from ..qr import QUIET_MODULES
from .images import WHITE, ImageProblem, decode_picture, to_rgb


@dataclass(frozen=True)
class FoundCode:
    """A QR code found in a picture: its payload, its size in modules (without the quiet
    zone) and the picture cut to it, quiet zone included (RGB, square)."""

    text: str
    modules: int
    image: Image.Image


def find_code(path: Path) -> FoundCode:
    """The one QR code in the picture at `path`, cropped. Raises ImageProblem when the picture
    cannot be read, holds no readable QR code, or holds several different ones."""
    import zxingcpp

    image = to_rgb(decode_picture(Path(path)), WHITE)
    results = [r for r in zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
               if r.valid]
    texts = sorted({r.text for r in results})
    if not results:
        raise ImageProblem(_("no readable QR code in {path}: save the code itself (in WeChat: "
                             "my QR code, then save image), or fill in its link in the {qr} "
                             "column instead").format(path=display_path(path),
                                                      qr=field_word("staff", "qr")))
    if len(texts) > 1:
        raise ImageProblem(_("{path} holds {n} different QR codes; crop the picture to the one "
                             "to print").format(path=display_path(path), n=len(texts)))
    found = max(results, key=lambda r: _span(r.position))
    version = int(found.extra.get("Version", 0) or 0)
    if version < 1:
        raise ImageProblem(_("{path}: the QR code could not be measured; save the code "
                             "itself").format(path=display_path(path)))
    modules = 17 + 4 * version
    points = [found.position.top_left, found.position.top_right,
              found.position.bottom_right, found.position.bottom_left]
    xs = [p.x for p in points]
    ys = [p.y for p in points]
    side = max(max(xs) - min(xs), max(ys) - min(ys))
    module_px = side / modules
    quiet = round(QUIET_MODULES * module_px)
    left, top = math.floor(min(xs)), math.floor(min(ys))
    right, bottom = math.ceil(max(xs)), math.ceil(max(ys))
    code = image.crop((max(0, left), max(0, top), min(image.width, right),
                       min(image.height, bottom)))
    # the quiet zone is painted white, whatever surrounds the code in the picture
    size = max(code.width, code.height) + 2 * quiet
    white = 255 if image.mode == "L" else WHITE
    canvas = Image.new(image.mode, (size, size), white)
    canvas.paste(code, (quiet, quiet))
    return FoundCode(found.text, modules, canvas)


def _span(position) -> float:
    xs = [position.top_left.x, position.top_right.x, position.bottom_left.x,
          position.bottom_right.x]
    return max(xs) - min(xs)
