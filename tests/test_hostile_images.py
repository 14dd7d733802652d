"""Hostile and odd photos through `fieldprint badges`, as a user meets them: each is either
printed correctly (the colours of the photo found in the photo box of the 300 dpi PNG) or
refused with a message naming the person and the file, with no PDF written. With
--allow-missing-photos the refused ones print a placeholder and a warning names the person.

A 30000 × 30000 PNG (a real one: 900 megapixels of zeros compressed to 1 MB) is refused from its
header within a second, and the process never grows anywhere near the 900 MB a decode would
take (peak RSS measured in a fresh process)."""
from __future__ import annotations

import json
import os
import struct
import subprocess
import sys
import time
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from card_helpers import make_data, make_photo, person
from generator.card.images import MAX_PIXELS, ImageProblem, probe_photo

ROOT = Path(__file__).resolve().parent.parent
MAGENTA = (200, 0, 200)
BOX = (25.0, 33.5)    # the badge's photo box, mm; at 300 dpi on the PNG:
INNER = (322, 270, 564, 610)   # x 25..50 mm, y 20.5..54 mm, less a margin for the frame


# ------------------------------------------------------------------------------ the files
def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def bomb_png(path: Path, size: int = 30000) -> Path:
    """A valid greyscale PNG of size × size black pixels: the deflate stream of one 30 MB block of
    zero rows, flushed so that it can be repeated, then the right Adler-32 (of n zero bytes:
    A = 1, B = n mod 65521). About 1 MB on disk, 900 MB decoded."""
    rows = 1000
    block = b"\0" * (size + 1) * rows          # each row: filter byte 0, then the pixels
    packer = zlib.compressobj(9)
    first = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    again = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
    n = len(block) * (size // rows)
    adler = (n % 65521) << 16 | 1
    stream = first + again * (size // rows - 1) + b"\x03\x00" + struct.pack(">I", adler)
    path.write_bytes(b"\x89PNG\r\n\x1a\n"
                     + png_chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0))
                     + png_chunk(b"IDAT", stream) + png_chunk(b"IEND", b""))
    return path


def truncated_jpeg(path: Path) -> Path:
    whole = make_photo(path.with_name("whole.jpg"), size=(1200, 1600))
    data = whole.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    return path


def gif(path: Path) -> Path:
    Image.new("RGB", (300, 400), MAGENTA).save(path.with_suffix(".gif"))
    return path.with_suffix(".gif")


def cmyk_jpeg(path: Path) -> Path:
    image = Image.new("RGB", (300, 400), MAGENTA).convert("CMYK")
    image.save(path, "JPEG", quality=95)
    assert Image.open(path).mode == "CMYK"
    return path


def png16(path: Path) -> Path:
    path = path.with_suffix(".png")
    Image.new("I;16", (300, 400), 40000).save(path)
    assert Image.open(path).mode.startswith("I;16")
    return path


def transparent_png(path: Path) -> Path:
    """Magenta, its top half fully transparent."""
    path = path.with_suffix(".png")
    image = Image.new("RGBA", (300, 400), MAGENTA + (255,))
    image.paste(MAGENTA + (0,), (0, 0, 300, 200))
    image.save(path)
    return path


def svg(path: Path) -> Path:
    path = path.with_suffix(".svg")
    path.write_text('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="300" '
                    'height="400"><rect width="300" height="400" fill="#c800c8"/></svg>\n')
    return path


def zero_bytes(path: Path) -> Path:
    path.write_bytes(b"")
    return path


def text_named_jpg(path: Path) -> Path:
    path.write_text("这不是照片 / not a photo\n", encoding="utf-8")
    return path


def directory(path: Path) -> Path:
    path.mkdir()
    return path


def bomb(path: Path) -> Path:
    return bomb_png(path.with_suffix(".png"))


REFUSED = {          # the file, what the message says
    "truncated JPEG": (truncated_jpeg, ("truncated", "damaged")),
    "zero-byte file": (zero_bytes, ("empty (0 bytes)",)),
    "text file named .jpg": (text_named_jpg, ("not a picture",)),
    "SVG": (svg, ("SVG", "save it as PNG")),
    "30000 x 30000 PNG": (bomb, ("too large to be a photo",)),
    "a folder": (directory, ("folder",)),
}


def badge_data(folder: Path, make) -> tuple[Path, Path]:
    """Two people; the second one's photo made by `make`. Returns (staff.yaml, the photo)."""
    (folder / "photos").mkdir(parents=True)
    photo = make(folder / "photos" / "T00002.jpg")
    staff = make_data(folder, people=[person(1), person(2, photo=f"photos/{photo.name}")])
    return staff, photo


def photo_colours(png: Path) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """Mean colour of the upper and the lower half of the photo box on a 300 dpi badge PNG."""
    image = Image.open(png).convert("RGB")
    left, top, right, bottom = INNER
    middle = (top + bottom) // 2

    def mean(box):
        return tuple(ImageStat.Stat(image.crop(box)).mean)
    return mean((left, top, right, middle - 10)), mean((left, middle + 10, right, bottom))


def near(colour, expected, tolerance=12) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(colour, expected))


