"""The `fieldprint` command. Only this module turns exceptions into exit codes:
0 done; 1 the command ran and found what --fail-on asks about; 2 bad input or usage;
a bug keeps its traceback."""
from __future__ import annotations

import sys

import click

from . import __version__
from .errors import UserError
from .commands import (badges, common, demo, equipment, forms, layouts, service_cards,
                       template, validate)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="fieldprint")
@click.option("-q", "--quiet", is_flag=True, help="No progress line on long jobs.")
def cli(quiet: bool) -> None:
    """Print the paperwork of a field-service team from the data the office keeps.

    DATA is one or more YAML files (.csv and .xlsx too) with the sections company, staff,
    work_orders and equipment. A company.yaml beside the first file is used when no company
    section is given.

    \b
    Examples:
      fieldprint demo -o out                        every artifact from the bundled examples
      fieldprint validate examples/*.yaml           check the data, list every problem
      fieldprint badges examples/staff.yaml -o badges.pdf
      fieldprint work-orders examples/work_orders.yaml examples/staff.yaml -o orders.pdf
      fieldprint equipment examples/equipment.yaml --as-of 2026-11-21
    """


for module in (validate, badges, service_cards, forms, equipment, template, layouts, demo):
    for command in module.COMMANDS:
        cli.add_command(command)


def main(argv: list[str] | None = None) -> None:
    try:
        result = cli.main(args=argv, prog_name="fieldprint", standalone_mode=False)
    except UserError as exc:
        common.report_problems(exc.problems)
        sys.exit(2)
    except click.exceptions.Abort:
        click.echo("stopped.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(2 if exc.exit_code == 2 else exc.exit_code)
    except KeyboardInterrupt:
        click.echo("stopped; no output file was left half-written.", err=True)
        sys.exit(130)
    sys.exit(result if isinstance(result, int) else 0)


if __name__ == "__main__":
    main()
