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

import functools
import io
import struct
import threading
from pathlib import Path

from .cache import FaceCache, face_key
from .coverage import Coverage

MAX_ERR = 1.0   # font units (of 1000 per em): far below what a printer resolves


def _header(data: bytes) -> tuple[int, int, int, int, int, int]:
    """(contours, xMin, yMin, xMax, yMax, points) of a compiled simple TrueType glyph."""
    if not data:
        return 0, 0, 0, 0, 0, 0
    contours, x0, y0, x1, y1 = struct.unpack(">hhhhh", data[:10])
    points = struct.unpack(">H", data[8 + 2 * contours:10 + 2 * contours])[0] + 1 \
        if contours > 0 else 0
    return contours, x0, y0, x1, y1, points


class OutlineFace:
    """One face of an OpenType file (`index` in a collection), at `location` of its axes
    (e.g. ``{"wght": 700}``) or at its default instance; read with fontTools, its metrics
    and converted glyphs kept in the user's font cache (`cache.py`) when there is one.

    Attributes as reportlab's `TTFontFace` (and its `TypeFace`): `charToGlyph` (code point
    -> glyph id), `charWidths` (code point -> 1/1000 em), `defaultWidth`, `ascent`,
    `descent` (the typographic ones: the ideographic em box of a CJK font), `capHeight`,
    `bbox`, `name` and `ps_name` (bytes, see `embed.EmbeddedFont`). Unlike reportlab's,
    `charWidths` is sparse: it holds only the
    characters whose width is not `defaultWidth` (a CJK face: 12,255 of 44,810), which is
    how reportlab reads it too (``charWidths.get(code, defaultWidth)``); which characters
    the face has is `coverage` (a `Coverage`). Measuring needs only those two, so a face
    read before is made from the cache without reportlab, and its character map and advances
    (for subsetting) are read when a PDF first needs them.
    Raises fontTools/OS errors for a file that is not a font; the caller words them.
    """

    widths_sparse = True      # charWidths holds only the widths that are not defaultWidth

    def __init__(self, path: str | Path, index: int = 0, location: dict | None = None,
                 style: str = "", cache_folder: Path | None = None,
                 cache: FaceCache | None = None):
        # what reportlab's TypeFace sets (reportlab is imported only for drawing)
        self.glyphNames, self.glyphWidths, self.familyName = [], {}, None
        self.bold = self.italic = self.builtIn = 0
        self.requiredEncoding = None
        self.filename = str(path)
        self._index = index
        self._location = dict(location or {})
        self._font = None
        self._glyphset = None
        self._cache = cache or FaceCache(face_key(self.filename, index, self._location),
                                         cache_folder)
        info = self._cache.metrics()
        if info is None:
            info, glyph_map = self._read_metrics(style)
            self._cache.save_metrics(info, glyph_map)
            self.__dict__["_glyph_map"] = glyph_map
        self._cff = info["cff"]
        self._upem = info["upem"]
        scale = 1000.0 / self._upem
        self.glyphToChar: dict[int, list[int]] = {}
        self.charWidths = info["widths"]
        self.defaultWidth = info["default"]
        self.coverage = Coverage.from_bytes(info["coverage"])
        ascent, descent, gap = self._vertical = info["vertical"]
        self.ascent = round(ascent * scale)
        self.descent = round(descent * scale)
        self.capHeight = round(info["cap"] * scale) or self.ascent
        self.bbox = [round(v * scale) for v in info["bbox"]]
        self.italicAngle = 0
        self.stemV = info["stemv"]
        self.flags = 4   # symbolic (reportlab's addSubsetObjects sets it anyway)
        self.name = self.ps_name = info["name"]   # name: reportlab's key (`embed.EmbeddedFont`)
        self.subfontNameX = b""
        self._glyphs: dict[int, object] = {}   # glyph id -> converted TrueType glyph
        self._lock = threading.Lock()

    @functools.cached_property
    def _glyph_map(self) -> dict:
        """{"cmap": code point -> glyph id, "advances": by glyph id, font units}: from the
        cache, or read again when it lost them."""
        found = self._cache.glyph_map()
        return found if found is not None else self._read_glyph_map(self._open())

    @functools.cached_property
    def charToGlyph(self) -> dict[int, int]:
        return self._glyph_map["cmap"]

    @functools.cached_property
    def _advance(self) -> list[float]:
        return self._glyph_map["advances"]

    def getFontFiles(self) -> list[str]:   # as reportlab's TypeFace
        return []

    def _open(self):
        """fontTools' view of the file, opened when the cache lacks something; a file that is
        no longer the one this face was read from (replaced while a process runs) is a
        UserError, not glyphs of another font beside these metrics (nor in their cache)."""
        if self._font is None:
            from fontTools.ttLib import TTFont as OTFont

            from . import unchanged
            font = OTFont(self.filename, fontNumber=self._index, lazy=True)
            try:
                unchanged(self.filename, self._index, self._location, self._cache.key)
            except BaseException:
                font.close()
                raise
            self._font = font
        return self._font

    def _read_glyph_map(self, font) -> dict:
        cmap = font.getBestCmap() or {}
        order = font.getGlyphOrder()
        gid = {name: i for i, name in enumerate(order)}
        return {"cmap": {cp: gid[name] for cp, name in cmap.items()},
                "advances": self._advances(font, order)}

    def _read_metrics(self, style: str) -> tuple[dict, dict]:
        """(what measuring needs, the glyph map) read from the font file."""
        font = self._open()
        glyph_map = self._read_glyph_map(font)
        advances = glyph_map["advances"]
        os2, head = font["OS/2"], font["head"]
        scale = 1000.0 / head.unitsPerEm
        ps = font["name"].getDebugName(6) or Path(self.filename).stem
        if self._location:
            ps = ps.split("-")[0] + "-" + (style or "Instance")
        # only the widths that are not the default (a CJK face: 12,255 of 44,810), one object
        # per distinct width (a few hundred), so that the cache stores each once and reads
        # it back shared; which characters the face has is kept as ranges (`Coverage`)
        same: dict[float, float] = {}
        default = advances[0] * scale
        widths = {cp: advances[g] * scale for cp, g in glyph_map["cmap"].items()}
        return {
            "cff": "CFF " in font or "CFF2" in font,
            "upem": head.unitsPerEm,
            "widths": {cp: same.setdefault(width, width) for cp, width in widths.items()
                       if width != default},
            "coverage": Coverage.of(widths).to_bytes(),
            "default": default,
            "vertical": (os2.sTypoAscender, os2.sTypoDescender, getattr(os2, "sTypoLineGap", 0)),
            "cap": getattr(os2, "sCapHeight", 0),
            "bbox": (head.xMin, head.yMin, head.xMax, head.yMax),
            "stemv": 50 + int((os2.usWeightClass / 65.0) ** 2),
            "name": ps.replace(" ", "").encode("ascii", "replace"),
        }, glyph_map

    # -------------------------------------------------------------------- metrics
    def _advances(self, font, order) -> list[float]:
        """Advance widths (font units) by glyph id, at this face's instance (HVAR)."""
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
        indices = range(len(order)) if mapping is None else [mapping[name] for name in order]
        deltas: dict[int, float] = {}      # glyphs may share delta sets: each computed once
        out = []
        for index, adv in zip(indices, advances):
            delta = deltas.get(index)
            if delta is None:
                delta = deltas[index] = store[index]
            out.append(adv + delta)
        return out

    def getCharWidth(self, code: int) -> float:
        return self.charWidths.get(code, self.defaultWidth)

    def addSubsetObjects(self, doc, fontname, subset):
        from reportlab.pdfbase.ttfonts import TTFontFace
        return TTFontFace.addSubsetObjects(self, doc, fontname, subset)

    # -------------------------------------------------------------------- subsetting
    def _glyphs_for(self, gids: list[int]) -> dict[int, bytes]:
        """Compiled TrueType glyphs (simple, bounds in their header) by glyph id: from
        memory, the cache, or converted now."""
        todo = [g for g in gids if g not in self._glyphs]
        if todo:
            self._glyphs.update(self._cache.glyphs(todo))
            made = {}
            for gid in todo:
                if gid not in self._glyphs:
                    made[gid] = self._glyphs[gid] = self._convert(gid).compile(None)
            self._cache.save_glyphs(made)
        return {g: self._glyphs[g] for g in gids}

    def _convert(self, gid: int):
        # fontTools' pens and builder are imported when a glyph is first converted: a face
        # whose metrics are cached measures text (fieldprint validate) without them
        from fontTools.pens.cu2quPen import Cu2QuPen
        from fontTools.pens.recordingPen import DecomposingRecordingPen
        from fontTools.pens.ttGlyphPen import TTGlyphPen
        if self._glyphset is None:
            font = self._open()
            self._glyphset = font.getGlyphSet(location=self._location or None,
                                              normalized=False)
            self._names = font.getGlyphOrder()
        pen = TTGlyphPen(None)
        source = self._glyphset[self._names[gid]]
        if self._cff:
            source.draw(Cu2QuPen(pen, MAX_ERR * self._upem / 1000.0, reverse_direction=True))
        else:     # TrueType outlines (a variable font's instance): components drawn out
            recording = DecomposingRecordingPen(self._glyphset)
            source.draw(recording)
            recording.replay(pen)
        return pen.glyph()

    def makeSubset(self, subset: list[int]) -> bytes:
        """A TrueType font whose character code i draws the glyph of `subset[i]` (code
        points, as reportlab's subsetting assigns them; 0 is .notdef)."""
        with self._lock:     # one face may serve the parallel parts of a run
            return self._make_subset(subset)

    def _make_subset(self, subset: list[int]) -> bytes:
        from fontTools.fontBuilder import FontBuilder
        from fontTools.ttLib import newTable
        from fontTools.ttLib.tables._c_m_a_p import CmapSubtable
        from fontTools.ttLib.tables._g_l_y_f import Glyph
        order = [".notdef"]
        codes: dict[int, str] = {}
        name_of = {0: ".notdef"}
        gids = [0]
        for code, cp in enumerate(subset):
            gid = self.charToGlyph.get(cp, 0)
            name = name_of.get(gid)
            if name is None:
                name = name_of[gid] = f"g{len(order)}"
                order.append(name)
                gids.append(gid)
            codes[code] = name
        converted = self._glyphs_for(gids)
        # the glyphs go in as compiled, never decompiled: bounds and maxp from their headers
        headers = {name: _header(converted[gid]) for gid, name in name_of.items()}
        fb = FontBuilder(self._upem, isTTF=True)
        fb.font.recalcBBoxes = False
        fb.setupGlyphOrder(order)
        fb.setupCharacterMap({})
        glyf, loca = newTable("glyf"), newTable("loca")
        glyf.glyphs = {name: Glyph(converted[gid]) for gid, name in name_of.items()}
        glyf.glyphOrder = order
        fb.font["loca"], fb.font["glyf"] = loca, glyf
        inked = [h for h in headers.values() if h[0]]
        box = ((min(h[1] for h in inked), min(h[2] for h in inked),
                max(h[3] for h in inked), max(h[4] for h in inked)) if inked else (0, 0, 0, 0))
        fb.updateHead(created=0, modified=0, xMin=box[0], yMin=box[1], xMax=box[2],
                      yMax=box[3])
        fb.setupMaxp()
        maxp = fb.font["maxp"]
        maxp.numGlyphs = len(order)
        maxp.maxPoints = max((h[5] for h in headers.values()), default=0)
        maxp.maxContours = max((h[0] for h in headers.values()), default=0)
        advances = {name: round(self._advance[gid]) for gid, name in name_of.items()}
        fb.setupHorizontalMetrics({name: (advances[name], headers[name][1])
                                   for name in order})
        ascent, descent, gap = self._vertical
        fb.setupHorizontalHeader(ascent=ascent, descent=descent, lineGap=gap,
                                 advanceWidthMax=max(advances.values()),
                                 minLeftSideBearing=min((h[1] for h in inked), default=0),
                                 xMaxExtent=box[2])
        fb.font["hhea"].numberOfHMetrics = len(order)
        fb.setupNameTable({"familyName": self.ps_name.decode("ascii"), "styleName": "Regular"},
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
