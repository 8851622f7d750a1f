"""The report's shape: sections of figures, and the year being reported."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sirenctl.reports.figures import Figure
from sirenctl.timeutil import ensure_utc


@dataclass
class Section:
    key: str
    figures: list[Figure] = field(default_factory=list)
    # named tables of figures, e.g. "by_kind": [[fig, fig], ...] for rendering
    tables: dict[str, list[list[Figure]]] = field(default_factory=dict)

    def add(self, *figures: Figure) -> None:
        self.figures.extend(figures)

    def get(self, key: str) -> Figure:
        for fig in self.all_figures():
            if fig.key == key:
                return fig
        raise KeyError(key)

    def all_figures(self) -> list[Figure]:
        seen = {id(f): f for f in self.figures}
        for rows in self.tables.values():
            for row in rows:
                seen.update({id(f): f for f in row})
        return list(seen.values())


@dataclass
class AnnualReport:
    year: int
    generated_at: datetime
    timezone: str
    target_dbc: float
    sections: dict[str, Section] = field(default_factory=dict)
    #: the audit chain's head at the end of the reported period (sirenctl/audit_chain.py)
    audit_head: AuditHead | None = None
    map: Any = None  # sirenctl.reports.map_data.MapData, drawn in the HTML report

    def figure(self, key: str) -> Figure:
        section = self.sections[key.split(".", 1)[0]]
        return section.get(key)

    def figures(self) -> list[Figure]:
        return [f for s in self.sections.values() for f in s.all_figures()]


@dataclass(frozen=True)
class AuditHead:
    as_of: datetime
    seq: int
    hash: str
    database_id: str


@dataclass(frozen=True)
class Period:
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive
    now: datetime

    @property
    def until(self) -> datetime:
        return min(self.end, self.now)


def year_period(year: int, timezone: str, now: datetime) -> Period:
    zone = ZoneInfo(timezone)
    start = datetime.combine(date(year, 1, 1), time(), zone)
    end = datetime.combine(date(year + 1, 1, 1), time(), zone)
    return Period(ensure_utc(start), ensure_utc(end), ensure_utc(now))
