"""Make the example staff photos and the company logo (Pillow only, deterministic).

    python3 examples/make_photos.py          # writes examples/photos/*.jpg and examples/logo.png

Every person here is fictional, and so is every picture: a plain ID-photo background with a
head-and-shoulders silhouette, plus a little grain so the files compress like real photos.
The set deliberately holds the awkward cases a badge renderer meets in real offices:

- most photos: small portrait ID photos, 413 × 579 px (the Chinese 二寸 size at 300 dpi);
- SZ10031: a landscape photo (a phone picture nobody cropped);
- SZ10032: a 4000 × 3000 camera JPEG (about 0.5 MB), to exercise downscaling;
- SZ10033: stored on its side with EXIF Orientation 6 — upright only when EXIF is applied;
- SZ10034: greyscale (mode L); SZ10035: CMYK (as some print shops deliver them).

Same Pillow version → same bytes: the random source is seeded per person.
"""
from __future__ import annotations

import random
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageOps

HERE = Path(__file__).resolve().parent
PHOTOS = HERE / "photos"

ID_SIZE = (413, 579)
BACKGROUNDS = {"blue": (168, 205, 240), "white": (246, 247, 249), "lightblue": (196, 222, 246)}
SKINS = [(241, 204, 178), (226, 184, 150), (205, 160, 122), (184, 135, 100), (236, 196, 166),
         (218, 172, 140)]
HAIRS = [(28, 24, 22), (44, 34, 28), (60, 45, 35), (20, 20, 24), (84, 62, 46)]
CLOTHES = [(32, 72, 140), (28, 28, 34), (70, 78, 92), (246, 246, 246), (24, 92, 160),
           (120, 30, 40), (40, 90, 70)]

# id -> (background, skin, hair, clothes, long hair?, special)
PEOPLE = {
    "SZ10001": ("blue", 0, 0, 1, False, None),
    "SZ10023": ("blue", 1, 1, 0, False, None),
    "SZ10024": ("white", 4, 0, 2, True, None),
    "SZ10025": ("blue", 2, 3, 4, False, None),
    "SZ10026": ("lightblue", 0, 4, 1, True, None),
    "SZ10027": ("white", 3, 0, 0, False, None),
    "SZ10028": ("blue", 5, 2, 5, False, None),
    "SZ10029": ("lightblue", 1, 1, 6, True, None),
    "SZ10030": ("white", 2, 3, 2, False, None),
    "SZ10031": ("lightblue", 4, 0, 4, False, "landscape"),
    "SZ10032": ("blue", 1, 2, 1, False, "huge"),
    "SZ10033": ("white", 0, 1, 0, True, "exif"),
    "SZ10034": ("white", 3, 0, 1, False, "grey"),
    "SZ10035": ("blue", 5, 4, 2, False, "cmyk"),
    "SZ10036": ("lightblue", 2, 3, 3, True, None),
}


def _seed(text: str) -> int:
    return sum((i + 1) * ord(c) for i, c in enumerate(text))


