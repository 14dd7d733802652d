"""`fieldprint layouts`: list and copy the built-in layouts and templates."""
from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _, _l, ngettext
from .clicktext import argument, command, group
from .columns import pad

KINDS = (("badges", "*.yaml", _l("card layout")),
         ("forms", "*.yaml", _l("form layout")),
         ("templates", "*.docx", _l("Word template")))


def used_by(folder: str, path: Path) -> str | None:
    """The command that prints with the built-in file at `path` (in `folder`), or None."""
    from ..card_kinds import CARD_LAYOUTS
    from ..form_kinds import KINDS as FORMS
    if folder == "badges":
        return next((command for command, names in CARD_LAYOUTS.items()
                     if path.stem in names), None)
    if folder == "forms":
        return next((kind.command for kind in FORMS.values() if kind.layout == path.stem),
                    "equipment" if path.stem == "equipment-report" else None)
    return next((kind.command for kind in FORMS.values() if kind.template == path.name), None)


def builtin_files():
    """The built-in layouts and templates: (folder, path, kind) for each, by folder and name."""
    from ..content import content_dir
    for folder, pattern, kind in KINDS:
        for path in sorted(content_dir(folder).glob(pattern)):
            yield folder, path, kind


@group("layouts", invoke_without_command=True, help=_l("""List the built-in layouts (the look of
    each card and form), or copy them to change: for whoever adapts the look to the company.

    \b
    Examples:
      fieldprint layouts list
      fieldprint layouts export my-layouts
      fieldprint badges staff.xlsx --layout my-layouts/badges/badge.yaml"""))
@click.pass_context
def layouts(ctx):
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_layouts)


@layouts.command("list", help=_l("""List the built-in layouts by name, with what each is for.

    \b
    Examples:
      fieldprint layouts list
      fieldprint badges staff.xlsx --layout badge-insert"""))
def list_layouts():
    rows = [(_("name"), _("file"), _("for"))]
    rows += [(path.stem, f"{folder}/{path.name}",
              _("{kind} of fieldprint {command}").format(kind=kind, command=command)
              if (command := used_by(folder, path)) else str(kind))
             for folder, path, kind in builtin_files()]
    for name, file, kind in rows:
        click.echo(f"{pad(name, 28)} {pad(file, 40)} {kind}".rstrip())


@layouts.command("export", help=_l("""Copy every built-in layout and Word template into FOLDER,
    to change them and print with --layout (or --template).

    Files already in FOLDER are kept, never overwritten.

    \b
    Examples:
      fieldprint layouts export my-layouts
      fieldprint badges staff.yaml --layout my-layouts/badges/badge.yaml"""))
@argument("directory", type=click.Path(path_type=Path), metavar=_l("FOLDER"))
def export(directory: Path):
    import os

    from ..output import check_target, write_bytes
    check_target(directory, directory=True)
    copied = 0
    for folder, path, _kind in builtin_files():
        target = directory / folder / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        # a link is kept too, even a broken one: copying would write wherever it points
        if os.path.lexists(target):
            click.echo(_("kept {path} (already there)").format(path=target))
            continue
        write_bytes(target, path.read_bytes())
        copied += 1
        # artwork a layout refers to travels with it
        for asset in sorted(path.parent.glob(f"{path.stem}.*")):
            if asset != path and not os.path.lexists(target.parent / asset.name):
                write_bytes(target.parent / asset.name, asset.read_bytes())
    click.echo(ngettext("copied {n} file into {folder}", "copied {n} files into {folder}",
                        copied).format(n=copied, folder=directory))


COMMANDS = [layouts]
