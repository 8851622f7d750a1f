"""Plan the enabled campaigns for a period in one call (used where no diff is shown first)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sirenctl.scheduling.planner import PlanDiff, apply_plan, compute_plan


def plan_campaigns(session: Session, library: Any, start: datetime, end: datetime, *,
                   operator: str, now: datetime) -> PlanDiff:
    """Seed the holiday years the period needs, compute the plan and write it."""
    import sirenctl.models.scheduling  # noqa: F401  (tables)
    from sirenctl.scheduling.holidays_db import calendar_from_db, ensure_years

    campaigns = [c for c in library.campaigns.values() if c.enabled]
    countries = sorted({c.holiday_country for c in campaigns})
    for country in countries:
        ensure_years(session, country, range(start.year, end.year + 2), operator=operator, now=now)
    diff = compute_plan(session, campaigns, start, end, calendar_from_db(session, countries),
                        {k: p.audible for k, p in library.programmes.items()},
                        planner=operator, now=now)
    apply_plan(session, diff, operator=operator, now=now)
    return diff
