"""How our fonts go into a PDF: reportlab's TrueType subsetting, with a correct ToUnicode map.

reportlab writes each 256-character subset of a font as a simple TrueType font with a
ToUnicode CMap, so that copying and searching give back the typed text. For a character
beyond the Basic Multilingual Plane it writes the code point itself (``<20BB7>`` for 𠮷),
which is not UTF-16BE: viewers read it as U+20BB (₻). `to_unicode_cmap` writes the
surrogate pair (``<D842DFB7>``) as the PDF reference (9.10.3) asks; `EmbeddedFont` is
reportlab's `TTFont` using it, with a face of our own when the font is not a plain TrueType
file (see `outline.py`).
"""
from __future__ import annotations

from reportlab.pdfbase import pdfdoc
from reportlab.pdfbase.ttfonts import SUBSETN, TTEncoding, TTFont


def _utf16_hex(code: int) -> str:
    """A code point as the hex digits of its UTF-16BE form (a surrogate pair beyond U+FFFF)."""
    if code <= 0xFFFF:
        return "%04X" % code
    code -= 0x10000
    return "%04X%04X" % (0xD800 + (code >> 10), 0xDC00 + (code & 0x3FF))


def to_unicode_cmap(fontname: str, subset: list[int], text_of: dict | None = None) -> str:
    """The ToUnicode CMap of one subset: byte code i -> the character `subset[i]`, or the
    text `text_of` gives for it (a shaped glyph's letters; "" leaves the code out).

    The same text as reportlab's `makeToUnicodeCMap`, except that a character beyond U+FFFF
    is written as its UTF-16BE surrogate pair (PDF 1.7, 9.10.3), so 𠮷 copies out as 𠮷.
    """
    text_of = text_of or {}
    entries = []
    for i, v in enumerate(subset):
        text = text_of.get(v)
        if text is None:
            entries.append("<%02X> <%s>" % (i, _utf16_hex(v)))
        elif text:
            entries.append("<%02X> <%s>" % (i, "".join(_utf16_hex(ord(c)) for c in text)))
    return "\n".join([
        "/CIDInit /ProcSet findresource begin",
        "12 dict begin",
        "begincmap",
        "/CIDSystemInfo",
        "<< /Registry (%s)" % fontname,
        "/Ordering (%s)" % fontname,
        "/Supplement 0",
        ">> def",
        "/CMapName /%s def" % fontname,
        "/CMapType 2 def",
        "1 begincodespacerange",
        "<00> <%02X>" % (len(subset) - 1),
        "endcodespacerange",
        "%d beginbfchar" % len(entries),
        *entries,
        "endbfchar",
        "endcmap",
        "CMapName currentdict /CMap defineresource pop",
        "end",
        "end",
    ])


class EmbeddedFont(TTFont):
    """A reportlab TrueType font whose subsets carry a correct ToUnicode map.

    `face` may be given instead of a file: any object with the attributes of reportlab's
    `TTFontFace` that the subsetting uses (`outline.OutlineFace`).

    The face is known to reportlab by the font's `name` (its `name` attribute; the
    PostScript name, which the PDF shows, is kept as `ps_name`): `pdfmetrics.registerFont`
    hands a font the font registered before whose face has the same name, so two files with
    one PostScript name (a font replaced by a newer version, a regular and a bold file named
    alike) would be drawn with the first one's glyphs.
    """

    def __init__(self, name: str, filename: str | None = None, *, subfont_index: int = 0,
                 face=None):
        if face is None:
            super().__init__(name, filename, subfontIndex=subfont_index, shapable=False)
        else:
            from weakref import WeakKeyDictionary
            self.fontName = name
            self.face = face
            self.encoding = TTEncoding()
            self.state = WeakKeyDictionary()
            self._asciiReadable = False
            self.shapable = False
        if not hasattr(self.face, "ps_name"):
            self.face.ps_name = self.face.name
        self.face.name = name.encode("ascii", "replace")

    def _subset(self, doc, base: str, subset: list[int]):
        """The subset's font objects; a glyph table found damaged only now, when the glyphs
        are copied (a font corrupted inside, not cut short), is a UserError naming the file
        (issue 15.12), not a crash."""
        from . import _damaged, _library_errors
        try:
            return self.face.addSubsetObjects(doc, base, subset)
        except _library_errors() as exc:
            path = getattr(self, "fp_source", None)
            raise _damaged(path[0] if path else self.fontName, exc) from None

    def addObjects(self, doc) -> None:
        """reportlab's `TTFont.addObjects` with `to_unicode_cmap` (see the module doc)."""
        try:
            state = self.state[doc]
        except KeyError:
            state = self.state[doc] = TTFont.State(self._asciiReadable)
        state.frozen = 1
        face = self.face
        tag = 0
        for n, subset in enumerate(state.subsets):
            internal = self.getSubsetInternalName(n, doc)[1:]
            while True:   # a tag no subset of another font of the same PostScript name has
                base = b"".join((SUBSETN(tag), b"+", face.ps_name, face.subfontNameX)
                                ).decode("pdfdoc")
                tag += 1
                if "toUnicodeCMap:" + base not in doc.idToObject:
                    break
            font = pdfdoc.PDFTrueTypeFont()
            font.__Comment__ = "Font %s subset %d" % (self.fontName, n)
            font.Name = internal
            font.BaseFont = base
            font.FirstChar = 0
            font.LastChar = len(subset) - 1
            font.Widths = pdfdoc.PDFArray(list(map(face.getCharWidth, subset)))
            cmap = pdfdoc.PDFStream()
            cmap.content = to_unicode_cmap(base, subset, getattr(face, "fp_unicode", None))
            if doc.compression:
                cmap.filters = [pdfdoc.PDFZCompress]
            font.ToUnicode = doc.Reference(cmap, "toUnicodeCMap:" + base)
            font.FontDescriptor = self._subset(doc, base, subset)
            doc.Reference(font, internal)
            doc.idToObject["BasicFonts"].dict[internal] = font
        del self.state[doc]