# ------------------------------------------------------------------------------ printed
@pytest.mark.parametrize("make, upper, lower", [
    (gif, MAGENTA, MAGENTA),
    (cmyk_jpeg, MAGENTA, MAGENTA),
    (png16, (155, 155, 155), (155, 155, 155)),       # 40000 / 65535 of full scale, not white
    (transparent_png, (255, 255, 255), MAGENTA),     # the transparent half on white
], ids=["GIF", "CMYK JPEG", "16-bit PNG", "PNG with transparency"])
def test_odd_but_valid_photos_print_correctly(tmp_path, cli, make, upper, lower):
    staff, _ = badge_data(tmp_path, make)
    out, pngs = tmp_path / "b.pdf", tmp_path / "png"
    result = cli("badges", staff, "--side", "front", "--sheet", "none", "-o", out, "--png", pngs)
    assert result.code == 0, result
    assert "Traceback" not in result.err and "T00002" not in result.err, result.err
    top, bottom = photo_colours(pngs / "T00002-front.png")
    assert near(top, upper), (top, upper)
    assert near(bottom, lower), (bottom, lower)


# ------------------------------------------------------------------------------ refused
@pytest.mark.parametrize("case", list(REFUSED))
def test_unusable_photos_are_refused_naming_the_person(tmp_path, cli, case):
    make, says = REFUSED[case]
    staff, photo = badge_data(tmp_path, make)
    out = tmp_path / "b.pdf"
    start = time.perf_counter()
    result = cli("badges", staff, "-o", out)
    assert time.perf_counter() - start < 20
    assert result.code == 2, result
    assert "Traceback" not in result.err, result.err
    lines = [line for line in result.err.splitlines() if "T00002" in line]
    assert lines, result.err                                   # the person ...
    assert any(photo.name in line for line in lines), result.err   # ... the file ...
    assert any(s in line for line in lines for s in says), result.err  # ... and why
    assert "T00001" not in result.err                          # nobody else
    assert not out.exists()


@pytest.mark.parametrize("case", list(REFUSED))
def test_unusable_photos_print_a_placeholder_when_allowed(tmp_path, cli, case):
    staff, photo = badge_data(tmp_path, REFUSED[case][0])
    out = tmp_path / "b.pdf"
    result = cli("badges", staff, "-o", out, "--allow-missing-photos")
    assert result.code == 0, result
    warned = [line for line in result.err.splitlines() if "warning" in line and "T00002" in line]
    assert warned and "placeholder" in " ".join(warned), result.err
    assert out.stat().st_size > 1000


def test_the_photo_limit_is_the_documented_one(tmp_path):
    """MAX_PIXELS is the limit, not Pillow's 89-megapixel warning: a 108-megapixel phone photo
    (12000 × 9000) is a photo; 130 megapixels is refused with its size; the header is enough."""
    import io
    small = io.BytesIO()
    Image.new("RGB", (64, 48), MAGENTA).save(small, "JPEG")
    data = bytearray(small.getvalue())
    sof = data.find(b"\xff\xc0")

    def announcing(w: int, h: int) -> Path:
        struct.pack_into(">HH", data, sof + 5, h, w)      # SOF0: precision, height, width
        path = tmp_path / f"{w}x{h}.jpg"
        path.write_bytes(bytes(data))
        return path
    assert 12000 * 9000 <= MAX_PIXELS
    dpi, _ = probe_photo(announcing(12000, 9000), BOX)
    assert dpi > 300
    with pytest.raises(ImageProblem, match="13000 × 10000 pixels, too large"):
        probe_photo(announcing(13000, 10000), BOX)


# ------------------------------------------------------------------------------ the bomb
MEASURE = r"""
import json, os, resource, sys, threading, time
from generator.cli import main
limit_mb = float(os.environ.get("MEASURE_LIMIT_MB") or 0)
start = time.perf_counter()

def peak_mb():
    # VmHWM: this process's own high-water mark. Not ru_maxrss: Linux carries the parent's
    # (pytest's) resident size over fork and exec into it.
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux

def report(code, over=False):
    print("MEASURED " + json.dumps({"code": code, "seconds": time.perf_counter() - start,
                                    "peak_mb": peak_mb(), "over_limit": over}), flush=True)

def watch():   # past the limit, stop at once: the answer is known, the rest costs memory
    while True:
        time.sleep(0.05)
        if peak_mb() > limit_mb:
            report(None, True)
            os._exit(3)

if limit_mb:
    threading.Thread(target=watch, daemon=True).start()
try:
    main(sys.argv[1:])
    code = 0
except SystemExit as exc:
    code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
report(code)
"""


def run_measured(*args, limit_mb: float | None = None) -> tuple[dict, str]:
    """`fieldprint ARGS` in a fresh process: exit code, seconds (imports excluded), peak RSS in
    MB. With limit_mb, the process is stopped as soon as its peak passes it (over_limit)."""
    env = {**os.environ, "MEASURE_LIMIT_MB": str(limit_mb or "")}
    proc = subprocess.run([sys.executable, "-c", MEASURE, *map(str, args)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=900)
    line = [l for l in proc.stdout.splitlines() if l.startswith("MEASURED ")]
    assert line, (proc.returncode, proc.stdout[-2000:], proc.stderr[-2000:])
    return json.loads(line[-1][len("MEASURED "):]), proc.stderr


def test_decompression_bomb_is_refused_quickly_without_a_memory_blow_up(tmp_path):
    staff, photo = badge_data(tmp_path, bomb)
    assert photo.stat().st_size < 2_000_000
    start = time.perf_counter()
    with pytest.raises(ImageProblem, match="too large"):
        probe_photo(photo, BOX)
    assert time.perf_counter() - start < 1
    measured, err = run_measured("badges", staff, "-o", tmp_path / "b.pdf", "--jobs", "1")
    assert measured["code"] == 2 and "T00002" in err and "too large" in err, err
    assert measured["seconds"] < 10, measured
    assert measured["peak_mb"] < 300, measured     # decoding it would take 900 MB at least
    print(f"30000 x 30000 PNG refused in {measured['seconds']:.2f} s, "
          f"peak RSS {measured['peak_mb']:.0f} MB")
