"""Word output: docxtpl templates filled from the same context as the PDF forms.

- Sandboxed Jinja2 with autoescape: a customer called `<b>&{{x}}</b>` prints as typed and
  cannot break the document's XML; a template cannot reach Python internals.
- Characters XML cannot hold (controls, U+FFFE...) are removed and reported per record
  and field; Word would refuse the whole file otherwise.
- A template naming something the context lacks is an error naming it, found before any
  file is written (names checked statically, then the first record rendered).
- `-o FILE.docx` puts every order in one document, one per page: each order is rendered
  from the template, and its body appended to the first one's after a page break (all come
  from one template, so styles and relationships are shared).
- Output is deterministic: fixed zip timestamps and document dates.
"""
from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any, Callable, Iterable

from jinja2 import TemplateError, nodes
from jinja2.sandbox import SecurityError

from .errors import Location, Problem, UserError
from .form.values import _reword_undefined, form_environment
from .orders import blank_context
from .output import atomic_path, check_target
from .sources import suggest

# XML 1.0 allows tab, newline, carriage return and these ranges; anything else breaks the file.
_XML_BAD = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
CONTEXT_NAMES = ("company", "order", "engineer", "person", "today", "blank")

Record = tuple[str, dict, Location | None]   # (id, context, where the record starts)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def clean_context(value: Any, path: str, problems: list[Problem], record: str,
                  location: Location | None) -> Any:
    """A copy of the context whose strings XML can hold; what was removed is reported."""
    if isinstance(value, str):
        if not _XML_BAD.search(value):
            return value
        bad = sorted({f"U+{ord(c):04X}" for c in _XML_BAD.findall(value)})
        problems.append(Problem(
            f"characters a Word document cannot hold were left out ({', '.join(bad)}: "
            "control characters, usually pasted from another program)", location,
            f"{record}: {path}"))
        return _XML_BAD.sub("", value)
    if isinstance(value, dict):
        return {k: clean_context(v, f"{path}.{k}" if path else k, problems, record, location)
                for k, v in value.items()}
    if isinstance(value, list):
        return [clean_context(v, f"{path}[{i + 1}]", problems, record, location)
                for i, v in enumerate(value)]
    return value


