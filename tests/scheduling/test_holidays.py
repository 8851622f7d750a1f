"""Holiday calendar: official and provisional years, skip/move policies, unknown years."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from sirenctl.scheduling.campaigns import Campaign, Selector
from sirenctl.scheduling.holiday_calendar import (
    HOLIDAY,
    OFFICIAL,
    PROVISIONAL,
    WORKDAY,
    ChineseCalendarSource,
    DayEntry,
    HolidayCalendar,
    HolidaysLibSource,
    YearCalendar,
)
from sirenctl.scheduling.library import load_library
from sirenctl.scheduling.occurrences import occurrences
from sirenctl.scheduling.rules import WhenRule


@pytest.fixture(scope="module")
def cal() -> HolidayCalendar:
    return HolidayCalendar()


def first_tuesday_check(policy: str) -> Campaign:
    from datetime import time

    return Campaign(
        "check",
        "check",
        "manual_check",
        Selector(kinds=("hand_crank",)),
        WhenRule("nth_weekday", n=1, weekday="tue", at=time(9, 0)),
        window=7 * 86400,
        checklist=("ok",),
        holiday_policy=policy,
    )


def in_year(campaign: Campaign, year: int, cal: HolidayCalendar, **kw):
    return occurrences(
        campaign, datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC), cal, **kw
    )


def test_2026_official_with_adjusted_workdays(cal):
    year = cal.year("CN", 2026)
    assert year.status == OFFICIAL and year.source == "chinese-calendar"
    for day in ("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"):
        assert cal.is_workday("CN", date.fromisoformat(day)), day
    assert not cal.is_workday("CN", date(2026, 10, 1))
    assert not cal.is_workday("CN", date(2026, 10, 3))  # Saturday inside the National Day span


def test_libraries_agree_on_2026_working_days():
    official = ChineseCalendarSource().year("CN", 2026)
    guessed = HolidaysLibSource().year("CN", 2026)
    assert official and guessed and guessed.status == OFFICIAL
    day = date(2026, 1, 1)
    while day.year == 2026:
        assert official.is_workday(day) == guessed.is_workday(day), day
        day = date.fromordinal(day.toordinal() + 1)


def test_2027_is_provisional_and_estimated_by_the_2025_rules(cal):
    """No library knows 2027 (chinese-calendar raises, holidays guesses without adjusted
    workdays): it is estimated by the rules of the State Council's 2025 notice and stays
    provisional (sirenctl/scheduling/cn_holiday_rules.py)."""
    year = cal.year("CN", 2027)
    assert year.status == PROVISIONAL and year.source == "estimate: 2025 rules"
    assert any(e.kind == WORKDAY for e in year.days.values())
    assert not cal.is_workday("CN", date(2027, 10, 1))
    assert cal.provisional_years("CN", [2026, 2027]) == [2027]


def test_move_and_skip_in_2026(cal):
    moved = {o.nominal.date(): o for o in in_year(first_tuesday_check("move"), 2026, cal)}
    assert len(moved) == 12
    october = moved[date(2026, 10, 6)]
    assert october.due.date() == date(2026, 10, 8) and october.due.hour == 9
    assert "National Day" in october.note and not october.provisional
    may = moved[date(2026, 5, 5)]
    assert may.due.date() == date(2026, 5, 6)
    assert moved[date(2026, 3, 3)].due.date() == date(2026, 3, 3)  # an ordinary Tuesday stays
    kept = in_year(first_tuesday_check("skip"), 2026, cal)
    assert {o.nominal.date() for o in kept} == set(moved) - {date(2026, 5, 5), date(2026, 10, 6)}
    every = in_year(first_tuesday_check("skip"), 2026, cal, include_skipped=True)
    assert sum(o.skipped for o in every) == 2
    ignored = in_year(first_tuesday_check("ignore"), 2026, cal)
    assert not any(o.moved for o in ignored)


def test_move_in_2027_is_flagged_provisional(cal):
    moved = {o.nominal.date(): o for o in in_year(first_tuesday_check("move"), 2027, cal)}
    # National Day 1-7 October and Labour Day 1-5 May 2027 by the 2025 rules
    assert moved[date(2027, 10, 5)].due.date() == date(2027, 10, 8)
    assert moved[date(2027, 5, 4)].due.date() == date(2027, 5, 6)
    assert all(o.provisional for o in moved.values())
    assert "2027 are provisional" in moved[date(2027, 10, 5)].note


def test_ignore_policy_never_provisional(cal):
    nine_eighteen = load_library().campaigns["cn-918-trial-sounding"]
    occ = in_year(nine_eighteen, 2027, cal)
    assert len(occ) == 1 and not occ[0].provisional


def test_official_override_replans_the_same_occurrence():
    cal = HolidayCalendar()
    before = {o.nominal: o.due for o in in_year(first_tuesday_check("move"), 2027, cal)}
    # the 2027 notice is published: say 5 October becomes a working day
    notice = YearCalendar.build(
        "CN",
        2027,
        OFFICIAL,
        "State Council notice",
        [DayEntry(date(2027, 10, d), HOLIDAY, "National Day") for d in range(1, 5)]
        + [DayEntry(date(2027, 10, 5), WORKDAY, "National Day")],
    )
    cal.override(notice)
    after = {o.nominal: o for o in in_year(first_tuesday_check("move"), 2027, cal)}
    assert set(after) == set(before)
    october = next(o for n, o in after.items() if n.month == 10)
    assert october.due.date() == date(2027, 10, 5) and not october.provisional


def test_unknown_year_and_country_never_crash():
    nobody = HolidayCalendar(sources=[])
    year = nobody.year("CN", 2031)
    assert year.status == PROVISIONAL and not year.days
    assert nobody.next_workday("CN", date(2031, 10, 4)) == date(2031, 10, 6)  # weekend only
    occ = in_year(first_tuesday_check("move"), 2031, nobody)
    assert len(occ) == 12 and all(o.provisional for o in occ)
    assert HolidayCalendar().year("XX", 2026).status == PROVISIONAL


def test_nl_skips_easter_monday_and_fi_counts_non_holiday_mondays(cal):
    library = load_library()
    nl = library.campaigns["nl-monthly"]
    occ = in_year(nl, 2026, cal, include_skipped=True)
    april = next(o for o in occ if o.nominal.month == 4)
    assert april.nominal.date() == date(2026, 4, 6) and april.skipped and "Easter" in april.note
    fi = replace(library.campaigns["fi-monthly"], enabled=True)
    fi_2025 = [o.due.date() for o in in_year(fi, 2025, cal)]
    assert fi_2025[0] == date(2025, 1, 13)  # 6 January 2025 (Epiphany) is a Monday
    fi_2026 = [o.due.date() for o in in_year(fi, 2026, cal)]
    assert fi_2026[3] == date(2026, 4, 13)  # Easter Monday 6 April 2026
    assert len(fi_2026) == 12 and all(d.weekday() == 0 for d in fi_2026)


def test_seed_rows_cover_years_and_days(cal):
    rows = cal.seed_rows("CN", [2026, 2027])
    years = [r for r in rows if r["kind"] == "year"]
    assert [(r["year"], r["status"]) for r in years] == [(2026, OFFICIAL), (2027, PROVISIONAL)]
    workdays_2026 = {r["day"] for r in rows if r["kind"] == WORKDAY and r["year"] == 2026}
    assert date(2026, 10, 10) in workdays_2026 and len(workdays_2026) == 6
    rebuilt = YearCalendar.build(
        "CN",
        2026,
        OFFICIAL,
        "db",
        [DayEntry(r["day"], r["kind"], r["name"]) for r in rows if r["year"] == 2026 and r["day"]],
    )
    assert rebuilt.is_workday(date(2026, 10, 10)) and not rebuilt.is_workday(date(2026, 10, 2))
