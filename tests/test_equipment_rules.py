"""The safety-equipment rules (issue 5): every rule, every status boundary, month arithmetic."""
from __future__ import annotations

import datetime as dt
import textwrap

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.equipment import (DEFAULT_POLICY, STATUSES, Policy, add_months, assess,
                                 assess_one, batch_failures, fails, load_policy, summary,
                                 urgent_first)
from generator.errors import UserError
from generator.data.models import EquipmentItem

D = dt.date.fromisoformat


def item(id="X", kind="helmet", **fields) -> EquipmentItem:
    return EquipmentItem.model_validate({"id": id, "kind": kind, **fields})


def tst(date, result="pass"):
    return {"date": date, "type": "test", "result": result}


def visual(date, result="fail"):
    return {"date": date, "type": "visual", "result": result}


def one(it, as_of, policy=DEFAULT_POLICY):
    return assess([it], D(as_of) if isinstance(as_of, str) else as_of, policy)[0]


# ------------------------------------------------------------------------ month arithmetic
@pytest.mark.parametrize("start, months, expected", [
    ("2024-08-31", 6, "2025-02-28"),    # clamps to the month's end
    ("2024-02-29", 30, "2026-08-29"),   # leap day, 30 months on
    ("2024-02-29", 12, "2025-02-28"),   # leap day to a common year
    ("2023-08-31", 6, "2024-02-29"),    # into a leap February
    ("2024-01-31", 1, "2024-02-29"),
    ("2023-01-01", 30, "2025-07-01"),
])
def test_add_months_clamps_to_month_end(start, months, expected):
    assert add_months(D(start), months) == D(expected)


def test_shoes_month_end_due():
    assert one(item(kind="insulated_shoes", in_service="2024-08-31"), "2024-09-01").due \
        == D("2025-02-28")


def test_helmet_leap_day_due():
    s = one(item(manufactured="2024-02-29"), "2024-03-01")
    assert s.due == D("2026-08-29") and s.basis == "manufactured"


# ------------------------------------------------------------------------ helmet life
def test_helmet_life_from_manufacture_month():
    s = one(item(manufactured="2023-01", in_service="2023-03-01"), "2024-01-01")
    assert (s.status, s.due, s.basis, s.action) == ("ok", D("2025-07-01"), "manufactured", "test")
    assert s.in_service_days == (D("2024-01-01") - D("2023-03-01")).days


def test_helmet_life_from_in_service_when_manufacture_unknown():
    s = one(item(in_service="2023-03-15"), "2024-01-01")
    assert (s.due, s.basis) == (D("2025-09-15"), "in_service")
    assert "going into service" in s.reason


# due 2025-07-01; warning window 30 days: due_soon from 2025-06-01
@pytest.mark.parametrize("as_of, status", [
    ("2025-05-31", "ok"),          # one day before the warning edge
    ("2025-06-01", "due_soon"),    # the warning edge: due - 30 days
    ("2025-06-30", "due_soon"),    # the day before the due date
    ("2025-07-01", "due_today"),   # the due date: the last valid day
    ("2025-07-02", "overdue"),     # the day after
    ("2027-01-01", "overdue"),
])
def test_helmet_status_boundaries(as_of, status):
    s = one(item(manufactured="2023-01-01", in_service="2023-02-01"), as_of)
    assert s.status == status
    assert s.due == D("2025-07-01")


@pytest.mark.parametrize("as_of, status", [
    ("2025-08-31", "ok"), ("2025-09-01", "due_soon"), ("2025-09-30", "due_soon"),
    ("2025-10-01", "due_today"), ("2025-10-02", "overdue")])
def test_shoes_status_boundaries(as_of, status):
    s = one(item(kind="insulated_shoes", in_service="2025-04-01"), as_of)
    assert (s.status, s.due, s.action) == (status, D("2025-10-01"), "test")


