"""The 公司信息 page: the company section as a form, saved as WORKSPACE/company.yaml.

The form shows the file as every command reads it, and a save changes only the fields whose
text the user changed: only their text is rewritten in the file (`_spliced`, at the places
ruamel.yaml's composer gives), so keys the form does not show (columns, holidays, …), fields
left as shown (`010`, `yes`, a date, a long text written over several lines), comments,
quoting, key order and line ends stay byte for byte: the office's notes survive a save. The new
file is validated the way every command reads it before it replaces the old one (kept in
history).
"""
from __future__ import annotations

import io
import tempfile
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError as RoundTripError

from ..data.dataset import load_dataset
from ..company_fields import COMPANY_FIELDS
from ..data.yamlsource import load_yaml
from ..errors import Location, Problem, UserError
from ..i18n import LANGUAGES, N_, _, in_language
from .uploads import FONT_SUFFIXES, Limits, check_picture, safe_name
from .workspace import Workspace

TEXT_FIELDS = ("name", "short_name", "unit", "partner_label", "hotline", "consult_phone",
               "complaint_phone", "service_promise", "address", "website", "feedback_qr")
QR_ROWS = 3
# The form's text fields as the page labels them (the service promise is a text area): their
# names are the one table of the company's fields (data/headers.py)
LABELS = {key: label for key, label in COMPANY_FIELDS.items() if key in TEXT_FIELDS}


HEADER = N_("Written by fieldprint serve; the previous version is in .history/")


def _current(ws: Workspace) -> dict:
    """The company section as the commands read it (numbers keep their text: 010). UserError
    when company.yaml cannot be read: the form is not shown empty, nor saved over the file."""
    if not ws.company_file.is_file():
        return {}
    try:
        data = load_yaml(ws.company_file)
    except UserError as exc:
        raise UserError([*exc.problems, Problem(_(
            "the form cannot show company.yaml as it stands, and saving would lose what it "
            "holds: correct it at the line named (or remove it to start again)"),
            Location(ws.company_file.name))]) from None
    section = data.get("company", data) if isinstance(data, dict) else {}
    return section if isinstance(section, dict) else {}


def _text(value) -> str:
    """A value as the form shows it: a number as it is written, nothing as ''."""
    return "" if value is None else getattr(value, "raw", None) or str(value)


def company_fields(ws: Workspace) -> dict:
    """The form's values, flat: name, hotline, qr_caption_1, qr_data_1, …"""
    current = _current(ws)
    values = {k: _text(current.get(k)) for k in TEXT_FIELDS}
    for i in range(1, QR_ROWS + 1):
        values[f"qr_caption_{i}"] = values[f"qr_data_{i}"] = ""
    for i, code in enumerate((current.get("qr_codes") or [])[:QR_ROWS], 1):
        if isinstance(code, dict):
            values[f"qr_caption_{i}"] = _text(code.get("caption"))
            values[f"qr_data_{i}"] = _text(code.get("data"))
    values["logo"] = _text(current.get("logo"))
    fonts = current.get("fonts") if isinstance(current.get("fonts"), dict) else {}
    values["font_regular"] = _text(fonts.get("regular"))
    values["font_bold"] = _text(fonts.get("bold"))
    return values


def service_card_problems(ws: Workspace) -> list[Problem]:
    """What the service card (its default layout) refuses of the company as saved: the
    complaint phone and service promise it must carry (《家客代维人员上门服务规范》), what
    `fieldprint validate` warns of; nothing when company.yaml is not there or does not load
    (the page says that)."""
    if not ws.company_file.is_file():
        return []
    try:
        dataset = ws.load()
    except UserError:
        return []
    if dataset.company is None:
        return []
    from ..card import load_card_layout
    from ..card.job import company_problems
    return company_problems(load_card_layout("service-card"), dataset.company,
                            dataset.company_location, medium="web")


def _qr_rows(values: dict) -> list[dict]:
    rows = []
    for i in range(1, QR_ROWS + 1):
        caption = str(values.get(f"qr_caption_{i}") or "").strip()
        data = str(values.get(f"qr_data_{i}") or "").strip()
        if caption or data:
            rows.append({"caption": caption, "data": data})
    return rows


class CheckFirst(Exception):
    """A save held back: the values typed read with warnings (`warnings`, Problems) that the
    user has not seen: a phone number with a letter in it, say. Nothing was written; the page
    shows them beside what was typed, and saves as typed when asked again (`confirmed`)."""

    def __init__(self, warnings: list[Problem]):
        super().__init__(warnings)
        self.warnings = warnings


