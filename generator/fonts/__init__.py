"""Fonts: a chain of embedded fonts per weight, the first that has a character draws it.

The default chain comes from pinned pip packages, never from the system:

1. Noto Sans CJK SC (``noto-cjk-sans-otc``; bold: the variable Noto Sans CJK of
   ``manimgx-fonts-cjk`` at weight 700, a real bold, not a stroked outline). It has every
   character of GB 18030-2022 implementation levels 1 and 2: all of U+4E00-9FEF and
   Extension A (U+3400-4DB5), and the 通用规范汉字表 characters beyond the BMP (𬌗 𫖮 …),
   with Latin, digits and the symbols our layouts use (★ ☆ □ ■ ✓).
2. Noto Sans Arabic (``fontpkg-noto-sans-arabic``, variable; bold at weight 700): Uyghur
   names, shaped with HarfBuzz (`generator.fonts.shaping`).

No pip package provides a font for the CJK extensions beyond Noto's (Extension B-H
characters outside the 通用规范汉字表); `tests/test_fonts.py` reports what the chain lacks.
A company may name its own fonts in ``company.fonts`` (one ``{regular, bold}`` or a list of
them): they come first, the default chain after them. Characters no font has are reported
per record and field before rendering (`missing_chars`).

Every glyph of every PDF comes from an embedded font; nothing falls back to the PDF base-14
fonts. Fonts are registered once per process (`pdfmetrics`), each under a name made from its
file's content, so a file replaced while a process runs (the web app) is read again, and two
files with one PostScript name stay two fonts; a chain is known by its name.
Measuring needs no reportlab: `font_set(embed=False)` (what `fieldprint validate` checks)
reads the faces' metrics only, and reportlab is imported when a font is registered to draw.
"""
from __future__ import annotations

import functools
import importlib.util
import os
import stat
import struct
import unicodedata
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem, UserError, os_reason
from ..i18n import _, words
from .coverage import Coverage
from .shaping import HAS_RTL, RTL_RUN, Shaped, Shaper

# (package, file inside it, face index in the collection)
NOTO_CJK = ("noto_cjk_sans_otc", "NotoSansCJK-Regular.ttc", 2)      # Noto Sans CJK SC
NOTO_CJK_VARIABLE = ("manimgx_fonts_cjk", "NotoSansCJK-VF.otf.ttc", 2)
NOTO_ARABIC = ("fontpkg_noto_sans_arabic", "files/NotoSansArabic[wdth,wght].ttf", 0)
BOLD_WEIGHT = 700

# Characters that are not drawn, so never "missing": controls that render as nothing.
_INVISIBLE = {"\n", "\r", "\t", "\u200b", "\u200c", "\u200d", "\ufeff"}


def package_file(package: str, name: str) -> Path:
    """The path of the file `name` inside the installed package `package` (fonts shipped as
    packages, installed as folders). Raises ModuleNotFoundError when the package is not
    installed. (The package's folder from its spec, without importing it as
    importlib.resources does: 2 ms of every start.)"""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError(f"No module named {package!r}", name=package)
    return Path(spec.submodule_search_locations[0]) / name


def default_font_path() -> Path:
    """The file of the default regular CJK face (Noto Sans CJK, a collection)."""
    return package_file(*NOTO_CJK[:2])


@dataclass(frozen=True)
class FontFile:
    """One face to load: a file, its index in a collection, and a weight when the file is a
    variable font to be instanced (None: its default instance)."""

    path: str
    index: int = 0
    weight: int | None = None
    style: str = "Regular"


