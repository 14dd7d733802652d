"""Fonts reportlab cannot embed itself: CFF outlines (Noto Sans CJK) and variable fonts.

reportlab embeds TrueType (`glyf`) fonts only, and a variable font only at its default
instance. `OutlineFace` reads any OpenType font with fontTools - CFF, CFF2, variable at a
given `wght` - and gives reportlab what its subsetting needs: the character map, the widths
(1/1000 em) and, for each 256-character subset a PDF uses, a small TrueType font built from
exactly those glyphs (cubic outlines converted to quadratic ones with `Cu2QuPen`, within
1 unit of the 1000-unit em). A glyph is converted once per process and face; a one-badge run
converts the few dozen glyphs it prints, nothing more (measured: about 0.7 ms per glyph of
the static CJK face and 2-4 ms per glyph of the variable one at weight 700).

Output is deterministic: the subset fonts carry no timestamps and their glyph order follows
the subset.
"""
from __future__ import annotations

import io
import threading
from pathlib import Path

from fontTools.fontBuilder import FontBuilder
from fontTools.pens.cu2quPen import Cu2QuPen
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.pens.ttGlyphPen import TTGlyphPen
from fontTools.ttLib import TTFont as OTFont
from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFontFace

MAX_ERR = 1.0   # font units (of 1000 per em): far below what a printer resolves


