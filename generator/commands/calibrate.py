"""`fieldprint calibrate`: the printer calibration sheet (rulers, front and back crosses)."""
from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _, _l
from .badges import check_output, offset_value
from .clicktext import command, option


@command("calibrate", help=_l("""Print a sheet to calibrate the printer for cards, for whoever
    prints them: a 100 mm ruler on both axes (is the printer scaling?), a cross 30 mm from the
    edges on each side of the paper (where does it really print?) and a frame 5.5 mm from the
    edge (can it print that close?).

    Print it double-sided (flip on long edge) at actual size, measure, and give the result to
    badges and service cards as --offset X,Y and --back-offset X,Y, or store it in the company
    file as printer: {offset: "X,Y", back_offset: "X,Y"}.

    \b
    Examples:
      fieldprint calibrate -o calibration.pdf
      fieldprint calibrate --offset 0.8,-0.5 --back-offset -1.2,0.3"""))
@option("-o", "--output", type=click.Path(path_type=Path), default=Path("calibration.pdf"),
        show_default=True, metavar=_l("FILE.pdf"), help=_l("The PDF to write."))
@option("--offset", callback=offset_value, metavar="X,Y",
        help=_l("Print the front shifted by X,Y mm, to check a correction."))
@option("--back-offset", callback=offset_value, metavar="X,Y",
        help=_l("Print the back shifted by X,Y mm, to check a correction."))
def calibrate(output, offset, back_offset):
    from ..card.calibrate import write_sheet
    check_output(output)
    write_sheet(output, offset=offset or (0.0, 0.0), back_offset=back_offset or (0.0, 0.0))
    click.echo(_("wrote {path}: print it double-sided (flip on long edge) at actual size "
                 "(100 %), then measure as the sheet says").format(path=output))
    return 0


COMMANDS = [calibrate]