def test_warn_days_policy():
    it = item(manufactured="2023-01-01")
    assert one(it, "2025-06-24", Policy(warn_days=7)).status == "due_soon"
    assert one(it, "2025-06-23", Policy(warn_days=7)).status == "ok"
    assert one(it, "2025-06-30", Policy(warn_days=0)).status == "ok"
    assert one(it, "2025-07-01", Policy(warn_days=0)).status == "due_today"


# ------------------------------------------------------------------------ helmet extension
def test_passing_test_on_window_edge_extends():
    # due 2025-07-01; window opens 2025-06-01
    s = one(item(manufactured="2023-01-01", checks=[tst("2025-06-01")]), "2025-07-02")
    assert (s.status, s.due) == ("ok", D("2026-06-01"))
    assert "2025-06-01" in s.reason


def test_passing_test_before_window_extends_nothing():
    s = one(item(manufactured="2023-01-01", checks=[tst("2025-05-31")]), "2025-07-02")
    assert (s.status, s.due) == ("overdue", D("2025-07-01"))


def test_acceptance_test_extends_nothing():
    s = one(item(manufactured="2023-01-01", checks=[tst("2023-02-01")]), "2025-06-15")
    assert s.due == D("2025-07-01")


def test_passing_test_after_due_date_extends():
    s = one(item(manufactured="2023-01-01", checks=[tst("2025-08-10")]), "2025-09-01")
    assert (s.status, s.due) == ("ok", D("2026-08-10"))


def test_overdue_until_the_test_is_done():
    it = item(manufactured="2023-01-01", checks=[tst("2025-08-10")])
    assert one(it, "2025-08-09").status == "overdue"   # the test has not happened yet
    assert one(it, "2025-08-10").status == "ok"


def test_extension_chains_and_needs_the_window_each_time():
    checks = [tst("2025-06-20"), tst("2026-06-01"), tst("2027-05-01")]
    # 2025-06-20 -> due 2026-06-20; 2026-06-01 in window -> 2027-06-01;
    # 2027-05-01 is 31 days before 2027-06-01: outside the window
    s = one(item(manufactured="2023-01-01", checks=checks), "2027-05-15")
    assert (s.due, s.status) == (D("2027-06-01"), "due_soon")
    assert "2026-06-01" in s.reason


def test_second_test_soon_after_first_extends_nothing():
    checks = [tst("2025-06-20"), tst("2025-06-27")]
    assert one(item(manufactured="2023-01-01", checks=checks), "2025-07-01").due \
        == D("2026-06-20")


def test_checks_in_any_written_order():
    checks = [tst("2026-06-01"), tst("2025-06-20")]
    assert one(item(manufactured="2023-01-01", checks=checks), "2026-07-01").due \
        == D("2027-06-01")


def test_extension_switched_off():
    policy = Policy(extend_by_test=False)
    s = one(item(manufactured="2023-01-01", checks=[tst("2025-06-20")]), "2025-07-02", policy)
    assert (s.status, s.due, s.action) == ("overdue", D("2025-07-01"), "replace")


def test_policy_numbers():
    policy = Policy(helmet_life_months=24, extension_window_days=10, extension_months=6)
    it = item(manufactured="2023-01-01", checks=[tst("2024-12-20")])   # 12 days before due
    assert one(it, "2024-12-01", policy).due == D("2025-01-01")
    it = item(manufactured="2023-01-01", checks=[tst("2024-12-25")])   # 7 days before
    assert one(it, "2025-01-01", policy).due == D("2025-06-25")


def test_visual_pass_changes_nothing():
    s = one(item(manufactured="2023-01-01", checks=[visual("2025-06-20", "pass")]), "2025-07-01")
    assert (s.status, s.due) == ("due_today", D("2025-07-01"))


