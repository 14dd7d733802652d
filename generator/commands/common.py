"""What every command shares: the DATA argument, loading, and printing problems."""
from __future__ import annotations

from pathlib import Path

import click

from ..dataset import Dataset, load_dataset
from ..errors import Problem


def data_argument(func):
    return click.argument("data", nargs=-1, required=True, type=click.Path(path_type=Path))(func)


def only_option(func):
    return click.option("--only", "only", multiple=True, metavar="ID",
                        help="Only these records (repeat: --only SZ10023 --only SZ10024).")(func)


def load(data: tuple[Path, ...], **options) -> Dataset:
    """Load and validate, printing warnings; UserError propagates to the CLI's exit 2."""
    dataset = load_dataset(data, **options)
    report_problems(dataset.warnings, prefix="warning: ")
    return dataset


def report_problems(problems: list[Problem], prefix: str = "") -> None:
    for problem in problems:
        click.echo(f"{prefix}{problem}", err=True)
    if problems and not prefix:
        n = len(problems)
        click.echo(f"{n} problem{'s' if n != 1 else ''} found; nothing was written.", err=True)


def select(records: list, only: tuple[str, ...], section: str) -> list:
    """Records in data order, limited to --only IDs; an unknown ID is a usage error."""
    if not only:
        return list(records)
    known = {r.id for r in records}
    unknown = [i for i in only if i not in known]
    if unknown:
        from ..errors import UserError
        from ..sources import suggest
        raise UserError([Problem(f"--only {i}: no such id in {section}{suggest(i, known)}")
                         for i in unknown])
    wanted = set(only)
    return [r for r in records if r.id in wanted]
