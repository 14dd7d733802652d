"""Word output: docxtpl templates filled from the same context as the PDF forms.

- docxtpl's template syntax (its XML clean-up of `{{ }}` split across runs, `{%tr %}` row
  loops, `{%p %}` paragraphs, newlines as line breaks), compiled ONCE per template: every
  part that holds Jinja2 (body, headers, footers, properties) is prepared with docxtpl's own
  `patch_xml` and compiled; each record only renders those strings and swaps them into a
  copy of the template's zip. The other parts are copied as already-compressed bytes. This
  is what makes a document cost a few milliseconds instead of docxtpl's ~100.
- Sandboxed Jinja2 with autoescape: a customer called `<b>&{{x}}</b>` prints as typed and
  cannot break the XML; a template cannot reach Python internals.
- Characters XML cannot hold (controls, U+FFFE...) are removed and reported per record
  and field; Word would refuse the whole file otherwise.
- A template naming something the context lacks is an error naming it, found before any
  file is written (names checked statically when the template is loaded).
- `-o FILE.docx`: every order in one document, each its own section (a new page, page
  numbers from 1, so SECTIONPAGES counts the order's pages): the bodies are streamed one after
  another into the output's document.xml (all from one template, so styles and numbering are
  shared). A header or footer that shows order data (or the order's codes) is written once
  per order, each section pointing at its own; only those small parts are held until the end.
- Codes: a picture in a header or footer whose alt text is `fieldprint:qr` or
  `fieldprint:code128` is replaced, for each order, by the order number's QR code or Code 128
  (generator.docx.codes), as on the PDF forms.
- Deterministic: fixed zip timestamps, same bytes for the same input.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from pathlib import Path
from typing import Any, Callable, Iterable

from jinja2 import TemplateError, meta, nodes
from jinja2.sandbox import SecurityError

from ..advice import UNPRINTABLE_CONTROLS
from ..errors import Location, Problem, UserError, display_path, suggest
from ..i18n import N_, _, words
from ..orders import order_shape
from ..output import atomic_batch, atomic_path, check_target
from ..templating import EXPRESSION_ERRORS, attribute_chains, environment, keys_at, \
    missing_in, refused, reword_undefined
from .fonts import script_fonts
from .sections import Ids, Sections, rels_of, split_body
from .zipparts import Entry, ZipWriter, deflated

# XML 1.0 allows tab, newline, carriage return and these ranges; anything else breaks the file.
_XML_BAD = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
CONTEXT_NAMES = ("company", "order", "engineer", "person", "today", "blank")
NOT_A_DOCX = N_("{name}: not a Word document (.docx), or a damaged one; open it in Word and "
                "save it again as a .docx document")
_TEMPLATED = re.compile(r"^(word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml|"
                        r"docProps/core\.xml)$")
_PAGE_PART = re.compile(r"^word/(header|footer)\d*\.xml$")
_CODE_PIC = re.compile(r'<wp:docPr [^>]*?descr="fieldprint:(qr|code128)".*?r:embed="([^"]+)"',
                       re.S)
_PARA = re.compile(r"<w:p([ >])")
_PARA_BACK = re.compile(r"\n<w:p([ >])")
_TC_TAG = re.compile(r"\{%-?\s*+tc\s")

Record = tuple[str, dict, Location | None]   # (id, context, where the record starts)


def clean_context(value: Any, path: str, problems: list[Problem], record: str,
                  location: Location | None, flags: list | None = None) -> Any:
    """A copy of the context whose strings XML can hold; what was removed is reported.

    `flags` gets True appended when some string has a newline or tab (docxtpl turns them into
    line breaks and tabs, a pass that is skipped when no value needs it)."""
    if isinstance(value, str):
        if flags is not None and ("\n" in value or "\t" in value):
            flags.append(True)
        if not _XML_BAD.search(value):
            return value
        bad = sorted({f"U+{ord(c):04X}" for c in _XML_BAD.findall(value)})
        problems.append(Problem(_(
            "has characters a Word document cannot hold ({chars}: control characters, usually "
            "pasted from another program); {advice}").format(
                chars=words(bad), advice=UNPRINTABLE_CONTROLS.says()), location,
            f"{record}: {path}"))
        return _XML_BAD.sub("", value)
    if isinstance(value, dict):
        return {k: clean_context(v, f"{path}.{k}" if path else k, problems, record, location,
                                 flags) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_context(v, f"{path}[{i + 1}]", problems, record, location, flags)
                for i, v in enumerate(value)]
    return value


# ------------------------------------------------------------------------------ the template
class WordTemplate:
    """One .docx template, checked and compiled once, rendered per record."""

    def __init__(self, path: Path):
        from docxtpl import DocxTemplate
        self.path = Path(path)
        self.name = display_path(self.path)
        if not self.path.is_file():
            raise UserError(_("{name}: no such Word template").format(name=self.name))
        from ..data.archive import check_archive
        check_archive(self.path, self.name, _("Word template"))
        try:
            data = self.path.read_bytes()
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                names = z.namelist()
                parts = {n: z.read(n) for n in names}
        except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError):
            raise UserError(_(NOT_A_DOCX).format(name=self.name)) from None
        if "word/document.xml" not in parts:
            raise UserError(_(NOT_A_DOCX).format(name=self.name))
        self._docxtpl = DocxTemplate(io.BytesIO(data))   # for its XML clean-up functions
        self.env = environment(autoescape=True)
        self.order = names
        self.static: dict[str, Entry] = {}
        self.compiled: dict[str, Any] = {}
        self.needs_fix_tables: set[str] = set()
        self.warnings: list[Problem] = []   # full-width braces: said, the rest is printed
        sources: dict[str, str] = {}
        for name in names:
            blob = parts[name]
            if _TEMPLATED.match(name):
                self.warnings += _full_width_braces(blob, self.name, _part(name))
            if _TEMPLATED.match(name) and (b"{{" in blob or b"{%" in blob or b"{#" in blob
                                           or name == "word/document.xml"):
                text = blob.decode("utf-8")
                patched = self._docxtpl.patch_xml(text)
                sources[name] = patched
                if _TC_TAG.search(text):
                    self.needs_fix_tables.add(name)
            else:
                self.static[name] = deflated(name, blob)
        self._check_names(sources)
        for name, patched in sources.items():
            try:
                self.compiled[name] = self.env.from_string(
                    _literal_braces(_PARA.sub(r"\n<w:p\1", patched)))
            except EXPRESSION_ERRORS as exc:
                raise UserError(_("{name}: {part}: the template's Jinja2 code is broken: {error}")
                                .format(name=self.name, part=_part(name), error=exc)) from None
        # headers and footers that differ per order: they show order data or the codes
        self.codes: dict[str, list[tuple[str, str]]] = {}   # part -> [(kind, rId)]
        self.per_order: set[str] = set()
        for name, source in sources.items():
            if not _PAGE_PART.match(name):
                continue
            codes = [(m[1], m[2]) for m in _CODE_PIC.finditer(source)]
            if codes:
                self.codes[name] = codes
            if codes or self._names.get(name, set()) & {"order", "engineer", "person"}:
                self.per_order.add(name)

    # -------------------------------------------------------------------- checks
    def _check_names(self, sources: dict[str, str]) -> None:
        """Every name the template reads must exist in the context: all reported at once."""
        sample = order_shape()
        problems: list[Problem] = []
        self.header_names: set[str] = set()
        self._names: dict[str, set[str]] = {}
        for name, xml in sources.items():
            part = _part(name)
            try:
                ast = self.env.parse(xml)
                names = meta.find_undeclared_variables(ast)   # compiles: 10**5000 fails here
            except EXPRESSION_ERRORS as exc:
                raise UserError(Problem(_("the template's Jinja2 code is broken: {error}").format(
                                            error=getattr(exc, "message", None) or exc),
                                        Location(self.name), part)) from None
            self._names[name] = names
            problems += _unescaped(ast, Location(self.name), part)
            if name != "word/document.xml":
                self.header_names |= names
            for unknown in sorted(names - set(CONTEXT_NAMES) - set(self.env.globals)):
                problems.append(Problem(_(
                    "the template uses {name!r}, which fieldprint does not provide{hint} "
                    "(known: {known})").format(name=unknown, hint=suggest(unknown, CONTEXT_NAMES),
                                               known=words(CONTEXT_NAMES)),
                    Location(self.name), part))
            for dotted in attribute_chains(ast, CONTEXT_NAMES):
                missing = missing_in(sample, dotted)
                if missing:
                    known = keys_at(sample, missing[:-1])
                    problems.append(Problem(_(
                        "the template uses {name!r}, which fieldprint does not provide{hint}")
                        .format(name=".".join(missing), hint=suggest(missing[-1], known)),
                        Location(self.name), part))
        if problems:
            raise UserError(list(dict.fromkeys(problems)))

    # -------------------------------------------------------------------- rendering
    def render_parts(self, context: dict, record: str = "", location: Location | None = None,
                     problems: list[Problem] | None = None) -> dict[str, bytes]:
        """The rendered XML of each templated part of one record's document; text Word
        cannot hold is left out and reported in `problems`."""
        found: list[Problem] = []
        flags: list = []
        context = clean_context(context, "", found, record, location, flags)
        if problems is not None:
            problems.extend(found)
        tpl = self._docxtpl
        out: dict[str, bytes] = {}
        for name, template in self.compiled.items():
            try:
                xml = template.render(context)
            except SecurityError as exc:
                raise refused(self.name, exc) from None
            except TemplateError as exc:
                raise UserError(Problem(f"{self.name}: {reword_undefined(str(exc))}",
                                        location, record)) from None
            except EXPRESSION_ERRORS as exc:
                raise UserError(Problem(f"{self.name}: {exc}", location, record)) from None
            xml = script_fonts(_PARA_BACK.sub(r"<w:p\1", xml))   # rare hanzi, Uyghur
            if flags:
                xml = tpl.resolve_listing(xml)
            if name in self.needs_fix_tables:
                from lxml import etree
                xml = etree.tostring(tpl.fix_tables(xml), encoding="unicode")
                xml = "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n" + xml
            out[name] = xml.encode("utf-8")
            _check_xml(out[name], self.name, name)
        return out

    def unprintable(self, context: dict, record_id: str, location: Location | None = None
                    ) -> list[Problem]:
        """The text of one record's context a Word document cannot hold (`clean_context`'s
        problems), without rendering: what `write_each`/`write_combined` would refuse."""
        found: list[Problem] = []
        clean_context(context, "", found, _label(record_id), location)
        return found

    def code_entries(self, context: dict, index: int, rename: dict[str, str] | None = None,
                     record: str = "", location: Location | None = None,
                     problems: list[Problem] | None = None) -> list[Entry]:
        """The order's code pictures and the relationships of the parts showing them, as zip
        entries: `word/media/fieldprint-<kind>-<index>.png` and each part's .rels pointing at
        them; `rename` gives a part's name in the output when it is not the template's."""
        from ..form.draw import no_barcode
        from .codes import blank_png, code128_png, qr_png
        order = context.get("order") or {}
        number = str(order.get("id") or "")
        out: list[Entry] = []
        made: dict[str, str] = {}
        for part, codes in self.codes.items():
            rels_name = rels_of(part)
            rels = self.static[rels_name]
            xml = zlib.decompress(rels.data, -15).decode("utf-8")
            for kind, rid in codes:
                if kind not in made:
                    png = qr_png(number) if kind == "qr" else code128_png(number)
                    if png is None:
                        if problems is not None:
                            problems.append(Problem(
                                no_barcode(number), location, f"{record}: order.id"))
                        png = blank_png()
                    made[kind] = f"media/fieldprint-{kind}-{index}.png"
                    out.append(deflated(f"word/{made[kind]}", png))
                xml = re.sub(rf'(<Relationship [^>]*?Id="{re.escape(rid)}"[^>]*?Target=")[^"]*"',
                             lambda m: m[1] + made[kind] + '"', xml)
                xml = re.sub(rf'(<Relationship [^>]*?Target=")[^"]*("[^>]*?Id="{re.escape(rid)}")',
                             lambda m: m[1] + made[kind] + m[2], xml)
            out.append(deflated(rels_of((rename or {}).get(part, part)), xml.encode("utf-8")))
        return out

    def render(self, context: dict, record: str = "", location: Location | None = None,
               problems: list[Problem] | None = None) -> bytes:
        """One record's document as .docx bytes."""
        parts = self.render_parts(context, record, location, problems)
        extra = {e.name: e for e in self.code_entries(context, 1, None, record, location,
                                                      problems)}
        buffer = io.BytesIO()
        writer = ZipWriter(buffer)
        for name in self.order:
            if name in extra:
                writer.add(extra.pop(name))
            else:
                writer.add(self.static[name] if name in self.static
                           else deflated(name, parts[name]))
        for entry in extra.values():
            writer.add(entry)
        writer.close()
        return buffer.getvalue()

    def write_each(self, records: Iterable[Record], folder: Path, name_for: Callable[[str], str],
                   on_document: Callable[[], None] | None = None, strict: bool = True
                   ) -> tuple[list[Path], list[Problem]]:
        """One .docx per record in `folder`; all rendered before any is renamed into place.
        `strict`: text Word cannot hold is an error for the whole batch (nothing written)."""
        problems: list[Problem] = []
        targets: list[Path] = []
        used: set[str] = set()
        with atomic_batch(folder) as put:
            for rid, ctx, loc in records:
                data = self.render(ctx, _label(rid), loc, problems)
                name = name_for(rid)
                base, n = name, 2
                while name.lower() in used:
                    name, n = f"{base}-{n}", n + 1
                used.add(name.lower())
                targets.append(put(f"{name}.docx", data))
                if on_document is not None:
                    on_document()
            if strict and problems:
                raise UserError(problems)          # none of the batch is written
        return targets, problems

    def write_combined(self, records: Iterable[Record], target: Path,
                       on_document: Callable[[], None] | None = None, strict: bool = True
                       ) -> list[Problem]:
        """Every record in one document, each its own section starting on a new page, with
        its own header and footer where they show order data (records are rendered and
        written one at a time). `strict`: as for write_each."""
        problems: list[Problem] = []
        unprintable: list[Problem] = []
        check_target(target)
        records = iter(records)
        rid, ctx, loc = next(records)
        first = self.render_parts(ctx, _label(rid), loc, unprintable)
        sections = Sections(self, first["word/document.xml"])
        with atomic_path(target) as tmp, open(tmp, "wb") as stream:
            writer = ZipWriter(stream)
            later = {"[Content_Types].xml", "word/_rels/document.xml.rels"}
            later |= {rels_of(p) for p in self.codes}
            for name in self.order:
                if name == "word/document.xml":
                    writer.add_stream(name, self._combined_body(
                        first, ctx, (rid, loc), records, sections, unprintable, on_document))
                elif name in later:
                    continue
                elif name in self.static:
                    writer.add(self.static[name])
                else:
                    writer.add(deflated(name, first[name]))
            for entry in sections.entries:
                writer.add(entry)
            writer.add(deflated("[Content_Types].xml", sections.content_types(
                self.static_text("[Content_Types].xml"))))
            writer.add(deflated("word/_rels/document.xml.rels", sections.document_rels(
                self.static_text("word/_rels/document.xml.rels"))))
            writer.close()
            if strict and unprintable:
                raise UserError(unprintable)      # the temporary file is removed
        return problems + unprintable

    def static_text(self, name: str) -> str:
        entry = self.static.get(name)
        return "" if entry is None else zlib.decompress(entry.data, -15).decode("utf-8")

    def _combined_body(self, first: dict[str, bytes], first_ctx: dict, first_id,
                       records: Iterable[Record], sections: Sections,
                       problems: list[Problem], on_document: Callable[[], None] | None
                       ) -> Iterable[bytes]:
        """document.xml of the combined document, in pieces: the first record's document up
        to its final section properties, each other record's body content after a section
        break, then the last record's section properties and the rest."""
        head, content, tail = split_body(first["word/document.xml"])
        sections.add(1, first, first_ctx, _label(first_id[0]), first_id[1], problems)
        yield head
        yield content
        if on_document is not None:
            on_document()
        ids = Ids()
        index = 1
        for index, (rid, ctx, loc) in enumerate(records, 2):
            parts = self.render_parts(ctx, _label(rid), loc, problems)
            _, body, _ = split_body(parts["word/document.xml"])
            yield sections.section_break(index - 1)
            sections.add(index, parts, ctx, _label(rid), loc, problems)
            yield ids.renumber(body, index)
            if on_document is not None:
                on_document()
        yield sections.final(tail, index)


