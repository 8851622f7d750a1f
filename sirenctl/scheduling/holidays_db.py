"""The holiday table: seeded from the libraries, editable, each year official or provisional.

Planning reads holidays through :func:`calendar_from_db`, so the table (not whatever library
version happens to be installed) is the truth once a year has been seeded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from sirenctl.audit import record
from sirenctl.i18n import L_
from sirenctl.models.scheduling import DayKind, HolidayDay, HolidayYear, YearStatus
from sirenctl.registry.errors import FieldProblem, NotFound, ValidationFailed
from sirenctl.scheduling.holiday_calendar import (
    DayEntry,
    HolidayCalendar,
    YearCalendar,
)
from sirenctl.timeutil import utcnow

GUESS_SOURCES = ("holidays", "none (weekends only)")


def _year_of(session: Session, country: str, year: int) -> HolidayYear | None:
    return session.get(HolidayYear, (country, year))


def seed_year(
    session: Session,
    country: str,
    year: int,
    *,
    operator: str,
    source: HolidayCalendar | None = None,
    refresh: bool = False,
    now: datetime | None = None,
) -> HolidayYear:
    """Copy a year from the libraries into the table (``refresh`` replaces what is there)."""
    country = country.upper()
    existing = _year_of(session, country, year)
    if existing is not None and not refresh:
        return existing
    calendar = (source or HolidayCalendar()).year(country, year)
    session.execute(
        delete(HolidayDay).where(
            HolidayDay.country == country,
            HolidayDay.day >= date(year, 1, 1),
            HolidayDay.day <= date(year, 12, 31),
        )
    )
    session.add_all(
        HolidayDay(country=country, day=e.day, kind=e.kind, name=e.name[:200])
        for e in calendar.days.values()
    )
    if existing is None:
        existing = HolidayYear(
            country=country, year=year, status=calendar.status, source=calendar.source[:64]
        )
        session.add(existing)
    else:
        existing.status, existing.source = calendar.status, calendar.source[:64]
    existing.updated_at = now or utcnow()
    session.flush()
    record(
        session,
        operator=operator,
        action="holidays.seed",
        object_type="holiday_year",
        object_ref=f"{country}:{year}",
        after={"status": calendar.status, "source": calendar.source, "days": len(calendar.days)},
        at=now,
    )
    return existing


def ensure_years(
    session: Session,
    country: str,
    years: Iterable[int],
    *,
    operator: str,
    now: datetime | None = None,
) -> list[int]:
    """Seed every year not yet in the table; returns the years seeded.

    A provisional year still holding a library's bare guess (nobody edited it) is seeded
    again, so a better estimate (sirenctl/scheduling/cn_holiday_rules.py) replaces it.
    """
    seeded = []
    for year in sorted(set(years)):
        row = _year_of(session, country.upper(), year)
        if row is None:
            seed_year(session, country, year, operator=operator, now=now)
            seeded.append(year)
        elif row.status == YearStatus.PROVISIONAL and row.source in GUESS_SOURCES:
            fresh = HolidayCalendar().year(country.upper(), year)
            if fresh.source != row.source:
                seed_year(session, country, year, operator=operator, now=now, refresh=True)
                seeded.append(year)
    return seeded


def calendar_from_db(session: Session, countries: Iterable[str] | None = None) -> HolidayCalendar:
    """A calendar whose years come from the table; years not in it fall back to the libraries."""
    query = select(HolidayYear)
    if countries is not None:
        query = query.where(HolidayYear.country.in_([c.upper() for c in countries]))
    years = session.scalars(query).all()
    days: dict[tuple[str, int], list[DayEntry]] = {}
    if years:
        for row in session.scalars(
            select(HolidayDay).where(HolidayDay.country.in_({y.country for y in years}))
        ):
            days.setdefault((row.country, row.day.year), []).append(
                DayEntry(row.day, row.kind, row.name)
            )
    calendar = HolidayCalendar()
    for y in years:
        calendar.override(
            YearCalendar.build(
                y.country, y.year, y.status, y.source, days.get((y.country, y.year), [])
            )
        )
    return calendar


def set_day(
    session: Session,
    country: str,
    day: date,
    kind: str,
    name: str,
    *,
    operator: str,
    now: datetime | None = None,
) -> HolidayDay:
    """Add or change one day (the year is seeded first, so the libraries' other days stay)."""
    if kind not in [k.value for k in DayKind]:
        raise ValidationFailed([FieldProblem("kind", L_("must be holiday or workday"), None, kind)])
    if not name.strip():
        raise ValidationFailed([FieldProblem("name", L_("is required"))])
    country = country.upper()
    ensure_years(session, country, [day.year], operator=operator, now=now)
    row = session.scalar(
        select(HolidayDay).where(HolidayDay.country == country, HolidayDay.day == day)
    )
    before = None if row is None else {"kind": row.kind, "name": row.name}
    if row is None:
        row = HolidayDay(country=country, day=day, kind=kind, name=name.strip())
        session.add(row)
    else:
        row.kind, row.name = kind, name.strip()
    year_row = _year_of(session, country, day.year)
    if year_row is not None and year_row.status == YearStatus.PROVISIONAL:
        year_row.source = f"edited by {operator}"[:64]  # never re-seeded over the edit
    session.flush()
    record(
        session,
        operator=operator,
        action="holidays.set",
        object_type="holiday_day",
        object_ref=f"{country}:{day.isoformat()}",
        before=before,
        after={"kind": kind, "name": name.strip()},
        at=now,
    )
    return row


def remove_day(
    session: Session, country: str, day: date, *, operator: str, now: datetime | None = None
) -> None:
    country = country.upper()
    row = session.scalar(
        select(HolidayDay).where(HolidayDay.country == country, HolidayDay.day == day)
    )
    if row is None:
        raise NotFound(
            L_(
                "no holiday or adjusted working day on {day} for {country}",
                day=day,
                country=country,
            )
        )
    before = {"kind": row.kind, "name": row.name}
    session.delete(row)
    year_row = _year_of(session, country, day.year)
    if year_row is not None and year_row.status == YearStatus.PROVISIONAL:
        year_row.source = f"edited by {operator}"[:64]  # never re-seeded over the edit
    record(
        session,
        operator=operator,
        action="holidays.remove",
        object_type="holiday_day",
        object_ref=f"{country}:{day.isoformat()}",
        before=before,
        at=now,
    )


def mark_year(
    session: Session,
    country: str,
    year: int,
    status: str,
    *,
    operator: str,
    now: datetime | None = None,
) -> HolidayYear:
    if status not in [s.value for s in YearStatus]:
        raise ValidationFailed(
            [FieldProblem("status", L_("must be official or provisional"), None, status)]
        )
    country = country.upper()
    ensure_years(session, country, [year], operator=operator, now=now)
    row = _year_of(session, country, year)
    assert row is not None
    before = row.status
    row.status = status
    if status == YearStatus.OFFICIAL and row.source in ("holidays", "none (weekends only)"):
        row.source = f"confirmed by {operator}"[:64]
    row.updated_at = now or utcnow()
    record(
        session,
        operator=operator,
        action="holidays.mark",
        object_type="holiday_year",
        object_ref=f"{country}:{year}",
        before={"status": before},
        after={"status": status},
        at=now,
    )
    return row


def list_years(session: Session, country: str | None = None) -> list[HolidayYear]:
    query = select(HolidayYear).order_by(HolidayYear.country, HolidayYear.year)
    if country:
        query = query.where(HolidayYear.country == country.upper())
    return list(session.scalars(query))


def list_days(session: Session, country: str, year: int) -> list[HolidayDay]:
    return list(
        session.scalars(
            select(HolidayDay)
            .where(
                HolidayDay.country == country.upper(),
                HolidayDay.day >= date(year, 1, 1),
                HolidayDay.day <= date(year, 12, 31),
            )
            .order_by(HolidayDay.day)
        )
    )


@dataclass(frozen=True)
class Arrangement:
    """A year's official arrangement: every day off and every adjusted working day."""

    country: str
    year: int
    source: str
    days: tuple[DayEntry, ...]


@dataclass(frozen=True)
class ArrangementChange:
    """What entering an arrangement changed in the table."""

    country: str
    year: int
    before_status: str | None
    added: tuple[DayEntry, ...]
    removed: tuple[DayEntry, ...]
    changed: tuple[tuple[DayEntry, DayEntry], ...]  # (before, after)


def set_arrangement(
    session: Session,
    arrangement: Arrangement,
    *,
    operator: str,
    now: datetime | None = None,
) -> ArrangementChange:
    """Replace the year's days with the official arrangement and mark the year official."""
    country, year = arrangement.country.upper(), arrangement.year
    row = _year_of(session, country, year)
    before_status = row.status if row is not None else None
    old = {d.day: d for d in list_days(session, country, year)}
    new = {e.day: e for e in arrangement.days}
    session.execute(
        delete(HolidayDay).where(
            HolidayDay.country == country,
            HolidayDay.day >= date(year, 1, 1),
            HolidayDay.day <= date(year, 12, 31),
        )
    )
    session.add_all(
        HolidayDay(country=country, day=e.day, kind=e.kind, name=e.name[:200]) for e in new.values()
    )
    if row is None:
        row = HolidayYear(country=country, year=year, status=YearStatus.OFFICIAL.value, source="")
        session.add(row)
    row.status = YearStatus.OFFICIAL.value
    row.source = (arrangement.source or f"entered by {operator}")[:64]
    row.updated_at = now or utcnow()
    session.flush()
    before = {k: DayEntry(v.day, v.kind, v.name) for k, v in old.items()}
    change = ArrangementChange(
        country,
        year,
        before_status,
        tuple(e for k, e in sorted(new.items()) if k not in before),
        tuple(e for k, e in sorted(before.items()) if k not in new),
        tuple(
            (before[k], e)
            for k, e in sorted(new.items())
            if k in before and (before[k].kind, before[k].name) != (e.kind, e.name)
        ),
    )
    record(
        session,
        operator=operator,
        action="holidays.arrangement",
        object_type="holiday_year",
        object_ref=f"{country}:{year}",
        before={"status": before_status, "days": len(before)},
        after={
            "status": YearStatus.OFFICIAL.value,
            "source": row.source,
            "days": len(new),
            "added": len(change.added),
            "removed": len(change.removed),
            "changed": len(change.changed),
        },
        at=now,
    )
    return change
