"""`fieldprint template FILE`: an empty spreadsheet to fill in (generator.data.blank_sheets
makes it), written where the user says.
"""
from __future__ import annotations

from pathlib import Path

import click

from ..errors import Problem, UserError
from ..i18n import _, _l
from .clicktext import argument, command, option
from .common import SECTIONS


@command("template", help=_l("""Write an empty spreadsheet to fill in, with the column headers,
    one example row and drop-down lists: for office staff who keep the data in Excel.

    FILE is staff.xlsx, work_orders.xlsx, equipment.xlsx (with a 检查记录 sheet for the
    checks) or checks.xlsx; .csv works too (UTF-8 with BOM, opens in Excel). Fill it in,
    delete the example row, then give it to any command: fieldprint badges staff.xlsx.
    company.yaml gives the company's details (name, hotline, logo ...) to fill in;
    phrases.yaml example phrases for the pocket card, one for each moment of a visit the
    service standard names, to put in the company's own words.

    \b
    Examples:
      fieldprint template staff.xlsx
      fieldprint template 花名册.xlsx --section staff
      fieldprint template equipment.xlsx --force
      fieldprint template company.yaml
      fieldprint template phrases.yaml"""))
@argument("target", type=click.Path(path_type=Path), metavar=_l("FILE"))
@option("--section", type=SECTIONS,
        help=_l("What the spreadsheet is for, when the file name does not say."))
@option("--force", is_flag=True, help=_l("Replace the file if it exists."))
def template(target: Path, section: str | None, force: bool):
    from ..data import headers as H
    from ..data.tables import section_from_name
    if not target.suffix and target.name.lower().replace("-", "_") in H.TABLE_SECTIONS:
        target = target.with_name(target.name + ".xlsx")  # fieldprint template staff
    suffix = target.suffix.lower()
    if suffix in (".yaml", ".yml") and (section or target.stem.lower()) in YAML_FILES:
        return _yaml_file(target, (section or target.stem.lower()), force)
    if suffix not in (".xlsx", ".csv"):
        raise UserError(Problem(_("{file}: a template is a .xlsx or .csv file (or "
                                  "company.yaml, phrases.yaml)").format(file=target.name)))
    section = section or section_from_name(target)
    if section is None:
        raise UserError(Problem(_(
            "{file}: the name does not say what the spreadsheet holds; call it staff.xlsx, "
            "work_orders.xlsx, equipment.xlsx or checks.xlsx, or pass --section").format(
                file=target.name)))
    if target.exists() and not force:
        raise UserError(Problem(_("{path} exists; pass --force to replace it").format(
            path=target)))
    from ..data.blank_sheets import template_bytes
    from ..output import write_bytes
    write_bytes(target, template_bytes(section, suffix))
    click.echo(_("wrote {path} ({section}): fill it in, delete the example row, then e.g. "
                 "fieldprint validate {path}").format(path=target,
                                                      section=SECTIONS.word(section)))


YAML_FILES = ("company", "phrases")   # the bundled examples a user starts from


def _yaml_file(target: Path, name: str, force: bool) -> None:
    """company.yaml or phrases.yaml to fill in: the company's with a 【placeholder】 for each
    of its details (templates/company.yaml: refused until filled in), the phrases the bundled
    example's, with its comments."""
    from ..content import content_dir, yaml_template
    from ..output import write_bytes
    if target.exists() and not force:
        raise UserError(Problem(_("{path} exists; pass --force to replace it").format(
            path=target)))
    if name == "company":   # placeholders to fill in (refused while they are left)
        text = (content_dir("templates") / "company.yaml").read_text(encoding="utf-8")
        write_bytes(target, text.encode("utf-8"))
        click.echo(_("wrote {path}: replace each 【…】 in it with your company's details (and "
                     "add a logo file, if any), then keep it beside your data files").format(
                         path=target))
    else:
        write_bytes(target, yaml_template(name))
        click.echo(_("wrote {path}: example phrases for each moment of a visit the service "
                     "standard names; put them in your company's words, then fieldprint "
                     "phrase-cards {path} staff.xlsx").format(
                         path=target))


COMMANDS = [template]
