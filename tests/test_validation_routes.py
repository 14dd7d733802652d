"""Validating clean records fast (models.clean_list_validator: a pydantic-core schema that
tries each field's strict form before its Python cleaner; the one fast route) gives exactly
what the models give (model_validate, the reference), on generated records: the same model, the same
warnings; and what the fast schemas refuse, the models refuse too or take with a warning
(such records then go through the model, which says what and where)."""
from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from generator.data.models import EquipmentItem, Person, WorkOrder, clean_list_validator

TEXT = st.one_of(st.sampled_from(["王建国", " 陈晓峰 ", "SZ10023", "", "\u3000园区\u3000", "a\x1fb",
                                  "园区装维一班", "<b>&{{x}}", "1.38E+10", " 8.61381e+12 ",
                                  "1e5", "-1,5E3", "E-000123", "+7", "00123", "e5", "1.38E+1000",
                                  "13900000000", " 13812345678 ", "1381234567", "23900000000",
                                  "139000000001", "+8613900000000"]),
                 st.text(max_size=8))
DATES = st.one_of(st.dates(dt.date(2020, 1, 1), dt.date(2030, 12, 31)),
                  st.sampled_from(["2025-03", "2026-11-21", "2026/11/21", "2026-02-30", "",
                                   None, "yesterday"]),
                  st.datetimes(dt.datetime(2024, 1, 1), dt.datetime(2027, 1, 1)))
MAYBE = lambda s: st.one_of(st.none(), s)  # noqa: E731


people = st.fixed_dictionaries({"id": TEXT, "name": TEXT}, optional={
    "unit": MAYBE(TEXT), "team": MAYBE(TEXT), "title": MAYBE(TEXT),
    "phone": st.one_of(TEXT, st.integers(0, 10**11)), "stars": st.one_of(st.integers(-1, 6), TEXT),
    "gender": st.sampled_from(["男", "女", "x", None])})
equipment = st.fixed_dictionaries({
    "id": TEXT, "kind": st.sampled_from(["helmet", "insulated_shoes", "安全帽", "绝缘鞋", "hat"])},
    optional={"holder": MAYBE(TEXT), "batch": MAYBE(TEXT), "manufactured": DATES,
              "in_service": DATES, "retired": DATES,
              "checks": st.lists(st.fixed_dictionaries({
                  "date": DATES, "type": st.sampled_from(["test", "visual", "检测", "x"]),
                  "result": st.sampled_from(["pass", "fail", "合格", "不合格", "ok"])}),
                  max_size=3)})
orders = st.fixed_dictionaries({
    "id": TEXT, "kind": st.sampled_from(["install", "move", "repair", "装机", "维修", "x"]),
    "received": st.sampled_from(["2026-11-21T09:00:00", "2026-11-21 09:00", "x"]),
    "customer": st.fixed_dictionaries({"name": TEXT}, optional={"phone": TEXT})},
    optional={"service": st.sampled_from(["broadband", "宽带", "fttr", "boradband"]),
              "engineer": MAYBE(TEXT), "note": MAYBE(TEXT),
              "cause": st.sampled_from(["ours", "第三方", "x", None]),
              "rating": st.sampled_from(["satisfied", "满意", None])})


def through_model(model, raw):
    context = {"warnings": [], "missing_files": "ignore", "base": None}
    try:
        return model.model_validate(raw, context=context), context["warnings"]
    except ValidationError:
        return None, context["warnings"]


def through_clean(model, raw):
    context = {"warnings": [], "missing_files": "ignore", "base": None}
    try:
        result = clean_list_validator(model).validate_python([raw], context=context)
        return result[0], context["warnings"]
    except ValidationError:
        return None, context["warnings"]


@given(model_and_record=st.one_of(st.tuples(st.just(Person), people),
                                  st.tuples(st.just(EquipmentItem), equipment),
                                  st.tuples(st.just(WorkOrder), orders)))
def test_the_fast_schema_gives_what_the_model_gives(model_and_record):
    model, raw = model_and_record
    expected, expected_warnings = through_model(model, raw)
    got, warnings = through_clean(model, raw)
    if got is None:
        return                        # refused: the loader validates the record with the model
    assert expected is not None, raw
    assert got == expected and type(got) is type(expected), raw
    assert got.model_fields_set == expected.model_fields_set
    assert [str(w) for w in warnings] == [str(w) for w in expected_warnings], raw


@given(records=st.lists(people, max_size=6))
def test_a_list_through_the_fast_schema_gives_each_records_model(records):
    """All at once or not at all: a list the fast route takes gives, item for item, what the
    model gives each record."""
    context = {"warnings": [], "missing_files": "ignore", "base": None}
    try:
        got = clean_list_validator(Person).validate_python(records, context=context)
    except ValidationError:
        return
    assert got == [through_model(Person, raw)[0] for raw in records]


