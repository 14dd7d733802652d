"""`fieldprint demo`: every artifact from the bundled examples."""
from __future__ import annotations

from pathlib import Path

import click

from ..content import content_dir
from ..output import check_target
from . import badges, equipment, forms, service_cards

# Each module's demo(examples, out) renders its artifacts and returns the files written.
ARTIFACTS = (badges, service_cards, forms, equipment)


@click.command()
@click.option("-o", "--output", "out", type=click.Path(path_type=Path), default=Path("fieldprint-demo"),
              show_default=True, help="Folder for the files (created if missing).")
def demo(out: Path):
    """Render every artifact from the bundled example company, to see what fieldprint makes.

    \b
    Example:
      fieldprint demo -o out
    """
    check_target(out, directory=True)
    examples = content_dir("examples")
    written: list[Path] = []
    for module in ARTIFACTS:
        make = getattr(module, "demo", None)
        if make is not None:
            written.extend(make(examples, out))
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"{len(written)} files in {out}/ (from the examples in {examples})")


COMMANDS = [demo]
