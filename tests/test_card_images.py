"""Photos on cards: cropped to fill, upright, 300 dpi, any colour mode; hostile files refused
with a clear message."""
from __future__ import annotations

import io
import struct
import time
import zlib

import pytest
from PIL import Image

from card_helpers import make_photo
from generator.card.images import (ImageProblem, PhotoJob, load_picture, probe_photo,
                                   process_photo)
from generator.units import px

BOX = (25.0, 33.5)  # the 75 x 100 badge's photo box, mm


def _job(path, box=BOX, focus=0.3):
    return PhotoJob(str(path), path.stat().st_mtime_ns, box, focus, (255, 255, 255))


def _decoded(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def test_photo_fills_the_box_at_300_dpi(tmp_path):
    path = make_photo(tmp_path / "p.jpg", size=(1200, 1600))
    image = _decoded(process_photo(_job(path)))
    assert image.format == "JPEG"
    assert image.size == (px(BOX[0], 300), px(BOX[1], 300))


def test_a_small_photo_is_not_enlarged_and_warns_below_200_dpi(tmp_path):
    path = make_photo(tmp_path / "small.jpg", size=(150, 200))
    dpi, warning = probe_photo(path, BOX)
    assert dpi < 200 and "dpi" in warning
    image = _decoded(process_photo(_job(path)))
    assert image.width <= 150
    assert image.width / image.height == pytest.approx(BOX[0] / BOX[1], abs=0.01)
    assert probe_photo(make_photo(tmp_path / "ok.jpg", size=(600, 800)), BOX)[1] is None


def test_landscape_photo_is_cropped_not_stretched(tmp_path):
    # a landscape photo: red left third, green middle, blue right third
    image = Image.new("RGB", (1200, 400), (0, 200, 0))
    image.paste((220, 0, 0), (0, 0, 400, 400))
    image.paste((0, 0, 220), (800, 0, 1200, 400))
    image.save(tmp_path / "wide.png")
    out = _decoded(process_photo(_job(tmp_path / "wide.png")))
    # the middle is kept: no red or blue at the edges
    r, g, b = out.getpixel((2, out.height // 2))
    assert g > 150 and r < 60 and b < 60


def test_portrait_crop_is_biased_upward(tmp_path):
    # a tall photo: the top 30 % is white (the 'head'), the rest dark
    image = Image.new("RGB", (300, 1200), (20, 20, 20))
    image.paste((255, 255, 255), (0, 0, 300, 360))
    image.save(tmp_path / "tall.png")
    top = _decoded(process_photo(_job(tmp_path / "tall.png", focus=0.3))).getpixel((50, 5))
    centred = _decoded(process_photo(_job(tmp_path / "tall.png", focus=0.5))).getpixel((50, 5))
    assert top[0] > 200     # the head is kept
    assert centred[0] < 60  # a centred crop would cut it off


def test_exif_orientation_is_applied(tmp_path):
    # stored landscape with a 'rotate 90' tag: the photo is portrait once upright
    image = Image.new("RGB", (800, 600), (200, 30, 30))
    image.paste((30, 30, 200), (0, 0, 400, 600))        # left half blue (top once rotated)
    exif = Image.Exif()
    exif[0x0112] = 6
    image.save(tmp_path / "rotated.jpg", exif=exif.tobytes())
    out = _decoded(process_photo(_job(tmp_path / "rotated.jpg")))
    assert out.height > out.width
    r, g, b = out.getpixel((out.width // 2, 3))
    assert b > r  # the blue half is on top: rotated, not just cropped


@pytest.mark.parametrize("mode, fmt", [("CMYK", "JPEG"), ("L", "JPEG"), ("RGBA", "PNG"),
                                       ("P", "PNG"), ("I;16", "PNG"), ("RGB", "GIF"),
                                       ("RGB", "WEBP")])
def test_every_colour_mode_becomes_a_printable_jpeg(tmp_path, mode, fmt):
    path = tmp_path / f"photo.{fmt.lower()}"
    if mode == "I;16":
        Image.new("I;16", (300, 400), 40000).save(path)
    else:
        make_photo(path, mode=mode, fmt=fmt)
    image = _decoded(process_photo(_job(path)))
    assert image.mode in ("RGB", "L")
    if mode == "I;16":
        assert 140 < image.getpixel((5, 5)) < 170  # 40000 / 65535 of full scale, not clipped white


def test_transparency_is_flattened_onto_the_background(tmp_path):
    image = Image.new("RGBA", (300, 400), (255, 0, 0, 0))  # fully transparent red
    image.save(tmp_path / "clear.png")
    out = _decoded(process_photo(_job(tmp_path / "clear.png")))
    assert min(out.getpixel((10, 10))) > 245   # white, not red or black


def test_large_jpeg_is_decoded_at_reduced_scale(tmp_path):
    path = make_photo(tmp_path / "big.jpg", size=(3000, 4000), quality=90)
    process_photo(_job(path))  # warm up
    start = time.process_time()   # CPU time: the same on a busy machine
    for _ in range(3):
        process_photo(_job(path))
    per_photo = (time.process_time() - start) / 3
    full = Image.open(path)
    start = time.process_time()
    full.load()
    full_decode = time.process_time() - start
    assert per_photo < full_decode  # draft mode: less than one full decode


def _huge_png_header(path, size=30000):
    """A valid PNG header announcing size x size pixels, without the pixels."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(b"\0" * 100)) + chunk(b"IEND", b""))
    return path


def _file(name, content: bytes):
    def make(folder):
        (folder / name).write_bytes(content)
        return folder / name
    return make


@pytest.mark.parametrize("make, message", [
    (_file("empty.jpg", b""), "empty"),
    (_file("text.jpg", b"not a photo"), "not a picture"),
    (_file("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'), "SVG"),
    (lambda d: d, "is a folder"),
    (lambda d: d / "missing.jpg", "file not found"),
    (lambda d: _huge_png_header(d / "bomb.png"), "too large"),
])
def test_hostile_files_are_refused_quickly_with_a_reason(tmp_path, make, message):
    path = make(tmp_path)
    start = time.perf_counter()
    with pytest.raises(ImageProblem, match=message):
        probe_photo(path, BOX)
    assert time.perf_counter() - start < 1


def test_a_truncated_jpeg_fails_when_decoded(tmp_path):
    path = make_photo(tmp_path / "whole.jpg", size=(1200, 1600))
    data = path.read_bytes()
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])
    with pytest.raises(ImageProblem, match="truncated|damaged"):
        process_photo(_job(tmp_path / "cut.jpg"))


def test_pictures_keep_transparency_and_are_capped_at_600_dpi(tmp_path):
    logo = Image.new("RGBA", (4000, 4000), (0, 0, 0, 0))
    logo.paste((10, 80, 200, 255), (1000, 1000, 3000, 3000))
    logo.save(tmp_path / "logo.png")
    picture = load_picture(tmp_path / "logo.png", (10, 10))
    assert picture.getSize() == (px(10, 600), px(10, 600))
    assert picture._dataA is not None     # an alpha mask goes into the PDF
    assert picture.jpeg_fh() is None      # lossless


@pytest.mark.parametrize("mode", ["1", "L", "RGB", "P"])
def test_pictures_that_need_no_change_stay_readable(tmp_path, mode):
    Image.new(mode, (100, 100)).save(tmp_path / "small.png")
    picture = load_picture(tmp_path / "small.png", (20, 20))
    assert len(picture.getRGBData()) >= 100 * 100


def _truncated_png(folder):
    Image.new("RGB", (800, 800), (10, 80, 200)).save(folder / "whole.png")
    data = (folder / "whole.png").read_bytes()
    (folder / "cut.png").write_bytes(data[: len(data) // 2])
    return folder / "cut.png"


@pytest.mark.parametrize("make", [
    _file("empty.png", b""), _file("text.png", b"not a logo"),
    _file("drawing.svg", b'<svg xmlns="http://www.w3.org/2000/svg"/>'), lambda d: d,
    lambda d: d / "missing.png", lambda d: _huge_png_header(d / "bomb.png"), _truncated_png,
    lambda d: make_photo(d / "logo.jpg"), lambda d: make_photo(d / "logo.png", fmt="PNG"),
    lambda d: make_photo(d / "logo.gif", mode="P", fmt="GIF"),
])
def test_a_picture_checked_is_refused_or_passed_as_one_loaded_to_print(tmp_path, make):
    """check_picture (fieldprint validate: nothing drawn) refuses what load_picture refuses,
    with the same message, and passes what it prints."""
    from generator.card.images import check_picture
    path = make(tmp_path)
    outcomes = []
    for use in (lambda: load_picture(path, (8, 8)), lambda: check_picture(path)):
        try:
            use()
            outcomes.append(None)
        except ImageProblem as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == outcomes[1]


def test_a_photos_digest_is_its_length_and_zlibs_crc32():
    """The manifest's photo digest (zlib-ng's CRC-32, for speed) is the number zlib gives, so
    manifests written before it still match (--changed-since): on lengths around the
    vector widths and a camera-sized file."""
    import random

    from generator.card.images import file_digest
    rnd = random.Random(19)
    sizes = [0, 1, 15, 16, 17, 63, 64, 65, 255, 256, 4095, 4096, 4097, 2_000_003]
    for n in sizes + [rnd.randrange(1, 100_000) for _ in range(40)]:
        data = rnd.randbytes(n)
        assert file_digest(data) == f"{n:x}-{zlib.crc32(data):08x}"
