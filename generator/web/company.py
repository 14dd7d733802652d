"""The 公司信息 page: the company section as a form, saved as WORKSPACE/company.yaml.

Keys the form does not show (columns, holidays, …) are kept as they were, and so are the file's
comments, quoting and key order (ruamel.yaml's round trip): the office's notes survive a save.
The new file is validated the way every command reads it before it replaces the old one (kept
in history).
"""
from __future__ import annotations

import io
import tempfile
from pathlib import Path

import yaml
from ruamel.yaml import YAML
from ruamel.yaml.error import YAMLError as RoundTripError

from ..data.dataset import load_dataset
from ..errors import Problem, UserError
from ..i18n import _
from .uploads import FONT_SUFFIXES, Limits, check_picture, safe_name
from .workspace import Workspace

TEXT_FIELDS = ("name", "short_name", "unit", "partner_label", "hotline", "consult_phone",
               "complaint_phone", "service_promise", "address", "website", "feedback_qr")
QR_ROWS = 3


def _current(ws: Workspace) -> dict:
    if not ws.company_file.is_file():
        return {}
    try:
        data = yaml.safe_load(ws.company_file.read_text(encoding="utf-8-sig")) or {}
    except (yaml.YAMLError, UnicodeDecodeError):
        return {}
    section = data.get("company", data) if isinstance(data, dict) else {}
    return section if isinstance(section, dict) else {}


def company_fields(ws: Workspace) -> dict:
    """The form's values, flat: name, hotline, qr_caption_1, qr_data_1, …"""
    current = _current(ws)
    values = {k: "" if current.get(k) is None else str(current.get(k)) for k in TEXT_FIELDS}
    for i, code in enumerate((current.get("qr_codes") or [])[:QR_ROWS], 1):
        if isinstance(code, dict):
            values[f"qr_caption_{i}"] = str(code.get("caption") or "")
            values[f"qr_data_{i}"] = str(code.get("data") or "")
    values["logo"] = str(current.get("logo") or "")
    fonts = current.get("fonts") if isinstance(current.get("fonts"), dict) else {}
    values["font_regular"] = str(fonts.get("regular") or "")
    values["font_bold"] = str(fonts.get("bold") or "")
    return values


def save_company(ws: Workspace, values: dict, uploads: dict, limits: Limits) -> None:
    """Write company.yaml from the posted form (and uploaded logo / fonts); UserError with
    every problem, nothing written then."""
    current = _current(ws)
    section = dict(current)
    for key in TEXT_FIELDS:
        text = str(values.get(key) or "").strip()
        if text:
            section[key] = text
        else:
            section.pop(key, None)
    codes = []
    for i in range(1, QR_ROWS + 1):
        caption = str(values.get(f"qr_caption_{i}") or "").strip()
        data = str(values.get(f"qr_data_{i}") or "").strip()
        if caption or data:
            codes.append({"caption": caption, "data": data})
    section["qr_codes"] = codes
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
            section["logo"] = stored
    fonts = dict(section.get("fonts") or {}) if isinstance(section.get("fonts"), dict) else {}
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
        section["fonts"] = fonts
    if problems:
        raise UserError(problems)
    text = _edited(ws, section)
    # validate in a scratch copy of the folder's view: the new file beside the new files
    with tempfile.TemporaryDirectory(dir=ws.private) as scratch:
        scratch = Path(scratch)
        (scratch / "company.yaml").write_text(text, encoding="utf-8")
        for stored, content in files:
            (scratch / stored).parent.mkdir(parents=True, exist_ok=True)
            (scratch / stored).write_bytes(content)
        for key in ("logo",):
            if key in section and not (scratch / str(section[key])).exists():
                source = ws.root / str(section[key])
                if source.is_file() and ws.inside(source):
                    (scratch / str(section[key])).write_bytes(source.read_bytes())
        try:
            load_dataset([scratch / "company.yaml"], missing_files="ignore")
        except UserError as exc:
            raise UserError([Problem(p.message, None, p.path) for p in exc.problems]) from None
    for stored, content in files:
        (ws.root / stored).parent.mkdir(exist_ok=True)
        ws.replace(stored, content)
    header = "# " + _("Written by fieldprint serve; the previous version is in .history/") + "\n"
    ws.replace("company.yaml", (text if text.startswith(header) else header + text).encode(
        "utf-8"))


def _edited(ws: Workspace, section: dict) -> str:
    """company.yaml's text with its company section made equal to `section`: changed keys set,
    keys no longer there removed, everything else (comments, quotes, order, a flat file without
    `company:`) as it was. A file that does not read as YAML is written anew."""
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
    for key in [k for k in target if k not in section]:
        del target[key]
    for key, value in section.items():
        if key not in target or target[key] != value:
            target[key] = value
    out = io.StringIO()
    rt.dump(document, out)
    return out.getvalue()
