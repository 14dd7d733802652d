"""`fieldprint demo`: every artifact from the bundled examples."""
from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _, _l
from .clicktext import command, option
from . import badges, equipment, forms, phrase_cards, service_cards

# Each module's demo(examples, out) renders its artifacts and returns the files written.
ARTIFACTS = (badges, service_cards, phrase_cards, forms, equipment)


@command("demo", help=_l("""Print every artifact from the bundled example company into a
    folder, to see what fieldprint makes before using your own data.

    \b
    Examples:
      fieldprint demo
      fieldprint demo -o out"""))
@option("-o", "--output", "out", type=click.Path(path_type=Path),
        default=Path("fieldprint-demo"), show_default=True, metavar=_l("FOLDER"),
        help=_l("Folder for the files (created if missing)."))
def demo(out: Path):
    from ..content import content_dir
    from ..output import check_target
    check_target(out, directory=True)
    examples = content_dir("examples")
    written: list[Path] = []
    for module in ARTIFACTS:
        make = getattr(module, "demo", None)
        if make is not None:
            written.extend(make(examples, out))
    for path in written:
        click.echo(_("wrote {path}").format(path=path))
    click.echo(_("{n} files in {folder}/ (from the examples in {examples})").format(
        n=len(written), folder=out, examples=examples))


COMMANDS = [demo]
