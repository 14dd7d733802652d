"""Reference outputs: what `fieldprint demo` and a few hostile records give the user, pinned in
tests/reference/ and compared on every test run (tests/test_reference.py).

Each artifact is normalised into what a user would check, so that the same input gives the
same reference on every run and machine, and only a real change shows:

- PDF (`NAME.pdf/`): `summary.json` (page count, page boxes in pt, fonts without their subset
  tag, title, print scaling), `text.txt` (the text of each page), `page-001.png` … (each page
  in grey at DPI dots per inch, quantised to LEVELS grey levels).
- PNG (`NAME.png/`): `summary.json` (size in pixels, mode, dpi) and `image.png` (the picture
  scaled to DPI, grey, quantised).
- DOCX (`NAME.docx/`): the Word XML that fieldprint writes (`word/document.xml`, headers,
  footers), indented one element a line; the other parts, which come from the template as
  they are, by SHA-256 in `summary.json`.
- XLSX (`NAME.xlsx/cells.txt`): every sheet's cells (value, type, number format, bold, fill),
  frozen panes, filter, merged ranges and column widths.
- JSON, CSV, ICS: the file itself, compared byte for byte.

Pictures match when at most PIXEL_COUNT pixels of a page differ by more than PIXEL_LEVEL grey
levels (of 255): anti-aliasing that a newer PDFium draws a little differently passes; a line
moved by one pixel, or a changed word, does not. Text and everything else must be equal
(the extracted text of pages without its white space: where an extractor puts spaces and line
breaks does not matter, and how lines wrap is the pictures' business). A failing comparison writes the actual, expected and diff pictures (and the
actual text) under tests/failures/ (git-ignored) and names them in its message.

Regenerate after an intended change: `python tests/reference/regenerate.py` (see
tests/reference/README.md).
"""
from __future__ import annotations

import difflib
import hashlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageChops

TESTS = Path(__file__).resolve().parent
ROOT = TESTS.parent
REFERENCE = TESTS / "reference"
INPUTS = REFERENCE / "inputs"
FAILURES = TESTS / "failures"
EXAMPLES = ROOT / "examples"

DPI = 50            # pages are compared at this resolution (1 pixel = 0.508 mm)
LEVELS = 16         # grey levels kept in the stored pictures
PIXEL_LEVEL = 32    # a pixel differs when its grey moves by more than this (0-255): two of
                    # the stored grey steps (17 each), so one step of anti-aliasing passes ...
PIXEL_COUNT = 2     # ... and a page differs when more than this many pixels do

# Everything that could depend on the day the tests run is fixed: "today" is 2026-11-21 (the
# examples' as-of day), and the language is the default (Chinese).
SOURCE_DATE_EPOCH = "1795219200"   # 2026-11-21T00:00:00Z
AS_OF = "2026-11-21"

# case -> the fieldprint commands that make its artifacts, with {out}, {examples}, {inputs}.
HOSTILE = "{inputs}/hostile"
_FORM_DATA = [f"{HOSTILE}/work_orders.yaml", f"{HOSTILE}/staff.yaml"]
CASES: dict[str, list[list[str]]] = {
    # Every artifact of `fieldprint demo`, and the equipment CSV that demo does not write.
    "demo": [
        ["demo", "-o", "{out}"],
        ["equipment", "{examples}/equipment.yaml", "--as-of", AS_OF, "--format", "csv",
         "-o", "{out}/equipment-" + AS_OF + ".csv"],
    ],
    # Markup and template syntax in every text, long names, a missing photo (placeholder),
    # an order without appointment or engineer, an order that runs onto a second page.
    "hostile": [
        ["badges", f"{HOSTILE}/staff.yaml", f"{HOSTILE}/staff-nophoto.yaml",
         "--allow-missing-photos", "-o", "{out}/badges.pdf"],
        ["service-cards", f"{HOSTILE}/staff.yaml", "--copies", "1", "-o",
         "{out}/service-cards.pdf"],
        ["work-orders", *_FORM_DATA, "-o", "{out}/work-orders.pdf"],
        ["confirmations", *_FORM_DATA, "-o", "{out}/confirmations.pdf"],
        ["follow-ups", *_FORM_DATA, "-o", "{out}/follow-ups.pdf"],
        ["work-orders", *_FORM_DATA, "-o", "{out}/work-orders.docx"],
        ["confirmations", *_FORM_DATA, "-o", "{out}/confirmations.docx"],
        *(["equipment", f"{HOSTILE}/equipment.yaml", f"{HOSTILE}/staff.yaml", "--as-of", AS_OF,
           "--format", fmt, "-o", "{out}/equipment." + fmt]
          for fmt in ("pdf", "xlsx", "json", "csv", "ics")),
    ],
}


