"""The order context: labels, the engineer from staff, and the deadlines of the standard."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from generator.data.dataset import load_dataset
from generator.data.models import Company, WorkOrder
from generator.orders import (WorkingCalendar, blank_context, build_contexts, deadlines,
                              order_context)

DATA = Path(__file__).parent / "test_work_orders_data"
D = dt.date
T = dt.datetime


def order(**changes) -> WorkOrder:
    fields = dict(id="WO-1", kind="repair", service="broadband", received=T(2026, 11, 21, 9, 12),
                  customer={"name": "李女士"},
                  appointment={"start": T(2026, 11, 21, 14, 0), "end": T(2026, 11, 21, 16, 0)},
                  engineer="SZ10023")
    fields.update(changes)
    return WorkOrder.model_validate(fields)


# ------------------------------------------------------------------------------ working days
def test_records_deadline_across_national_day_2026():
    # Completed Wed 2026-09-30. Official calendar: 10-01..10-07 holidays, 10-08 Thu and
    # 10-09 Fri working, 10-10 Sat a make-up working day, 10-11 Sun off, 10-12 Mon, 10-13 Tue.
    cal = WorkingCalendar()
    assert cal.add_working_days(D(2026, 9, 30), 5) == D(2026, 10, 13)
    assert not cal.unknown_years


def test_make_up_saturday_counts_as_a_working_day():
    cal = WorkingCalendar()
    assert cal.is_workday(D(2026, 10, 10))          # Saturday, make-up working day
    assert not cal.is_workday(D(2026, 10, 3))       # Saturday, National Day
    assert not cal.is_workday(D(2026, 10, 17))      # an ordinary Saturday
    # completed Fri 2026-10-09: the next working day is that Saturday
    assert cal.add_working_days(D(2026, 10, 9), 1) == D(2026, 10, 10)
    assert cal.add_working_days(D(2026, 10, 9), 5) == D(2026, 10, 15)


def test_a_calendar_answers_each_day_once_as_it_would_fresh():
    """Each day's answer is kept by the calendar (one run's): asked again, in any order, the
    same as a calendar asking chinese-calendar and the national rules anew, and the years
    the official calendar did not know are still collected."""
    days = [D(2026, 9, 20) + dt.timedelta(days=i) for i in range(40)] + \
        [D(2099, 1, 20) + dt.timedelta(days=i) for i in range(12)] + [D(2026, 10, 10)]
    kept = WorkingCalendar(holidays=frozenset({D(2026, 9, 24)}),
                           workdays=frozenset({D(2026, 9, 27)}))
    first = [kept._workday(d) for d in days]
    again = [kept._workday(d) for d in reversed(days)][::-1]
    fresh = [WorkingCalendar(kept.holidays, kept.workdays)._find_workday(d) for d in days]
    assert first == again == fresh
    assert kept.unknown_years == {2099}
    assert kept == WorkingCalendar(kept.holidays, kept.workdays, {2099})


def test_completion_day_itself_is_not_counted():
    cal = WorkingCalendar()
    # Monday 2026-11-16 -> Monday 2026-11-23 (Tue..Fri, Mon)
    assert cal.add_working_days(D(2026, 11, 16), 5) == D(2026, 11, 23)
    # completed on a Sunday: Mon..Fri of the next week
    assert cal.add_working_days(D(2026, 11, 22), 5) == D(2026, 11, 27)


def test_repair_deadlines_computed_from_the_order_times():
    o = order(completed=T(2026, 9, 30, 11, 0), received=T(2026, 9, 29, 16, 5),
              appointment={"start": T(2026, 9, 30, 9, 30)})
    d = deadlines(o, WorkingCalendar())
    assert d["first_reply_by"] == T(2026, 9, 30, 0, 5)     # 各类故障: 8 hours
    assert d["cutover_by"] == T(2026, 9, 29, 20, 5)        # 割接障碍: 4 hours
    assert d["call_from"] is d["call_to"] is None          # the 10-15 minute call is 装移机
    assert d["arrive_by"] == T(2026, 9, 30, 9, 25)
    assert d["change_notice_by"] == T(2026, 9, 30, 7, 30)
    assert d["records_by"] == D(2026, 10, 13) and not d["records_estimated"]


@pytest.mark.parametrize("kind", ["install", "move"])
def test_install_and_move_deadlines(kind):
    o = order(kind=kind, received=T(2026, 9, 29, 16, 5),
              appointment={"start": T(2026, 9, 30, 9, 30)})
    d = deadlines(o, WorkingCalendar(), arrive_early_minutes=10)
    assert d["call_from"] == T(2026, 9, 30, 9, 15) and d["call_to"] == T(2026, 9, 30, 9, 20)
    assert d["arrive_by"] == T(2026, 9, 30, 9, 20)          # the company's 10 minutes
    assert d["first_reply_by"] is d["cutover_by"] is None   # fault rules


def test_no_appointment_or_completion_means_no_such_deadline():
    d = deadlines(order(appointment=None), WorkingCalendar())
    assert d["call_from"] is d["arrive_by"] is d["records_by"] is None
    assert d["first_reply_by"] == T(2026, 11, 21, 17, 12)


@pytest.mark.parametrize("completed,due", [
    (D(2026, 12, 30), D(2027, 1, 7)),     # 元旦 2027-01-01 skipped
    (D(2027, 9, 30), D(2027, 10, 8)),     # 国庆 10-01..10-03 skipped
    (D(2027, 2, 5), D(2027, 2, 15)),      # 春节 除夕 to 初三, 02-05..02-08 skipped
    (D(2027, 4, 1), D(2027, 4, 9)),       # 清明 (solar term) 2027-04-05 skipped
    (D(2027, 6, 8), D(2027, 6, 16)),      # 端午 2027-06-09 skipped
    (D(2027, 9, 14), D(2027, 9, 22)),     # 中秋 2027-09-15 skipped
])
def test_years_the_official_calendar_lacks_skip_the_statutory_holidays(completed, due):
    cal = WorkingCalendar()
    assert cal.working_days_after(completed, 5) == (due, True)
    assert cal.unknown_years == {2027}
    [warning] = cal.warnings()
    assert "2027" in warning.message and "暂按法定节假日推算" in warning.message


def test_statutory_holidays_of_a_year():
    from generator.holidays import statutory_holidays
    days = statutory_holidays(2028)
    assert days[D(2028, 5, 1)] == days[D(2028, 5, 2)] == "劳动节"
    assert [d for d, n in days.items() if n == "春节"] == [D(2028, 1, 25), D(2028, 1, 26),
                                                          D(2028, 1, 27), D(2028, 1, 28)]
    assert days[D(2028, 4, 4)] == "清明节" and days[D(2028, 5, 28)] == "端午节"
    assert days[D(2028, 10, 3)] == "国庆节"      # 中秋 2028 falls within National Day
    assert len(days) == 12 and len(statutory_holidays(2027)) == 13


def test_a_newer_calendar_wins_and_nothing_is_marked(monkeypatch):
    import chinese_calendar
    monkeypatch.setattr(chinese_calendar, "is_workday",
                        lambda day: day.weekday() < 5 and day != D(2027, 1, 4))
    cal = WorkingCalendar()
    assert cal.working_days_after(D(2026, 12, 30), 5) == (D(2027, 1, 7), False)
    assert not cal.warnings()


def test_unknown_year_takes_the_company_lists_first_with_a_warning():
    company = Company(name="测试公司", holidays=[D(2027, 1, 4)], workdays=[D(2027, 1, 9)])
    cal = WorkingCalendar.for_company(company)
    # completed Thu 2026-12-31: Fri 01-01 元旦, Mon 01-04 the company's holiday, Sat 01-09
    # its workday; Tue 01-05 .. Fri 01-08, Sat 01-09 are the five working days after it
    assert cal.add_working_days(D(2026, 12, 31), 5) == D(2027, 1, 9)
    assert cal.add_working_days(D(2027, 1, 7), 2) == D(2027, 1, 9)
    assert cal.add_working_days(D(2027, 1, 1), 1) == D(2027, 1, 5)
    assert cal.unknown_years == {2027}
    [warning] = cal.warnings()
    assert "2027" in warning.message and "company.holidays" in warning.message


def test_company_lists_apply_in_known_years_too():
    company = Company(name="测试公司", holidays=[D(2026, 11, 23)])
    cal = WorkingCalendar.for_company(company)
    assert cal.add_working_days(D(2026, 11, 20), 1) == D(2026, 11, 24)
    assert not cal.warnings()


# ------------------------------------------------------------------------------ contexts
def test_context_has_labels_texts_and_the_engineer_from_staff():
    data = load_dataset([DATA / "work_orders.yaml", DATA / "staff.yaml"])
    built = build_contexts(data, data.work_orders)
    first = built.contexts[0]
    o = first["order"]
    assert o["kind_label"] == "修障" and o["service_label"] == "宽带"
    assert o["cause_label"].startswith("我方原因") and o["rating_label"] == "非常满意"
    assert o["appointment_text"] == "2026-11-21 14:00–16:00"
    assert o["materials"][0]["qty"] == "20"            # numbers as printed, not 20.0
    assert o["deadlines"]["call_text"] == ""              # a repair: no 10-15 minute call
    assert o["deadlines"]["first_reply_text"] == "2026-11-21 17:12"
    assert o["address_label"] == "故障地址" and o["assigned"]
    assert first["engineer"]["name"] == "王建国" and first["person"] is first["engineer"]
    assert first["company"]["name"] == "苏州测试通信工程有限公司"
    third = built.contexts[2]
    assert third["order"]["deadlines"]["records_text"] == "2026-10-13（二）"
    assert built.warnings == []


def test_blank_context_has_every_key_of_an_order_context():
    data = load_dataset([DATA / "work_orders.yaml", DATA / "staff.yaml"])
    full = build_contexts(data, data.work_orders).contexts[0]
    blank = blank_context(data)

    def keys(d, prefix=""):
        out = set()
        for k, v in d.items():
            out.add(prefix + k)
            if isinstance(v, dict):
                out |= keys(v, prefix + k + ".")
        return out
    assert keys(full["order"]) <= keys(blank["order"])
    assert keys(full["engineer"]) <= keys(blank["engineer"])
    assert blank["blank"] is True and blank["order"]["id"] == ""


def test_order_context_is_plain_data():
    ctx = order_context(order(materials=[{"item": "光缆", "qty": 1.5, "unit": "米"}]),
                        WorkingCalendar())
    assert ctx["materials"][0]["qty"] == "1.5"
    assert isinstance(ctx["customer"], dict)


@pytest.mark.parametrize("start,end,text", [
    (T(2026, 11, 21, 14), None, "2026-11-21 14:00"),
    (T(2026, 11, 21, 22), T(2026, 11, 22, 1), "2026-11-21 22:00 – 2026-11-22 01:00"),
])
def test_appointment_text(start, end, text):
    ctx = order_context(order(appointment={"start": start, "end": end}), WorkingCalendar())
    assert ctx["appointment_text"] == text