def _grain(size: tuple[int, int], rng: random.Random, amount: int, grain: int = 1) -> Image.Image:
    """A grey noise layer 0..2*amount (added with offset -amount), `grain` pixels coarse."""
    w, h = (max(1, size[0] // grain), max(1, size[1] // grain))
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    noise = noise.point(lambda v: v * (2 * amount + 1) // 256)
    if grain > 1:
        noise = noise.resize(size, Image.Resampling.BILINEAR)
    return noise


def _add_grain(img: Image.Image, rng: random.Random, amount: int, grain: int = 1) -> Image.Image:
    noise = _grain(img.size, rng, amount, grain)
    noise = Image.merge("RGB", (noise, noise, noise))
    return ImageChops.add(img, noise, scale=1.0, offset=-amount)


def _gradient(size: tuple[int, int], top: tuple, bottom: tuple) -> Image.Image:
    """A soft vertical gradient, as studio lighting gives a plain backdrop."""
    ramp = Image.linear_gradient("L").resize(size, Image.Resampling.BILINEAR)
    return ImageOps.colorize(ramp, top, bottom)


def _shade(color: tuple, factor: float) -> tuple:
    return tuple(max(0, min(255, int(c * factor))) for c in color)


def portrait(size: tuple[int, int], background: str, skin: tuple, hair: tuple, clothes: tuple,
             long_hair: bool, rng: random.Random, *, grain_amount: int = 5,
             grain: int = 1) -> Image.Image:
    """A head-and-shoulders ID photo; the figure is centred and scaled to the height."""
    w, h = size
    bg = BACKGROUNDS[background]
    img = _gradient(size, _shade(bg, 1.04), _shade(bg, 0.94))
    draw = ImageDraw.Draw(img)
    s = h / 579                      # drawn for a 579-px-high photo, scaled to any size
    cx = w / 2 + rng.uniform(-6, 6) * s

    def box(x0, y0, x1, y1):
        return (cx + x0 * s, y0 * s, cx + x1 * s, y1 * s)

    head_w, head_h = 150 + rng.uniform(-10, 10), 190 + rng.uniform(-8, 10)
    head_top = 120 + rng.uniform(-8, 8)
    head_bottom = head_top + head_h
    # hair behind the head (long hair falls to the shoulders)
    if long_hair:
        draw.rounded_rectangle(box(-head_w / 2 - 22, head_top - 14, head_w / 2 + 22,
                                   head_bottom + 70), radius=int(70 * s), fill=hair)
    # shoulders and body
    shoulder_top = head_bottom + 55
    draw.ellipse(box(-230, shoulder_top, 230, shoulder_top + 420), fill=clothes)
    draw.rectangle(box(-230, shoulder_top + 200, 230, 600), fill=clothes)
    # neck
    draw.rounded_rectangle(box(-36, head_bottom - 40, 36, shoulder_top + 40), radius=int(18 * s),
                           fill=_shade(skin, 0.9))
    # collar: a white shirt V under dark clothes, a dark V under a white shirt
    collar = (235, 238, 242) if sum(clothes) < 500 else (60, 70, 90)
    draw.polygon([(cx - 60 * s, (shoulder_top + 8) * s), (cx, (shoulder_top + 110) * s),
                  (cx + 60 * s, (shoulder_top + 8) * s), (cx + 30 * s, shoulder_top * s),
                  (cx, (shoulder_top + 60) * s), (cx - 30 * s, shoulder_top * s)], fill=collar)
    # ears, head, hair on top
    draw.ellipse(box(-head_w / 2 - 12, head_top + 80, -head_w / 2 + 14, head_top + 125),
                 fill=_shade(skin, 0.93))
    draw.ellipse(box(head_w / 2 - 14, head_top + 80, head_w / 2 + 12, head_top + 125),
                 fill=_shade(skin, 0.93))
    draw.ellipse(box(-head_w / 2 - 7, head_top - 20, head_w / 2 + 7, head_top + head_h * 0.7),
                 fill=hair)
    draw.ellipse(box(-head_w / 2, head_top, head_w / 2, head_bottom), fill=skin)
    parting = rng.uniform(-30, 30)
    draw.chord(box(-head_w / 2 - 4, head_top - 18, head_w / 2 + 4, head_top + 95), 180, 360,
               fill=hair)
    draw.pieslice(box(parting - 90, head_top - 10, parting + 90, head_top + 110), 200, 340,
                  fill=hair)
    # a hint of a face: eyes, brows, mouth
    eye_y = head_top + head_h * 0.47
    for dx in (-32, 32):
        draw.ellipse(box(dx - 9, eye_y - 5, dx + 9, eye_y + 5), fill=(40, 32, 30))
        draw.line(box(dx - 16, eye_y - 18, dx + 16, eye_y - 20), fill=_shade(hair, 1.2),
                  width=max(1, int(5 * s)))
    draw.line(box(-4, eye_y + 20, -8, eye_y + 50), fill=_shade(skin, 0.8), width=max(1, int(3 * s)))
    draw.arc(box(-26, eye_y + 50, 26, eye_y + 78), 20, 160, fill=(170, 90, 85),
             width=max(1, int(4 * s)))
    img = img.filter(ImageFilter.GaussianBlur(0.8 * s))
    return _add_grain(img, rng, grain_amount, grain)


def make_photo(person_id: str) -> Path:
    background, skin, hair, clothes, long_hair, special = PEOPLE[person_id]
    rng = random.Random(_seed(person_id))
    args = (background, SKINS[skin], HAIRS[hair], CLOTHES[clothes], long_hair, rng)
    target = PHOTOS / f"{person_id}.jpg"
    if special == "landscape":
        img = portrait((960, 720), *args)
        img.save(target, "JPEG", quality=82, optimize=True)
    elif special == "huge":
        img = portrait((4000, 3000), *args, grain_amount=3, grain=3)
        img.save(target, "JPEG", quality=80, optimize=True)
    elif special == "exif":
        # Stored turned 90° anticlockwise; Orientation 6 tells viewers to turn it clockwise.
        img = portrait(ID_SIZE, *args).transpose(Image.Transpose.ROTATE_90)
        exif = Image.Exif()
        exif[0x0112] = 6
        img.save(target, "JPEG", quality=85, optimize=True, exif=exif.tobytes())
    elif special == "grey":
        img = portrait(ID_SIZE, *args).convert("L")
        img.save(target, "JPEG", quality=85, optimize=True)
    elif special == "cmyk":
        img = portrait(ID_SIZE, *args).convert("CMYK")
        img.save(target, "JPEG", quality=85)
    else:
        img = portrait(ID_SIZE, *args)
        img.save(target, "JPEG", quality=85, optimize=True)
    return target


def make_logo(target: Path, size: int = 600) -> Path:
    """A blue disc with white signal arcs over a white house roof, on a transparent background."""
    scale = 4                                     # draw large, shrink: smooth edges
    big = size * scale
    img = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    draw = ImageDraw.Draw(img)
    blue, white = (0, 92, 175, 255), (255, 255, 255, 255)
    m = big * 0.03
    draw.ellipse((m, m, big - m, big - m), fill=blue)
    draw.ellipse((m * 2.2, m * 2.2, big - m * 2.2, big - m * 2.2), outline=white,
                 width=int(big * 0.018))
    c = big / 2
    # house roof and body
    roof = [(c - big * 0.27, c + big * 0.1), (c, c - big * 0.1), (c + big * 0.27, c + big * 0.1)]
    draw.line(roof, fill=white, width=int(big * 0.045), joint="curve")
    draw.rectangle((c - big * 0.19, c + big * 0.08, c + big * 0.19, c + big * 0.3), fill=white)
    draw.rectangle((c - big * 0.05, c + big * 0.17, c + big * 0.05, c + big * 0.3), fill=blue)
    # signal arcs above the roof
    y = c - big * 0.17
    for r in (0.07, 0.13, 0.19):
        rr = big * r
        draw.arc((c - rr, y - rr, c + rr, y + rr), 225, 315, fill=white,
                 width=int(big * 0.026))
    draw.ellipse((c - big * 0.022, y - big * 0.022, c + big * 0.022, y + big * 0.022), fill=white)
    img = img.resize((size, size), Image.Resampling.LANCZOS)
    img.save(target, "PNG", optimize=True)
    return target


def main() -> None:
    PHOTOS.mkdir(exist_ok=True)
    for person_id in PEOPLE:
        path = make_photo(person_id)
        print(f"{path.relative_to(HERE)}  {path.stat().st_size // 1024} KB")
    logo = make_logo(HERE / "logo.png")
    print(f"{logo.relative_to(HERE)}  {logo.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
