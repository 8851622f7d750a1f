"""Holiday calendar values: a year's days off and adjusted working days, and its status.

Separate from ``holiday_calendar`` (the sources) so that the estimators the sources call
(``cn_holiday_rules``) can build these values without an import cycle.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date

OFFICIAL = "official"
PROVISIONAL = "provisional"
HOLIDAY = "holiday"  # a day off that would otherwise be a working day (or part of a holiday span)
WORKDAY = "workday"  # an adjusted working day on a weekend (调休上班)
DEFAULT_WEEKEND = frozenset({5, 6})


@dataclass(frozen=True)
class DayEntry:
    day: date
    kind: str  # HOLIDAY or WORKDAY
    name: str


@dataclass(frozen=True)
class YearCalendar:
    """One country's special days in one year, and how sure we are of them."""

    country: str
    year: int
    status: str  # OFFICIAL or PROVISIONAL
    source: str
    days: Mapping[date, DayEntry] = field(default_factory=dict)
    weekend: frozenset[int] = DEFAULT_WEEKEND

    def is_workday(self, day: date) -> bool:
        entry = self.days.get(day)
        if entry is not None:
            return entry.kind == WORKDAY
        return day.weekday() not in self.weekend

    def holiday_name(self, day: date) -> str | None:
        entry = self.days.get(day)
        return entry.name if entry and entry.kind == HOLIDAY else None

    @classmethod
    def build(
        cls,
        country: str,
        year: int,
        status: str,
        source: str,
        entries: Iterable[DayEntry],
        weekend: frozenset[int] = DEFAULT_WEEKEND,
    ) -> YearCalendar:
        return cls(
            country,
            year,
            status,
            source,
            {e.day: e for e in entries if e.day.year == year},
            weekend,
        )
