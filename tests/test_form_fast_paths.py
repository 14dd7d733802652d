"""The form engine's fast paths (and the cards' values, read the same way) give exactly what the general code gives: values read without
Jinja2, rows drawn from cached geometry, table rows without a Cell per value, one-line values
not wrapped. Each is compared with the general (or the original) code on many inputs."""
from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.fonts import font_set
from generator.form import load_form
from generator.form.ops import BORDER_PT, BOX, BOX_MM, LINE, PAD, RECT, TEXT
from generator.form.pieces import Cell, Row, TableRow, TableShape
from generator.form.text import metrics
from generator.form.typeset import Typesetter
from generator.form.values import FormUndefined, Text, form_environment
from generator.templating import Expression

FONTS = font_set()


# ------------------------------------------------------------------------------ values
TEMPLATES = [
    "{{ order.kind_label }}{% if order.service_label %} · {{ order.service_label }}{% endif %}",
    "{% if order.deadlines.first_reply_text %}{{ order.deadlines.first_reply_text }} 前{% endif %}",
    "{% if engineer.name %}{{ engineer.name }}（工号 {{ engineer.id }}）{% endif %}",
    "{{ company.name }}　服务热线 {{ company.hotline }}{% if company.complaint_phone %}　投诉电话 "
    "{{ company.complaint_phone }}{% endif %}",
    "{% if a.b %}yes {{ a.b }}{% else %}no {{ a.c }}{% endif %}!",
    "{{ a.items }} {{ a.keys }}",            # a key of the data wins over the dict method
    "{{ a.b.c }}-{{ a.b }}",
    "x {{ a }} y",
    "{% if a %}{% if a.b %}[{{ a.b }}]{% endif %}{% endif %}\n",
    "{{ a.b }}\n",
]
VALUES = [None, "", "文字", "text with {{ braces }}", 0, 1, 2.5, [], ["x"], {}, {"b": "in"},
          {"b": None}, {"b": {"c": "deep"}}, {"items": "data", "keys": "k"}, True, False,
          Path("photos/王.jpg"), dt.date(2026, 11, 21), dt.datetime(2026, 11, 21, 9, 30),
          10 ** 5000]        # an int too long to print: the template says its error


def contexts(seed: int, count: int):
    rnd = random.Random(seed)
    for _ in range(count):
        def pick():
            return rnd.choice(VALUES)
        yield {
            "a": rnd.choice([pick(), {"b": pick(), "c": pick(), "items": pick(), "keys": pick()}]),
            "order": {"kind_label": pick(), "service_label": pick(),
                      "deadlines": rnd.choice([None, {"first_reply_text": pick()}])},
            "engineer": {"name": pick(), "id": pick()},
            "company": {"name": pick(), "hotline": pick(), "complaint_phone": pick()},
        }


def jinja(source: str, ctx: dict):
    try:
        return form_environment().from_string(source).render(ctx)
    except Exception as exc:           # the fast path must fail the same way
        return type(exc)


def fast(source: str, ctx: dict):
    """What the forms' Text and the cards' Expression give (each a text, or its error's type):
    both take the fast path of generator.templating."""
    out = []
    for value in (lambda: Text(source)(ctx), lambda: Expression(source, "test").render(ctx)):
        try:
            out.append(value())
        except Exception as exc:
            out.append(type(exc))
    return out


@pytest.mark.parametrize("source", TEMPLATES)
def test_templates_run_without_jinja_give_what_jinja_gives(source):
    text = Text(source)
    assert text._plan is not None or text.path is not None
    for ctx in contexts(len(source), 300):
        expected = jinja(source, ctx)
        if expected is not str and not isinstance(expected, str):
            # an error: the engine reports it through the template (a UserError naming it)
            assert not any(isinstance(got, str) for got in fast(source, ctx)), (source, ctx)
            continue
        assert fast(source, ctx) == [expected, expected], (source, ctx)


LEAVES = st.one_of(st.sampled_from(VALUES), st.text(max_size=6), st.integers(), st.none())
MAPS = st.dictionaries(st.sampled_from(["b", "c", "items", "keys", "name", "id"]), LEAVES,
                       max_size=4)
