"""Photos and pictures for cards: checked cheaply first, then decoded at the scale print needs.

A photo is cropped to fill its box (never stretched or letterboxed), biased upward so the face
stays in, EXIF orientation applied, reduced to 300 dpi at printed size and stored as JPEG.
Large JPEGs are decoded at 1/2, 1/4 or 1/8 scale (Pillow's draft mode): a 12-megapixel photo
costs a few milliseconds instead of a full decode. CMYK, greyscale, 16-bit and transparent
images are converted. Everything here is a pure function of its inputs, so photos can be
processed in worker processes and the PDF stays byte-identical whatever the number of workers.

Pictures (logos, artwork, existing QR images) keep their pixels losslessly, with transparency.
"""
from __future__ import annotations

import hashlib
import io
import math
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError
from zlib_ng import zlib_ng

from ..errors import display_path, os_reason
from ..i18n import N_, _
from ..units import px

PRINT_DPI = 300
LOW_DPI = 200            # below this at print size, a warning names the person
MAX_PIXELS = 120_000_000  # bigger images are refused before decoding (decompression bombs)
PICTURE_DPI = 600        # logos and artwork keep up to this much detail
JPEG_QUALITY = 90
WHITE = (255, 255, 255)
DRAFT_SLACK = 0.9        # decode at no less than 90 % of the pixels 300 dpi needs
_ORIENTATION = 0x0112


class ImageProblem(Exception):
    """A picture that cannot be used; the message says why, for a person."""


# ------------------------------------------------------------------------------ reportlab glue
class EmbeddedImage:
    """What `canvas.drawImage` accepts without decoding anything: JPEG bytes go into the PDF as
    they are (DCTDecode); other pictures as raw pixels with an optional alpha mask. reportlab
    names an image by str(image), so identical content is embedded once per document."""

    def __init__(self, key: str, *, jpeg: bytes | None = None, pil: Image.Image | None = None):
        self.key = key
        self._jpeg = jpeg
        self._pil = pil
        self._dataA = None
        if pil is not None and pil.mode in ("RGBA", "LA"):
            alpha = pil.getchannel("A")
            if alpha.getextrema() != (255, 255):
                self._dataA = EmbeddedImage(key + "/alpha", pil=alpha)
            self._pil = pil.convert("RGB" if pil.mode == "RGBA" else "L")
        self.mode = self._pil.mode if self._pil is not None else None

    def __str__(self) -> str:
        return self.key

    def jpeg_fh(self):
        return io.BytesIO(self._jpeg) if self._jpeg is not None else None

    def getSize(self):  # noqa: N802 (reportlab's name)
        return self._pil.size

    def getRGBData(self):  # noqa: N802
        return self._pil.tobytes()

    def getTransparent(self):  # noqa: N802
        return None

    def drop_pixels(self) -> "EmbeddedImage":
        """The same name without the data, once reportlab holds its own copy."""
        light = EmbeddedImage.__new__(EmbeddedImage)
        light.key, light._jpeg, light._pil, light._dataA, light.mode = self.key, None, None, None, None
        return light


def digest(*parts) -> str:
    """A short stable name (24 hex digits of SHA-1) of `parts` (bytes, or anything with a str), for
    naming images by content in the PDF and the manifest."""
    h = hashlib.sha1()
    for part in parts:
        h.update(part if isinstance(part, bytes) else str(part).encode("utf-8", "surrogatepass"))
        h.update(b"\0")
    return h.hexdigest()[:24]


# ------------------------------------------------------------------------------ opening
def file_digest(data: bytes) -> str:
    """What identifies a file's content in a card's hash (the manifest): its length and CRC-32.
    Cheap enough to take of every photo while it is decoded; it only has to notice a changed
    photo. zlib-ng's CRC-32 is zlib's (the same numbers, tests/test_card_images.py) with the
    processor's carry-less multiply: ~0.1 ms for a 2 MB camera photo, zlib's ~0.5 (2 % of a
    badge run); SHA-256 would take ~4."""
    return f"{len(data):x}-{zlib_ng.crc32(data):08x}"


# a picture whose header reads but whose pixels do not (what the decoder said is no help)
CANNOT_DECODE = N_("cannot read the picture in {path}: the file is cut short or damaged; open "
                   "it and save it again as JPEG or PNG")