# ------------------------------------------------------------------------ scrapping
def register():
    return [
        item("H1", batch="B1", manufactured="2024-01", in_service="2024-02-01"),
        item("H2", batch="B1", manufactured="2024-01", in_service="2024-02-01",
             checks=[tst("2025-03-10", "fail")]),
        item("H3", batch="B2", manufactured="2024-01", in_service="2024-02-01"),
        item("H4", manufactured="2024-01", in_service="2024-02-01"),                  # no batch
        item("S1", kind="insulated_shoes", batch="B1", in_service="2025-01-01"),      # same name
        item("H5", batch="B1", manufactured="2024-01", in_service="2024-02-01",
             checks=[visual("2025-01-05")]),
    ]


def test_failed_spot_check_scraps_the_whole_batch():
    by_id = {s.id: s for s in assess(register(), D("2025-04-01"))}
    assert by_id["H2"].status == "scrapped" and by_id["H2"].since == D("2025-03-10")
    assert by_id["H1"].status == "scrapped" and by_id["H1"].since == D("2025-03-10")
    assert "H2" in by_id["H1"].reason and "B1" in by_id["H1"].reason
    assert by_id["H1"].due is None and by_id["H1"].action == "replace"
    assert by_id["H1"].in_service_days == (D("2025-03-10") - D("2024-02-01")).days


def test_batch_scrapping_stops_at_batch_and_kind():
    by_id = {s.id: s for s in assess(register(), D("2025-04-01"))}
    assert by_id["H3"].status == "ok"        # another batch
    assert by_id["H4"].status == "ok"        # no batch
    assert by_id["S1"].status == "ok"        # shoes of a batch with the same name


def test_batch_scrapping_only_from_the_failure_date():
    by_id = {s.id: s for s in assess(register(), D("2025-03-09"))}
    assert by_id["H1"].status == "ok" and by_id["H2"].status == "ok"
    by_id = {s.id: s for s in assess(register(), D("2025-03-10"))}
    assert by_id["H1"].status == "scrapped"


def test_visual_fail_scraps_that_helmet_only():
    by_id = {s.id: s for s in assess(register(), D("2025-02-01"))}
    assert by_id["H5"].status == "scrapped" and by_id["H5"].since == D("2025-01-05")
    assert by_id["H1"].status == "ok"
    assert "visual" in by_id["H5"].reason


def test_earliest_scrapping_wins():
    items = register()
    items[5] = item("H5", batch="B1", manufactured="2024-01", checks=[visual("2025-05-01")])
    s = {s.id: s for s in assess(items, D("2025-06-01"))}["H5"]
    assert s.since == D("2025-03-10") and "batch" in s.reason


def test_shoes_failed_test_scraps_only_them():
    items = [item("S1", kind="insulated_shoes", batch="K", in_service="2025-01-01",
                  checks=[tst("2025-06-20", "fail")]),
             item("S2", kind="insulated_shoes", batch="K", in_service="2025-01-01")]
    by_id = {s.id: s for s in assess(items, D("2025-06-21"))}
    assert by_id["S1"].status == "scrapped" and "preventive test" in by_id["S1"].reason
    assert by_id["S2"].status == "due_soon"


def test_shoes_visual_fail_scraps():
    s = one(item(kind="insulated_shoes", in_service="2025-01-01",
                 checks=[visual("2025-03-01")]), "2025-03-01")
    assert (s.status, s.action, s.due) == ("scrapped", "replace", None)


def test_retired_scraps_and_needs_nothing():
    s = one(item(manufactured="2024-01", in_service="2024-02-01", retired="2025-01-15"),
            "2025-02-01")
    assert (s.status, s.action, s.since, s.due) == ("scrapped", None, D("2025-01-15"), None)
    assert s.in_service_days == (D("2025-01-15") - D("2024-02-01")).days


def test_retired_after_a_failure_keeps_the_failure_as_reason():
    s = one(item(kind="insulated_shoes", in_service="2025-01-01", retired="2025-03-05",
                 checks=[visual("2025-03-01")]), "2025-04-01")
    assert s.since == D("2025-03-01") and s.action is None
    assert "visual" in s.reason and "retired" in s.reason


def test_batch_failures_one_pass():
    failures = batch_failures(register(), D("2025-12-31"))
    assert failures == {"B1": (D("2025-03-10"), "H2")}


