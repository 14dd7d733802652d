"""`fieldprint layouts`: list and copy the built-in layouts and templates."""
from __future__ import annotations

import shutil
from pathlib import Path

import click

from ..content import content_dir
from ..output import check_target

KINDS = (("badges", "*.yaml", "card layout (badges, service cards)"),
         ("forms", "*.yaml", "form layout (work orders, confirmations, reports)"),
         ("templates", "*.docx", "Word template"))


def builtin_files():
    for folder, pattern, kind in KINDS:
        for path in sorted(content_dir(folder).glob(pattern)):
            yield folder, path, kind


@click.group(invoke_without_command=True)
@click.pass_context
def layouts(ctx):
    """List the built-in layouts, or copy them to edit.

    \b
    Examples:
      fieldprint layouts list
      fieldprint layouts export my-layouts
      fieldprint badges examples/staff.yaml --layout my-layouts/badges/badge.yaml
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(list_layouts)


@layouts.command("list")
def list_layouts():
    """List the built-in layouts by name, with what each is for.

    \b
    Example:
      fieldprint layouts list
    """
    for folder, path, kind in builtin_files():
        click.echo(f"{path.stem:<28} {folder}/{path.name:<32} {kind}")


@layouts.command("export")
@click.argument("directory", type=click.Path(path_type=Path))
def export(directory: Path):
    """Copy every built-in layout and template into DIRECTORY, to edit and use with --layout.

    Files already in DIRECTORY are kept, never overwritten.

    \b
    Example:
      fieldprint layouts export my-layouts
      fieldprint badges staff.yaml --layout my-layouts/badges/badge.yaml
    """
    check_target(directory, directory=True)
    copied = 0
    for folder, path, _ in builtin_files():
        target = directory / folder / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            click.echo(f"kept {target} (already there)")
            continue
        shutil.copy2(path, target)
        copied += 1
        # artwork a layout refers to travels with it
        for asset in sorted(path.parent.glob(f"{path.stem}.*")):
            if asset != path and not (target.parent / asset.name).exists():
                shutil.copy2(asset, target.parent / asset.name)
    click.echo(f"copied {copied} files into {directory}")


COMMANDS = [layouts]
