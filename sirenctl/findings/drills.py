"""Drills and outreach (疏散演练、培训、宣传): record and list, audited."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from sirenctl.audit import json_safe, record
from sirenctl.i18n import L_
from sirenctl.models import Site
from sirenctl.models.findings import OutreachEvent, OutreachKind
from sirenctl.registry.errors import FieldProblem, ValidationFailed
from sirenctl.registry.sites import get_site
from sirenctl.scheduling.tasks import Task
from sirenctl.timeutil import ensure_utc, utcnow

COUNTS = ("participants", "certificates", "materials")
#: the largest head count or number of handouts one event may record (as for outreach events,
#: sirenctl/cli/cmd_outreach.py): a typo of extra digits is refused, not stored
MAX_COUNT = 10_000_000


def drill_to_dict(event: OutreachEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "held_on": json_safe(event.held_on),
        "site": event.site.code,
        "site_name": event.site.name,
        "kind": event.kind,
        "title": event.title,
        "participants": event.participants,
        "certificates": event.certificates,
        "certificate_type": event.certificate_type,
        "materials": event.materials,
        "materials_note": event.materials_note,
        "evacuation_minutes": event.evacuation_minutes,
        "notes": event.notes,
        "recorded_by": event.recorded_by,
    }


def add_drill(
    session: Session,
    *,
    operator: str,
    site: str,
    held_on: date,
    kind: str = OutreachKind.EVACUATION_DRILL.value,
    participants: int = 0,
    certificates: int = 0,
    materials: int = 0,
    title: str | None = None,
    certificate_type: str | None = None,
    materials_note: str | None = None,
    evacuation_minutes: float | None = None,
    notes: str | None = None,
    now: datetime | None = None,
) -> OutreachEvent:
    problems: list[FieldProblem] = []
    kinds = [k.value for k in OutreachKind]
    if kind not in kinds:
        problems.append(
            FieldProblem("kind", L_("must be one of {value}", value=", ".join(kinds)), None, kind)
        )
    counts = {"participants": participants, "certificates": certificates, "materials": materials}
    for key, value in counts.items():
        if value < 0:
            problems.append(FieldProblem(key, L_("must not be negative"), None, str(value)))
        elif value > MAX_COUNT:
            problems.append(
                FieldProblem(key, L_("must be at most {limit}", limit=MAX_COUNT), None, str(value))
            )
    if certificates > participants:
        problems.append(
            FieldProblem(
                "certificates",
                L_("more than the {participants} participants", participants=participants),
                None,
                str(certificates),
            )
        )
    if evacuation_minutes is not None and evacuation_minutes <= 0:
        problems.append(
            FieldProblem(
                "evacuation_minutes", L_("must be positive"), None, str(evacuation_minutes)
            )
        )
    if problems:
        raise ValidationFailed(problems)
    now = ensure_utc(now or utcnow())
    event = OutreachEvent(
        site=get_site(session, site),
        held_on=held_on,
        kind=kind,
        title=title,
        notes=notes,
        certificate_type=certificate_type,
        materials_note=materials_note,
        evacuation_minutes=evacuation_minutes,
        recorded_by=operator,
        created_at=now,
        **counts,
    )
    session.add(event)
    session.flush()
    record(
        session,
        operator=operator,
        action="drill.add",
        object_type="drill",
        object_ref=str(event.id),
        after=drill_to_dict(event),
        at=now,
    )
    if kind == OutreachKind.EVACUATION_DRILL:
        close_drill_orders(session, event, operator=operator, now=now)
    return event


def close_drill_orders(
    session: Session, event: OutreachEvent, *, operator: str, now: datetime
) -> list[int]:
    """Mark the site's open drill work orders of that month done: the drill was held.

    Planned drills (the monthly drill campaign) are manual work orders; recording the drill is
    what completes them, so the agenda and the annual report count it as done, not missed.
    """
    from zoneinfo import ZoneInfo

    from sirenctl.models import Asset
    from sirenctl.models.scheduling import WorkOrder, WorkOrderStatus
    from sirenctl.scheduling.results import MANUAL_TASKS_OPEN

    orders = session.scalars(
        select(WorkOrder)
        .join(Asset, Asset.id == WorkOrder.asset_id)
        .where(
            WorkOrder.task == Task.DRILL.value,
            Asset.site_id == event.site_id,
            WorkOrder.status.in_(MANUAL_TASKS_OPEN),
        )
    )
    closed = []
    for order in orders:
        local = order.due_at.astimezone(ZoneInfo(order.timezone)).date()
        if (local.year, local.month) != (event.held_on.year, event.held_on.month):
            continue
        before = order.status
        order.status = WorkOrderStatus.DONE.value
        order.finished_at = now
        order.outcome_note = f"drill #{event.id} held on {event.held_on.isoformat()}"
        closed.append(order.id)
        record(
            session,
            operator=operator,
            action="workorder.done",
            object_type="work_order",
            object_ref=str(order.id),
            before={"status": before},
            after={"status": order.status, "drill": event.id},
            at=now,
        )
    return closed


@dataclass(frozen=True)
class DrillFilter:
    site: str | None = None
    kind: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive


def list_drills(session: Session, flt: DrillFilter = DrillFilter()) -> list[OutreachEvent]:
    query = select(OutreachEvent).join(OutreachEvent.site).options(joinedload(OutreachEvent.site))
    if flt.site:
        query = query.where(Site.code == flt.site)
    if flt.kind:
        query = query.where(OutreachEvent.kind == flt.kind)
    if flt.since:
        query = query.where(OutreachEvent.held_on >= flt.since)
    if flt.until:
        query = query.where(OutreachEvent.held_on <= flt.until)
    return list(session.scalars(query.order_by(OutreachEvent.held_on.desc(), OutreachEvent.id)))