@dataclass(eq=False)
class Chain:
    """The fonts of one weight, in order. Measuring sees one font: the width (1/1000 em) of
    a code point is ``widths.get(cp, default_width)``, its width in the first font that has
    it (`widths` holds only the widths that are not `default_width`); `coverage` says which
    code points some font of the chain has; drawing asks `runs`.

    `ascent`/`descent` (fractions of 1000, descent negative) are the first font's.
    """

    name: str
    fonts: tuple[str, ...]            # registered reportlab font names, first = primary
    widths: dict[int, float]          # only the widths that are not default_width
    default_width: float
    ascent: float
    descent: float
    coverage: Coverage = field(default_factory=Coverage, repr=False)
    _owner: dict[int, str] = field(default_factory=dict, repr=False)   # cp -> later font
    _later: frozenset = frozenset()   # the characters drawn by a later font
    _shaped: dict = field(default_factory=dict, repr=False)     # text -> pieces
    _shapers: dict = field(default_factory=dict, repr=False)    # font name -> Shaper

    @property
    def primary(self) -> str:
        return self.fonts[0]

    def font_of(self, ch: str) -> str:
        return self._owner.get(ord(ch), self.fonts[0])

    def pieces(self, text: str) -> list:
        """What drawing `text` takes, left to right: (font name, text) runs and `Shaped`
        right-to-left runs (Arabic-script letters, shaped with HarfBuzz; `shaping.py`)."""
        if not HAS_RTL.search(text):
            return self.runs(text)
        hit = self._shaped.get(text)
        if hit is not None:
            return hit
        parts: list[tuple[bool, str]] = []
        pos = 0
        for m in RTL_RUN.finditer(text):
            if m.start() > pos:
                parts.append((False, text[pos:m.start()]))
            parts.append((True, m.group()))
            pos = m.end()
        if pos < len(text):
            parts.append((False, text[pos:]))
        strong = next((ch for ch in text if ch.isalpha()), "")
        if HAS_RTL.match(strong):        # a right-to-left text: its runs from right to left
            parts.reverse()
        out: list = []
        for rtl, part in parts:
            if rtl:
                out.append(self._shaper(self.font_of(part[0])).shape(part))
            else:
                out.extend(self.runs(part))
        if len(self._shaped) > 5000:
            self._shaped.clear()
        self._shaped[text] = out
        return out

    def units(self, text: str) -> float:
        """Width of `text` in 1/1000 em as drawn (shaped runs at their shaped width)."""
        if not HAS_RTL.search(text):
            get, default = self.widths.get, self.default_width
            return sum([get(ord(c), default) for c in text])
        total = 0.0
        get, default = self.widths.get, self.default_width
        for piece in self.pieces(text):
            if isinstance(piece, Shaped):
                total += piece.advance
            else:
                total += sum([get(ord(c), default) for c in piece[1]])
        return total

    def _shaper(self, font_name: str) -> Shaper:
        shaper = self._shapers.get(font_name)
        if shaper is None:
            shaper = self._shapers[font_name] = Shaper(font_name, _face(font_name))
        return shaper

    def runs(self, text: str) -> list[tuple[str, str]]:
        """`text` cut into (font name, piece) runs, in order; most texts are one run."""
        if self._later.isdisjoint(text):
            return [(self.fonts[0], text)]
        out: list[tuple[str, str]] = []
        owner, primary = self._owner, self.fonts[0]
        start, current = 0, None
        for i, ch in enumerate(text):
            font = owner.get(ord(ch), primary)
            if font != current:
                if current is not None:
                    out.append((current, text[start:i]))
                start, current = i, font
        if current is not None:
            out.append((current, text[start:]))
        return out


_CHAINS: dict[str, Chain] = {}   # name -> chain, registered once per process like fonts
_FACES: dict[str, object] = {}    # font name -> its face, read once per process like fonts
_EMBEDDED: set[str] = set()       # the font names registered with reportlab


def _face(font_name: str):
    """The face (metrics, `fp_source`) of a font read by `load`, or of a font registered
    with reportlab by name."""
    face = _FACES.get(font_name)
    if face is None:
        from reportlab.pdfbase import pdfmetrics
        face = pdfmetrics.getFont(font_name).face
    return face


def chain(name: str) -> Chain:
    """The chain registered under `name` (a FontSet's `regular` or `bold`); a plain
    reportlab TrueType font name gives a chain of that one font."""
    found = _CHAINS.get(name)
    if found is None:
        found = _CHAINS[name] = _make_chain(name, (name,))
    return found


def _coverage(face) -> Coverage:
    """The characters `face` has a glyph for: an OutlineFace keeps them (`coverage`); a face
    reportlab read has a width for each (and for U+00A0 beside a space it may not map), kept
    on the face once found."""
    found = getattr(face, "coverage", None)
    if found is None:
        mapped = face.charToGlyph
        found = face.coverage = Coverage.of(cp for cp in face.charWidths if cp in mapped)
    return found


