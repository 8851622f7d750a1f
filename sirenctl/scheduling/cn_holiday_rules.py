"""China's days off for a year the State Council has not yet announced, estimated by the rules.

The rules in force since 2025 (国务院办公厅关于2025年部分节假日安排的通知, 2024-11-12, after the
revised 《全国年节及纪念日放假办法》 of November 2024):

* statutory days: 元旦 1 (1 Jan), 春节 4 (除夕 to 初三), 清明 1, 劳动节 2 (1-2 May), 端午 1,
  中秋 1, 国庆 3 (1-3 Oct); one that falls on a weekend is made up on a working day;
* 春节自农历除夕起放假调休8天, 国庆节自10月1日起放假调休7天 (8 when 中秋 falls in it),
  劳动节放假调休5天; 元旦、清明、端午、中秋 放假调休或连休3天 (a Wednesday: that day only);
* 法定节假日假期前后连续工作一般不超过6天 (the working days given back on weekends are placed
  so that no run of working days gets longer than it need be).

Lunar dates (除夕, 端午, 中秋) and 清明 come from the ``holidays`` package's Chinese calendar, which
the planner already depends on (its class is private: if a release moves it, the estimate
returns None and the package's own guess is used, as before). The result is an estimate: it
is always ``provisional``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sirenctl.i18n import L_
from sirenctl.scheduling.holiday_types import (
    HOLIDAY,
    PROVISIONAL,
    WORKDAY,
    DayEntry,
    YearCalendar,
)

RULES_SINCE = 2025
SOURCE = "estimate: 2025 rules"
WEEKEND = (5, 6)
SEARCH_DAYS = 21  # how far from a break a given-back working day may be placed


@dataclass(frozen=True)
class Break:
    """One holiday break: its days off and how many weekend days must be worked in return."""

    name: str
    first: date
    last: date
    swaps: int

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(n) for n in range((self.last - self.first).days + 1)]


def _lunar_dates(year: int) -> tuple[date, date, date, date]:
    """Chinese New Year, Qingming, Dragon Boat and Mid-Autumn of ``year`` (Gregorian dates)."""
    from holidays.calendars.chinese import _ChineseLunisolar

    cal = _ChineseLunisolar()
    found = (
        cal.lunar_new_year_date(year)[0],
        cal.qingming_date(year)[0],
        cal.dragon_boat_date(year)[0],
        cal.mid_autumn_date(year)[0],
    )
    if None in found:
        raise KeyError(L_("the Chinese calendar of holidays does not reach {year}", year=year))
    new_year, qingming, dragon_boat, mid_autumn = found
    assert new_year and qingming and dragon_boat and mid_autumn
    return new_year, qingming, dragon_boat, mid_autumn


def _weekdays(first: date, length: int) -> int:
    return sum((first + timedelta(n)).weekday() not in WEEKEND for n in range(length))


def _window(name: str, statutory: list[date], length: int) -> Break:
    """The ``length``-day window holding every statutory day that needs the fewest swaps.

    A tie goes to the latest start (劳动节 2025: 1-5 May rather than 30 April-4 May).
    """
    low, high = min(statutory), max(statutory)
    best: Break | None = None
    for start_offset in range(length - (high - low).days):
        first = low - timedelta(days=length - 1 - (high - low).days - start_offset)
        swaps = max(0, _weekdays(first, length) - len(statutory))
        if best is None or swaps <= best.swaps:
            best = Break(name, first, first + timedelta(days=length - 1), swaps)
    assert best is not None
    return best


def _fixed(name: str, first: date, length: int, statutory: int) -> Break:
    swaps = max(0, _weekdays(first, length) - statutory)
    return Break(name, first, first + timedelta(days=length - 1), swaps)


def breaks(year: int) -> list[Break]:
    """Every break of ``year`` by the 2025 rules, in date order."""
    new_year, qingming, dragon_boat, mid_autumn = _lunar_dates(year)
    eve = new_year - timedelta(days=1)
    out = [
        _short("元旦", date(year, 1, 1)),
        _fixed("春节", eve, 8, 4),
        _short("清明节", qingming),
        _window("劳动节", [date(year, 5, 1), date(year, 5, 2)], 5),
        _short("端午节", dragon_boat),
    ]
    october = [date(year, 10, 1) + timedelta(n) for n in range(3)]
    if date(year, 9, 29) <= mid_autumn <= date(year, 10, 8):  # 国庆节放假如逢中秋节则合并放假8天
        first = min(mid_autumn, date(year, 10, 1))
        out.append(_fixed("国庆节、中秋节", first, 8, 4))
    else:
        out.append(_short("中秋节", mid_autumn))
        out.append(_fixed("国庆节", october[0], 7, 3))
    return sorted(out, key=lambda b: b.first)


def _short(name: str, day: date) -> Break:
    """元旦、清明、端午、中秋: 3 days off or bridged; a Wednesday: that day only."""
    if day.weekday() == 2:
        return Break(name, day, day, 0)
    return _window(name, [day], 3)


def _longest_run(off: set[date], work: set[date], first: date, last: date) -> int:
    """The longest run of working days in ``[first, last]``."""
    run = best = 0
    day = first
    while day <= last:
        working = day in work or (day.weekday() not in WEEKEND and day not in off)
        run = run + 1 if working else 0
        best = max(best, run)
        day += timedelta(days=1)
    return best


def _place_swaps(brk: Break, off: set[date], work: set[date], year: int) -> list[date]:
    """Weekend days to work for ``brk``: each keeps the longest working run shortest; then the
    nearest to the break; then the earlier one."""
    chosen: list[date] = []
    span_first = brk.first - timedelta(days=SEARCH_DAYS + 7)
    span_last = brk.last + timedelta(days=SEARCH_DAYS + 7)
    for _ in range(brk.swaps):
        candidates = []
        for offset in range(1, SEARCH_DAYS + 1):
            for day in (brk.first - timedelta(days=offset), brk.last + timedelta(days=offset)):
                if (
                    day.year == year
                    and day.weekday() in WEEKEND
                    and day not in off
                    and day not in work
                ):
                    run = _longest_run(off, work | {day}, span_first, span_last)
                    candidates.append((run, offset, day))
        if not candidates:
            break
        day = min(candidates)[2]
        work.add(day)
        chosen.append(day)
    return chosen


def estimate_year(year: int) -> YearCalendar | None:
    """China's days for ``year`` estimated by the rules in force since 2025; None before 2025."""
    if year < RULES_SINCE:
        return None
    try:
        found = breaks(year)
    except (ImportError, AttributeError, KeyError, IndexError, TypeError):  # not in holidays
        return None
    off = {day for brk in found for day in brk.days}
    work: set[date] = set()
    entries = [
        DayEntry(day, HOLIDAY, f"{brk.name} (estimated)")
        for brk in found
        for day in brk.days
        if day.year == year
    ]
    for brk in found:
        entries += [
            DayEntry(day, WORKDAY, f"{brk.name}调休上班 (estimated)")
            for day in _place_swaps(brk, off, work, year)
        ]
    return YearCalendar.build("CN", year, PROVISIONAL, SOURCE, entries)
