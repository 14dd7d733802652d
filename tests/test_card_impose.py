"""Imposition: how many cards fit on A4, gaps, centring, crop marks, duplex order.
Pure geometry in mm: no PDF is drawn."""
from __future__ import annotations

import pytest

from generator.card.impose import grid, plan
from generator.card.layout import load_card_layout
from generator.card.model import SheetSpec
from generator.units import A4


def _boxes_overlap(a, b) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("name, per_sheet", [("badge", 4), ("badge-insert", 9),
                                             ("badge-insert-landscape", 8), ("service-card", 10)])
def test_built_in_layouts_fill_a4_centred_with_gaps(name, per_sheet):
    layout = load_card_layout(name)
    g = grid(layout.size, layout.model.bleed, layout.model.sheet)
    assert g.per_sheet == per_sheet
    # gaps for cutting, or (service cards, 10 a sheet) rows butted on shared cut lines
    assert g.gap_x >= 5 and (g.rows == 1 or g.gap_y >= 5 or (name == "service-card" and g.gap_y == 0))
    assert g.gap_x >= 2 * g.bleed
    # the bleed keeps the printer margin (5 mm) from the paper edge
    assert g.left - g.bleed >= 5 - 1e-9 and g.top - g.bleed >= 5 - 1e-9
    w, h = layout.size
    right = g.left + g.columns * w + (g.columns - 1) * g.gap_x
    bottom = g.top + g.rows * h + (g.rows - 1) * g.gap_y
    assert g.left == pytest.approx(A4[0] - right)       # centred
    assert g.top == pytest.approx(A4[1] - bottom)
    assert g.left >= layout.model.sheet.margin and g.top >= layout.model.sheet.margin - 1e-9


def test_service_cards_are_two_by_five():
    layout = load_card_layout("service-card")
    g = grid(layout.size, layout.model.bleed, layout.model.sheet)
    assert (g.columns, g.rows) == (2, 5)


@pytest.mark.parametrize("n, sheets", [(1, 1), (4, 1), (7, 2), (13, 4)])
def test_sheet_counts_for_any_number_of_badges(n, sheets):
    layout = load_card_layout("badge")
    pages, g = plan(n, ("front", "back"), layout.size, layout.model.bleed, layout.model.sheet, "a4")
    assert len(pages) == 2 * sheets
    # the standard's separate cards: every front sheet, then every back sheet
    assert [p.side for p in pages] == ["front"] * sheets + ["back"] * sheets
    assert sum(len(p.slots) for p in pages if p.side == "front") == n
    # each back in the same slot as its front, not mirrored
    fronts = {s.card: (s.x, s.y) for p in pages if p.side == "front" for s in p.slots}
    backs = {s.card: (s.x, s.y) for p in pages if p.side == "back" for s in p.slots}
    assert fronts == backs
    duplex, _ = plan(n, ("front", "back"), layout.size, layout.model.bleed, layout.model.sheet,
                     "a4", duplex=True)
    assert [p.side for p in duplex] == ["front", "back"] * sheets


def test_start_leaves_the_first_slots_empty_on_fronts_and_backs():
    layout = load_card_layout("badge-insert")
    pages, g = plan(2, ("front", "back"), layout.size, layout.model.bleed, layout.model.sheet,
                    "a4", start=5)
    assert [[s.number for s in p.slots] for p in pages] == [[5, 6], [5, 6]]
    assert (pages[0].slots[0].x, pages[0].slots[0].y) == g.position(4)
    pages, _ = plan(6, ("front",), layout.size, layout.model.bleed, layout.model.sheet, "a4",
                    start=8)
    assert [[s.number for s in p.slots] for p in pages] == [[8, 9], [1, 2, 3, 4]]
    from generator.errors import UserError
    with pytest.raises(UserError, match="--start 10"):
        plan(1, ("front",), layout.size, layout.model.bleed, layout.model.sheet, "a4", start=10)


