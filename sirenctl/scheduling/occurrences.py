"""Occurrences of a campaign in a period, with its holiday policy applied.

An occurrence keeps its *nominal* time (what the rule says) as its identity, so re-planning
after a holiday table changes moves the same occurrence instead of creating another one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sirenctl.scheduling.campaigns import Campaign
from sirenctl.scheduling.holiday_calendar import OFFICIAL, HolidayCalendar


@dataclass(frozen=True)
class Occurrence:
    campaign: str
    nominal: datetime  # aware, campaign time zone: what the rule says
    due: datetime  # aware, campaign time zone: after the holiday policy
    window: int  # seconds after ``due`` that still count as on time
    skipped: bool = False
    provisional: bool = False  # depends on a year whose holidays are not yet official
    note: str = ""

    @property
    def moved(self) -> bool:
        return self.due != self.nominal

    @property
    def due_utc(self) -> datetime:
        return self.due.astimezone(UTC)

    @property
    def nominal_utc(self) -> datetime:
        return self.nominal.astimezone(UTC)

    @property
    def window_end_utc(self) -> datetime:
        return self.due_utc + timedelta(seconds=self.window)


def occurrences(
    campaign: Campaign,
    start: datetime,
    end: datetime,
    calendar: HolidayCalendar | None = None,
    *,
    include_skipped: bool = False,
) -> list[Occurrence]:
    """Occurrences whose nominal time lies in ``[start, end)`` (aware datetimes)."""
    cal = calendar or HolidayCalendar()
    zone = campaign.zone
    country = campaign.holiday_country
    policy = campaign.holiday_policy
    out: list[Occurrence] = []
    for nominal in campaign.when.fire_times(
        zone, start.astimezone(zone), end.astimezone(zone), cal, country
    ):
        years = {nominal.year}
        due, skipped, note = nominal, False, ""
        excluded = next((s for s in campaign.skip_days if s.matches(nominal.date())), None)
        if excluded is not None:
            skipped, note = (
                True,
                f"skipped: {nominal.date()} is never a test day ({excluded.reason})",
            )
        elif policy != "ignore" and not cal.is_workday(country, nominal.date()):
            reason = cal.year(country, nominal.year).holiday_name(nominal.date()) or "weekend"
            if policy == "skip":
                skipped, note = True, f"skipped: {nominal.date()} is not a working day ({reason})"
            elif policy == "postpone":
                day = _postponed(campaign, cal, nominal.date())
                if day is None:
                    skipped = True
                    note = (
                        f"skipped: {nominal.date()} ({reason}) and every postponement day are off"
                    )
                else:
                    years.add(day.year)
                    due = datetime.combine(day, nominal.time(), tzinfo=zone)
                    note = f"postponed from {nominal.date()} ({reason})"
            else:
                day = cal.next_workday(country, nominal.date())
                years.add(day.year)
                due = datetime.combine(day, nominal.time(), tzinfo=zone)
                note = f"moved from {nominal.date()} ({reason})"
        provisional = (policy != "ignore" or campaign.when.uses_holidays) and any(
            cal.status(country, year) != OFFICIAL for year in years
        )
        if provisional:
            note = (note + "; " if note else "") + f"holidays of {max(years)} are provisional"
        if skipped and not include_skipped:
            continue
        out.append(
            Occurrence(campaign.key, nominal, due, campaign.window, skipped, provisional, note)
        )
    return out


def _postponed(campaign: Campaign, cal: HolidayCalendar, nominal: date) -> date | None:
    """The first of the campaign's postponement days that is a working day and no skip day."""
    for offset in campaign.postpone:
        day = nominal + timedelta(days=offset)
        if cal.is_workday(campaign.holiday_country, day) and not any(
            s.matches(day) for s in campaign.skip_days
        ):
            return day
    return None


def agenda(
    campaigns: Iterable[Campaign],
    start: datetime,
    end: datetime,
    calendar: HolidayCalendar | None = None,
) -> list[Occurrence]:
    """Every enabled campaign's occurrences in the period, in due order."""
    cal = calendar or HolidayCalendar()
    found = [occ for c in campaigns if c.enabled for occ in occurrences(c, start, end, cal)]
    return sorted(found, key=lambda o: (o.due_utc, o.campaign))
