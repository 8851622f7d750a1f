"""Public holidays and adjusted working days (调休) per country and year.

Sources, in order of trust:

* ``chinese-calendar`` knows China's official days (State Council notice) for the years it
  ships (2004-2026 in 1.11) and raises NotImplementedError for others;
* ``holidays`` computes every country's days from rules; for China it knows the official
  adjusted days of published years and *guesses* later ones without adjusted workdays, so
  from 2025 on such a year is estimated by the State Council's published rules instead
  (``cn_holiday_rules``), still provisional.

:class:`HolidayCalendar` merges them and marks each year ``official`` or ``provisional``. A
year nobody knows becomes a provisional, weekends-only year: planning never crashes.
Overrides (edited days, or years loaded from the database) take precedence over the
libraries; :meth:`HolidayCalendar.seed_rows` produces the rows to seed a table from.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import Protocol

from sirenctl.i18n import L_
from sirenctl.scheduling.holiday_types import (
    DEFAULT_WEEKEND,
    HOLIDAY,
    OFFICIAL,
    PROVISIONAL,
    WORKDAY,
    DayEntry,
    YearCalendar,
)

__all__ = [
    "DEFAULT_WEEKEND",
    "HOLIDAY",
    "OFFICIAL",
    "PROVISIONAL",
    "WORKDAY",
    "DayEntry",
    "YearCalendar",
    "HolidayCalendar",
]


class HolidaySource(Protocol):
    name: str

    def year(self, country: str, year: int) -> YearCalendar | None:
        """The year's calendar, or None if this source does not know it."""


class ChineseCalendarSource:
    """China's official days from ``chinese-calendar``."""

    name = "chinese-calendar"

    def year(self, country: str, year: int) -> YearCalendar | None:
        if country != "CN":
            return None
        try:
            import chinese_calendar
        except ImportError:
            return None
        try:
            chinese_calendar.is_holiday(date(year, 6, 1))  # raises for unknown years
        except NotImplementedError:
            return None
        entries = [
            DayEntry(d, HOLIDAY, str(name))
            for d, name in chinese_calendar.holidays.items()
            if d.year == year
        ]
        entries += [
            DayEntry(d, WORKDAY, str(name))
            for d, name in chinese_calendar.workdays.items()
            if d.year == year
        ]
        return YearCalendar.build(country, year, OFFICIAL, self.name, entries)


def _holidays_lib_explicit_years(country: str) -> set[int] | None:
    """Years for which ``holidays`` ships the announced schedule; None if it computes all by rule."""
    if country != "CN":
        return None
    try:
        from holidays.countries.china import ChinaStaticHolidays
    except ImportError:  # pragma: no cover - layout of a future holidays release
        return set()
    return set(getattr(ChinaStaticHolidays, "special_public_holidays", {}))


class HolidaysLibSource:
    """Any country from the ``holidays`` package.

    Countries whose days follow fixed rules are official. China's days are set each year by
    notice: years the package has explicit data for are official, later years are its guess
    (no adjusted workdays) and are provisional.
    """

    name = "holidays"

    def year(self, country: str, year: int) -> YearCalendar | None:
        try:
            import holidays
        except ImportError:
            return None
        try:
            table = holidays.country_holidays(country, years=year)
        except (NotImplementedError, KeyError, ValueError):
            return None
        explicit = _holidays_lib_explicit_years(country)
        status = OFFICIAL if explicit is None or year in explicit else PROVISIONAL
        if country == "CN" and status == PROVISIONAL:
            # the package's own guess has the shortest breaks and no adjusted workdays: estimate
            # by the rules in force instead (sirenctl/scheduling/cn_holiday_rules.py)
            from sirenctl.scheduling.cn_holiday_rules import estimate_year

            estimate = estimate_year(year)
            if estimate is not None:
                return estimate
        entries = [DayEntry(d, HOLIDAY, str(name)) for d, name in table.items()]
        entries += [
            DayEntry(d, WORKDAY, "adjusted working day")
            for d in getattr(table, "weekend_workdays", set())
            if d.year == year
        ]
        weekend = frozenset(getattr(table, "weekend", DEFAULT_WEEKEND))
        return YearCalendar.build(country, year, status, self.name, entries, weekend)


class HolidayCalendar:
    """Merged holiday provider with overrides; caches each (country, year)."""

    def __init__(
        self, sources: Iterable[HolidaySource] | None = None, overrides: Iterable[YearCalendar] = ()
    ) -> None:
        self.sources: list[HolidaySource] = (
            list(sources) if sources is not None else [ChineseCalendarSource(), HolidaysLibSource()]
        )
        self._cache: dict[tuple[str, int], YearCalendar] = {}
        for calendar in overrides:
            self._cache[(calendar.country, calendar.year)] = calendar

    def override(self, calendar: YearCalendar) -> None:
        self._cache[(calendar.country, calendar.year)] = calendar

    def year(self, country: str, year: int) -> YearCalendar:
        key = (country.upper(), year)
        if key not in self._cache:
            found = None
            for source in self.sources:
                found = source.year(key[0], year)
                if found is not None:
                    break
            self._cache[key] = found or YearCalendar(
                key[0], year, PROVISIONAL, "none (weekends only)"
            )
        return self._cache[key]

    def status(self, country: str, year: int) -> str:
        return self.year(country, year).status

    def is_workday(self, country: str, day: date) -> bool:
        return self.year(country, day.year).is_workday(day)

    def next_workday(self, country: str, day: date, *, limit: int = 60) -> date:
        """The first working day on or after ``day`` (ValueError past ``limit`` days)."""
        for offset in range(limit + 1):
            candidate = day + timedelta(days=offset)
            if self.is_workday(country, candidate):
                return candidate
        raise ValueError(
            L_(
                "no working day in {country} within {limit} days of {day}",
                country=country,
                limit=limit,
                day=day,
            )
        )

    def provisional_years(self, country: str, years: Iterable[int]) -> list[int]:
        return [y for y in years if self.status(country, y) != OFFICIAL]

    def seed_rows(self, country: str, years: Iterable[int]) -> list[dict[str, object]]:
        """One row per special day (and one per year) to seed a database table from."""
        rows: list[dict[str, object]] = []
        for year in years:
            calendar = self.year(country, year)
            rows.append(
                {
                    "country": calendar.country,
                    "year": year,
                    "day": None,
                    "kind": "year",
                    "name": calendar.source,
                    "status": calendar.status,
                }
            )
            rows += [
                {
                    "country": calendar.country,
                    "year": year,
                    "day": entry.day,
                    "kind": entry.kind,
                    "name": entry.name,
                    "status": calendar.status,
                }
                for entry in sorted(calendar.days.values(), key=lambda e: e.day)
            ]
        return rows