# ------------------------------------------------------------------------ insulated shoes
def test_shoes_basis_manufactured_when_held_but_not_dated():
    s = one(item(kind="insulated_shoes", holder="SZ1", manufactured="2025-02"), "2025-03-01")
    assert (s.basis, s.due, s.in_service_days) == ("manufactured", D("2025-08-01"), None)


def test_shoes_passing_tests_reset_the_clock():
    it = item(kind="insulated_shoes", in_service="2025-01-10",
              checks=[tst("2025-07-01"), tst("2026-01-05")])
    assert one(it, "2025-06-30").due == D("2025-07-10")
    assert one(it, "2025-07-01").due == D("2026-01-01")
    s = one(it, "2026-02-01")
    assert s.due == D("2026-07-05") and "2026-01-05" in s.reason


def test_shoes_late_test_still_counts():
    it = item(kind="insulated_shoes", in_service="2025-01-10", checks=[tst("2025-09-01")])
    assert one(it, "2025-08-01").status == "overdue"
    assert one(it, "2025-09-02").due == D("2026-03-01")


def test_shoes_visual_pass_changes_nothing():
    it = item(kind="insulated_shoes", in_service="2025-01-10", checks=[visual("2025-06-01", "pass")])
    assert one(it, "2025-06-02").due == D("2025-07-10")


# ------------------------------------------------------------------------ the as-of date
def test_records_after_as_of_are_ignored():
    it = item(kind="insulated_shoes", in_service="2025-01-10", retired="2025-12-01",
              checks=[tst("2025-07-01"), visual("2025-09-01")])
    assert one(it, "2025-06-30").due == D("2025-07-10")          # the test is still ahead
    assert one(it, "2025-08-31").status == "ok"                   # the fail is still ahead
    assert one(it, "2025-09-01").status == "scrapped"


def test_retired_after_as_of_is_ignored():
    it = item(manufactured="2024-01", in_service="2024-02-01", retired="2025-03-01")
    assert one(it, "2025-02-28").status == "ok"
    assert one(it, "2025-03-01").status == "scrapped"


def test_batch_failure_after_as_of_is_ignored():
    assert batch_failures(register(), D("2025-03-09")) == {}


def test_not_in_service_yet():
    s = one(item(manufactured="2025-01", in_service="2025-06-01"), "2025-05-31")
    assert (s.status, s.action, s.in_service_days) == ("not_in_service", None, None)
    assert s.due == D("2027-07-01")
    assert one(item(manufactured="2025-01", in_service="2025-06-01"), "2025-06-01").status == "ok"


def test_in_service_days_on_the_first_day():
    assert one(item(manufactured="2025-01", in_service="2025-06-01"), "2025-06-01") \
        .in_service_days == 0


# ------------------------------------------------------------------------ invalid data
@pytest.mark.parametrize("fields, words", [
    ({"manufactured": "2025-03", "in_service": "2025-02-01"}, "before it was manufactured"),
    ({"manufactured": "2024-03", "in_service": "2024-05-01", "retired": "2024-04-01"},
     "before it was in service"),
    ({"manufactured": "2024-03", "retired": "2024-02-01"}, "retired"),
    ({"manufactured": "2024-03", "checks": [tst("2024-02-01")]}, "before manufacture"),
])
def test_invalid_items_say_why(fields, words):
    s = one(item(**fields), "2025-07-01")
    assert s.status == "invalid" and words in s.reason and s.reason_zh
    assert (s.due, s.action) == (None, None)


def test_invalid_shoes_too():
    s = one(item(kind="insulated_shoes", manufactured="2025-03", in_service="2025-02-01"),
            "2025-07-01")
    assert s.status == "invalid"


# ------------------------------------------------------------------------ summaries and order
def test_summary_has_every_status():
    assert summary([]) == dict.fromkeys(STATUSES, 0)
    counts = summary(assess(register(), D("2025-04-01")))
    assert list(counts) == list(STATUSES)
    assert counts["scrapped"] == 3 and counts["ok"] == 3


