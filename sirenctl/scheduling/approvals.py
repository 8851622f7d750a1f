"""Approvals of live audible work orders by a person other than the planner (docs/development.md, "Safety")."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.i18n import L_
from sirenctl.models import Asset, Site
from sirenctl.models.scheduling import WorkOrder
from sirenctl.registry.errors import NotFound

# Approving is authority, decided in one place: sirenctl/security/approvals.py.
from sirenctl.security.approvals import APPROVABLE, ApprovalRefused, approve  # noqa: E402,F401


def select_occurrence(
    session: Session,
    campaign: str,
    on: date,
    timezone: str = "Asia/Shanghai",
    site: str | None = None,
) -> list[int]:
    """Ids of a campaign's work orders due on a local date (optionally one site) that need
    an approval: audible work on live assets (bench units run on an administrator's
    certificate alone, sirenctl/security/approvals.py ``needs_two_people``)."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(on, time(0), zone)
    query = (
        select(WorkOrder.id)
        .join(Asset, WorkOrder.asset_id == Asset.id)
        .where(
            WorkOrder.campaign == campaign,
            WorkOrder.due_at >= start,
            WorkOrder.due_at < start + timedelta(days=1),
            WorkOrder.audible.is_(True),
            Asset.is_bench.is_(False),
        )
        .order_by(WorkOrder.id)
    )
    if site:
        query = query.join(Site, Asset.site_id == Site.id).where(Site.code == site)
    ids = list(session.scalars(query))
    if not ids:
        if site:
            raise NotFound(
                L_(
                    "no live audible work orders of campaign {campaign!r} due on {day} at site "
                    "{site}",
                    campaign=campaign,
                    day=str(on),
                    site=site,
                )
            )
        raise NotFound(
            L_(
                "no live audible work orders of campaign {campaign!r} due on {day}",
                campaign=campaign,
                day=str(on),
            )
        )
    return ids


__all__ = ["APPROVABLE", "ApprovalRefused", "approve", "select_occurrence"]