def company_warnings(ws: Workspace) -> list[Problem]:
    """What `fieldprint validate` warns of in the company section as saved (a phone number no
    one could dial, …): the same checks (data/models.py), read from company.yaml; nothing when
    it is not there or does not load (the page says that)."""
    if not ws.company_file.is_file():
        return []
    try:
        dataset = load_dataset([ws.company_file], missing_files="ignore")
    except UserError:
        return []
    return [w for w in dataset.warnings if w.path.startswith("company")]


def field_of(problem: Problem) -> str:
    """The form field a company problem is about ('complaint_phone'), or ''."""
    return problem.path.removeprefix("company.").split(".", 1)[0].split("[", 1)[0]


def save_company(ws: Workspace, values: dict, uploads: dict, limits: Limits,
                 confirmed: bool = False) -> None:
    """Write company.yaml from the posted form (and uploaded logo / fonts); UserError with
    every problem, nothing written then. A field changed whose new value reads with a warning
    (`company_warnings`' checks) holds the save back (CheckFirst, nothing written) unless
    `confirmed`: the user saw it and saves it as typed."""
    shown = company_fields(ws)
    changes: dict = {}   # key -> new value; None: removed
    for key in TEXT_FIELDS:
        text = str(values.get(key) or "").strip()
        if text != shown[key].strip():
            changes[key] = text or None
    codes = _qr_rows(values)
    if codes != _qr_rows(shown):
        changes["qr_codes"] = codes
    problems: list[Problem] = []
    files: list[tuple[str, bytes]] = []
    logo = uploads.get("logo")
    if logo:
        name = safe_name(logo[0])
        problem = check_picture(name or "logo", logo[1], limits) if name else Problem(
            _("{name}: not a plain file name; upload the file itself").format(name=logo[0]))
        if problem:
            problems.append(problem)
        else:
            stored = f"logo{Path(name).suffix.lower()}"
            files.append((stored, logo[1]))
            changes["logo"] = stored
    fonts = {}
    for field in ("regular", "bold"):
        upload = uploads.get(f"font_{field}")
        if not upload:
            continue
        name = safe_name(upload[0])
        if not name or Path(name).suffix.lower() not in FONT_SUFFIXES:
            problems.append(Problem(_("{name}: a font is a .ttf, .ttc or .otf file").format(
                name=upload[0])))
            continue
        stored = f"fonts/{field}{Path(name).suffix.lower()}"
        files.append((stored, upload[1]))
        fonts[field] = stored
    if fonts:
        changes["fonts"] = fonts
    if problems:
        raise UserError(problems)
    text = _edited(ws, changes)
    logo_file = changes.get("logo") or shown["logo"]
    # validate in a scratch copy of the folder's view: the new file beside the new files
    with tempfile.TemporaryDirectory(dir=ws.private) as scratch:
        scratch = Path(scratch)
        (scratch / "company.yaml").write_text(text, encoding="utf-8")
        for stored, content in files:
            (scratch / stored).parent.mkdir(parents=True, exist_ok=True)
            (scratch / stored).write_bytes(content)
        if logo_file and not (scratch / logo_file).exists():
            source = ws.root / logo_file
            if source.is_file() and ws.inside(source):
                (scratch / logo_file).write_bytes(source.read_bytes())
        try:
            dataset = load_dataset([scratch / "company.yaml"], missing_files="ignore")
        except UserError as exc:
            raise UserError([Problem(p.message, None, p.path) for p in exc.problems]) from None
    unseen = [Problem(w.message, None, w.path) for w in dataset.warnings
              if w.path.startswith("company") and field_of(w) in changes]
    if unseen and not confirmed:
        raise CheckFirst(unseen)
    for stored, content in files:
        (ws.root / stored).parent.mkdir(exist_ok=True)
        ws.replace(stored, content)
    newline = "\r\n" if "\r\n" in text else "\n"
    for code in LANGUAGES:   # the header of an earlier save, in whichever language it was
        text = text.removeprefix("# " + in_language(code, HEADER) + newline)
    ws.replace("company.yaml", ("# " + _(HEADER) + newline + text).encode("utf-8"))


def _round_trip() -> YAML:
    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 1000
    rt.indent(mapping=2, sequence=4, offset=2)
    return rt