def test_urgent_first_order():
    items = [item("A", manufactured="2025-01"),                                   # ok
             item("B", manufactured="2023-01-01"),                                # overdue
             item("C", manufactured="2023-02-20"),                                # due soon
             item("D", manufactured="2023-02-01"),                                # due today
             item("E", manufactured="2025-03", in_service="2025-02-01"),          # invalid
             item("F", manufactured="2023-01", retired="2025-01-01"),             # scrapped
             item("G", manufactured="2025-01", in_service="2025-09-01"),          # not in service
             item("H", manufactured="2022-12-01")]                                # overdue, older
    order = [s.id for s in urgent_first(assess(items, D("2025-08-01")))]
    assert order == ["H", "B", "D", "C", "E", "F", "A", "G"]


def test_assess_keeps_register_order():
    assert [s.id for s in assess(register(), D("2025-04-01"))] == \
        ["H1", "H2", "H3", "H4", "S1", "H5"]


def test_fail_on():
    statuses = assess([item("A", manufactured="2023-01-01"),        # overdue on 2025-08-01
                       item("B", manufactured="2023-02-20"),        # due soon
                       item("C", manufactured="2025-01")], D("2025-08-01"))
    assert [s.id for s in fails(statuses, "overdue")] == ["A"]
    assert [s.id for s in fails(statuses, "due-soon")] == ["A", "B"]
    assert fails(statuses, None) == []


def test_assess_one_without_batch_index_uses_own_checks():
    it = item("H2", batch="B1", manufactured="2024-01", checks=[tst("2025-03-10", "fail")])
    assert assess_one(it, D("2025-04-01")).status == "scrapped"