def _make_chain(name: str, fonts: tuple[str, ...]) -> Chain:
    first = _face(fonts[0])
    default = float(first.defaultWidth)
    widths: dict[int, float] = {}
    owner: dict[int, str] = {}
    covered = Coverage()
    for i, font_name in enumerate(fonts):
        face = _face(font_name)
        has = _coverage(face)
        if not i and getattr(face, "widths_sparse", False):
            # the first face, an OutlineFace: its widths are already only those that are
            # not the default (codes HarfBuzz aliased, `shaping.py`, are not characters)
            widths.update(face.charWidths)
            for code in getattr(face, "fp_unicode", ()):
                if code not in has:
                    widths.pop(code, None)
            new = has
        else:
            new = has - covered
            get, own = face.charWidths.get, face.defaultWidth
            for cp in new:
                width = get(cp, own)
                if width != default:
                    widths[cp] = width
            if i:
                owner.update(dict.fromkeys(new, font_name))
        covered = covered | new
    return Chain(name, fonts, widths, default, first.ascent, first.descent, covered,
                 owner, frozenset(map(chr, owner)))


@dataclass(frozen=True)
class FontSet:
    """The chains of one document: `regular` and `bold` are chain names (see `chain`)."""

    regular: str
    bold: str

    def face(self, bold: bool = False) -> str:
        """The chain name, for measuring (`chain`, the engines' metrics) and drawing by runs."""
        return self.bold if bold else self.regular

    def pdf_font(self, bold: bool = False) -> str:
        """The registered reportlab font of the chain's first face: for canvas.setFont with
        fixed wording the first font has (labels, the calibration sheet), never data."""
        return chain(self.face(bold)).primary


def _font_problem(path: str, exc: Exception | str) -> UserError:
    return UserError(Problem(
        _("cannot use this font: {reason}. fieldprint needs a TrueType or OpenType font "
          "(.ttf, .otf, .ttc, .otc)").format(reason=exc), None, f"company.fonts ({path})"))


def _damaged(path: str, exc: Exception) -> UserError:
    return _font_problem(path, _("the file is damaged or not a font"))


MAX_FONT_BYTES = 128 * 1024 * 1024   # the largest CJK collections are ~120 MB (docs/security.md)

# What fontTools and reportlab raise on a file that is not a font or is cut short.
_FONT_ERRORS = (OSError, ValueError, KeyError, IndexError, TypeError, AssertionError,
                AttributeError, EOFError, struct.error)


def _library_errors() -> tuple:
    """_FONT_ERRORS and the errors of fontTools and reportlab's TrueType reader, imported when
    asked for (a face read before needs no fontTools at all)."""
    from fontTools.ttLib import TTLibError
    from reportlab.pdfbase.ttfonts import TTFError
    return (TTFError, TTLibError, *_FONT_ERRORS)


