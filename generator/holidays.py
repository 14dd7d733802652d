"""China's statutory public holidays of a year, by the national rules in force: the estimate
used for a year the official calendar (`chinese-calendar`) does not know yet.

The rules are those of the State Council's 《全国年节及纪念日放假办法》 (as amended in 2024,
in force from 2025), which give every citizen a day off on:

    元旦     1 January                        1 day
    春节     除夕 to 正月初三 (lunar)           4 days
    清明节   the day of the 清明 solar term     1 day
    劳动节   1 and 2 May                        2 days
    端午节   五月初五 (lunar)                   1 day
    中秋节   八月十五 (lunar)                   1 day
    国庆节   1 to 3 October                     3 days

Lunar dates and the solar term come from `lunar_python` (a well-kept lunar calendar library).
What the rules do not fix, and so cannot be estimated, is each year's arrangement of bridge days
and make-up working weekends (调休), published by the State Council each November: a date
counted on this estimate is marked as such on the forms.
"""
from __future__ import annotations

import datetime as dt
from functools import lru_cache

FIXED = ((1, 1, "元旦"), (5, 1, "劳动节"), (5, 2, "劳动节"),
         (10, 1, "国庆节"), (10, 2, "国庆节"), (10, 3, "国庆节"))


@lru_cache(maxsize=64)  # a pure function of the year: the result never changes
def statutory_holidays(year: int) -> dict[dt.date, str]:
    """{date: holiday name} of `year`'s statutory days off (weekends not included).

    Raises ValueError for a year outside 1901-2099 (the lunar library's range)."""
    if not 1901 <= year <= 2099:
        raise ValueError(f"no lunar calendar for {year}")
    from lunar_python import Lunar

    def solar(lunar) -> dt.date:
        s = lunar.getSolar()
        return dt.date(s.getYear(), s.getMonth(), s.getDay())

    days: dict[dt.date, str] = {dt.date(year, m, d): name for m, d, name in FIXED}
    # 春节: 正月初一 of the lunar year starting in this solar year, the eve before it, 初二, 初三
    new_year = solar(Lunar.fromYmd(year, 1, 1))
    for offset in (-1, 0, 1, 2):
        days[new_year + dt.timedelta(days=offset)] = "春节"
    days.setdefault(solar(Lunar.fromYmd(year, 5, 5)), "端午节")
    days.setdefault(solar(Lunar.fromYmd(year, 8, 15)), "中秋节")   # may fall within 国庆
    qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    days.setdefault(dt.date(qingming.getYear(), qingming.getMonth(), qingming.getDay()),
                    "清明节")
    return dict(sorted(days.items()))