def _open(path: Path, data: bytes | None = None) -> Image.Image:
    """Open (header only) with messages a person can act on; from `data` when the file's bytes
    were already read."""
    path = Path(path)
    if path.is_dir():
        raise ImageProblem(_("{path} is a folder, not a picture").format(
            path=display_path(path)))
    if not path.is_file():
        raise ImageProblem(_("file not found: {path}").format(path=display_path(path)))
    if path.stat().st_size == 0:
        raise ImageProblem(_("{path} is empty (0 bytes)").format(path=display_path(path)))
    try:
        with warnings.catch_warnings():
            # Pillow warns from 89 megapixels (its MAX_IMAGE_PIXELS) and refuses from twice
            # that: our own limit, MAX_PIXELS, is checked below from the header alone (a
            # 108-megapixel phone photo is a photo)
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data) if data is not None else path)
    except Image.DecompressionBombError:
        raise ImageProblem(_("{path} is too large to be a photo (more than {n} megapixels); "
                             "save a smaller copy").format(path=display_path(path),
                                                           n=MAX_PIXELS // 1_000_000)) from None
    except UnidentifiedImageError:
        head = (data if data is not None else path.read_bytes())[:256].lstrip().lower()
        hint = (_(" (an SVG drawing: save it as PNG)") if head.startswith((b"<svg", b"<?xml"))
                else _(" (not a picture: is the file name right?)"))
        raise ImageProblem(_("{path} is not a picture fieldprint can read{hint}; use JPEG or "
                             "PNG").format(path=display_path(path), hint=hint)) from None
    except OSError as exc:
        raise ImageProblem(_("cannot read {path}: {reason}").format(
            path=display_path(path), reason=os_reason(exc))) from None
    w, h = image.size
    if w * h > MAX_PIXELS:
        image.close()
        raise ImageProblem(_("{path} is {w} × {h} pixels, too large to be a photo (at most {n} "
                             "megapixels); save a smaller copy").format(
            path=display_path(path), w=w, h=h, n=MAX_PIXELS // 1_000_000))
    return image


def _orientation(image: Image.Image) -> int:
    try:
        return int(image.getexif().get(_ORIENTATION, 1))
    except Exception:  # a broken EXIF block is not worth refusing the photo for
        return 1


def _oriented_size(image: Image.Image) -> tuple[int, int]:
    w, h = image.size
    return (h, w) if _orientation(image) in (5, 6, 7, 8) else (w, h)


@dataclass(frozen=True)
class PhotoJob:
    """One photo at one printed size: everything the processing depends on (hashable)."""

    path: str
    mtime_ns: int
    box_mm: tuple[float, float]
    focus: float
    background: tuple[int, int, int]

    @property
    def key(self) -> str:
        return "photo-" + digest(self.path, self.mtime_ns, self.box_mm, self.focus,
                                 self.background)


def probe_photo(path: Path, box_mm: tuple[float, float]) -> tuple[int, str | None]:
    """Read only the header: (effective dpi at print size, warning or None); ImageProblem when
    the file cannot be a photo."""
    image = _open(path)
    try:
        w, h = _oriented_size(image)
    finally:
        image.close()
    crop_w, crop_h = _cover(w, h, box_mm)
    dpi = crop_w / (box_mm[0] / 25.4)
    warning = None
    if dpi < LOW_DPI:
        warning = _("the photo is only {dpi} dpi at its printed size ({w} × {h} pixels for a "
                    "{box_w} × {box_h} mm box; {least} dpi or more prints sharp): {path}").format(
            dpi=f"{dpi:.0f}", w=w, h=h, box_w=f"{box_mm[0]:g}", box_h=f"{box_mm[1]:g}",
            least=LOW_DPI, path=display_path(path))
    return round(dpi), warning


def _cover(w: int, h: int, box_mm: tuple[float, float]) -> tuple[float, float]:
    """The largest window with the box's proportions inside a w × h image."""
    ratio = box_mm[0] / box_mm[1]
    if w / h > ratio:
        return h * ratio, float(h)
    return float(w), w / ratio


def process_photo(job: PhotoJob, data: bytes | None = None) -> bytes:
    """The photo as JPEG bytes, cropped and sized for its box at 300 dpi (or its own resolution
    when lower: never enlarged); from `data`, the file's bytes, when already read. Raises
    ImageProblem."""
    opened = image = _open(Path(job.path), data)
    try:
        target = (px(job.box_mm[0], PRINT_DPI), px(job.box_mm[1], PRINT_DPI))
        w, h = _oriented_size(image)
        crop_w, crop_h = _cover(w, h, job.box_mm)
        scale = min(1.0, target[0] / crop_w)
        if image.format == "JPEG":
            # decode at reduced scale: the smallest DCT scaling (1/2, 1/4, 1/8) that keeps
            # enough pixels. "Enough" allows DRAFT_SLACK less than 300 dpi (270 dpi): a 1/8
            # decode averages each 8 x 8 block, costs half a 1/4 decode, and the few missing
            # pixels are made up by the resampling to exactly 300 dpi, invisibly in print
            need = (math.ceil(w * scale * DRAFT_SLACK), math.ceil(h * scale * DRAFT_SLACK))
            if image.size != (w, h):
                need = need[::-1]
            image.draft("RGB" if image.mode in ("RGB", "YCbCr") else image.mode, need)
        try:
            image.load()
        except (OSError, SyntaxError, ValueError):
            raise ImageProblem(_(CANNOT_DECODE).format(path=display_path(job.path))) from None
        if _orientation(image) != 1:
            image = ImageOps.exif_transpose(image) or image
        image = to_rgb(image, job.background)
        w2, h2 = image.size
        crop_w, crop_h = _cover(w2, h2, job.box_mm)
        left = (w2 - crop_w) / 2
        top = (h2 - crop_h) * job.focus
        box = (left, top, left + crop_w, top + crop_h)
        if crop_w >= target[0]:
            out_w, out_h = target
        else:  # fewer pixels than 300 dpi needs: keep them all, never enlarge
            out_w = max(1, round(crop_w))
            out_h = max(1, round(out_w * job.box_mm[1] / job.box_mm[0]))
        image = image.resize((out_w, out_h), Image.LANCZOS, box=box,
                             reducing_gap=1.25)  # a fast 2x, 3x... box reduction first
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=False, progressive=False)
        return buffer.getvalue()
    finally:
        opened.close()


def to_rgb(image: Image.Image, background: tuple[int, int, int]) -> Image.Image:
    """`image` as RGB or L, whatever came in: CMYK, 16-bit greyscale (top 8 bits), palette,
    1-bit, transparency (laid over `background`, an RGB triple 0-255). Raises nothing."""
    mode = image.mode
    if mode in ("I;16", "I;16B", "I;16L", "I"):  # 16-bit greyscale: keep the top 8 bits
        return image.convert("I").point(lambda v: v * (1 / 256)).convert("L")
    if mode == "P":
        image = image.convert("RGBA")
        mode = "RGBA"
    if mode in ("RGBA", "LA", "PA", "RGBa", "La"):
        rgba = image.convert("RGBA")
        flat = Image.new("RGB", rgba.size, background)
        flat.paste(rgba, mask=rgba.getchannel("A"))
        return flat
    if mode in ("RGB", "L"):
        return image
    if mode == "1":
        return image.convert("L")
    return image.convert("RGB")  # CMYK, YCbCr, LAB, F, ...


# ------------------------------------------------------------------------------ pictures
def load_picture(path: Path, box_mm: tuple[float, float], *, fit: str = "contain") -> EmbeddedImage:
    """A logo or artwork, lossless with its transparency, reduced to at most 600 dpi at its
    printed size. Raises ImageProblem."""
    path = Path(path)
    image = decode_picture(path)
    if image.mode in ("I;16", "I;16B", "I;16L", "I", "1"):
        image = to_rgb(image, WHITE)
    elif image.mode in ("P", "PA", "LA", "La", "RGBa"):
        image = image.convert("RGBA")
    elif image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGB")
    w, h = image.size
    limit = (px(box_mm[0], PICTURE_DPI), px(box_mm[1], PICTURE_DPI))
    scale = (max if fit == "cover" else min)(limit[0] / w, limit[1] / h)
    if scale < 1:
        image = image.resize((max(1, round(w * scale)), max(1, round(h * scale))),
                             Image.LANCZOS)
    # named by content, not by path or date: the same picture gives the same PDF (and
    # the same card hash in the manifest) on any machine
    content = hashlib.sha256(path.read_bytes()).hexdigest()
    return EmbeddedImage("picture-" + digest(content, image.size, fit), pil=image)


def decode_picture(path: Path) -> Image.Image:
    """The whole picture at `path` decoded (full size, its own mode), turned upright by its
    EXIF orientation, and detached from the file, which is closed. Raises ImageProblem when
    the file is missing, empty, not a picture, too large (MAX_PIXELS) or cannot be decoded."""
    opened = _decoded(Path(path))
    try:
        # a new image in every case (a copy when there is nothing to turn): it outlives the file
        return ImageOps.exif_transpose(opened)
    finally:
        opened.close()


def check_picture(path: Path) -> None:
    """What `decode_picture` (and so `load_picture`) checks, the whole file decoded, for a run
    that draws nothing (`fieldprint validate`): nothing is turned, sized or kept. Raises
    ImageProblem."""
    _decoded(Path(path)).close()


def _decoded(path: Path) -> Image.Image:
    opened = _open(path)
    try:
        opened.load()
    except (OSError, SyntaxError, ValueError):
        opened.close()
        raise ImageProblem(_(CANNOT_DECODE).format(path=display_path(path))) from None
    return opened
