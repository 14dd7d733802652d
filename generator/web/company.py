"""The 公司信息 page: the company section as a form, saved as WORKSPACE/company.yaml.

The form shows the file as every command reads it, and a save changes only the fields whose
text the user changed: keys the form does not show (columns, holidays, …) and fields left as
shown stay as the file writes them (`010`, `yes`, a date), and so do the file's comments, quoting
and key order (ruamel.yaml's round trip): the office's notes survive a save. The new file is
validated the way every command reads it before it replaces the old one (kept in history).
"""
from __future__ import annotations

import io
import tempfile
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError as RoundTripError

from ..data.dataset import load_dataset
from ..data.yamlsource import load_yaml
from ..errors import Location, Problem, UserError
from ..i18n import LANGUAGES, N_, _, in_language
from .uploads import FONT_SUFFIXES, Limits, check_picture, safe_name
from .workspace import Workspace

TEXT_FIELDS = ("name", "short_name", "unit", "partner_label", "hotline", "consult_phone",
               "complaint_phone", "service_promise", "address", "website", "feedback_qr")
QR_ROWS = 3


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


def _qr_rows(values: dict) -> list[dict]:
    rows = []
    for i in range(1, QR_ROWS + 1):
        caption = str(values.get(f"qr_caption_{i}") or "").strip()
        data = str(values.get(f"qr_data_{i}") or "").strip()
        if caption or data:
            rows.append({"caption": caption, "data": data})
    return rows


def save_company(ws: Workspace, values: dict, uploads: dict, limits: Limits) -> None:
    """Write company.yaml from the posted form (and uploaded logo / fonts); UserError with
    every problem, nothing written then."""
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
            load_dataset([scratch / "company.yaml"], missing_files="ignore")
        except UserError as exc:
            raise UserError([Problem(p.message, None, p.path) for p in exc.problems]) from None
    for stored, content in files:
        (ws.root / stored).parent.mkdir(exist_ok=True)
        ws.replace(stored, content)
    for code in LANGUAGES:   # the header of an earlier save, in whichever language it was
        text = text.removeprefix("# " + in_language(code, HEADER) + "\n")
    ws.replace("company.yaml", ("# " + _(HEADER) + "\n" + text).encode("utf-8"))


def _edited(ws: Workspace, changes: dict) -> str:
    """company.yaml's text with `changes` made to its company section: a key set to its new
    value, removed where the value is None, `fonts` merged into the fonts there; everything else
    (other keys, comments, quotes, order, a flat file without `company:`) as it was. A file that
    does not read as YAML is written anew."""
    rt = YAML()
    rt.preserve_quotes = True
    rt.width = 1000
    rt.indent(mapping=2, sequence=4, offset=2)
    try:
        document = rt.load(ws.company_file.read_text(encoding="utf-8-sig")) \
            if ws.company_file.is_file() else None
    except (RoundTripError, UnicodeDecodeError):
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
