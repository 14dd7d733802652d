"""`fieldprint validate`: check data files and list every problem."""
from __future__ import annotations

import click

from ..i18n import _, _l
from .clicktext import command
from .common import data_argument, load, report_problems, warning_prefix


@command("validate", help=_l("""Check data files before printing and list every problem at once, with
    file, line and column: for whoever keeps the staff list, the orders or the register.

    Exits 0 when all is well, 2 when something must be fixed.

    \b
    Examples:
      fieldprint validate examples/*.yaml
      fieldprint validate 花名册.xlsx 工单.csv --section work_orders"""))
@data_argument
def validate(data):
    from ..orders import order_warnings
    dataset = load(data)
    report_problems(order_warnings(dataset), prefix=warning_prefix())
    company = dataset.company.name if dataset.company else _("no company")
    click.echo(_("OK: {company}; {staff} staff, {orders} work orders, {items} equipment "
                 "items.").format(company=company, staff=len(dataset.staff),
                                  orders=len(dataset.work_orders),
                                  items=len(dataset.equipment)))


COMMANDS = [validate]
