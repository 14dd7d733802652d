"""Every name prints: the default font chain's coverage (GB 18030-2022 levels 1 and 2), a real
bold, text that copies out as typed, the fallback chain, and the names on every document."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import unicodedata
import warnings
from pathlib import Path

import pypdf
import pytest

from generator.fonts import chain, font_set, missing_chars
from generator.fonts.embed import to_unicode_cmap

DATA = Path(__file__).parent / "data" / "tghz2013_beyond_bmp.txt"
RARE = {"SZ10001": "刘䶮", "SZ10023": "王龑", "SZ10024": "吉𠮷祥", "SZ10025": "张𬌗"}
UYGHUR = "ئايگۈل مەمەت"        # name_ug of SZ10033 阿依古丽·买买提 in the examples
# assigned blocks of CJK ideographs beyond implementation level 1's ranges (inclusive)
NEWER = {"URO U+9FF0-9FFF": (0x9FF0, 0x9FFF), "Ext A U+4DB6-4DBF": (0x4DB6, 0x4DBF),
         "Ext B": (0x20000, 0x2A6DF), "Ext C": (0x2A700, 0x2B739), "Ext D": (0x2B740, 0x2B81D),
         "Ext E": (0x2B820, 0x2CEA1), "Ext F": (0x2CEB0, 0x2EBE0), "Ext I": (0x2EBF0, 0x2EE5D),
         "Ext G": (0x30000, 0x3134A), "Ext H": (0x31350, 0x323AF)}


def level_2() -> list[int]:
    return [int(line.split()[0][2:], 16) for line in DATA.read_text(encoding="utf-8").splitlines()
            if line.startswith("U+")]


@pytest.mark.parametrize("weight", ["regular", "bold"])
def test_default_chain_covers_gb18030_2022_levels_1_and_2(weight):
    widths = chain(getattr(font_set(), weight)).coverage
    level_1 = [*range(0x4E00, 0x9FF0), *range(0x3400, 0x4DB6)]
    assert len(level_1) == 20976 + 6582
    assert [f"U+{c:04X}" for c in level_1 if c not in widths] == []
    beyond = level_2()
    assert len(beyond) == 196
    assert [f"U+{c:04X} {chr(c)}" for c in beyond if c not in widths] == []
    # what the chain lacks beyond those ranges (newer characters, no pip font has them)
    lacking = {name: sum(1 for c in range(a, b + 1) if c not in widths)
               for name, (a, b) in NEWER.items()}
    report = ", ".join(f"{name}: {n} of {b - a + 1} missing"
                       for (name, n), (a, b) in zip(lacking.items(), NEWER.values()))
    warnings.warn(f"default {weight} chain, characters beyond GB 18030-2022 levels 1-2: {report}")
    assert lacking["Ext B"] < 42720 - 2000       # Noto has some 2,100 of Extension B


def test_a_character_no_font_has_is_still_missing():
    fonts = font_set()
    assert missing_chars("刘䶮𠮷𬌗阿依古丽·买买提", fonts.regular) == []
    assert missing_chars("𪚥😀\x07", fonts.bold) == ["𪚥", "😀", "\x07"]


def test_a_uyghur_name_is_shaped_right_to_left_with_its_marks():
    from generator.fonts.shaping import Shaped
    bold = chain(font_set().bold)
    pieces = bold.pieces(UYGHUR)
    assert len(pieces) == 1 and isinstance(pieces[0], Shaped)
    shaped = pieces[0]
    assert len(shaped.codes) > len(UYGHUR)          # the hamza and dots are marks of their own
    assert any(rise for _, rise in shaped.moves)     # ... placed above their letters
    assert shaped.advance == bold.units(UYGHUR) > 0  # measured as drawn
    # the mixed Chinese line is plain left-to-right text in the CJK font
    assert bold.pieces("阿依古丽·买买提") == [(bold.primary, "阿依古丽·买买提")]
    # a right-to-left text with a number: the number stays left to right, at the left end
    mixed = bold.pieces("ئايگۈل 2026")
    assert not isinstance(mixed[0], Shaped) and mixed[0][1].strip() == "2026"
    assert isinstance(mixed[-1], Shaped) and mixed[-1].text == "ئايگۈل"


def test_to_unicode_writes_characters_beyond_the_bmp_as_surrogate_pairs():
    cmap = to_unicode_cmap("X", [0, 0x738B, 0x20BB7, 0x2C317])
    assert "<01> <738B>" in cmap
    assert "<02> <D842DFB7>" in cmap          # 𠮷, not <20BB7> (which reads as ₻)
    assert "<03> <D870DF17>" in cmap          # 𬌗
    assert "<00> <0000>" in cmap and "4 beginbfchar" in cmap


# ------------------------------------------------------------------- the names, end to end
@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Badges, service cards, work orders and the equipment PDF of the examples, with rare
    characters in four names (the example staff already has 阿依古丽·买买提)."""
    from conftest import EXAMPLES, run_cli
    folder = tmp_path_factory.mktemp("names") / "examples"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    staff = (folder / "staff.yaml").read_text(encoding="utf-8")
    old = dict(re.findall(r'id: "(SZ\d+)"\n    name: (\S+)', staff))
    for pid, name in RARE.items():
        staff = staff.replace(f'id: "{pid}"\n    name: {old[pid]}', f'id: "{pid}"\n    name: {name}')
    (folder / "staff.yaml").write_text(staff, encoding="utf-8")
    out = folder.parent / "out"
    out.mkdir()
    jobs = {"badges": ["badges", folder / "staff.yaml", "--layout", "badge-bilingual"],
            "service-cards": ["service-cards", folder / "staff.yaml", "--layout",
                              "service-card-bilingual"],
            "work-orders": ["work-orders", folder / "work_orders.yaml", folder / "staff.yaml"],
            "equipment": ["equipment", folder / "equipment.yaml", folder / "staff.yaml",
                          "--as-of", "2026-11-21", "--format", "pdf"]}
    paths = {}
    for job, args in jobs.items():
        target = out / f"{job}.pdf"
        result = run_cli(*args, "-o", target)
        assert result.code == 0, result
        paths[job] = target
    return paths