GENERATED = st.fixed_dictionaries({
    "a": st.one_of(LEAVES, MAPS, st.dictionaries(st.sampled_from(["b"]), MAPS, max_size=1)),
    "order": st.fixed_dictionaries({"kind_label": LEAVES, "service_label": LEAVES,
                                    "deadlines": st.one_of(st.none(), st.fixed_dictionaries(
                                        {"first_reply_text": LEAVES}))}),
    "engineer": st.one_of(st.none(), MAPS),
    "company": st.fixed_dictionaries({"name": LEAVES, "hotline": LEAVES,
                                      "complaint_phone": LEAVES}),
})


@given(source=st.sampled_from(TEMPLATES), ctx=GENERATED)
def test_the_fast_path_gives_what_jinja_gives_on_generated_contexts(source, ctx):
    """The general path (Jinja2) is the reference for the values read without it."""
    expected = jinja(source, ctx)
    if isinstance(expected, str):
        assert fast(source, ctx) == [expected, expected]
    else:                # an error: the fast path fails too (through the template)
        assert not any(isinstance(got, str) for got in fast(source, ctx))


def test_templates_of_the_built_in_layouts_give_what_jinja_gives():
    from generator.form import model as m
    sources = set()

    def walk(obj):
        if isinstance(obj, Text):
            if obj._template is not None:
                sources.add(obj.source)
        elif isinstance(obj, m.Model):
            for name in type(obj).model_fields:
                walk(getattr(obj, name))
        elif isinstance(obj, (list, tuple)):
            for item in obj:
                walk(item)
    for name in ("work-order", "confirmation", "follow-up", "equipment-report"):
        walk(load_form(name))
    assert len(sources) > 20
    for source in sorted(sources):
        for ctx in contexts(7, 40):
            ctx.update(today=None, blank=False, team=None, report={}, row={}, m={})
            expected = jinja(source, ctx)
            if isinstance(expected, str):
                assert fast(source, ctx) == [expected, expected], (source, ctx)


def test_values_of_the_built_in_card_layouts_give_what_jinja_gives():
    from pathlib import Path

    from generator.card.layout import load_card_layout
    sources = set()
    for path in sorted((Path(__file__).parent.parent / "badges").glob("*.yaml")):
        for elements in load_card_layout(path).sides.values():
            for element in elements:
                sources.update(e.source for e in element.templates.values()
                               if e._plain is None)
    assert len(sources) > 30
    rnd = random.Random(11)
    keys = ("name", "id", "unit", "title", "hotline", "display_name", "partner_label",
            "complaint_phone", "moment", "caption", "qr_codes", "stars", "say")
    for source in sorted(sources):
        for _ in range(40):
            ctx = {name: rnd.choice([None, {k: rnd.choice(VALUES) for k in keys}])
                   for name in ("company", "person", "item", "phrases")}
            ctx["index"] = rnd.choice([1, "1", None])
            expected = jinja(source, ctx)
            if isinstance(expected, str):
                assert fast(source, ctx)[1] == expected, (source, ctx)


def test_names_of_a_bare_dotted_value_are_checked_as_the_compiled_template_checks_them():
    """A layout's `{{ a.b }}` values are checked for unknown names without compiling them
    (`bare_path`); the messages are those of the compiled template's names, on the built-in
    shapes, typos, locals, constants and operator words."""
    from generator.context import card_shape
    from generator.orders import order_shape
    from generator.templating import bare_path, name_problems, parsed_name_problems, variables
    roots = ["person", "persn", "company", "order", "item", "index", "today", "row", "range",
             "loop", "none", "None", "true", "not", "if", "in", "x"]
    steps = ["name", "nmae", "qr_codes", "customer", "items", "strip", "display_name", "a",
             "if", "not", "none", "in", "for", "is", "and", "true", "loop"]
    rnd = random.Random(5)
    sources = {"{{ %s }}" % root for root in roots}
    for _ in range(400):
        dotted = ".".join([rnd.choice(roots)] + rnd.sample(steps, rnd.randint(1, 3)))
        sources.add(rnd.choice(["{{ %s }}", "{{%s}}", "{{- %s -}}", "{{ %s}}"]) % dotted)
    checked = 0
    for shape in (card_shape(), order_shape()):
        for local in ((), ("item", "index"), ("row",)):
            for source in sorted(sources):
                expected = parsed_name_problems(source, shape, local)
                assert name_problems(source, shape, local) == expected, (source, local)
                if bare_path(source) is not None:
                    checked += 1
                    from generator.templating import environment, nodes
                    ast = environment().parse(source)
                    environment().from_string(source)   # compiled when first needed: cannot fail
                    form_environment().compile_expression(source.strip("{}- "))
                    assert variables(source) == {n.name for n in ast.find_all(nodes.Name)
                                                 if n.ctx == "load"}, source
    assert checked > 1000


