"""The combined document (`-o FILE.docx`): every order its own section, the bodies streamed one
after another into one document.xml, with per-order headers and footers where they show order
data (`Sections`) and drawing and bookmark ids kept unique (`Ids`)."""
from __future__ import annotations

import re

from ..errors import Problem, UserError
from ..i18n import _
from .zipparts import Entry, deflated


def rels_of(part: str) -> str:
    """word/header1.xml -> word/_rels/header1.xml.rels"""
    folder, _, name = part.rpartition("/")
    return f"{folder}/_rels/{name}.rels"


_REL = re.compile(r'<Relationship [^>]*?/>')
_REL_ID = re.compile(r'\bId="([^"]+)"')
_REL_TARGET = re.compile(r'\bTarget="([^"]+)"')
_SECT_REF = re.compile(rb'(<w:(?:header|footer)Reference [^>]*?r:id=")([^"]+)(")')
_PART_TYPES = {"header": "application/vnd.openxmlformats-officedocument.wordprocessingml."
                         "header+xml",
               "footer": "application/vnd.openxmlformats-officedocument.wordprocessingml."
                         "footer+xml"}


class Sections:
    """The per-order headers and footers of a combined document and the section breaks that
    point at them. Record 1 keeps the template's part names; record i > 1 gets
    word/header1_r<i>.xml and a relationship fieldprint<i>_<rId>."""

    def __init__(self, template, first_document: bytes):
        """`template`: the generator.docx.template.WordTemplate the records are rendered
        from; `first_document`: the first record's document.xml."""
        self.t = template
        self.entries: list[Entry] = []
        self.added: list[tuple[str, str, str]] = []    # (relationship id, type, target)
        rels = template.static_text("word/_rels/document.xml.rels")
        self.by_target: dict[str, tuple[str, str]] = {}  # part -> (rId, relationship type)
        for rel in _REL.findall(rels):
            rid, target = _REL_ID.search(rel), _REL_TARGET.search(rel)
            kind = re.search(r'\bType="([^"]+)"', rel)
            if rid and target and kind:
                self.by_target["word/" + target[1].lstrip("/").removeprefix("word/")] = (
                    rid[1], kind[1])
        self.rid_part = {rid: part for part, (rid, _) in self.by_target.items()}
        _, _, tail = split_body(first_document)
        end = tail.find(b"</w:sectPr>")
        self.sect = tail[:end + len(b"</w:sectPr>")] if end != -1 else b""

    def _rid(self, rid: str, index: int) -> str:
        part = self.rid_part.get(rid)
        if index == 1 or part not in self.t.per_order:
            return rid
        return f"fieldprint{index}_{rid}"

    def add(self, index: int, parts: dict[str, bytes], ctx: dict, label: str, loc,
            problems: list[Problem]) -> None:
        """Record `index`'s own headers and footers (and code pictures); `label` names the
        record in messages."""
        rename = {}
        for part in sorted(self.t.per_order):
            if part not in self.by_target:
                continue
            name = part if index == 1 else part.replace(".xml", f"_r{index}.xml")
            rename[part] = name
            if index > 1:
                self.entries.append(deflated(name, parts[part]))
                rid, kind = self.by_target[part]
                self.added.append((self._rid(rid, index), kind, name.removeprefix("word/")))
                if part not in self.t.codes and rels_of(part) in self.t.static:
                    static = self.t.static[rels_of(part)]
                    self.entries.append(Entry(rels_of(name), static.data, static.crc,
                                               static.size))
        self.entries += self.t.code_entries(ctx, index, rename, label, loc, problems)

    def _sect_for(self, sect: bytes, index: int) -> bytes:
        return _SECT_REF.sub(lambda m: m[1] + self._rid(m[2].decode(), index).encode() + m[3],
                             sect)

    def section_break(self, index: int) -> bytes:
        """The paragraph that ends record `index`'s section (1 pt high)."""
        sect = self._sect_for(self.sect, index) if self.sect else b""
        if b"<w:type " not in sect and sect:
            sect = re.sub(rb"(<w:sectPr[^>]*>(?:<w:(?:header|footer)Reference [^>]*/>)*)",
                          rb'\1<w:type w:val="nextPage"/>', sect, count=1)
        return (b'<w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" '
                b'w:lineRule="exact"/>' + (sect or b'') + b'<w:rPr><w:sz w:val="2"/></w:rPr>'
                b'</w:pPr>' + (b'' if sect else b'<w:r><w:br w:type="page"/></w:r>') + b'</w:p>')

    def final(self, tail: bytes, index: int) -> bytes:
        """The body's own section properties, for the last record."""
        if not self.sect:
            return tail
        return tail.replace(self.sect, self._sect_for(self.sect, index), 1)

    def content_types(self, xml: str) -> bytes:
        extra = "".join(
            f'<Override PartName="/word/{target}" ContentType="{_PART_TYPES[kind_name]}"/>'
            for _, kind, target in self.added
            for kind_name in ("header", "footer") if kind.endswith("/" + kind_name))
        if "Extension=\"png\"" not in xml and self.t.codes:
            extra = '<Default Extension="png" ContentType="image/png"/>' + extra
        return xml.replace("</Types>", extra + "</Types>").encode("utf-8")

    def document_rels(self, xml: str) -> bytes:
        extra = "".join(f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"/>'
                        for rid, kind, target in self.added)
        return xml.replace("</Relationships>", extra + "</Relationships>").encode("utf-8")


# ------------------------------------------------------------------------------ combining
_BODY_OPEN = re.compile(rb"<w:body(?: [^>]*)?>")
_SECT = re.compile(rb"<w:sectPr[ >]")


def split_body(xml: bytes) -> tuple[bytes, bytes, bytes]:
    """(everything up to and including <w:body>, the content, the final sectPr onwards)."""
    m = _BODY_OPEN.search(xml)
    if m is None:
        raise UserError(_("the template's document.xml has no body"))
    start = m.end()
    end = xml.rfind(b"</w:body>")
    last_sect = None
    for s in _SECT.finditer(xml, start, end):
        last_sect = s.start()
    cut = last_sect if last_sect is not None and _is_final_sect(xml, last_sect, end) else end
    return xml[:start], xml[start:cut], xml[cut:]


def _is_final_sect(xml: bytes, pos: int, body_end: int) -> bool:
    """The body's own sectPr is its last child (not one inside a paragraph's pPr)."""
    close = xml.find(b"</w:sectPr>", pos)
    return close != -1 and xml[close + len(b"</w:sectPr>"):body_end].strip() == b""


class Ids:
    """Keeps drawing and bookmark ids unique across appended bodies (Word refuses duplicates)."""

    _DOCPR = re.compile(rb'(<wp:docPr [^>]*?\bid=")(\d+)(")')
    _BOOKMARK = re.compile(rb'(<w:bookmark(?:Start|End) [^>]*?\bw:id=")(\d+)(")')
    _NAME = re.compile(rb'(<w:bookmarkStart [^>]*?\bw:name=")([^"]*)(")')

    def renumber(self, body: bytes, index: int) -> bytes:
        if b"<wp:docPr" in body:
            body = self._DOCPR.sub(
                lambda m: m[1] + str(index * 10000 + int(m[2])).encode() + m[3], body)
        if b"<w:bookmark" in body:
            body = self._BOOKMARK.sub(
                lambda m: m[1] + str(index * 10000 + int(m[2])).encode() + m[3], body)
            body = self._NAME.sub(lambda m: m[1] + m[2] + b"_" + str(index).encode() + m[3],
                                  body)
        return body