# ------------------------------------------------------------------------------ making outputs
def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIELDPRINT_")}
    env.update(SOURCE_DATE_EPOCH=SOURCE_DATE_EPOCH, PYTHONHASHSEED="0")
    return env


def render_case(case: str, out: Path) -> list[str]:
    """Run the case's commands as a user would (a fresh `fieldprint` process each) into `out`;
    returns the artifacts written (paths relative to `out`, sorted).

    Raises AssertionError with the command's output when a command does not exit 0."""
    out.mkdir(parents=True, exist_ok=True)
    for args in CASES[case]:
        fieldprint(*(a.format(out=out, examples=EXAMPLES, inputs=INPUTS) for a in args))
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())


def fieldprint(*args) -> None:
    """`fieldprint ARGS` in a fresh process with the tests' fixed day and language; raises
    AssertionError with its output unless it exits 0."""
    args = [str(a) for a in args]
    done = subprocess.run([sys.executable, "-m", "generator.cli", *args], cwd=ROOT,
                          env=environment(), capture_output=True, text=True)
    assert done.returncode == 0, (f"fieldprint {' '.join(args)} exited {done.returncode}:\n"
                                  f"{done.stdout}\n{done.stderr}")


# ------------------------------------------------------------------------------ normalising
@dataclass
class Normal:
    """An artifact normalised: text files (name -> str) and pictures (name -> grey Image),
    names relative to the artifact's place in the reference folder."""
    texts: dict[str, str] = field(default_factory=dict)
    images: dict[str, Image.Image] = field(default_factory=dict)