def test_undefined_attribute_of_nothing_is_soft():
    assert isinstance(form_environment().undefined(obj=None, name="x"), FormUndefined)


# ------------------------------------------------------------------------------ rows
def reference_row_ops(row: Row, x: float, y: float) -> list[tuple]:
    """Row.draw as it was before its geometry was cached (the original code)."""
    ops: list[tuple] = []
    h = row.height
    style = row.ts.style
    for c in row.cells:
        if c.fill:
            ops.append((RECT, x + c.x, y, c.w, h, c.fill, None, 0))
    for c in row.cells:
        cx = x + c.x
        size = c.size
        lines = c.lines
        text_x = cx + PAD
        if c.box is not None:
            top = y + (h - BOX_MM) / 2 if len(lines) <= 1 else \
                y + PAD + (row.line_h - BOX_MM) / 2
            ops.append((BOX, cx + PAD + 0.4, top, BOX_MM, c.box, style.accent))
            text_x += BOX_MM + 1.6
        if lines:
            block = len(lines) * row.line_h
            top = y + (h - block) / 2 if row.valign == "middle" else y + PAD
            base = top + row.ts.baseline(size, row.line_h)
            colour = c.colour or style.text
            if c.align == "c":
                ax = cx + c.w / 2 + (text_x - cx - PAD) / 2
            elif c.align == "r":
                ax = cx + c.w - PAD
            else:
                ax = text_x
            for i, line in enumerate(lines):
                if line:
                    ops.append((TEXT, ax, base + i * row.line_h, line, size, c.bold,
                                colour, c.align, 0.0))
    border = row.border
    for side, yy in (("T", y), ("B", y + h)):
        start = end = None
        for c in row.cells:
            if side in c.sides:
                if start is None:
                    start = x + c.x
                elif end is not None and abs(x + c.x - end) > 1e-6:
                    ops.append((LINE, start, yy, end, yy, BORDER_PT, border))
                    start = x + c.x
                end = x + c.x + c.w
            elif start is not None:
                ops.append((LINE, start, yy, end, yy, BORDER_PT, border))
                start = end = None
        if start is not None:
            ops.append((LINE, start, yy, end, yy, BORDER_PT, border))
    seen = set()
    for c in row.cells:
        for side, vx in (("L", x + c.x), ("R", x + c.x + c.w)):
            if side in c.sides:
                key = round(vx, 3)
                if key not in seen:
                    seen.add(key)
                    ops.append((LINE, vx, y, vx, y + h, BORDER_PT, border))
    return ops


def typesetter():
    layout = load_form("work-order")
    return Typesetter(layout, metrics(FONTS.regular), metrics(FONTS.bold))


def random_cells(rnd: random.Random, n: int) -> list[Cell]:
    cells, x = [], 0.0
    for _ in range(n):
        w = rnd.choice([10.0, 12.7, 22.0, 31.3333333, 60.0, 186.0 / 7])
        lines = rnd.choice([[], ["一"], ["1", ""], ["a", "b", "c"], [""]])
        cells.append(Cell(x + rnd.choice([0.0, 0.0, 0.5]), w, lines, rnd.choice([8, 9.5, 10.0]),
                            rnd.random() < 0.3, rnd.choice([None, "#123456"]),
                            rnd.choice([None, "#EEF1F7"]), rnd.choice("lcr"),
                            "".join(s for s in "TBLR" if rnd.random() < 0.8),
                            rnd.choice([None, None, False, True])))
        x += w
    return cells


