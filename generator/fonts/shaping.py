"""Arabic-script text (Uyghur names): shaped with HarfBuzz, laid out right to left.

A Uyghur name is typed in logical order with the letters' basic code points (ئايگۈل). Printed,
each letter takes its joining form (initial, medial, final, isolated), marks sit on their base
letters (the hamza of ئ), and the word reads right to left. HarfBuzz (`uharfbuzz`) gives the
glyphs of a run in visual order with their positions; `shape` turns them into a `Shaped` run:
one code per glyph for reportlab's subsetting (the glyph's own character when the font maps
it, else an alias code), and the moves that put each glyph where HarfBuzz says.

Bidirectional text is handled for what names and short fields need: each stretch of
Arabic-script letters (with the spaces and joiners between them) is one right-to-left run; a
text whose first strong letter is Arabic-script reads right to left as a whole, so its runs
are laid out in reverse order. Numbers and Latin words inside stay left to right. (Not the full
Unicode Bidirectional Algorithm: no embeddings, no mirrored brackets.)

Text extraction: every glyph's ToUnicode entry is the letter it was shaped from (a mark that
is part of a letter adds nothing), so copying gives the typed letters - in the order the
glyphs are drawn, which viewers may or may not turn back to logical order (docs/fonts.md).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

ARABIC = "\u0600-\u06FF\u0750-\u077F\u08A0-\u08FF\uFB50-\uFDFF\uFE70-\uFEFF"
HAS_RTL = re.compile(f"[{ARABIC}]")
# a right-to-left run: Arabic-script letters, with spaces, joiners and hyphens between them
RTL_RUN = re.compile(f"[{ARABIC}]+(?:[ \u00a0\u200c\u200d\\-]+[{ARABIC}]+)*")
ALIAS_BASE = 0xF0000      # Supplementary Private Use Area-A: codes for glyphs without one


@dataclass(frozen=True)
class Shaped:
    """One shaped run in font `font` (a reportlab font name), in visual order.

    `codes` has one character per glyph (what reportlab's subsetting encodes);
    `moves[i]` is (shift before glyph i, rise of glyph i), both in 1/1000 em, relative to
    where the PDF pen would be after the glyphs before it (each advancing by its width in the
    font's Widths); `tail` is the shift after the last glyph; `advance` the run's width.
    """

    font: str
    text: str
    codes: str
    moves: tuple[tuple[float, float], ...]
    tail: float
    advance: float


class Shaper:
    """HarfBuzz for one font: `face` is its face (`fp_source`: its file, face index and
    instance; `charToGlyph`, `charWidths`)."""

    def __init__(self, font_name: str, face):
        import uharfbuzz as hb

        from . import unchanged
        path, index, location = face.fp_source
        self.name = font_name
        self.face = face
        blob = hb.Blob.from_file_path(path)
        if getattr(face, "fp_key", None):     # the file the face was read from
            unchanged(path, index, location, face.fp_key)
        hb_face = hb.Face(blob, index)
        self._hb = hb
        self._font = hb.Font(hb_face)
        if location:
            self._font.set_variations(dict(location))
        self._scale = 1000.0 / hb_face.upem
        self._font.scale = (hb_face.upem, hb_face.upem)
        self._reverse: dict[int, list[int]] | None = None
        self._cache: dict[str, Shaped] = {}

    def _code_for(self, gid: int, text: str) -> str:
        """The code drawing glyph `gid` whose ToUnicode is `text`: the character itself when
        the font maps it to this glyph, else an alias registered in the face."""
        face = self.face
        if len(text) == 1 and face.charToGlyph.get(ord(text)) == gid:
            return text
        aliases = face.__dict__.setdefault("fp_aliases", {})
        code = aliases.get((gid, text))
        if code is None:
            code = ALIAS_BASE + len(aliases)
            aliases[(gid, text)] = code
            face.charToGlyph[code] = gid
            face.charWidths[code] = self._font.get_glyph_h_advance(gid) * self._scale
            face.__dict__.setdefault("fp_unicode", {})[code] = text
        return chr(code)

    def shape(self, text: str) -> Shaped:
        """`text` (logical order, one right-to-left run) shaped."""
        hit = self._cache.get(text)
        if hit is not None:
            return hit
        hb = self._hb
        buf = hb.Buffer()
        buf.add_str(text)
        buf.guess_segment_properties()
        buf.direction = "rtl"
        hb.shape(self._font, buf, {})
        infos, positions = buf.glyph_infos, buf.glyph_positions
        scale = self._scale
        # the text of each cluster goes to its first glyph that advances (marks add nothing)
        starts = sorted({info.cluster for info in infos})
        ends = {c: (starts[i + 1] if i + 1 < len(starts) else len(text))
                for i, c in enumerate(starts)}
        owner: dict[int, int] = {}
        for i, (info, pos) in enumerate(zip(infos, positions)):
            if info.cluster not in owner or (pos.x_advance and not
                                              positions[owner[info.cluster]].x_advance):
                owner[info.cluster] = i
        codes, moves = [], []
        pen = 0.0       # where HarfBuzz's pen is, in 1/1000 em
        pdf = 0.0       # where the PDF pen is
        widths, default = self.face.charWidths.get, self.face.defaultWidth
        for i, (info, pos) in enumerate(zip(infos, positions)):
            cluster = info.cluster
            piece = text[cluster:ends[cluster]] if owner[cluster] == i else ""
            code = self._code_for(info.codepoint, piece)
            target = pen + pos.x_offset * scale
            moves.append((target - pdf, pos.y_offset * scale))
            codes.append(code)
            pdf = target + widths(ord(code), default)
            pen += pos.x_advance * scale
        shaped = Shaped(self.name, text, "".join(codes), tuple(moves), pen - pdf, pen)
        if len(self._cache) > 5000:
            self._cache.clear()
        self._cache[text] = shaped
        return shaped


def pdf_operators(shaped: Shaped, font, doc, escape, size: float) -> list[str]:
    """The PDF text operators that draw `shaped` at the current text position in `font`
    (a reportlab TTFont) at `size` points: its subsets' Tf, TJ arrays with the moves, Ts for
    the rises (reset to 0 after). The pen ends `shaped.advance` further on."""
    out: list[str] = []
    current = None
    rise = 0.0
    items: list[str] = []

    def flush():
        if items:
            out.append("[" + " ".join(items) + "] TJ")
            items.clear()

    for ch, (shift, lift) in zip(shaped.codes, shaped.moves):
        (subset, byte), = font.splitString(ch, doc)
        if subset != current:
            flush()
            out.append(f"{font.getSubsetInternalName(subset, doc)} {size:.2f} Tf")
            current = subset
        if abs(lift - rise) > 1e-6:
            flush()
            out.append(f"{lift * size / 1000:.2f} Ts")
            rise = lift
        if abs(shift) > 1e-6:
            items.append(f"{-shift:.1f}")
        items.append(f"({escape(byte)})")
    if abs(shaped.tail) > 1e-6:
        items.append(f"{-shaped.tail:.1f}")
    flush()
    if rise:
        out.append("0 Ts")
    return out