@given(records=st.lists(equipment, max_size=12))
def test_records_giving_the_same_fields_share_one_fields_set_that_reads_the_same(records):
    from generator.data.dataset import _share_fields_sets
    valid = [r for r in (through_model(EquipmentItem, raw)[0] for raw in records) if r]
    expected = [set(r.model_fields_set) for r in valid]
    field_sets: dict = {}
    _share_fields_sets(valid, field_sets)
    _share_fields_sets(valid, field_sets)  # a second list of the same section
    assert [r.model_fields_set for r in valid] == expected
    for a in valid:
        for b in valid:
            assert (a.model_fields_set is b.model_fields_set) == (
                a.model_fields_set == b.model_fields_set)


def test_loaded_orders_share_their_models_fields_sets_and_read_as_validated_alone(tmp_path):
    """Loading shares one fields set per combination of given fields, also among the models
    inside a record (customer, appointment, materials: dataset._share_fields_sets); each still
    reads what validating its record on its own says (model_validate, the reference)."""
    import random

    import yaml

    from generator.data.dataset import load_dataset
    rnd = random.Random(19)
    orders = []
    for i in range(300):
        customer = {"name": f"客户{i}", "address": f"星湖街{i}号"}
        if rnd.random() < 0.5:
            customer["phone"] = f"138{i:08d}"
        order = {"id": f"WO-{i}", "kind": rnd.choice(["install", "repair"]),
                 "service": "broadband", "received": dt.datetime(2026, 11, 1, 9, i % 60),
                 "customer": customer}
        if rnd.random() < 0.7:
            order["appointment"] = {"start": dt.datetime(2026, 11, 2, 14),
                                    **({"end": dt.datetime(2026, 11, 2, 16)}
                                       if rnd.random() < 0.5 else {})}
        if rnd.random() < 0.7:
            order["materials"] = [{"item": "皮线光缆", "qty": rnd.randint(1, 50),
                                   **({"unit": "米"} if rnd.random() < 0.5 else {})}
                                  for _ in range(rnd.randint(1, 3))]
        orders.append(order)
    path = tmp_path / "orders.yaml"
    path.write_text(yaml.safe_dump({"work_orders": orders}, allow_unicode=True),
                    encoding="utf-8")
    loaded = load_dataset((path,)).work_orders
    assert len(loaded) == len(orders)

    def sets(model):
        yield type(model), model.model_fields_set
        for name in ("customer", "appointment"):
            inner = getattr(model, name, None)
            if inner is not None:
                yield from sets(inner)
        for inner in getattr(model, "materials", None) or ():
            yield from sets(inner)

    distinct = {}
    for order, raw in zip(loaded, orders):
        alone = WorkOrder.model_validate(raw)
        assert order == alone
        assert [s for _, s in sets(order)] == [s for _, s in sets(alone)]
        for _, fields in sets(order):
            distinct.setdefault(frozenset(fields), set()).add(id(fields))
    assert all(len(ids) == 1 for ids in distinct.values())   # one set per combination


def _python_cleaners_called(model, records) -> list[str]:
    """The names of the models module's functions that validating `records` through the fast
    route calls."""
    import sys

    from generator.data import models
    called = []

    def watch(frame, event, arg):
        if event == "call" and frame.f_code.co_filename == models.__file__:
            called.append(frame.f_code.co_name)
    validator = clean_list_validator(model)
    sys.setprofile(watch)
    try:
        validator.validate_python(records, context={"warnings": [], "missing_files": "ignore",
                                                    "base": None})
    finally:
        sys.setprofile(None)
    return called


def test_clean_records_take_no_python_cleaner_on_the_fast_route():
    """pydantic-core validates a model node by its class's own validator once the class is
    complete, which would put the cleaners back (a staff list went through `_as_text` five
    times a person): the fast route's models are its own, nested ones too. A mobile number
    of 11 digits is not looked at by `_phone_like` either."""
    cleaners = {"_as_text", "_not_scientific", "_date", "_month_or_date", "convert",
                "_phone_like"}
    people = [{"id": "SZ10023", "name": "王建国", "team": "园区装维一班", "stars": 3,
               "phone": "13900000000"}]
    items = [{"id": "E-000001", "kind": "helmet", "holder": "SZ10023", "batch": "B1",
              "manufactured": dt.date(2024, 3, 1),
              "checks": [{"date": dt.date(2025, 1, 2), "type": "test", "result": "pass"}]}]
    orders = [{"id": "WO-1", "kind": "repair", "received": dt.datetime(2026, 11, 21, 9),
               "customer": {"name": "李"}, "materials": [{"item": "皮线光缆", "qty": 2.0}]}]
    for model, records in ((Person, people), (EquipmentItem, items), (WorkOrder, orders)):
        assert cleaners.isdisjoint(_python_cleaners_called(model, records)), model


def test_an_empty_date_text_is_refused_by_both_routes():
    """'' read as a date is no date: the model refuses it (retired: '' in a register), and so
    does the fast route, which then leaves the record to the model to say so."""
    raw = {"id": "E-1", "kind": "helmet", "manufactured": "2025-03", "retired": ""}
    assert through_model(EquipmentItem, raw)[0] is None
    assert through_clean(EquipmentItem, raw)[0] is None