class WordTemplate:
    """One .docx template, checked once, rendered per record."""

    def __init__(self, path: Path):
        from docxtpl import DocxTemplate
        self.path = Path(path)
        self.name = _display(self.path)
        if not self.path.is_file():
            raise UserError(f"{self.name}: no such Word template")
        try:
            self.data = self.path.read_bytes()
            zipfile.ZipFile(io.BytesIO(self.data)).testzip()
            self._template = DocxTemplate(io.BytesIO(self.data))
            self._template.init_docx()
        except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
            raise UserError(f"{self.name}: not a Word document (.docx): {exc}") from None
        self.env = form_environment(autoescape=True)
        self._check_names()

    # -------------------------------------------------------------------- checks
    def _sources(self) -> list[tuple[str, str]]:
        """(part name, patched XML) of the body, headers and footers, as docxtpl sees them."""
        from docx.oxml import parse_xml
        tpl = self._template
        out = [("document", tpl.patch_xml(tpl.xml_to_string(tpl.docx._element.body)))]
        for uri in (tpl.HEADER_URI, tpl.FOOTER_URI):
            for _, part in tpl.get_headers_footers(uri):
                xml = tpl.xml_to_string(parse_xml(part.blob))
                out.append((part.partname.split("/")[-1], tpl.patch_xml(xml)))
        return out

    def _check_names(self) -> None:
        """Every name the template reads must exist in the context: all reported at once."""
        sample = blank_context(None)
        sample["company"] = _ANY
        problems: list[Problem] = []
        self.header_names: set[str] = set()
        for part, xml in self._sources():
            try:
                ast = self.env.parse(xml)
            except TemplateError as exc:
                raise UserError(f"{self.name}: {part}: the template's Jinja2 code is broken: "
                                f"{exc.message}") from None
            from jinja2 import meta
            names = meta.find_undeclared_variables(ast)
            if part != "document":
                self.header_names |= names
            for name in sorted(names - set(CONTEXT_NAMES) - set(self.env.globals)):
                problems.append(Problem(
                    f"the template uses {name!r}, which fieldprint does not provide"
                    f"{suggest(name, CONTEXT_NAMES)} (known: {', '.join(CONTEXT_NAMES)})",
                    Location(self.name), part))
            for dotted in _attribute_chains(ast):
                missing = _missing_in(sample, dotted)
                if missing:
                    known = _keys_at(sample, missing[:-1])
                    problems.append(Problem(
                        f"the template uses {'.'.join(missing)!r}, which fieldprint does not "
                        f"provide{suggest(missing[-1], known)}", Location(self.name), part))
        if problems:
            unique = list(dict.fromkeys(problems))
            raise UserError(unique)

    # -------------------------------------------------------------------- rendering
    def render(self, context: dict, record: str = "", location: Location | None = None,
               problems: list[Problem] | None = None) -> bytes:
        """One document's bytes."""
        from docxtpl import DocxTemplate
        found: list[Problem] = []
        context = clean_context(context, "", found, record, location)
        if problems is not None:
            problems.extend(found)
        tpl = DocxTemplate(io.BytesIO(self.data))
        try:
            tpl.render(context, jinja_env=self.env, autoescape=True)
        except SecurityError as exc:
            raise UserError(f"{self.name}: refused by the sandbox: {str(exc).rstrip('.')}. "
                            "Templates may only read the data, not Python internals") from None
        except TemplateError as exc:
            message = _reword_undefined(str(exc))
            raise UserError(Problem(f"{self.name}: {message}", location, record)) from None
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise UserError(Problem(f"{self.name}: {exc}", location, record)) from None
        return _deterministic(tpl)

    def write_each(self, records: list[Record], folder: Path,
                   name_for: Callable[[str], str]) -> tuple[list[Path], list[Problem]]:
        """One .docx per record in `folder`; all rendered before any is renamed into place."""
        check_target(folder, directory=True)
        problems: list[Problem] = []
        targets: list[tuple[Path, Path]] = []
        used: set[str] = set()
        try:
            for rid, ctx, loc in records:
                data = self.render(ctx, f"work_orders {rid}", loc, problems)
                name = name_for(rid)
                base, n = name, 2
                while name.lower() in used:
                    name, n = f"{base}-{n}", n + 1
                used.add(name.lower())
                target = folder / f"{name}.docx"
                tmp = folder / f".{name}.docx.part"
                tmp.write_bytes(data)
                targets.append((tmp, target))
            for tmp, target in targets:
                os.chmod(tmp, 0o644)
                os.replace(tmp, target)
        finally:
            for tmp, _ in targets:
                if tmp.exists():
                    tmp.unlink()
        return [t for _, t in targets], problems

    def write_combined(self, records: list[Record], target: Path) -> list[Problem]:
        """Every record in one document, each starting on a new page."""
        problems: list[Problem] = []
        if len(records) > 1 and self.header_names & {"order", "engineer", "person"}:
            problems.append(Problem(
                "the template's header or footer shows order data; in one combined document "
                "every page shows the first order's. Keep order data in the body, or write one "
                "file per order (-o FOLDER/)", Location(self.name)))
        check_target(target)
        data = combine([self.render(ctx, f"work_orders {rid}", loc, problems)
                        for rid, ctx, loc in records])
        with atomic_path(target) as tmp:
            tmp.write_bytes(data)
        return problems


# ------------------------------------------------------------------------------ helpers
class _Any(dict):
    """Stands for a mapping whose keys are open (company: users' templates may read any
    company field, and companies may add more)."""

    def __contains__(self, key) -> bool:
        return True

    def __getitem__(self, key):
        return None


_ANY = _Any()


