"""Approvals of live audible work orders by a person other than the planner (docs/development.md, "Safety")."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.audit import record
from sirenctl.models import Asset, Site
from sirenctl.models.scheduling import Approval, WorkOrder, WorkOrderStatus
from sirenctl.registry.errors import Conflict, NotFound, RegistryError

APPROVABLE = (WorkOrderStatus.PLANNED.value, WorkOrderStatus.REFUSED.value)


class ApprovalRefused(RegistryError):
    """The approver may not approve (the planner approving their own plan)."""


def select_occurrence(
    session: Session,
    campaign: str,
    on: date,
    timezone: str = "Asia/Shanghai",
    site: str | None = None,
) -> list[int]:
    """Ids of a campaign's work orders due on a local date (optionally one site)."""
    zone = ZoneInfo(timezone)
    start = datetime.combine(on, time(0), zone)
    query = (
        select(WorkOrder.id)
        .join(Asset, WorkOrder.asset_id == Asset.id)
        .where(
            WorkOrder.campaign == campaign,
            WorkOrder.due_at >= start,
            WorkOrder.due_at < start + timedelta(days=1),
        )
        .order_by(WorkOrder.id)
    )
    if site:
        query = query.join(Site, Asset.site_id == Site.id).where(Site.code == site)
    ids = list(session.scalars(query))
    if not ids:
        raise NotFound(
            f"no work orders of campaign {campaign!r} due on {on}"
            + (f" at site {site}" if site else "")
        )
    return ids


def approve(
    session: Session, wo_ids: list[int], *, approver: str, reason: str, now: datetime
) -> list[Approval]:
    """Approve each work order; all or nothing (the caller's transaction rolls back on error)."""
    if not reason.strip():
        raise Conflict("an approval needs a reason (e.g. the notice number of the trial sounding)")
    approvals = []
    for wo_id in wo_ids:
        wo = session.get(WorkOrder, wo_id, with_for_update=True)
        if wo is None:
            raise NotFound(f"no work order {wo_id}")
        if not wo.audible:
            raise Conflict(f"work order {wo_id} ({wo.task}) makes no sound and needs no approval")
        if wo.planned_by.strip().casefold() == approver.strip().casefold():
            raise ApprovalRefused(
                f"work order {wo_id} was planned by {wo.planned_by}: a different person must approve "
                "a live audible work order"
            )
        if wo.status not in APPROVABLE:
            raise Conflict(
                f"work order {wo_id} is {wo.status}: only planned or refused work "
                "orders can be approved"
            )
        if any(a.approved_by.casefold() == approver.casefold() for a in wo.approvals):
            continue
        approval = Approval(
            work_order=wo, approved_by=approver, approved_at=now, reason=reason.strip()
        )
        session.add(approval)
        before = wo.status
        if wo.status == WorkOrderStatus.REFUSED.value and now <= wo.window_end_at:
            wo.status, wo.outcome_note = WorkOrderStatus.PLANNED.value, None
        record(
            session,
            operator=approver,
            action="workorder.approve",
            object_type="work_order",
            object_ref=str(wo.id),
            before={"status": before},
            after={"status": wo.status, "planned_by": wo.planned_by, "reason": reason.strip()},
            at=now,
        )
        approvals.append(approval)
    session.flush()
    return approvals
