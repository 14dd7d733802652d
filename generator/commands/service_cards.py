"""`fieldprint service-cards`: the customer service card (服务卡) each engineer leaves behind."""
from __future__ import annotations

from pathlib import Path

import click

from ..i18n import _l
from .badges import allow_missing_photos_option, card_options, layout_option, run_cards
from .clicktext import command, option
from .common import data_argument


@command("service-cards", help=_l("""Print customer service cards (服务卡, 90 × 54 mm) that each
    engineer leaves with the customer after a visit: name, employee ID and phone, the hotline
    and a QR code on the front; the service promise, the complaint phone and the goodbye line
    on the back.

    A4 sheets hold 10 cards (2 × 5) with crop marks. A service card is one double-sided card:
    each front sheet is followed by its back sheet for duplex printing (flip on long edge).

    Each engineer leaves one at every visit, so each person gets 10 cards by default, one
    full A4 sheet (and its back): 15 people make 30 pages. --copies 1 for one card each.

    \b
    Examples:
      fieldprint service-cards staff.xlsx -o service-cards.pdf
      fieldprint service-cards staff.yaml --only SZ10023 --copies 20
      fieldprint service-cards staff.yaml --sheet none --copies 1 --png cards/"""))
@data_argument
@layout_option("service-card")
@card_options(duplex=True, copies=10)
@option("-o", "--output", type=click.Path(path_type=Path), metavar=_l("FILE.pdf"),
        help=_l("The PDF to write (default: service-cards.pdf; not written when only --png "
                "is given)."))
@allow_missing_photos_option
def service_cards(data, layout, output, allow_missing_photos, **options):
    from click.core import ParameterSource
    given = click.get_current_context().get_parameter_source("copies")
    return run_cards(data, layout=layout, output=output,
                     allow_missing_photos=allow_missing_photos,
                     allow_missing_qr=True, what="service card",
                     default_output="service-cards.pdf",
                     copies_by_default=given == ParameterSource.DEFAULT, **options)


def demo(examples_dir: Path, out_dir: Path) -> list[Path]:
    """Service cards of the first three example engineers, 10 each, both sides on A4, and
    PNGs of the first one."""
    from ..card import CardRun, execute, load_card_layout
    from ..data.dataset import load_dataset
    from ..output import check_target
    dataset = load_dataset([examples_dir / "staff.yaml"], missing_files="ignore")
    company = dataset.require_company()
    people = dataset.staff[:3]
    origins = {p.id: dataset.origins.get(("staff", p.id)) for p in people}
    check_target(out_dir, directory=True)
    layout = load_card_layout("service-card")
    target = out_dir / "service-cards.pdf"
    execute(CardRun(layout, company, people, origins, sides=("front", "back"), sheet="a4",
                    copies=10, duplex=True, manifest=False, what="service card"), target, None)
    pngs = execute(CardRun(layout, company, people[:1], origins, sides=("front", "back"),
                           sheet="none", duplex=True, manifest=False, what="service card"),
                   None, out_dir / "service-cards-png").pngs
    written = [target, *pngs]
    uyghur = [p for p in dataset.staff if p.name_ug]    # the bilingual card
    if uyghur:
        bilingual = out_dir / "service-cards-bilingual.pdf"
        execute(CardRun(load_card_layout("service-card-bilingual"), company, uyghur,
                        {p.id: dataset.origins.get(("staff", p.id)) for p in uyghur},
                        sides=("front",), sheet="none", manifest=False, what="service card"),
                bilingual, None)
        written.append(bilingual)
    return written


COMMANDS = [service_cards]