_LITERALS = {"{_{": "{{ '{{' }}", "}_}": "{{ '}}' }}", "{_%": "{{ '{%' }}", "%_}": "{{ '%}' }}"}
_LITERAL = re.compile("|".join(re.escape(k) for k in _LITERALS))


_FULL_WIDTH = re.compile("[｛{][｛%]|[%｝][｝}]")
_TAGS = re.compile(r"<[^<>]*+>")


def _full_width_braces(blob: bytes, template: str, part: str) -> list[Problem]:
    """｛｛ name ｝｝ typed on a Chinese keyboard is left as it is in the document: a warning
    naming the part and the words around it (issue 15.8)."""
    if "｛".encode() not in blob and "｝".encode() not in blob:
        return []
    text = _TAGS.sub("", blob.decode("utf-8", "replace"))
    found = []
    for m in _FULL_WIDTH.finditer(text):
        if "｛" not in m[0] and "｝" not in m[0]:
            continue
        around = text[max(0, m.start() - 15):m.end() + 15].replace("\n", " ")
        found.append(Problem(_(
            "full-width braces {braces} (typed with a Chinese keyboard) are not template "
            "code and print as they are: \u2026{around}\u2026 Type {{{{ }}}} with the English "
            "keyboard").format(braces=m[0], around=around), Location(template), part))
    return found[:20]