# ------------------------------------------------------------------------ policy file
def test_policy_file(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text("helmet_life_months: 24\nextend_by_test: false\nwarn_days: 14\n")
    policy = load_policy(path)
    assert (policy.helmet_life_months, policy.extend_by_test, policy.warn_days) == (24, False, 14)
    assert policy.shoes_test_months == 6 and policy.extension_months == 12


def test_policy_file_errors_have_file_and_line(tmp_path):
    path = tmp_path / "policy.yaml"
    path.write_text(textwrap.dedent("""\
        helmet_life_months: 30
        warn_day: 10
        shoes_test_months: -1
        """))
    with pytest.raises(UserError) as info:
        load_policy(path)
    text = str(info.value)
    assert f"{path}:2:1" in text and "warn_day" in text and "warn_days" in text
    assert f"{path}:3:" in text and "shoes_test_months" in text


def test_a_register_assessed_whole_gives_each_items_own_status_with_shared_values():
    """assess() shares the reasons, due dates and day counts that recur between items; every
    status still says what assess_one says of its item alone (the general path), on a
    generated register with tests, visual checks and failing batches."""
    import random
    from dataclasses import fields

    from generator.data.models import BatchCheck
    rnd = random.Random(19)
    as_of = D("2026-11-21")
    items = []
    for i in range(600):
        start = as_of - dt.timedelta(days=rnd.randint(-20, 1400))
        checks = [rnd.choice([tst, visual])(str(start + dt.timedelta(days=rnd.randint(0, 900))),
                                            rnd.choice(["pass", "fail"]))
                  for _ in range(rnd.choice([0, 0, 0, 1, 2]))]
        dates = rnd.choice([{"manufactured": str(start)},
                            {"in_service": str(start + dt.timedelta(days=20))},
                            {"manufactured": str(start),
                             "in_service": str(start + dt.timedelta(days=20))}])
        items.append(item(f"E{i}", rnd.choice(["helmet", "insulated_shoes"]),
                          batch=f"B{i % 9}", **dates,
                          checks=[c for c in checks if D(c["date"]) >= start]))
    batch_checks = [BatchCheck(batch=f"B{b}", kind="helmet", date=D("2026-06-01"),
                               type="test", result=result)
                    for b, result in ((1, "pass"), (2, "fail"), (4, "pass"))]
    whole = assess(items, as_of, DEFAULT_POLICY, batch_checks)
    kept = [it for it in items if not (it.manufactured and it.manufactured > as_of)]
    failures = batch_failures(kept, as_of, batch_checks)
    from generator.equipment.rules import batch_samples, item_samples
    samples = batch_samples(batch_checks, item_samples(kept, as_of))
    names = [f.name for f in fields(whole[0])]
    assert len(whole) == len(kept) > 500
    for status, it in zip(whole, kept):
        alone = assess_one(it, as_of, DEFAULT_POLICY, failures, samples)
        assert [getattr(status, n) for n in names] == [getattr(alone, n) for n in names]
    assert len({id(s.why) for s in whole}) == len({s.why for s in whole})
    assert len({id(s.due) for s in whole if s.due}) == len({s.due for s in whole if s.due})


@st.composite
def _registers(draw):
    """Items drawn from few dates, kinds, holders and batches (so that many agree on what
    decides their status), some with checks or retired, and batch checks of those batches."""
    days = st.sampled_from([D("2023-01-01"), D("2024-05-31"), D("2025-02-28"), D("2026-11-21"),
                            D("2026-12-01"), None])
    items = []
    for i in range(draw(st.integers(1, 30))):
        made = draw(days)
        issued = draw(st.one_of(st.none(), days))   # often none: shoes in stock
        checks = draw(st.lists(st.builds(
            lambda day, kind, result: {"date": day, "type": kind, "result": result},
            days.filter(lambda d: d is not None), st.sampled_from(["test", "visual"]),
            st.sampled_from(["pass", "fail"])), max_size=2)) if draw(st.booleans()) else []
        items.append(item(f"E{i}", draw(st.sampled_from(["helmet", "insulated_shoes"])),
                          holder=draw(st.sampled_from(["SZ1", None])),
                          batch=draw(st.sampled_from(["B1", "B2", None])),
                          manufactured=made, in_service=issued or (None if made else D("2024-01-01")),
                          retired=draw(st.sampled_from([None, None, None, D("2025-06-01")])),
                          checks=checks))
    from generator.data.models import BatchCheck
    batch_checks = draw(st.lists(st.builds(
        lambda batch, kind, result: BatchCheck(batch=batch, kind=kind, date=D("2025-06-01"),
                                               type="test", result=result),
        st.sampled_from(["B1", "B2"]), st.sampled_from(["helmet", "insulated_shoes"]),
        st.sampled_from(["pass", "fail"])), max_size=2))
    return items, batch_checks


@given(register=_registers(), as_of=st.sampled_from([D("2026-11-21"), D("2025-01-01")]),
       policy=st.sampled_from([DEFAULT_POLICY, Policy(extend_by_test=False),
                               Policy(batch_checks_extend=False, warn_days=400)]))
def test_items_that_agree_on_what_decides_them_are_assessed_as_each_alone(register, as_of,
                                                                          policy):
    """assess() assesses once the items whose status their kind, dates and holder alone decide
    (no checks, not retired, no batch failure or sample); each status is still what
    assess_one says of its item alone."""
    from dataclasses import fields

    from generator.equipment.rules import batch_samples, item_samples, made_after
    items, batch_checks = register
    whole = assess(items, as_of, policy, batch_checks)
    kept = [it for it in items if not made_after(it, as_of)]
    checks = [c for c in batch_checks if c.date <= as_of]
    failures = batch_failures(kept, as_of, checks)
    samples = (batch_samples(checks, item_samples(kept, as_of))
               if policy.batch_checks_extend else {})
    assert len(whole) == len(kept)
    for status, it in zip(whole, kept):
        alone = assess_one(it, as_of, policy, failures, samples)
        assert status.item is it
        assert [getattr(status, f.name) for f in fields(status)] == \
            [getattr(alone, f.name) for f in fields(alone)]
