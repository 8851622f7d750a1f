"""Work orders for the Agenda and Dashboard screens, and hand-crank check-ins (no Textual).

Reads the scheduling tables (paged in SQL). Check-ins are recorded by the check-in service
(sirenctl/services/checkin.py), the same one ``sirenctl checkin`` calls.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, inspect, or_, select

from sirenctl.config import DEFAULT_TIMEZONE
from sirenctl.db import Database
from sirenctl.models import Asset, Site
from sirenctl.models.scheduling import WorkOrder, WorkOrderStatus
from sirenctl.scheduling.tasks import Task
from sirenctl.tui.data import Page

S = WorkOrderStatus
WAITING = (S.PLANNED.value, S.ISSUED.value, S.REFUSED.value, S.RUNNING.value)
CHECK_IN_STATUSES = (S.PLANNED.value, S.ISSUED.value, S.MISSED.value)
VIEWS = ("upcoming", "overdue", "missed", "done", "all")


@dataclass(frozen=True)
class AgendaSummary:
    due_today: int
    overdue: int
    missed: int
    next_sounding: tuple[datetime, str] | None


@dataclass(frozen=True)
class OrderRow:
    id: int
    due_at: datetime
    window_end_at: datetime
    state: str  # status, or overdue/late for waiting orders past their due time
    task: str
    campaign: str
    tag: str
    kind: str
    site: str
    site_name: str
    programme: str | None
    checklist: list[str] = field(default_factory=list)
    note: str | None = None

    @property
    def can_check_in(self) -> bool:
        return (
            self.state
            in (
                "planned",
                "issued",
                "missed",
                "overdue",
                "late",
            )
            and self.task != Task.SILENT_TEST
        )

    @property
    def hand_crank(self) -> bool:
        return self.kind == "hand_crank"


def order_state(order: WorkOrder, now: datetime) -> str:
    if order.status in (S.PLANNED.value, S.ISSUED.value) and now > order.due_at:
        return "overdue" if now <= order.window_end_at else "late"
    return order.status


class AgendaService:
    def __init__(self, db: Database) -> None:
        self.db = db

    @classmethod
    def create(cls, db: Database) -> AgendaService | None:
        """None when this database has no work-order table (an older schema)."""
        return cls(db) if inspect(db.engine).has_table("work_order") else None

    def _query(self, view: str, now: datetime, text: str | None, days: int) -> Any:
        query = (
            select(WorkOrder, Asset.tag, Asset.kind, Site.code, Site.name)
            .join(Asset, WorkOrder.asset_id == Asset.id)
            .join(Site, Asset.site_id == Site.id)
        )
        waiting_late = and_(WorkOrder.status.in_(WAITING), WorkOrder.due_at < now)
        if view == "upcoming":
            query = query.where(
                WorkOrder.status.in_(WAITING), WorkOrder.due_at < now + timedelta(days=days)
            )
        elif view == "overdue":
            query = query.where(waiting_late)
        elif view == "missed":
            query = query.where(
                WorkOrder.status.in_((S.MISSED.value, S.UNKNOWN.value, S.FAILED.value))
            )
        elif view == "done":
            query = query.where(WorkOrder.status == S.DONE.value)
        else:
            query = query.where(or_(WorkOrder.status != S.CANCELLED.value, waiting_late))
        if text:
            pattern = f"%{text}%"
            query = query.where(
                or_(
                    Asset.tag.ilike(pattern),
                    Site.code.ilike(pattern),
                    Site.name.ilike(pattern),
                    WorkOrder.campaign.ilike(pattern),
                )
            )
        return query

    def page(
        self,
        now: datetime,
        *,
        view: str = "upcoming",
        text: str | None = None,
        days: int = 14,
        offset: int = 0,
        limit: int = 100,
    ) -> Page:
        query = self._query(view, now, text, days)
        order = WorkOrder.due_at.desc() if view in ("done", "missed") else WorkOrder.due_at
        with self.db.session() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            result = session.execute(query.order_by(order, Asset.tag).offset(offset).limit(limit))
            rows = [
                OrderRow(
                    wo.id,
                    wo.due_at,
                    wo.window_end_at,
                    order_state(wo, now),
                    wo.task,
                    wo.campaign,
                    tag,
                    kind,
                    code,
                    name,
                    wo.programme,
                    list(wo.checklist or []),
                    wo.note,
                )
                for wo, tag, kind, code, name in result
            ]
        return Page(rows, total, offset, limit)

    def next_due(self, now: datetime) -> datetime | None:
        """When the next waiting work order is due (for an empty "upcoming" view)."""
        with self.db.session() as session:
            found: datetime | None = session.scalar(
                select(func.min(WorkOrder.due_at)).where(
                    WorkOrder.status.in_(WAITING), WorkOrder.due_at >= now
                )
            )
        return found

    def summary(self, now: datetime) -> AgendaSummary:
        zone = ZoneInfo(DEFAULT_TIMEZONE)
        local = now.astimezone(zone)
        day_start = local.replace(hour=0, minute=0, second=0, microsecond=0)
        day_end = day_start + timedelta(days=1)
        with self.db.session() as session:

            def count(*where: Any) -> int:
                return (
                    session.scalar(select(func.count()).select_from(WorkOrder).where(*where)) or 0
                )

            due_today = count(
                WorkOrder.status.in_(WAITING),
                WorkOrder.due_at >= day_start,
                WorkOrder.due_at < day_end,
            )
            overdue = count(
                WorkOrder.status.in_((S.PLANNED.value, S.ISSUED.value)), WorkOrder.due_at < now
            )
            missed = count(WorkOrder.status == S.MISSED.value)
            nxt = session.execute(
                select(WorkOrder.due_at, WorkOrder.campaign, WorkOrder.programme)
                .where(
                    WorkOrder.task == Task.TRIAL_SOUNDING.value,
                    WorkOrder.due_at >= now,
                    WorkOrder.status.in_(WAITING),
                )
                .order_by(WorkOrder.due_at)
                .limit(1)
            ).first()
        sounding = None
        if nxt is not None:
            due, campaign, programme = nxt
            sounding = (due, f"{campaign} ({programme})" if programme else campaign)
        return AgendaSummary(due_today, overdue, missed, sounding)

    def open_findings(self) -> int | None:
        """Open findings, or None when this database has no findings table yet."""
        if not inspect(self.db.engine).has_table("finding"):
            return None
        from sirenctl.findings.finding_queries import open_finding_count

        with self.db.session() as session:
            return open_finding_count(session)