def check_font_file(path: str) -> os.stat_result:
    """The checks photos get, before a font file is opened (issue 15.12): a regular file
    (not a folder, a device such as /dev/zero, a pipe, a socket; links followed), not empty,
    at most MAX_FONT_BYTES; the file's `os.stat` result. Raises UserError naming
    company.fonts and the path."""
    def fail(message: str) -> UserError:
        return UserError(Problem(message, None, f"company.fonts ({path})"))
    try:
        info = os.stat(path)
    except OSError:
        raise fail(_("font file not found: {path}").format(path=path)) from None
    if stat.S_ISDIR(info.st_mode):
        raise fail(_("{path} is a folder, not a font file").format(path=path))
    if not stat.S_ISREG(info.st_mode):
        raise fail(_("{path} is a device or a pipe, not a font file").format(path=path))
    if info.st_size == 0:
        raise fail(_("{path} is empty (0 bytes), not a font").format(path=path))
    if info.st_size > MAX_FONT_BYTES:
        raise fail(_("{path} is {mb:,} MB; a font file may be at most {limit} MB").format(
            path=path, mb=info.st_size // (1024 * 1024), limit=MAX_FONT_BYTES // (1024 * 1024)))
    return info


def _open_font(path: str, index: int):
    """fontTools' lazy view of one face, after check_font_file; a face whose table directory
    points past the end of the file (a truncated download, a copy cut short) is refused here,
    not when a glyph is first drawn. Raises UserError."""
    from fontTools.ttLib import TTFont as OTFont
    from fontTools.ttLib import TTLibError
    check_font_file(path)
    size = os.stat(path).st_size
    try:
        font = OTFont(path, fontNumber=index, lazy=True)
        for tag, entry in font.reader.tables.items():
            if entry.offset + entry.length > size:
                font.close()
                raise _font_problem(path, _(
                    "the file is cut short (its {table} table ends past the end of the file); "
                    "copy the font again").format(table=tag.strip()))
    except (TTLibError, *_FONT_ERRORS) as exc:
        raise _damaged(path, exc) from None
    return font


def register(spec: FontFile) -> str:
    """Load and register one face once per process (`load`, then reportlab's registration,
    for drawing); its reportlab font name."""
    name = load(spec)
    if name not in _EMBEDDED:
        from reportlab.pdfbase import pdfmetrics

        from .embed import EmbeddedFont
        face = _FACES[name]
        try:
            font = EmbeddedFont(name, face=face)
        except _library_errors() as exc:   # (evaluated only when something was raised)
            raise _damaged(spec.path, exc) from None
        font.fp_source = face.fp_source
        pdfmetrics.registerFont(font)
        _EMBEDDED.add(name)
    return name


def load(spec: FontFile) -> str:
    """Read one face once per process, for measuring (its metrics: from the user's font
    cache for a face read before, without reportlab); its font name. A plain TrueType
    file is read by reportlab itself, and so registered at once. Raises UserError.

    The name is made from the file's content (`cache.face_key`), and a face is read again
    when its file changed (another file, size or modification time: the web app is one long
    process, and a company's font may be replaced there), so a name never stands for two
    different files."""
    info = check_font_file(spec.path)
    return _load(spec, (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns,
                        info.st_ctime_ns))


@functools.lru_cache(maxsize=None)
def _load(spec: FontFile, _state: tuple) -> str:
    from .cache import FaceCache, face_key

    location = {"wght": spec.weight} if spec.weight is not None else None
    # a face read before (the default chain, every run) is not opened again to be checked:
    # its cache is kept only for a file that passed (only fontTools' version is imported)
    try:
        key = face_key(spec.path, spec.index, location)
    except OSError as exc:   # a file that cannot be read (no permission): said, not a crash
        raise _font_problem(spec.path, os_reason(exc)) from None
    stem = Path(spec.path).stem.replace(" ", "")
    name = (f"FP-{stem}-{spec.index}" + (f"-w{spec.weight}" if spec.weight else "")
            + f"-{key[:12]}")
    if name in _FACES:         # the same content read before (another path, or touched)
        return name
    known = FaceCache.known(key)
    if known is None:
        probe = _open_font(spec.path, spec.index)
        plain = "glyf" in probe and "fvar" not in probe and spec.weight is None
        probe.close()
    else:
        plain = False  # only the faces OutlineFace reads are cached
    source = (spec.path, spec.index, {"wght": spec.weight} if spec.weight is not None else None)
    try:
        if plain:     # a static TrueType font: reportlab reads and subsets it itself
            from reportlab.pdfbase import pdfmetrics

            from .embed import EmbeddedFont
            font = EmbeddedFont(name, spec.path, subfont_index=spec.index)
            font.fp_source = font.face.fp_source = source
            pdfmetrics.registerFont(font)
            _EMBEDDED.add(name)
            face = font.face
        else:
            from .outline import OutlineFace
            face = OutlineFace(spec.path, spec.index, location, spec.style, cache=known)
            face.fp_source = source
    except _library_errors() as exc:   # (evaluated only when something was raised)
        raise _damaged(spec.path, exc) from None
    face.fp_key = key
    _FACES[name] = face
    return name


def unchanged(path: str, index: int, location: dict | None, key: str) -> None:
    """Raises UserError when the font file `path` no longer holds the face whose
    `cache.face_key` is `key` (it was replaced after the face was read: a face that reads
    its file again later must not take another font's glyphs)."""
    from .cache import face_key
    try:
        now = face_key(path, index, location)
    except OSError as exc:
        raise _font_problem(path, os_reason(exc)) from None
    if now != key:
        raise UserError(Problem(
            _("the font file changed while it was in use; print again"), None,
            f"company.fonts ({path})"))


def _register_chain(prefix: str, own: list[FontFile], default: list[FontFile],
                    embed: bool = True) -> str:
    """The name of the chain of the faces `own` then `default` (registered to draw when
    `embed`), made once per process: named by its fonts' names, which name their content."""
    fonts = tuple(dict.fromkeys((register if embed else load)(spec) for spec in own + default))
    name = prefix + (f"-{zlib.crc32('|'.join(fonts).encode())}" if own else "")
    if name not in _CHAINS:
        _CHAINS[name] = _make_chain(name, fonts)
    return name


def _has_weight_axis(path: str, index: int) -> bool:
    from fontTools.ttLib import TTLibError
    font = _open_font(path, index)
    try:
        return "fvar" in font and any(a.axisTag == "wght" for a in font["fvar"].axes)
    except (TTLibError, *_FONT_ERRORS) as exc:
        raise _damaged(path, exc) from None
    finally:
        font.close()


def default_chain() -> tuple[list[FontFile], list[FontFile]]:
    """The (regular, bold) faces of the default chain."""
    cjk = FontFile(str(package_file(*NOTO_CJK[:2])), NOTO_CJK[2])
    cjk_bold = FontFile(str(package_file(*NOTO_CJK_VARIABLE[:2])), NOTO_CJK_VARIABLE[2],
                        BOLD_WEIGHT, "Bold")
    arabic_path = str(package_file(*NOTO_ARABIC[:2]))
    arabic = FontFile(arabic_path, NOTO_ARABIC[2])
    arabic_bold = FontFile(arabic_path, NOTO_ARABIC[2], BOLD_WEIGHT, "Bold")
    return [cjk, arabic], [cjk_bold, arabic_bold]


def font_set(company=None, embed: bool = True) -> FontSet:
    """The fonts for a company: its own (`company.fonts`, first) before the default chain.

    A company entry without a bold file draws bold text with its variable font at weight 700
    when the file has a weight axis, else with its regular file (never a stroked outline).
    `embed` False: for measuring and checking only (no reportlab registration; a later
    font_set with `embed` registers them). Raises UserError for a file that is not a usable
    font.
    """
    regular, bold = default_chain()
    entries = getattr(company, "fonts", None) or []
    own_regular: list[FontFile] = []
    own_bold: list[FontFile] = []
    for entry in entries:
        index = getattr(entry, "index", 0) or 0
        reg = FontFile(str(entry.regular), index)
        own_regular.append(reg)
        if entry.bold is not None:
            own_bold.append(FontFile(str(entry.bold), index))
        elif _has_weight_axis(reg.path, index):
            own_bold.append(FontFile(reg.path, index, BOLD_WEIGHT, "Bold"))
        else:
            own_bold.append(reg)
    return FontSet(_register_chain("FP-regular", own_regular, regular, embed),
                   _register_chain("FP-bold", own_bold, bold, embed))


def missing_chars(text: str, font_name: str) -> list[str]:
    """The distinct characters of `text` that no font of the chain has a glyph for, in
    order of first use (controls, which print nothing, count as missing)."""
    covered = chain(font_name).coverage
    out: list[str] = []
    for ch in text:
        if ch in _INVISIBLE or ch in out:
            continue
        if ord(ch) not in covered or unicodedata.category(ch) == "Cc":
            out.append(ch)
    return out


def describe_chars(chars: list[str]) -> str:
    """"'😀' (an emoji, U+1F600)", "'𠮷' (a rare Chinese character, U+20BB7)", ... for
    messages: the character, what it is in plain words, and its code (for whoever looks it
    up; a terminal may not show the character itself)."""
    return words((_("{char!r} ({kind}, U+{code:04X})").format(char=ch, kind=_char_kind(ch),
                                                               code=ord(ch)) for ch in chars),
                 "plain")


def _char_kind(ch: str) -> str:
    """What a character is, in plain words (not its Unicode name)."""
    category = unicodedata.category(ch)
    name = unicodedata.name(ch, "")
    if category in ("Cc", "Cf") or not name and category == "Cn":
        return _("an invisible control character")
    if category == "Co":
        return _("a private-use character, shown only by a special font or input method")
    if name.startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH")):
        return _("a rare Chinese character")
    if 0x1F000 <= ord(ch) <= 0x1FAFF:
        return _("an emoji")
    if category.startswith("S"):
        return _("a symbol")
    return _("a character")
