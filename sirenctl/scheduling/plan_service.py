"""Plan the enabled campaigns of a schedule library for a period: the one way every caller
(``sirenctl plan``, ``sirenctl demo``, tests) turns campaigns into work orders."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sirenctl.progress import Progress, no_progress
from sirenctl.scheduling.planner import PlanDiff, apply_plan, compute_plan


def compute_campaign_plan(
    session: Session,
    library: Any,
    start: datetime,
    end: datetime,
    *,
    planner: str,
    now: datetime,
    seed_holidays: bool = True,
    progress: Progress = no_progress,
) -> tuple[PlanDiff, Any, list[str]]:
    """The plan's diff, the holiday calendar it used and its countries; writes nothing unless
    ``seed_holidays`` (the holiday years the period needs are stored first)."""
    import sirenctl.models.scheduling  # noqa: F401  (tables)
    from sirenctl.scheduling.holidays_db import calendar_from_db, ensure_years

    campaigns = [c for c in library.campaigns.values() if c.enabled]
    countries = sorted({c.holiday_country for c in campaigns})
    if seed_holidays:  # a holiday move may spill into the next year
        for country in countries:
            ensure_years(
                session, country, range(start.year, end.year + 2), operator=planner, now=now
            )
    calendar = calendar_from_db(session, countries)
    diff = compute_plan(
        session,
        campaigns,
        start,
        end,
        calendar,
        {k: p.audible for k, p in library.programmes.items()},
        planner=planner,
        now=now,
        progress=progress,
    )
    return diff, calendar, countries


def plan_campaigns(
    session: Session, library: Any, start: datetime, end: datetime, *, operator: str, now: datetime
) -> PlanDiff:
    """Seed the holiday years the period needs, compute the plan and write it."""
    diff, _calendar, _countries = compute_campaign_plan(
        session, library, start, end, planner=operator, now=now
    )
    apply_plan(session, diff, operator=operator, now=now)
    return diff


def live_audible_in(session: Session, diff: PlanDiff) -> int:
    """How many of the plan's new or changed work orders are audible on live (non-bench)
    assets: each needs the planner's signature, so the planner authenticates *before* the plan
    is written (sirenctl/cli/cmd_scheduling_plan.py) and a wrong passphrase writes nothing."""
    from sqlalchemy import select

    from sirenctl.models import Asset
    from sirenctl.models.scheduling import WorkOrder

    bench = set(session.scalars(select(Asset.id).where(Asset.is_bench.is_(True))))
    added = sum(
        sum(1 for asset_id in group.asset_ids if asset_id not in bench)
        for group in diff.added
        if group.common.get("audible")
    )
    becomes_audible = {wo_id: bool(target.get("audible")) for wo_id, target, _c in diff.changed}
    ids = list(becomes_audible)
    changed = 0
    for start in range(0, len(ids), 500):
        rows = session.execute(
            select(WorkOrder.id, WorkOrder.asset_id, WorkOrder.audible).where(
                WorkOrder.id.in_(ids[start : start + 500])
            )
        )
        changed += sum(
            1
            for wo_id, asset_id, audible in rows
            if (audible or becomes_audible[wo_id]) and asset_id not in bench
        )
    return added + changed
