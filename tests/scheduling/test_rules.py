"""Named rules and crontab lines, computed by APScheduler triggers; DST-correct."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from sirenctl.scheduling.crontab import CrontabError, crontab_trigger, translate_day_of_week
from sirenctl.scheduling.library import load_library
from sirenctl.scheduling.occurrences import occurrences
from sirenctl.scheduling.rules import WhenRule, iterate_trigger

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")


def fires(rule: WhenRule, zone: ZoneInfo, start: date, end: date) -> list[datetime]:
    return list(
        rule.fire_times(
            zone, datetime.combine(start, time(0), zone), datetime.combine(end, time(0), zone)
        )
    )


def nth_weekday(year: int, month: int, weekday: int, n: int) -> date | None:
    days = [
        d
        for d in calendar.Calendar().itermonthdates(year, month)
        if d.month == month and d.weekday() == weekday
    ]
    if n == -1:
        return days[-1]
    return days[n - 1] if n <= len(days) else None


def test_first_tuesday_every_month_of_2026():
    rule = WhenRule("nth_weekday", n=1, weekday="tue", at=time(9, 0))
    got = [f.date() for f in fires(rule, SHANGHAI, date(2026, 1, 1), date(2027, 1, 1))]
    assert got == [nth_weekday(2026, m, 1, 1) for m in range(1, 13)]
    assert all(
        f.time() == time(9, 0) for f in fires(rule, SHANGHAI, date(2026, 1, 1), date(2026, 3, 1))
    )


def test_fifth_wednesday_only_in_months_that_have_one():
    rule = WhenRule("nth_weekday", n=5, weekday="wed", at=time(12, 0))
    got = [f.date() for f in fires(rule, SHANGHAI, date(2026, 1, 1), date(2027, 1, 1))]
    expected = [d for m in range(1, 13) if (d := nth_weekday(2026, m, 2, 5))]
    assert got == expected and 3 <= len(got) <= 5


def test_last_friday_including_february_and_selected_months():
    rule = WhenRule("last_weekday", weekday="fri", months=(2, 5, 11), at=time(15, 0))
    got = [f.date() for f in fires(rule, SHANGHAI, date(2026, 1, 1), date(2028, 1, 1))]
    assert got == [nth_weekday(y, m, 4, -1) for y in (2026, 2027) for m in (2, 5, 11)]


def test_fixed_date_and_shanghai_third_saturday():
    library = load_library()
    nine_eighteen = library.campaigns["cn-918-trial-sounding"]
    occ = occurrences(
        nine_eighteen, datetime(2026, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)
    )
    assert [o.due.isoformat() for o in occ] == [
        "2026-09-18T10:00:00+08:00",
        "2027-09-18T10:00:00+08:00",
    ]
    assert occ[1].due.weekday() == 5  # 2027-09-18 is a Saturday: China sounds anyway
    assert occ[0].due_utc == datetime(2026, 9, 18, 2, 0, tzinfo=UTC)
    shanghai = library.campaigns["cn-shanghai-trial-sounding"]
    occ = occurrences(shanghai, datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
    assert [o.due.isoformat() for o in occ] == ["2026-09-19T11:35:00+08:00"]


@pytest.mark.parametrize(
    ("field", "expected"),
    [
        ("3", "wed"),
        ("0", "sun"),
        ("7", "sun"),
        ("1-5", "mon,tue,wed,thu,fri"),
        ("5-7", "fri,sat,sun"),
        ("0,6", "sat,sun"),
        ("*/2", "tue,thu,sat,sun"),
        ("*", "*"),
        ("MON-FRI", "mon,tue,wed,thu,fri"),
        ("sat-sun", "sat,sun"),
    ],
)
def test_day_of_week_translation(field, expected):
    assert translate_day_of_week(field) == expected


@pytest.mark.parametrize("field", ["8", "5-1", "mon/2", "xyz", "1-3/0"])
def test_day_of_week_rejects(field):
    with pytest.raises(CrontabError, match="day of week"):
        translate_day_of_week(field)


def test_crontab_weekday_means_what_cron_means():
    start, end = datetime(2026, 6, 1, tzinfo=SHANGHAI), datetime(2026, 7, 1, tzinfo=SHANGHAI)
    wednesdays = list(iterate_trigger(crontab_trigger("0 12 * * 3", SHANGHAI), start, end))
    assert len(wednesdays) == 4 and {f.weekday() for f in wednesdays} == {2}
    trap = list(
        iterate_trigger(CronTrigger.from_crontab("0 12 * * 3", timezone=SHANGHAI), start, end)
    )
    assert {f.weekday() for f in trap} == {3}  # APScheduler's own reading: Thursday
    for field in ("0", "7", "sun"):
        sundays = list(iterate_trigger(crontab_trigger(f"0 8 * * {field}", SHANGHAI), start, end))
        assert {f.weekday() for f in sundays} == {6} and len(sundays) == 4


def test_crontab_day_of_month_or_day_of_week():
    # cron runs "0 12 13 * 5" on every 13th AND on every Friday
    got = list(
        iterate_trigger(
            crontab_trigger("0 12 13 * 5", SHANGHAI),
            datetime(2026, 2, 1, tzinfo=SHANGHAI),
            datetime(2026, 3, 1, tzinfo=SHANGHAI),
        )
    )
    assert [f.day for f in got] == [6, 13, 20, 27]  # Feb 2026: Fridays 6, 13, 20, 27
    got = list(
        iterate_trigger(
            crontab_trigger("0 12 1 * 1", SHANGHAI),
            datetime(2026, 3, 1, tzinfo=SHANGHAI),
            datetime(2026, 4, 1, tzinfo=SHANGHAI),
        )
    )
    assert [f.day for f in got] == [1, 2, 9, 16, 23, 30]


def test_crontab_macros_and_bad_lines():
    got = list(
        iterate_trigger(
            crontab_trigger("@monthly", SHANGHAI),
            datetime(2026, 1, 1, tzinfo=SHANGHAI),
            datetime(2026, 4, 1, tzinfo=SHANGHAI),
        )
    )
    assert [(f.month, f.day, f.hour) for f in got] == [(1, 1, 0), (2, 1, 0), (3, 1, 0)]
    for line in ("0 12 * *", "61 12 * * *", "0 12 L * *", "0 12 1st * *"):
        with pytest.raises(CrontabError):
            crontab_trigger(line, SHANGHAI)


def test_berlin_warntag_in_summer_time():
    warntag = load_library().campaigns["de-warntag"]
    occ = occurrences(warntag, datetime(2026, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC))
    assert [o.due.isoformat() for o in occ] == [
        "2026-09-10T11:00:00+02:00",
        "2027-09-09T11:00:00+02:00",
    ]
    assert occ[0].due_utc == datetime(2026, 9, 10, 9, 0, tzinfo=UTC)
    programme = load_library().programme("de-warntag")
    stops = [b.strftime("%H:%M") for _, _, b in programme.timeline(occ[0].due)]
    assert stops == ["11:01", "11:46"]


def test_berlin_daily_rule_across_both_clock_changes():
    rule = WhenRule("cron", cron="0 7 * * *")
    spring = fires(rule, BERLIN, date(2026, 3, 28), date(2026, 3, 31))
    assert [f.strftime("%d %H:%M") for f in spring] == ["28 07:00", "29 07:00", "30 07:00"]
    assert [f.astimezone(UTC).hour for f in spring] == [6, 5, 5]
    autumn = fires(rule, BERLIN, date(2026, 10, 24), date(2026, 10, 27))
    assert [f.astimezone(UTC).hour for f in autumn] == [5, 6, 6]


def test_repeated_and_skipped_hour_fire_once():
    rule = WhenRule("cron", cron="30 2 * * *")
    autumn = fires(rule, BERLIN, date(2026, 10, 24), date(2026, 10, 27))
    assert [f.strftime("%d %H:%M %z") for f in autumn] == [
        "24 02:30 +0200",
        "25 02:30 +0200",
        "26 02:30 +0100",
    ]
    spring = fires(rule, BERLIN, date(2026, 3, 28), date(2026, 3, 31))
    assert [f.strftime("%d %H:%M %z") for f in spring] == [
        "28 02:30 +0100",
        "29 03:30 +0200",
        "30 02:30 +0200",
    ]
