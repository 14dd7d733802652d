"""`fieldprint validate`: check data files and list every problem."""
from __future__ import annotations

import click

from .common import data_argument, load


@click.command()
@data_argument
def validate(data):
    """Check data files and list every problem at once, with file:line:column.

    Exits 0 when all is well, 2 when something must be fixed.

    \b
    Example:
      fieldprint validate examples/*.yaml
    """
    dataset = load(data)
    counts = ", ".join(f"{len(getattr(dataset, s))} {s.replace('_', ' ')}"
                       for s in ("staff", "work_orders", "equipment"))
    company = dataset.company.name if dataset.company else "no company"
    click.echo(f"OK: {company}; {counts}.")


COMMANDS = [validate]