def _attribute_chains(ast) -> Iterable[tuple[str, ...]]:
    """('order', 'customer', 'name') for each `order.customer.name` in a template."""
    for node in ast.find_all(nodes.Getattr):
        chain = []
        cur = node
        while isinstance(cur, nodes.Getattr):
            chain.append(cur.attr)
            cur = cur.node
        if isinstance(cur, nodes.Name) and cur.name in CONTEXT_NAMES:
            yield (cur.name, *reversed(chain))


def _missing_in(sample: dict, dotted: tuple[str, ...]) -> tuple[str, ...] | None:
    """The prefix of `dotted` up to the first key the context shape lacks, or None."""
    node: Any = sample
    for i, step in enumerate(dotted):
        if isinstance(node, _Any) or not isinstance(node, dict):
            return None
        if step not in node:
            if step in dir(dict) or step in dir(str):  # methods such as .items(), .strip()
                return None
            return dotted[: i + 1]
        node = node[step]
        if node is None and i + 1 < len(dotted):
            return None   # a value that may hold anything (dates, nested records)
    return None


def _keys_at(sample: dict, dotted: tuple[str, ...]) -> list[str]:
    node: Any = sample
    for step in dotted:
        node = node.get(step) if isinstance(node, dict) else None
    return list(node) if isinstance(node, dict) else []


def _deterministic(tpl) -> bytes:
    """The rendered document as .docx bytes with fixed zip timestamps."""
    raw = io.BytesIO()
    tpl.save(raw)
    return _rezip(raw.getvalue())


def _rezip(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, \
            zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as zout:
        for info in zin.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            zout.writestr(fixed, zin.read(info.filename))
    return out.getvalue()


def combine(documents: list[bytes]) -> bytes:
    """Documents rendered from one template, as one document: each body after a page break.

    Drawing ids and bookmark ids are renumbered so they stay unique (Word refuses duplicates).
    """
    from docx import Document
    if len(documents) == 1:
        return documents[0]
    base = Document(io.BytesIO(documents[0]))
    body = base.element.body
    sect = body.find(f"{_W}sectPr")
    for data in documents[1:]:
        other = Document(io.BytesIO(data)).element.body
        children = [c for c in other if c.tag != f"{_W}sectPr"]
        if children and children[0].tag == f"{_W}p":
            _page_break_before(children[0])
        else:
            children.insert(0, _page_break_paragraph())
        for child in children:
            if sect is not None:
                sect.addprevious(child)
            else:
                body.append(child)
    _renumber(body)
    out = io.BytesIO()
    base.save(out)
    return _rezip(out.getvalue())


def _page_break_before(paragraph) -> None:
    from docx.oxml import OxmlElement
    ppr = paragraph.find(f"{_W}pPr")
    if ppr is None:
        ppr = OxmlElement("w:pPr")
        paragraph.insert(0, ppr)
    if ppr.find(f"{_W}pageBreakBefore") is None:
        el = OxmlElement("w:pageBreakBefore")
        # schema order: pStyle, keepNext, keepLines, pageBreakBefore ...
        anchor = None
        for tag in ("pStyle", "keepNext", "keepLines"):
            found = ppr.find(f"{_W}{tag}")
            if found is not None:
                anchor = found
        if anchor is not None:
            anchor.addnext(el)
        else:
            ppr.insert(0, el)


def _page_break_paragraph():
    from docx.oxml import parse_xml
    return parse_xml(f'<w:p xmlns:w="{_W[1:-1]}"><w:r><w:br w:type="page"/></w:r></w:p>')


def _renumber(body) -> None:
    wp = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
    for n, el in enumerate(body.iter(f"{wp}docPr"), 1):
        el.set("id", str(n))
    ids: dict[str, str] = {}
    counter = 0
    for el in body.iter(f"{_W}bookmarkStart", f"{_W}bookmarkEnd"):
        old = el.get(f"{_W}id")
        if el.tag == f"{_W}bookmarkStart":
            counter += 1
            ids[old] = str(counter)
            el.set(f"{_W}id", str(counter))
            name = el.get(f"{_W}name")
            if name:
                el.set(f"{_W}name", f"{name}_{counter}" if counter > 1 else name)
        elif old in ids:
            el.set(f"{_W}id", ids[old])