class OutlineFace(pdfmetrics.TypeFace):
    """One face of an OpenType file (`index` in a collection), at `location` of its axes
    (e.g. ``{"wght": 700}``) or at its default instance; read with fontTools.

    Attributes as reportlab's `TTFontFace`: `charToGlyph` (code point -> glyph id),
    `charWidths` (code point -> 1/1000 em), `ascent`, `descent` (the typographic ones: the
    ideographic em box of a CJK font), `capHeight`, `bbox`, `name` (bytes).
    Raises fontTools/OS errors for a file that is not a font; the caller words them.
    """

    def __init__(self, path: str | Path, index: int = 0, location: dict | None = None,
                 style: str = ""):
        pdfmetrics.TypeFace.__init__(self, None)
        self.filename = str(path)
        font = OTFont(str(path), fontNumber=index, lazy=True)
        self._font = font
        self._location = dict(location or {})
        self._cff = "CFF " in font or "CFF2" in font
        upem = font["head"].unitsPerEm
        self._scale = 1000.0 / upem
        cmap = font.getBestCmap() or {}
        order = font.getGlyphOrder()
        gid = {name: i for i, name in enumerate(order)}
        self._order = order
        self.charToGlyph = {cp: gid[name] for cp, name in cmap.items()}
        self.glyphToChar: dict[int, list[int]] = {}
        advances = self._advances(font, order)
        scale = self._scale
        self._advance = advances
        self.charWidths = {cp: advances[g] * scale for cp, g in self.charToGlyph.items()}
        self.defaultWidth = advances[0] * scale
        os2 = font["OS/2"]
        self.ascent = round(os2.sTypoAscender * scale)
        self.descent = round(os2.sTypoDescender * scale)
        self.capHeight = round(getattr(os2, "sCapHeight", 0) * scale) or self.ascent
        head = font["head"]
        self.bbox = [round(v * scale) for v in (head.xMin, head.yMin, head.xMax, head.yMax)]
        self.italicAngle = 0
        self.stemV = 50 + int((os2.usWeightClass / 65.0) ** 2)
        self.flags = 4   # symbolic (reportlab's addSubsetObjects sets it anyway)
        ps = font["name"].getDebugName(6) or Path(path).stem
        if location:
            ps = ps.split("-")[0] + "-" + (style or "Instance")
        self.name = ps.replace(" ", "").encode("ascii", "replace")
        self.subfontNameX = b""
        self._upem = upem
        self._vertical = (os2.sTypoAscender, os2.sTypoDescender,
                          getattr(os2, "sTypoLineGap", 0))
        self._glyphs: dict[str, object] = {}   # glyph name -> converted TrueType glyph
        self._glyphset = None
        self._lock = threading.Lock()

    # -------------------------------------------------------------------- metrics
    def _advances(self, font, order) -> list[float]:
        metrics = font["hmtx"].metrics
        advances = [float(metrics[name][0]) for name in order]
        if not self._location or "HVAR" not in font:
            return advances
        from fontTools.varLib.models import normalizeLocation, piecewiseLinearMap
        from fontTools.varLib.varStore import VarStoreInstancer
        axes = font["fvar"].axes
        loc = normalizeLocation(self._location, {a.axisTag: (a.minValue, a.defaultValue,
                                                            a.maxValue) for a in axes})
        if "avar" in font:
            segments = font["avar"].segments
            loc = {tag: piecewiseLinearMap(v, segments[tag]) if tag in segments else v
                   for tag, v in loc.items()}
        hvar = font["HVAR"].table
        store = VarStoreInstancer(hvar.VarStore, axes, loc)
        mapping = hvar.AdvWidthMap.mapping if hvar.AdvWidthMap else None
        if mapping is None:
            return [adv + store[i] for i, adv in enumerate(advances)]
        return [adv + store[mapping[name]] for name, adv in zip(order, advances)]

    def getCharWidth(self, code: int) -> float:
        return self.charWidths.get(code, self.defaultWidth)

    def addSubsetObjects(self, doc, fontname, subset):
        return TTFontFace.addSubsetObjects(self, doc, fontname, subset)

    # -------------------------------------------------------------------- subsetting
    def _glyph(self, name: str):
        glyph = self._glyphs.get(name)
        if glyph is None:
            if self._glyphset is None:
                self._glyphset = self._font.getGlyphSet(location=self._location or None,
                                                        normalized=False)
            pen = TTGlyphPen(None)
            source = self._glyphset[name]
            if self._cff:
                source.draw(Cu2QuPen(pen, MAX_ERR * self._upem / 1000.0, reverse_direction=True))
            else:     # TrueType outlines (a variable font's instance): components drawn out
                recording = DecomposingRecordingPen(self._glyphset)
                source.draw(recording)
                recording.replay(pen)
            glyph = pen.glyph()
            self._glyphs[name] = glyph
        return glyph

    def makeSubset(self, subset: list[int]) -> bytes:
        """A TrueType font whose character code i draws the glyph of `subset[i]` (code
        points, as reportlab's subsetting assigns them; 0 is .notdef)."""
        with self._lock:     # one face may serve the parallel parts of a run
            return self._make_subset(subset)

    def _make_subset(self, subset: list[int]) -> bytes:
        order = [".notdef"]
        codes: dict[int, str] = {}
        seen = {self._order[0]: ".notdef"}
        advance_of = {".notdef": self._advance[0]}
        source_of = {".notdef": self._order[0]}
        for code, cp in enumerate(subset):
            gid = self.charToGlyph.get(cp, 0)
            source = self._order[gid]
            name = seen.get(source)
            if name is None:
                name = seen[source] = f"g{len(order)}"
                order.append(name)
                advance_of[name] = self._advance[gid]
                source_of[name] = source
            codes[code] = name
        glyphs = {name: self._glyph(source_of[name]) for name in order}
        fb = FontBuilder(self._upem, isTTF=True)
        fb.updateHead(created=0, modified=0)
        fb.setupGlyphOrder(order)
        fb.setupCharacterMap({})
        fb.setupGlyf(glyphs)
        glyf = fb.font["glyf"]
        fb.setupHorizontalMetrics({name: (round(advance_of[name]),
                                          getattr(glyf[name], "xMin", 0)) for name in order})
        ascent, descent, gap = self._vertical
        fb.setupHorizontalHeader(ascent=ascent, descent=descent, lineGap=gap)
        fb.setupNameTable({"familyName": self.name.decode("ascii"), "styleName": "Regular"},
                          mac=False)
        fb.setupOS2(sTypoAscender=ascent, sTypoDescender=descent, sTypoLineGap=gap,
                    usWinAscent=max(ascent, 0), usWinDescent=max(-descent, 0))
        fb.setupPost(keepGlyphNames=False)
        table = CmapSubtable.newSubtable(6)   # as reportlab writes: (1, 0), code -> glyph
        table.platformID, table.platEncID, table.language = 1, 0, 0
        table.cmap = codes
        fb.font["cmap"].tables = [table]
        out = io.BytesIO()
        fb.font.save(out)
        return out.getvalue()