def grey(image: Image.Image) -> Image.Image:
    """A picture as the reference keeps it: 8-bit grey with LEVELS levels."""
    step = 256 // LEVELS
    top = LEVELS - 1
    return image.convert("L").point(lambda v: min(v // step, top) * 255 // top)


def normalise(path: Path) -> Normal:
    """Normalise one artifact by its suffix (.pdf .png .docx .xlsx; anything else is text)."""
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return _pdf(path)
    if suffix == ".png":
        return _png(path)
    if suffix == ".docx":
        return _docx(path)
    if suffix == ".xlsx":
        return _xlsx(path)
    return Normal(texts={"": path.read_bytes().decode("utf-8")})


def _box(values) -> list[float]:
    return [round(float(v), 2) for v in values]


def _pdf(path: Path) -> Normal:
    import pypdf
    import pypdfium2 as pdfium

    reader = pypdf.PdfReader(path)
    pages, fonts = [], set()
    for page in reader.pages:
        media = _box(page.mediabox)
        boxes = [f"media {media}"]
        for name in ("cropbox", "trimbox", "bleedbox", "artbox"):
            box = _box(getattr(page, name))
            if box != media:
                boxes.append(f"{name[:-3]} {box}")
        if page.get("/Rotate"):
            boxes.append(f"rotate {int(page['/Rotate'])}")
        pages.append(", ".join(boxes))
        _fonts(page.get("/Resources"), fonts, set())
    root = reader.trailer["/Root"]
    prefs = root.get("/ViewerPreferences") or {}
    info = reader.metadata or {}
    summary = {
        "pages": len(reader.pages),
        "boxes": pages,
        "fonts": [dict(zip(("name", "type", "embedded"), f)) for f in sorted(fonts)],
        "title": str(info.get("/Title", "")),
        "print_scaling": str(prefs.get("/PrintScaling", "")),
    }
    normal = Normal(texts={"summary.json": json.dumps(summary, ensure_ascii=False, indent=1)
                           + "\n"})
    document = pdfium.PdfDocument(str(path))
    texts = []
    try:
        for number, page in enumerate(document, 1):
            textpage = page.get_textpage()
            text = textpage.get_text_range().replace("\r\n", "\n").replace("\r", "\n")
            textpage.close()
            lines = [line.rstrip() for line in text.split("\n")]
            texts.append(f"=== page {number} ===\n" + "\n".join(ln for ln in lines if ln))
            image = page.render(scale=DPI / 72, draw_annots=False).to_pil()
            normal.images[f"page-{number:03d}.png"] = grey(image)
            page.close()
    finally:
        document.close()
    normal.texts["text.txt"] = "\n".join(texts) + "\n"
    return normal


def _fonts(resources, found: set, seen: set) -> None:
    """Every font a page uses, also inside its form XObjects: (name, subtype, embedded)."""
    if resources is None:
        return
    resources = resources.get_object()
    for font in (resources.get("/Font") or {}).values():
        font = font.get_object()
        name = str(font.get("/BaseFont", ""))
        if len(name) > 8 and name[7] == "+" and name[1:7].isupper():
            name = name[8:]           # the subset tag (ABCDEF+) differs with the subset
        elif len(name) > 7 and name[6] == "+" and name[:6].isupper():
            name = name[7:]
        descriptor = font.get("/FontDescriptor")
        if descriptor is None and "/DescendantFonts" in font:
            descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
        embedded = descriptor is not None and any(
            k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        found.add((name.lstrip("/"), str(font.get("/Subtype", "")).lstrip("/"), embedded))
    for xobject in (resources.get("/XObject") or {}).values():
        ref = getattr(xobject, "idnum", None)
        if ref in seen:
            continue
        seen.add(ref)
        xobject = xobject.get_object()
        if xobject.get("/Subtype") == "/Form":
            _fonts(xobject.get("/Resources"), found, seen)


def _png(path: Path) -> Normal:
    with Image.open(path) as image:
        image.load()
        dpi = image.info.get("dpi", (72, 72))
        summary = {"size": list(image.size), "mode": image.mode,
                   "dpi": [round(float(d)) for d in dpi]}
        scale = DPI / float(dpi[0] or 72)
        small = image.convert("RGB").resize(
            (max(1, round(image.width * scale)), max(1, round(image.height * scale))),
            Image.Resampling.BOX)
    return Normal(texts={"summary.json": json.dumps(summary, indent=1) + "\n"},
                  images={"image.png": grey(small)})


_WORD_OWN = ("word/document.xml", "word/header", "word/footer", "word/footnotes.xml",
             "word/endnotes.xml", "word/comments.xml", "docProps/core.xml")


def _docx(path: Path) -> Normal:
    from lxml import etree

    normal = Normal()
    parts = {}
    with zipfile.ZipFile(path) as archive:
        for info in sorted(archive.infolist(), key=lambda i: i.filename):
            data = archive.read(info)
            if info.filename.startswith(_WORD_OWN) and info.filename.endswith(".xml"):
                root = etree.fromstring(data)
                etree.indent(root, space=" ")
                normal.texts[info.filename] = etree.tostring(root, encoding="unicode") + "\n"
            else:
                parts[info.filename] = hashlib.sha256(data).hexdigest()
    normal.texts["summary.json"] = json.dumps({"parts": parts}, indent=1) + "\n"
    return normal


def _xlsx(path: Path) -> Normal:
    import openpyxl

    book = openpyxl.load_workbook(path)
    out = []
    for sheet in book.worksheets:
        out.append(f"# sheet {sheet.title!r}: freeze {sheet.freeze_panes}, filter "
                   f"{sheet.auto_filter.ref}, merged "
                   f"{sorted(str(r) for r in sheet.merged_cells.ranges)}")
        widths = {k: v.width for k, v in sorted(sheet.column_dimensions.items()) if v.width}
        out.append(f"# widths {widths}")
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None and cell.fill.fgColor.rgb in (None, "00000000"):
                    continue
                fill = cell.fill.fgColor.rgb if cell.fill.fill_type else ""
                out.append("\t".join([cell.coordinate, type(cell.value).__name__,
                                      repr(cell.value), cell.number_format,
                                      "bold" if cell.font.bold else "", str(fill)]))
    return Normal(texts={"cells.txt": "\n".join(out) + "\n"})


# ------------------------------------------------------------------------------ storing
def reference_dir(case: str) -> Path:
    return REFERENCE / case


def manifest(case: str) -> list[str]:
    """The artifacts pinned for a case (tests/reference/<case>/MANIFEST)."""
    path = reference_dir(case) / "MANIFEST"
    return path.read_text(encoding="utf-8").split() if path.is_file() else []


def _place(case: str, artifact: str, name: str) -> Path:
    base = reference_dir(case) / artifact
    return base / name if name else base


def store(case: str, artifacts: dict[str, Normal]) -> None:
    """Write a case's references (replacing the old ones)."""
    folder = reference_dir(case)
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for artifact, normal in artifacts.items():
        for name, text in normal.texts.items():
            target = _place(case, artifact, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(text.encode("utf-8"))
        for name, image in normal.images.items():
            target = _place(case, artifact, name)
            target.parent.mkdir(parents=True, exist_ok=True)
            image.save(target, "PNG", optimize=True)
    (folder / "MANIFEST").write_text("\n".join(sorted(artifacts)) + "\n", encoding="utf-8")


# ------------------------------------------------------------------------------ comparing
def _squeeze(text: str) -> str:
    return "".join(text.split())


def _text_differs(name: str, expected: str, actual: str) -> bool:
    if name.endswith(".txt") and name != "cells.txt":
        return _squeeze(expected) != _squeeze(actual)
    return expected != actual


def differing_pixels(expected: Image.Image, actual: Image.Image) -> tuple[int, Image.Image]:
    """(how many pixels differ by more than PIXEL_LEVEL, the mask of them)."""
    mask = ImageChops.difference(expected.convert("L"), actual.convert("L")).point(
        lambda v: 255 if v > PIXEL_LEVEL else 0)
    return mask.histogram()[255], mask


def _diff_picture(expected: Image.Image, mask: Image.Image) -> Image.Image:
    faded = expected.convert("L").point(lambda v: 160 + v * 95 // 255).convert("RGB")
    red = Image.new("RGB", expected.size, (220, 0, 0))
    return Image.composite(red, faded, mask)


def compare(case: str, artifact: str, normal: Normal, failures: Path | None = None) -> list[str]:
    """Compare an artifact's normal form with its reference. Returns the problems (empty when
    it matches); each names the files it wrote into `failures` (by default
    tests/failures/<case>/<artifact>/)."""
    problems = []
    failures = failures or FAILURES / case / artifact
    expected_names = _stored_names(case, artifact)
    actual_names = set(normal.texts) | set(normal.images)
    for name in sorted(expected_names - actual_names):
        problems.append(f"{case}/{artifact}: {name or 'the file'} is in the reference but was "
                        "not made (a page less?)")
    for name in sorted(actual_names - expected_names):
        problems.append(f"{case}/{artifact}: {name or 'the file'} was made but is not in the "
                        "reference (a page more?)")
    for name, text in sorted(normal.texts.items()):
        if name not in expected_names:
            continue
        expected = _place(case, artifact, name).read_bytes().decode("utf-8")
        if _text_differs(name, expected, text):
            target = failures / (name or Path(artifact).name)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
            diff = "".join(list(difflib.unified_diff(
                expected.splitlines(True), text.splitlines(True), "expected", "actual", n=1))[:40])
            problems.append(f"{case}/{artifact}: {name or 'content'} differs; actual written to "
                            f"{target}\n{diff}")
    for name, image in sorted(normal.images.items()):
        if name not in expected_names:
            continue
        with Image.open(_place(case, artifact, name)) as stored:
            expected = stored.convert("L")
        if expected.size != image.size:
            count, mask = expected.width * expected.height, None
        else:
            count, mask = differing_pixels(expected, image)
        if count <= PIXEL_COUNT:
            continue
        failures.mkdir(parents=True, exist_ok=True)
        stem = Path(name).stem
        written = [failures / f"{stem}-actual.png", failures / f"{stem}-expected.png"]
        image.save(written[0])
        expected.save(written[1])
        if mask is not None:
            written.append(failures / f"{stem}-diff.png")
            _diff_picture(expected, mask).save(written[2])
            what = f"{count} pixels differ by more than {PIXEL_LEVEL} grey levels"
        else:
            what = f"size {image.size} instead of {expected.size}"
        problems.append(f"{case}/{artifact}: {name}: {what}; see "
                        + ", ".join(str(w) for w in written))
    return problems


def _stored_names(case: str, artifact: str) -> set[str]:
    base = _place(case, artifact, "")
    if base.is_file():
        return {""}
    if not base.is_dir():
        return set()
    return {p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()}


def reset_failures(case: str, artifact: str) -> None:
    """Remove an artifact's old failure files, so the folder shows only the last run."""
    shutil.rmtree(FAILURES / case / artifact, ignore_errors=True)

