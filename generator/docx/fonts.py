"""Word runs in fonts that have their characters: rare hanzi and Uyghur names.

The Word templates set Chinese in Microsoft YaHei (GB 18030: the URO and Extension A). A
value with characters beyond the BMP (𠮷 𬌗 ...) or in Arabic script (a Uyghur name) is cut
into runs by script after rendering, each run naming a font Windows ships for it:

- CJK beyond the BMP: East Asian font ``SimSun-ExtB`` (Extension B and the 通用规范汉字表
  characters there);
- Arabic script: complex-script font ``Microsoft Uighur``, marked right to left (``w:rtl``)
  in Uyghur (``w:lang w:bidi="ug-CN"``), bold as complex-script bold too (``w:bCs``).

Word shapes and orders the Uyghur run itself. Only runs that hold one piece of text are
rewritten (what a `{{ value }}` becomes); everything else is left as the template has it.
"""
from __future__ import annotations

import re

from ..fonts.shaping import ARABIC, RTL_RUN

EXT_FONT = "SimSun-ExtB"
UYGHUR_FONT = "Microsoft Uighur"
_SPECIAL = re.compile(f"[{ARABIC}\U00020000-\U0003FFFF]")
_RUN = re.compile(r'<w:r(?P<attrs> [^>]*)?>(?P<rpr><w:rPr>(?:(?!</w:rPr>).)*</w:rPr>)?'
                  r'<w:t(?: xml:space="preserve")?>(?P<text>[^<]*)</w:t></w:r>', re.S)
_SMP = re.compile("[\U00020000-\U0003FFFF]+")
_FONTS = re.compile(r"<w:rFonts\b[^>]*/>")
_LANG = re.compile(r"<w:lang\b([^>]*)/>")


def script_fonts(xml: str) -> str:
    """`xml` (a rendered document part) with runs of rare hanzi and of Uyghur cut out and
    given fonts that have them (see the module doc). Unchanged when it has neither."""
    if not _SPECIAL.search(xml):
        return xml
    return _RUN.sub(_split_run, xml)


def _split_run(m: re.Match) -> str:
    text = m.group("text")
    if not _SPECIAL.search(text):
        return m.group(0)
    attrs, rpr = m.group("attrs") or "", m.group("rpr") or "<w:rPr></w:rPr>"
    out = []
    for kind, piece in _pieces(text):
        props = {"plain": rpr, "ext": _ext(rpr), "ug": _uyghur(rpr)}[kind]
        out.append(f'<w:r{attrs}>{props}<w:t xml:space="preserve">{piece}</w:t></w:r>')
    return "".join(out)


def _pieces(text: str) -> list[tuple[str, str]]:
    """(kind, text) in order: "ug" runs of Arabic script, "ext" CJK beyond the BMP, "plain"."""
    out: list[tuple[str, str]] = []
    pos = 0
    for m in RTL_RUN.finditer(text):
        out.extend(_ext_pieces(text[pos:m.start()]))
        out.append(("ug", m.group()))
        pos = m.end()
    out.extend(_ext_pieces(text[pos:]))
    return out


def _ext_pieces(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    pos = 0
    for m in _SMP.finditer(text):
        if m.start() > pos:
            out.append(("plain", text[pos:m.start()]))
        out.append(("ext", m.group()))
        pos = m.end()
    if pos < len(text):
        out.append(("plain", text[pos:]))
    return out


def _with_fonts(rpr: str, fonts: str) -> str:
    """rPr with its rFonts replaced by `fonts` (first after rStyle, as the schema orders)."""
    body = _FONTS.sub("", rpr[len("<w:rPr>"):-len("</w:rPr>")])
    if body.startswith("<w:rStyle"):
        end = body.index("/>") + 2
        body = body[:end] + fonts + body[end:]
    else:
        body = fonts + body
    return f"<w:rPr>{body}</w:rPr>"


def _ext(rpr: str) -> str:
    return _with_fonts(rpr, f'<w:rFonts w:ascii="{EXT_FONT}" w:hAnsi="{EXT_FONT}" '
                            f'w:eastAsia="{EXT_FONT}" w:hint="eastAsia"/>')


def _uyghur(rpr: str) -> str:
    out = _with_fonts(rpr, f'<w:rFonts w:ascii="{UYGHUR_FONT}" w:hAnsi="{UYGHUR_FONT}" '
                           f'w:cs="{UYGHUR_FONT}"/>')
    if "<w:b/>" in out and "<w:bCs/>" not in out:
        out = out.replace("<w:b/>", "<w:b/><w:bCs/>", 1)
    size = re.search(r'<w:sz w:val="(\d+)"/>', out)
    if size and "<w:szCs" not in out:
        out = out.replace(size.group(0), size.group(0) + f'<w:szCs w:val="{size.group(1)}"/>', 1)
    lang = _LANG.search(out)
    if lang:
        attrs = re.sub(r'\s*w:bidi="[^"]*"', "", lang.group(1))
        out = out.replace(lang.group(0), f'<w:rtl/><w:lang{attrs} w:bidi="ug-CN"/>', 1)
    else:
        out = out.replace("</w:rPr>", '<w:rtl/><w:lang w:bidi="ug-CN"/></w:rPr>')
    return out