def _edited(ws: Workspace, changes: dict) -> str:
    """company.yaml's text with `changes` made to its company section: a key set to its new
    value, removed where the value is None, `fonts` merged into the fonts there; everything else
    (other keys, comments, quotes, order, line ends, a flat file without `company:`) as it was,
    byte for byte (`_spliced`). A file that does not read as YAML is written anew; one whose
    section is not a block mapping is written through ruamel.yaml's round trip."""
    try:
        with open(ws.company_file, encoding="utf-8-sig", newline="") as fh:
            original = fh.read()
    except FileNotFoundError:
        original = None
    except UnicodeDecodeError:
        original = ""
    if original:
        try:
            spliced = _spliced(original, changes)
        except RoundTripError:
            spliced = None
        if spliced is not None:
            return spliced
    rt = _round_trip()
    try:
        document = rt.load(original) if original else None
    except RoundTripError:
        document = None
    if not isinstance(document, dict):
        document = {"company": {}}
    target = document.get("company", document)
    if not isinstance(target, dict):
        document["company"] = target = {}
    for key, value in changes.items():
        if value is None:
            target.pop(key, None)
        elif key == "fonts" and isinstance(target.get("fonts"), dict):
            target["fonts"].update(value)
        else:
            target[key] = value
    out = io.StringIO()
    rt.dump(document, out)
    return out.getvalue()


def _spliced(text: str, changes: dict) -> str | None:
    """`text` with each changed key's `key: value` rewritten where it stands (a new key after
    the section's last, a removed key's lines taken out), nothing else touched; None when the
    company section is not a block mapping of plain keys (the caller writes the file anew).
    Raises ruamel's YAMLError when `text` is not YAML."""
    from ruamel.yaml.nodes import MappingNode, ScalarNode
    rt = _round_trip()
    root = rt.compose(text)
    if not isinstance(root, MappingNode) or root.flow_style or not root.value:
        return None
    section = next((v for k, v in root.value if isinstance(k, ScalarNode)
                    and k.value == "company"), root)
    if not isinstance(section, MappingNode) or section.flow_style or not section.value:
        return None
    places = {k.value: (k, v) for k, v in section.value if isinstance(k, ScalarNode)}
    indent = section.value[0][0].start_mark.column
    newline = "\r\n" if "\r\n" in text else "\n"
    edits: list[tuple[int, int, str]] = []
    for key, value in changes.items():
        if key in places:
            k, v = places[key]
            start, end = k.start_mark.index, _end_of(text, k, v)
            if value is None:
                edits.append((_line_start(text, start), _line_end(text, end), ""))
                continue
            pair = rt.load(text[start:end])   # the pair alone: its quoting kept on assigning
            if key == "fonts" and isinstance(pair.get("fonts"), dict):
                pair["fonts"].update(value)
            else:
                pair[key] = value
            edits.append((start, end, _dumped(rt, pair, indent, newline)))
        elif value is not None:
            k, v = section.value[-1]
            at = _line_end(text, _end_of(text, k, v))
            before = "" if text[:at].endswith("\n") else newline
            edits.append((at, at, before + " " * indent
                          + _dumped(rt, {key: value}, indent, newline) + newline))
    for start, end, new in sorted(edits, key=lambda e: e[0], reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _end_of(text: str, key, value) -> int:
    """Where a pair's value ends in `text` (after its last character, comments excluded)."""
    from ruamel.yaml.nodes import MappingNode, ScalarNode, SequenceNode
    if isinstance(value, ScalarNode) and value.value == "" and value.style is None:
        return text.index(":", key.end_mark.index) + 1     # `key:` with nothing after
    while isinstance(value, (MappingNode, SequenceNode)) and not value.flow_style \
            and value.value:
        value = value.value[-1][1] if isinstance(value, MappingNode) else value.value[-1]
    end = value.end_mark.index
    while end > key.end_mark.index and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _line_start(text: str, index: int) -> int:
    return text.rfind("\n", 0, index) + 1


def _line_end(text: str, index: int) -> int:
    """Just after the line break ending the line of `index` (or the end of `text`)."""
    at = text.find("\n", index)
    return len(text) if at == -1 else at + 1


def _dumped(rt: YAML, pair: dict, indent: int, newline: str) -> str:
    """A mapping of one pair as ruamel.yaml writes it, its further lines indented by
    `indent`."""
    out = io.StringIO()
    rt.dump(pair, out)
    lines = out.getvalue().rstrip("\n").split("\n")
    return newline.join([lines[0]] + [" " * indent + line if line else line
                                      for line in lines[1:]])
