"""Reading data files into sections: {section name: marked records}.

YAML files hold sections by name (`staff:`, `work_orders:` ...), or a bare list when the file is
named after its section (staff.yaml). Spreadsheets (.csv, .xlsx) come in through `read_table`.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from ..errors import Location, Problem, UserError, suggest
from ..i18n import _, words
from .models import SECTIONS
from .yamlsource import MarkedDict, MarkedList, load_yaml

YAML_SUFFIXES = {".yaml", ".yml"}
TABLE_SUFFIXES = {".csv", ".xlsx"}


def section_from_name(path: Path) -> str | None:
    """staff.yaml -> staff; work-orders.csv -> work_orders; anything else -> None."""
    stem = path.stem.lower().replace("-", "_")
    return stem if stem in SECTIONS else None


def read_sections(path: Path, records=None, **table_options) -> dict[str, Any]:
    """The sections one data file holds. `records(section, items, start, places)`: see
    load_yaml (here the list of a file named after its section comes with that section's
    name)."""
    suffix = path.suffix.lower()
    if path.is_dir():
        raise UserError(Problem(_("this is a folder, not a data file; name the files inside "
                                  "it"), Location(str(path))))
    if suffix in TABLE_SUFFIXES or "#" in path.name and path.name.split("#")[0].endswith(".xlsx"):
        from .tables import read_table  # spreadsheets: only loaded when used
        return read_table(path, **table_options)
    if suffix not in YAML_SUFFIXES:
        raise UserError(Problem(
            _("fieldprint reads .yaml, .yml, .csv and .xlsx files, not {suffix}").format(
                suffix=suffix) if suffix else
            _("fieldprint reads .yaml, .yml, .csv and .xlsx files, not files without a suffix"),
            Location(str(path))))
    if records is not None:
        named, hook = section_from_name(path), records
        records = lambda section, items, start, places: hook(  # noqa: E731
            section or named, items, start, places)
    data = load_yaml(path, records=records)
    if isinstance(data, MarkedList):
        section = section_from_name(path)
        if section is None or section == "company":
            raise UserError(Problem(_(
                "this file is a list, but its name does not say what of; start it with "
                "'staff:', 'work_orders:' or 'equipment:', or name it staff.yaml etc."),
                data.location()))
        return {section: data}
    if not isinstance(data, MarkedDict):
        raise UserError(Problem(_("expected sections such as 'company:' and 'staff:' here, "
                                  "found a single value"), Location(str(path), 1, 1)))
    if section_from_name(path) == "company" and "company" not in data:
        return {"company": data}  # company.yaml may hold the company's fields directly
    problems = [Problem(_("unknown section {key!r}").format(key=key) + suggest(key, SECTIONS)
                        + _(" (sections: {sections})").format(sections=words(SECTIONS)),
                        data.location(key))
                for key in data if key not in SECTIONS]
    if problems:
        raise UserError(problems)
    return dict(data)