def _pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


needs_poppler = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils")


@needs_poppler
@pytest.mark.parametrize("job", ["badges", "service-cards", "work-orders", "equipment"])
def test_every_name_copies_out_exactly(rendered, job):
    text = _pdftotext(rendered[job])
    names = list(RARE.values()) + ["阿依古丽·买买提"]
    if job == "work-orders":   # the engineers of the example orders
        names = [n for n in names if n in ("王龑", "吉𠮷祥")]
    assert [n for n in names if n not in text] == []
    assert "₻" not in text
    # the Uyghur name: its typed letters, in logical order (poppler marks the right-to-left
    # run with U+202B/U+202C and turns the drawn visual order back)
    assert UYGHUR in text.replace("\u202b", "").replace("\u202c", "")


@needs_poppler
@pytest.mark.parametrize("job", ["badges", "service-cards", "work-orders", "equipment"])
def test_only_embedded_fonts_and_a_real_bold(rendered, job):
    listing = subprocess.run(["pdffonts", str(rendered[job])], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    assert listing
    assert all(line.split()[-5] == "yes" for line in listing), listing      # emb
    assert any("Bold" in line.split()[0] for line in listing), listing
    # bold is a bold font file: no text render mode (stroked outlines) anywhere
    reader = pypdf.PdfReader(rendered[job])
    for page in reader.pages:
        content = page.get_contents().get_data()
        assert not re.search(rb"\b[12] Tr\b", content)


def test_the_fallback_chain_draws_each_character_with_the_first_font_that_has_it(
        examples_copy, tmp_path):
    from conftest import run_cli
    from generator.fonts import NOTO_ARABIC, package_file
    arabic = package_file(*NOTO_ARABIC[:2])
    with open(examples_copy / "company.yaml", "a", encoding="utf-8") as fh:
        fh.write(f"  fonts:\n    - regular: {arabic}\n")      # a Latin and Arabic font first
    target = tmp_path / "orders.pdf"
    result = run_cli("work-orders", examples_copy / "work_orders.yaml",
                     examples_copy / "staff.yaml", "-o", target)
    assert result.code == 0, result
    fonts = {}
    for page in pypdf.PdfReader(target).pages[:1]:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"])] = font
    assert any("NotoSansArabic" in f for f in fonts), fonts     # Latin: the company's font
    assert any("NotoSansCJK" in f for f in fonts), fonts        # Chinese: the default chain
    text = _pdftotext(target)
    assert "WO-20261121-0001" in text and "王建国" in text


def test_the_font_cache_gives_the_same_bytes_as_converting(tmp_path):
    """A run with a cold cache, a warm one and none at all write the same PDF."""
    import subprocess as sp
    import sys

    from conftest import EXAMPLES
    outputs = []
    for name, cache in (("cold", tmp_path / "cache"), ("warm", tmp_path / "cache"),
                        ("off", "off")):
        target = tmp_path / f"{name}.pdf"
        env = dict(__import__("os").environ, FIELDPRINT_CACHE_DIR=str(cache))
        done = sp.run([sys.executable, "-m", "generator.cli", "-q", "badges",
                       str(EXAMPLES / "staff.yaml"), "--only", "SZ10023", "-o", str(target)],
                      env=env, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert list((tmp_path / "cache" / "fonts").glob("*.sqlite"))


@pytest.mark.parametrize("weight", [None, 700])
def test_a_face_from_the_cache_measures_and_maps_as_one_read_from_the_file(tmp_path, weight):
    """The cache keeps the widths ready for measuring and the character map and advances
    apart (read only to make a PDF): a face made from it has the same metrics as one read
    from the file, and so does one whose cache lost the map (read from the file again)."""
    import sqlite3

    from generator.fonts import NOTO_ARABIC, package_file
    from generator.fonts.outline import OutlineFace
    path = str(package_file(*NOTO_ARABIC[:2]))
    location = {"wght": weight} if weight else None
    read = OutlineFace(path, 0, location, "Bold", cache_folder=tmp_path)
    cached = OutlineFace(path, 0, location, "Bold", cache_folder=tmp_path)
    assert cached.__dict__.get("_glyph_map") is None          # not read until asked for
    fields = ("charWidths", "defaultWidth", "ascent", "descent", "capHeight", "bbox", "name",
              "charToGlyph", "_advance")
    assert [getattr(cached, f) for f in fields] == [getattr(read, f) for f in fields]
    assert cached.coverage == read.coverage
    scale = 1000.0 / read._upem     # as reportlab and the code before the cache kept widths
    full = {cp: read._advance[g] * scale for cp, g in read.charToGlyph.items()}
    assert set(read.coverage) == set(full)
    assert read.charWidths == {cp: w for cp, w in full.items() if w != read.defaultWidth}
    assert {cp: read.getCharWidth(cp) for cp in full} == full
    for db in tmp_path.glob("*.sqlite"):
        with sqlite3.connect(db) as con:
            con.execute("DELETE FROM meta WHERE k = 'glyph_map'")
    lost = OutlineFace(path, 0, location, "Bold", cache_folder=tmp_path)
    assert [getattr(lost, f) for f in fields] == [getattr(read, f) for f in fields]


def _old_cache_file(path: Path, metrics: dict, version: int | None = None) -> Path:
    """A cache file as fieldprint wrote it: VERSION 1-3 kept no version, and their metrics
    no "coverage" (VERSION 4 added it)."""
    import marshal
    import sqlite3
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE meta (k TEXT PRIMARY KEY, v BLOB)")
        db.execute("CREATE TABLE glyphs (gid INTEGER PRIMARY KEY, v BLOB)")
        db.execute("INSERT INTO meta VALUES ('metrics', ?)", (marshal.dumps(metrics),))
        db.execute("INSERT INTO glyphs VALUES (3, ?)", (b"glyph",))
        if version is not None:
            db.execute("INSERT INTO meta VALUES ('version', ?)", (marshal.dumps(version),))
    db.close()
    return path


def test_writing_the_cache_removes_the_files_of_older_versions_only(tmp_path, monkeypatch):
    """The first face a process writes to the cache removes the files older VERSIONs wrote
    there (a CJK face's file is megabytes): only ours, never a newer version's, a file of
    another kind, one in use or one outside the folder; a file that cannot be removed is
    left, and the face is read all the same."""
    import os as os_module

    from generator.fonts import NOTO_ARABIC, cache, package_file
    from generator.fonts.outline import OutlineFace
    folder = tmp_path / "fonts"
    folder.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    v1 = {"cff": True, "upem": 1000, "cmap": {32: 1}, "advances": [500.0], "name": b"X"}
    v3 = {"cff": True, "upem": 1000, "widths": {32: 250.0}, "default": 1000.0, "name": b"X"}
    v4 = dict(v3, coverage=b"\x00")
    hexname = "{:032x}.sqlite".format
    old = [_old_cache_file(folder / hexname(1), v1), _old_cache_file(folder / hexname(3), v3)]
    kept = [_old_cache_file(folder / hexname(4), v4),                   # this version
            _old_cache_file(folder / hexname(5), v4, version=5),        # a newer fieldprint
            _old_cache_file(folder / "notes.sqlite", v3),               # not named as ours
            _old_cache_file(elsewhere / hexname(6), v3),                # another folder
            _old_cache_file(folder / hexname(7), v3)]                   # in use (a journal)
    (folder / (hexname(7) + "-journal")).write_bytes(b"")
    (folder / hexname(8)).write_bytes(b"not a database")               # not ours
    (folder / hexname(9)).symlink_to(elsewhere / hexname(6))           # a link
    kept += [folder / hexname(8), elsewhere / hexname(6)]
    refused = _old_cache_file(folder / hexname(10), v3)
    real_remove = os_module.remove

    def remove(path, *args, **kwargs):
        if Path(path) == refused:
            raise PermissionError(13, "Permission denied", str(path))
        return real_remove(path, *args, **kwargs)
    monkeypatch.setattr(os_module, "remove", remove)
    assert [cache.file_version(p) for p in (*old, *kept[:2])] == [3, 3, 4, 5]
    face = OutlineFace(package_file(*NOTO_ARABIC[:2]), 0, cache_folder=folder)
    assert face.defaultWidth > 0
    assert [p.name for p in old if p.exists()] == []
    assert [p.name for p in kept + [refused] if not p.exists()] == []
    assert (folder / hexname(9)).is_symlink()
    written = folder / f"{face._cache.key}.sqlite"
    assert cache.file_version(written) == cache.VERSION
    assert cache.prune(folder) == []       # nothing more to remove; the new file stays


def test_a_run_that_finds_its_faces_cached_removes_older_versions_once(tmp_path):
    """A machine whose faces are cached at this VERSION already writes nothing more: its
    first run after the update still removes the older versions' files (once; the folder's
    PRUNED file says this version looked), and later runs only read that small file."""
    from generator.fonts import NOTO_ARABIC, cache, package_file
    from generator.fonts.outline import OutlineFace
    folder = tmp_path / "fonts"
    face = OutlineFace(package_file(*NOTO_ARABIC[:2]), 0, cache_folder=folder)
    (folder / cache.PRUNED).unlink()              # as a cache filled before this change
    v3 = {"cff": True, "upem": 1000, "widths": {32: 250.0}, "default": 1000.0, "name": b"X"}
    old = _old_cache_file(folder / ("a" * 32 + ".sqlite"), v3)
    assert cache.FaceCache.known(face._cache.key, folder) is not None
    assert not old.exists() and (folder / cache.PRUNED).read_text() == str(cache.VERSION)
    later = _old_cache_file(folder / ("b" * 32 + ".sqlite"), v3)   # an older fieldprint's
    cache._prune_once.cache_clear()                                  # another run
    assert cache.FaceCache.known(face._cache.key, folder) is not None
    assert later.exists()                         # this version looked already
    (folder / cache.PRUNED).write_text("3")
    cache._prune_once.cache_clear()
    assert cache.FaceCache.known(face._cache.key, folder) is not None
    assert not later.exists() and (folder / f"{face._cache.key}.sqlite").exists()


def test_coverage_is_the_set_of_its_code_points():
    """`Coverage` (ranges) against Python sets, on generated sets of code points."""
    import random

    from generator.fonts.coverage import Coverage
    rnd = random.Random(19)
    for _ in range(2000):
        n = rnd.choice([3, 40, 300, 0x110000])
        a = {rnd.randrange(n) for _ in range(rnd.randrange(min(n, 300)))}
        b = {rnd.randrange(n) for _ in range(rnd.randrange(min(n, 300)))}
        if rnd.random() < 0.3:        # runs of consecutive code points, touching and not
            start = rnd.randrange(n)
            a |= set(range(start, min(n, start + rnd.randrange(1, 50))))
        ours, theirs = Coverage.of(a), Coverage.of(b)
        assert list(ours) == sorted(a) and len(ours) == len(a)
        probe = {p + d for p in a | b | {0, n} for d in (-1, 0, 1)} | {
            rnd.randrange(n) for _ in range(50)}
        assert [p for p in sorted(probe) if p in ours] == sorted(a & probe)
        assert list(ours - theirs) == sorted(a - b) and ours - theirs == Coverage.of(a - b)
        assert list(ours | theirs) == sorted(a | b) and ours | theirs == Coverage.of(a | b)
        assert Coverage.from_bytes(ours.to_bytes()) == ours


def _full_face(face, tmp_path) -> dict[int, float]:
    """The general path: every mapped character's width, as faces kept them before their
    widths were sparse - an OutlineFace's read again from the font file by fontTools (no
    cache), a face reportlab read (a company's TrueType font) as reportlab has it."""
    from generator.fonts.outline import OutlineFace
    if not isinstance(face, OutlineFace):
        return {cp: w for cp, w in face.charWidths.items() if cp in face.charToGlyph}
    path, index, location = face.fp_source
    read = OutlineFace(path, index, location, cache_folder=tmp_path / str(id(face)))
    scale = 1000.0 / read._upem
    return {cp: read._advance[g] * scale for cp, g in read.charToGlyph.items()}


@pytest.mark.parametrize("own_font", [False, True])
def test_a_chain_of_sparse_widths_measures_and_covers_as_the_full_widths(tmp_path, own_font):
    """Every code point (0 to U+10FFFF): the chain's width (``widths.get(cp, default)``), its
    coverage, the font that draws it and `missing_chars` are those of the chain built as it
    was from every face's full widths; with the default chain and with a company's TrueType
    font (reportlab's face, full widths) first."""
    from types import SimpleNamespace

    import reportlab

    import generator.fonts as fonts
    company = None
    if own_font:
        own = Path(reportlab.__file__).parent / "fonts" / "Vera.ttf"
        company = SimpleNamespace(fonts=[SimpleNamespace(regular=own, bold=None, index=0)])
    chosen = font_set(company, embed=False)
    for name in (chosen.regular, chosen.bold):
        sparse = chain(name)
        assert len(sparse.fonts) == (3 if own_font else 2)
        widths: dict[int, float] = {}      # the chain as it was built from full widths
        owner: dict[int, str] = {}
        for i, font_name in enumerate(sparse.fonts):
            full = _full_face(fonts._face(font_name), tmp_path)
            new = {cp: w for cp, w in full.items() if cp not in widths}
            widths.update(new)
            if i:
                owner.update(dict.fromkeys(new, font_name))
        default = sparse.default_width
        assert default == fonts._face(sparse.fonts[0]).defaultWidth
        assert all(w != default for w in sparse.widths.values())
        assert list(sparse.coverage) == sorted(widths)
        assert sparse._owner == owner and sparse._later == frozenset(map(chr, owner))
        get, full_get, covered = sparse.widths.get, widths.get, sparse.coverage
        assert [cp for cp in range(0x110000)
                if get(cp, default) != full_get(cp, default)
                or (cp in covered) != (cp in widths)] == []
        text = "".join(map(chr, [*range(0x20, 0x800), *range(0x4DB0, 0x4E10),
                                 *range(0x20B00, 0x20C00), 0x1F600, 0xF0000]))
        assert missing_chars(text, name) == [     # as it read the full widths
            ch for ch in text if ord(ch) not in widths or unicodedata.category(ch) == "Cc"]
        assert [sparse.font_of(ch) for ch in text] == [
            owner.get(ord(ch), sparse.fonts[0]) for ch in text]


def test_fonts_read_for_measuring_are_the_fonts_drawn():
    """font_set(embed=False) (fieldprint validate) reads the faces without reportlab; a later
    font_set registers those very faces to draw, with the same chains."""
    import generator.fonts as fonts
    measured = font_set(None, embed=False)
    widths = {name: dict(chain(name).widths) for name in (measured.regular, measured.bold)}
    drawn = font_set(None)
    assert drawn == measured
    from reportlab.pdfbase import pdfmetrics
    for name in (drawn.regular, drawn.bold):
        assert chain(name).widths == widths[name]
        for font_name in chain(name).fonts:
            assert pdfmetrics.getFont(font_name).face is fonts._face(font_name)


def test_word_names_fonts_that_have_the_characters(examples_copy, tmp_path):
    """Rare hanzi in SimSun-ExtB (East Asian), a Uyghur name in Microsoft Uighur (complex
    script, right to left); the engineer's name and a customer's name as typed."""
    import zipfile

    from conftest import run_cli
    orders = (examples_copy / "work_orders.yaml").read_text(encoding="utf-8")
    first = re.search(r"customer:\n\s+name: (\S+)", orders)
    orders = orders.replace(first.group(0), first.group(0).replace(first.group(1), "吉𠮷祥"), 1)
    second = re.search(r"customer:\n\s+name: (\S+)", orders[first.end():])
    orders = orders[:first.end()] + orders[first.end():].replace(
        second.group(0), second.group(0).replace(second.group(1), UYGHUR), 1)
    (examples_copy / "work_orders.yaml").write_text(orders, encoding="utf-8")
    target = tmp_path / "orders.docx"
    result = run_cli("work-orders", examples_copy / "work_orders.yaml",
                     examples_copy / "staff.yaml", "--format", "docx", "-o", target)
    assert result.code == 0, result
    xml = zipfile.ZipFile(target).read("word/document.xml").decode("utf-8")
    runs = re.findall(r"<w:r[ >](?:(?!</w:r>).)*</w:r>", xml, re.S)
    rare = [r for r in runs if "𠮷" in r]
    assert rare and all('w:eastAsia="SimSun-ExtB"' in r for r in rare)
    assert all("吉" not in r for r in rare)            # only the rare character changes font
    uyghur = [r for r in runs if UYGHUR in r or "ئايگۈل" in r]
    assert len(uyghur) >= 2                             # the customer and the engineer SZ10033
    for run in uyghur:
        assert 'w:cs="Microsoft Uighur"' in run and "<w:rtl/>" in run
        assert 'w:bidi="ug-CN"' in run
    plain = [r for r in runs if "阿依古丽·买买提" in r]
    assert plain and all("Uighur" not in r and "<w:rtl/>" not in r for r in plain)


def test_a_file_that_is_not_a_font_is_named_with_a_clear_message(examples_copy, tmp_path):
    from conftest import run_cli
    (examples_copy / "not-a-font.ttf").write_bytes(b"this is a text file, not a font")
    with open(examples_copy / "company.yaml", "a", encoding="utf-8") as fh:
        fh.write("  fonts: {regular: not-a-font.ttf}\n")
    target = tmp_path / "b.pdf"
    result = run_cli("--lang", "en", "badges", examples_copy / "staff.yaml", "-o", target)
    assert result.code == 2, result
    assert "not-a-font.ttf" in result.err and "cannot use this font" in result.err
    assert "Traceback" not in result.err and not target.exists()


def test_the_web_workspace_refuses_each_font_of_the_chain_outside_it(tmp_path):
    """company.fonts is a list now: every entry's files are checked by `fieldprint serve`."""
    pytest.importorskip("starlette")
    from generator.data.models import Company
    from generator.web.workspace import Workspace
    space = Workspace(tmp_path / "space")
    inside = space.root / "mine.ttf"
    inside.write_bytes(b"x")
    outside = tmp_path / "elsewhere.ttf"
    outside.write_bytes(b"x")
    company = Company.model_validate({"name": "测试", "fonts": [
        {"regular": str(inside)}, {"regular": str(inside), "bold": str(outside)}]})
    problems = space.confine_company(company)
    assert [p.path for p in problems] == ["company.fonts[2].bold"]
    assert space.confine_company(Company.model_validate({"name": "测试"})) == []


# ------------------------------------------- one process, fonts replaced or sharing a name
SAME_PS = "FieldprintSame-Regular"   # the PostScript name both test fonts are given


def _renamed(source: Path, target: Path, ps_name: str = SAME_PS) -> Path:
    """A copy of the TrueType font `source` whose PostScript name (name ID 6) is `ps_name`."""
    from fontTools.ttLib import TTFont
    font = TTFont(str(source))
    for record in font["name"].names:
        if record.nameID == 6:
            record.string = ps_name
    target.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(target))
    return target


def _source_glyphs(path: Path, text: str) -> dict[str, tuple]:
    """character -> (its outline's points, its advance in 1/1000 em) in the font file."""
    from fontTools.ttLib import TTFont
    font = TTFont(str(path))
    glyf, cmap = font["glyf"], font.getBestCmap()
    scale = 1000 / font["head"].unitsPerEm
    return {ch: (tuple(glyf[cmap[ord(ch)]].getCoordinates(glyf)[0]),
                 round(font["hmtx"][cmap[ord(ch)]][0] * scale, 1)) for ch in set(text)}


def _embedded_glyphs(pdf: Path, ps_name: str = SAME_PS) -> dict[str, set]:
    """character -> the set of (outline points, width in the PDF's /Widths) the PDF embeds
    for it in the subsets of fonts whose base name is `ps_name`: as a viewer draws it."""
    import io

    from fontTools.ttLib import TTFont
    found: dict[str, set] = {}
    for page in pypdf.PdfReader(pdf).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            if not str(font["/BaseFont"]).endswith("+" + ps_name):
                continue
            sub = TTFont(io.BytesIO(font["/FontDescriptor"]["/FontFile2"].get_data()))
            glyf, cmap = sub["glyf"], sub["cmap"].tables[0].cmap   # reportlab's (1, 0) table
            text_of = {int(code, 16): chr(int(uni, 16)) for code, uni in re.findall(
                r"<([0-9A-F]{2})> <([0-9A-F]{4})>", font["/ToUnicode"].get_data().decode())}
            widths = font["/Widths"]
            for code, ch in text_of.items():
                if code not in cmap:   # (an ASCII subset lists every ASCII code)
                    continue
                points = tuple(glyf[cmap[code]].getCoordinates(glyf)[0])
                found.setdefault(ch, set()).add((points, round(float(widths[code]), 1)))
    return found


def _draw(fonts, text: str, target: Path) -> None:
    """`text` drawn with the regular and the bold chain, run by run, as the engines draw."""
    from generator.pdf import new_canvas
    canvas = new_canvas(str(target), (100, 40), font=fonts.pdf_font(), title="t")
    for y, bold in ((60, False), (20, True)):
        x = 10.0
        for font_name, piece in chain(fonts.face(bold)).runs(text):
            canvas.setFont(font_name, 12)
            canvas.drawString(x, y, piece)
            x += canvas.stringWidth(piece, font_name, 12)
    canvas.save()


VERA = ("Vera.ttf", "VeraBd.ttf")     # reportlab's Bitstream Vera: different outlines, widths
SAMPLE = "Hamburgefonts 0123"


def _vera(tmp_path: Path) -> tuple[Path, Path]:
    import reportlab
    folder = Path(reportlab.__file__).parent / "fonts"
    return tuple(_renamed(folder / name, tmp_path / "made" / name) for name in VERA)


def _company(regular: Path, bold: Path | None = None):
    from types import SimpleNamespace
    return SimpleNamespace(fonts=[SimpleNamespace(regular=regular, bold=bold, index=0)])


@pytest.mark.parametrize("how", ["replaced in place", "another file"])
def test_a_company_font_changed_in_one_process_is_drawn_and_measured_from_the_new_file(
        tmp_path, how):
    """The web app is one long process: a company font replaced by a file with the same
    PostScript name (the same path, or another one) is drawn with the new file's glyphs and
    widths and measured with them (reportlab hands a font registered under a new name the
    face of one registered before with the same face name)."""
    first, second = _vera(tmp_path)
    own = tmp_path / "fonts" / "regular.ttf"
    own.parent.mkdir()
    shutil.copyfile(first, own)
    for turn, source in enumerate((first, second)):
        if turn:
            if how == "replaced in place":
                shutil.copyfile(source, own.with_suffix(".part"))
                os.replace(own.with_suffix(".part"), own)     # as the web saves an upload
            else:
                own = tmp_path / "fonts" / "regular-2.ttf"
                shutil.copyfile(source, own)
        fonts = font_set(_company(own, own))
        _draw(fonts, SAMPLE, tmp_path / f"{turn}.pdf")
        embedded = _embedded_glyphs(tmp_path / f"{turn}.pdf")
        assert set(SAMPLE) <= set(embedded)
        want = _source_glyphs(source, "".join(embedded))
        assert {ch: got for ch, got in embedded.items() if got != {want[ch]}} == {}, source
        for bold in (False, True):
            assert chain(fonts.face(bold)).units("Hamburg") == pytest.approx(
                sum(want[ch][1] for ch in "Hamburg"), abs=1)


def test_a_regular_and_a_bold_with_one_postscript_name_each_draw_their_own(tmp_path):
    """A company's regular and bold files that carry the same PostScript name (Microsoft
    YaHei's regular and bold have been seen so): one document draws each with its own
    glyphs and widths, under subset names that differ."""
    regular, bold = _vera(tmp_path)
    fonts = font_set(_company(regular, bold))
    target = tmp_path / "both.pdf"
    _draw(fonts, SAMPLE, target)
    want = {_source_glyphs(path, SAMPLE)[ch] for path in (regular, bold) for ch in "H"}
    assert len(want) == 2 and _embedded_glyphs(target)["H"] == want
    names = [str(f.get_object()["/BaseFont"]) for page in pypdf.PdfReader(target).pages
             for f in page["/Resources"]["/Font"].values()]
    assert len(names) == len(set(names)) and sum(SAME_PS in n for n in names) == 2, names


def test_work_orders_in_one_process_print_with_the_company_font_of_the_moment(
        examples_copy, tmp_path):
    """Two runs in one process (as the web app makes them), the company's font file
    replaced between them by a newer one of the same PostScript name: each work order
    embeds the glyphs of the file that was there."""
    from conftest import run_cli
    first, second = _vera(tmp_path)
    own = examples_copy / "fonts" / "own.ttf"
    own.parent.mkdir()
    with open(examples_copy / "company.yaml", "a", encoding="utf-8") as fh:
        fh.write("  fonts:\n    - regular: fonts/own.ttf\n")
    for turn, source in enumerate((first, second)):
        shutil.copyfile(source, tmp_path / "upload")
        os.replace(tmp_path / "upload", own)
        target = tmp_path / f"orders-{turn}.pdf"
        result = run_cli("work-orders", examples_copy / "work_orders.yaml",
                         examples_copy / "staff.yaml", "-o", target)
        assert result.code == 0, result
        embedded = _embedded_glyphs(target)
        want = _source_glyphs(source, "".join(embedded))
        assert "W" in embedded and {ch for ch, got in embedded.items()
                                    if got != {want[ch]}} == set(), source


def test_a_face_whose_file_is_replaced_under_it_refuses_to_read_the_new_one(tmp_path):
    """A face reads its file again when its cache lacks something (the character map, a
    glyph) and HarfBuzz reads it to shape: a file replaced in between is said (exit 2 in a
    run), never drawn with the new file's glyphs beside the old widths, nor stored in the
    old file's cache."""
    import sqlite3

    import reportlab

    from generator import fonts
    from generator.errors import UserError
    from generator.fonts.outline import OutlineFace
    own = tmp_path / "own.ttf"
    shutil.copyfile(fonts.package_file(*fonts.NOTO_ARABIC[:2]), own)
    OutlineFace(own, 0, cache_folder=tmp_path / "cache")                 # fills the cache
    face = OutlineFace(own, 0, cache_folder=tmp_path / "cache")          # reads it only
    assert face.__dict__.get("_glyph_map") is None
    shutil.copyfile(Path(reportlab.__file__).parent / "fonts" / "Vera.ttf", tmp_path / "new")
    os.replace(tmp_path / "new", own)
    with pytest.raises(UserError) as error:
        face._glyphs_for([5])
    assert "changed while it was in use" in str(error.value) and str(own) in str(error.value)
    with sqlite3.connect(tmp_path / "cache" / f"{face._cache.key}.sqlite") as db:
        assert db.execute("SELECT count(*) FROM glyphs").fetchone() == (0,)
    db.close()
    # HarfBuzz (Uyghur names) reads the file by its path too
    shutil.copyfile(fonts.package_file(*fonts.NOTO_ARABIC[:2]), own)
    name = fonts.load(fonts.FontFile(str(own)))
    shutil.copyfile(Path(reportlab.__file__).parent / "fonts" / "VeraBd.ttf", own)
    with pytest.raises(UserError) as error:
        fonts.Shaper(name, fonts._face(name))
    assert "changed while it was in use" in str(error.value)


def test_the_web_previews_a_company_font_uploaded_again_with_the_new_file(tmp_path):
    """`fieldprint serve` is one process: the company's font uploaded a second time (a newer
    file of the same PostScript name, stored at the same place, fonts/regular.ttf) previews
    the badge as a freshly started server does, not with the first file's glyphs."""
    import io

    from PIL import Image, ImageChops
    from web_helpers import client, csrf, seed, served
    first, second = _vera(tmp_path)
    folder = seed(tmp_path / "ws")

    def upload(c, font: Path) -> None:
        from generator.web.company import company_fields
        from generator.web.workspace import Workspace
        r = c.post("/company", data={"csrf": csrf(c), **company_fields(Workspace(folder))},
                   files={"font_regular": ("公司字体.ttf", font.read_bytes())})
        assert r.status_code == 200 and 'id="problems"' not in r.text, r.text
        assert (folder / "fonts" / "regular.ttf").read_bytes() == font.read_bytes()

    def preview(c) -> Image.Image:
        png = c.get("/cards/badges/preview/0.png?side=front")
        assert png.status_code == 200, png.text
        return Image.open(io.BytesIO(png.content)).convert("L")

    with client(folder) as c:
        upload(c, first)
        before = preview(c)
        upload(c, second)
        after = preview(c)
    with served(folder) as (_server, http):
        fresh = Image.open(io.BytesIO(http.get("/cards/badges/preview/0.png?side=front")
                                      .content)).convert("L")
    assert ImageChops.difference(before, after).getbbox() is not None     # the bold digits
    assert ImageChops.difference(after, fresh).getbbox() is None