def _unescaped(ast, where: Location, part: str) -> list[Problem]:
    """|safe and {% autoescape false %} would put text from the data into the document's XML
    unescaped: a .docx Word cannot open (issue 15.15). Refused."""
    found = []
    for node in ast.find_all((nodes.Filter, nodes.ScopedEvalContextModifier,
                              nodes.EvalContextModifier)):
        if isinstance(node, nodes.Filter) and node.name != "safe":
            continue
        found.append(Problem(_(
            "the template uses {what} (line {line}), which would put the data's text into the "
            "document's XML unescaped and make a file Word cannot open; remove it: text is "
            "always printed as typed").format(
                what="|safe" if isinstance(node, nodes.Filter) else "autoescape",
                line=node.lineno), where, part))
    return found


def _check_xml(xml: bytes, template: str, part: str) -> None:
    """Every part written parses as XML, or the document is not written."""
    from lxml import etree
    try:
        etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, huge_tree=True))
    except etree.XMLSyntaxError as exc:
        raise UserError(Problem(_(
            "the filled-in template is not valid Word XML ({why}); nothing was written. Is "
            "template code placed inside a Word field or tag?").format(why=exc),
            Location(template), _part(part))) from None


def _literal_braces(source: str) -> str:
    """docxtpl lets a template print a literal {{ as {_{ (and }}, {%, %} alike) and replaces
    them after rendering, in the data too: a customer's "{_{" would print as "{{". Here the
    template's own {_{ become expressions printing {{, and the data is left alone."""
    return _LITERAL.sub(lambda m: _LITERALS[m[0]], source)


def _label(record_id: str) -> str:
    return "blank form" if record_id == "blank" else f"work_orders {record_id}"


def _part(name: str) -> str:
    return name.split("/")[-1]