def test_rows_draw_what_the_original_row_code_drew():
    ts = typesetter()
    rnd = random.Random(5)
    for _ in range(2000):
        cells = random_cells(rnd, rnd.randint(1, 8))
        row = Row(ts, cells, rnd.choice([0, 5.6, 7.0]), rnd.choice([4.6, 5.2]),
                    valign=rnd.choice(["middle", "top"]))
        x, y = rnd.choice([12.0, 14.0, 12.7]), rnd.uniform(10, 280)
        ops: list[tuple] = []
        row.draw(ops, x, y)
        assert ops == reference_row_ops(row, x, y)


def test_table_rows_draw_what_rows_of_cells_draw():
    ts = typesetter()
    rnd = random.Random(9)
    widths = [10.0, 34.0, 24.0, 14.0, 22.0, 17.0, 20.0, 15.0, 15.0, 18.0, 84.0]
    xs = [sum(widths[:i]) for i in range(len(widths))]
    aligns = [rnd.choice("lcr") for _ in widths]
    shape = TableShape(ts, xs, widths, aligns, 8, 3.9, 5.6)
    for _ in range(500):
        lines = [rnd.choice([[], ["E-000123"], ["已超期"], ["a", "b"], [""]]) for _ in widths]
        fills = [rnd.choice([None, "#F8D7DA"]) for _ in widths]
        row = TableRow(shape, lines, fills)
        x, y = rnd.choice([12.0, 14.5]), rnd.uniform(10, 180)
        ops: list[tuple] = []
        row.draw(ops, x, y)
        cells_row = Row(ts, shape.cells(lines, fills), 5.6, 3.9)
        assert row.height == cells_row.height
        assert ops == reference_row_ops(cells_row, x, y)
        # kept compact (a tuple of texts), it still gives back the row of cells it stands
        # for: what a split of it (a row taller than the room left) starts from
        again: list[tuple] = []
        row.row().draw(again, x, y)
        assert again == ops and row.lines == lines


# ------------------------------------------------------------------------------ wrapping
def test_one_line_fast_path_agrees_with_wrapping():
    ts = typesetter()
    rnd = random.Random(3)
    alphabet = "E-0123456789 苏州工业园区（未发放）WMmi.,，。"
    for _ in range(3000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 30)))
        width, size = rnd.uniform(5, 60), rnd.choice([8, 9.5, 12])
        m = ts.regular
        assert ts.wrap(text, width, size) == m.wrap(text, max(width, 1.0), size), (text, width)


# ------------------------------------------------------------------------------ card values
CARD_SOURCES = ["{{ a }}", "{{ a.b }}", "{{ a.b.c }}", "{{- a.items -}}", "{{ a.keys }}",
                "{{ order.deadlines.first_reply_text }}", "{{ engineer.name }}\n",
                "{{ company.name }}", "{{ nobody.name }}", "{{ a.nope.deeper }}"]


@given(source=st.sampled_from(CARD_SOURCES), ctx=GENERATED)
def test_a_card_value_read_without_jinja_gives_what_jinja_gives(source, ctx):
    """templating.Expression reads a bare dotted name from the context (its template compiled
    only for a value that needs it); the template is the reference."""
    from generator.errors import UserError
    from generator.templating import Expression
    expected = jinja(source, ctx)
    try:
        got = Expression(source, "here").render(ctx)
    except UserError:
        got = UserError
    if isinstance(expected, str):
        assert got == expected
    else:                # an error: reported through the template, as a UserError
        assert got is UserError


def test_a_card_value_that_cannot_be_read_is_refused_when_loaded():
    from generator.errors import UserError
    from generator.templating import Expression
    with pytest.raises(UserError, match="cannot read the expression"):
        Expression("{{ not.x }}", "badge.yaml:3")