def test_butted_rows_keep_the_bleed_only_on_outer_edges():
    layout = load_card_layout("service-card")
    pages, g = plan(10, ("front",), layout.size, layout.model.bleed, layout.model.sheet, "a4")
    b = layout.model.bleed
    slots = pages[0].slots
    assert slots[0].bleeds == (b, b, b, 0)             # top row: no bleed into the row below
    assert slots[4].bleeds == (b, 0, b, 0)             # a middle row
    assert slots[9].bleeds == (b, 0, b, b)             # bottom row
    for above, below in zip(slots[:-2], slots[2:]):    # rows share their cut lines
        assert below.y == pytest.approx(above.y + layout.size[1])


def test_card_pages_with_bleed_carry_it_round_the_trim():
    layout = load_card_layout("badge-insert")
    pages, _ = plan(1, ("front",), layout.size, 2, layout.model.sheet, "none", with_bleed=True)
    assert pages[0].size == (59, 94)
    assert pages[0].trim == (2, 2, 57, 92) and pages[0].bleed_box == (0, 0, 59, 94)


def test_duplex_backs_are_mirrored_behind_their_fronts():
    layout = load_card_layout("badge")
    w = layout.size[0]
    pages, _ = plan(7, ("front", "back"), layout.size, layout.model.bleed, layout.model.sheet, "a4",
                    duplex=True)
    for front, back in zip(pages[::2], pages[1::2]):
        assert [s.card for s in front.slots] == [s.card for s in back.slots]
        for f, b in zip(front.slots, back.slots):
            # flipped on the long (vertical) edge: x mirrors across the sheet, y stays
            assert b.x == pytest.approx(A4[0] - f.x - w)
            assert b.y == pytest.approx(f.y)


def test_one_side_only_is_not_mirrored():
    layout = load_card_layout("badge")
    pages, g = plan(3, ("back",), layout.size, layout.model.bleed, layout.model.sheet, "a4")
    assert [(s.x, s.y) for s in pages[0].slots] == [g.position(i) for i in range(3)]


def test_card_pages_without_a_sheet_alternate_front_and_back_only_for_duplex():
    layout = load_card_layout("badge-insert")
    pages, g = plan(3, ("front", "back"), layout.size, 2, layout.model.sheet, "none", duplex=True)
    assert g is None
    assert [(p.slots[0].card, p.side) for p in pages] == [
        (0, "front"), (0, "back"), (1, "front"), (1, "back"), (2, "front"), (2, "back")]
    assert all(p.size == (55, 90) and p.trim == (0, 0, 55, 90) for p in pages)
    pages, _ = plan(3, ("front", "back"), layout.size, 2, layout.model.sheet, "none")
    assert [(p.slots[0].card, p.side) for p in pages] == [
        (0, "front"), (1, "front"), (2, "front"), (0, "back"), (1, "back"), (2, "back")]


@pytest.mark.parametrize("name", ["badge", "badge-insert", "badge-insert-landscape", "service-card"])
def test_crop_marks_stay_outside_every_card_and_its_bleed(name):
    layout = load_card_layout(name)
    b = layout.model.bleed
    w, h = layout.size
    pages, _ = plan(30, ("front",), layout.size, b, layout.model.sheet, "a4")
    page = pages[0]
    assert page.marks
    cards = [(s.x - s.bleeds[0], s.y - s.bleeds[1], s.x + w + s.bleeds[2], s.y + h + s.bleeds[3])
             for s in page.slots]
    for x1, y1, x2, y2 in page.marks:
        box = (min(x1, x2), min(y1, y2), max(x1, x2) + 1e-3, max(y1, y2) + 1e-3)
        assert not any(_boxes_overlap(box, card) for card in cards), (x1, y1, x2, y2)
        # 5 mm from the paper edge at least (the printer's unprintable margin)
        assert 5 <= min(x1, x2) and max(x1, x2) <= A4[0] - 5
        assert 5 <= min(y1, y2) and max(y1, y2) <= A4[1] - 5
    # every cut line of the grid is marked somewhere
    xs = {round(s.x, 3) for s in page.slots} | {round(s.x + w, 3) for s in page.slots}
    marked_x = {round(x1, 3) for x1, y1, x2, y2 in page.marks if x1 == x2}
    assert xs <= marked_x


def test_a_card_larger_than_a4_asks_for_card_pages():
    from generator.errors import UserError
    with pytest.raises(UserError, match="--sheet none"):
        grid((250, 100), 0, SheetSpec())
