"""The agenda: work orders due soon, overdue, done and missed; and its iCalendar export."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from sirenctl.models import Asset, Site
from sirenctl.models.scheduling import WorkOrder, WorkOrderStatus
from sirenctl.scheduling.ical import IcsEvent, render_ics
from sirenctl.scheduling.tasks import Task

S = WorkOrderStatus
WAITING = (S.PLANNED.value, S.ISSUED.value, S.REFUSED.value, S.RUNNING.value)
PROBLEMS = (S.MISSED.value, S.UNKNOWN.value, S.FAILED.value)
TASK_LABEL: dict[str, str] = {
    Task.TRIAL_SOUNDING: "试鸣 trial sounding",
    Task.SILENT_TEST: "静默自检 silent test",
    Task.GROWL_TEST: "growl test",
    Task.MANUAL_CHECK: "巡检 manual check",
    Task.DRILL: "演练 drill",
    Task.INSPECTION: "检查 inspection",
}


def agenda_rows(
    session: Session, now: datetime, *, days: int, site: str | None = None, look_back_days: int = 7
) -> list[dict[str, Any]]:
    """Due in the next ``days`` days, anything still waiting past its due time, and recent problems."""
    horizon, back = now + timedelta(days=days), now - timedelta(days=look_back_days)
    query = (
        select(WorkOrder, Asset.tag, Site.code, Site.name)
        .join(Asset, WorkOrder.asset_id == Asset.id)
        .join(Site, Asset.site_id == Site.id)
        .where(
            or_(
                and_(
                    WorkOrder.due_at >= back,
                    WorkOrder.due_at < horizon,
                    WorkOrder.status != S.CANCELLED.value,
                ),
                and_(WorkOrder.status.in_(WAITING), WorkOrder.due_at < now),
            )
        )
        .order_by(WorkOrder.due_at, WorkOrder.campaign, Asset.tag)
    )
    if site:
        query = query.where(Site.code == site)
    rows = []
    for wo, tag, site_code, site_name in session.execute(query):
        state = wo.status
        if wo.status in (S.PLANNED.value, S.ISSUED.value) and now > wo.due_at:
            state = "overdue" if now <= wo.window_end_at else "late"
        rows.append(
            {
                "id": wo.id,
                "due_at": wo.due_at,
                "window_end_at": wo.window_end_at,
                "timezone": wo.timezone,
                "campaign": wo.campaign,
                "task": wo.task,
                "programme": wo.programme,
                "checklist": wo.checklist or [],
                "tag": tag,
                "site": site_code,
                "site_name": site_name,
                "status": wo.status,
                "state": state,
                "provisional": wo.provisional,
                "note": wo.note,
                "outcome": wo.outcome_note,
                "approvals": len(wo.approvals) if wo.audible else None,
            }
        )
    return rows


def agenda_ics(
    rows: Iterable[dict[str, Any]],
    *,
    programme_seconds: dict[str, int],
    stamp: datetime,
    guides: dict[str, list[str]] | None = None,
) -> str:
    """The agenda as an iCalendar file (UTC times; phones show them in local time)."""
    events = []
    for row in rows:
        if row["status"] == S.CANCELLED.value:
            continue
        length = programme_seconds.get(row["programme"] or "", 0) or 3600
        lines = [
            f"{row['site']} {row['site_name']}: {row['tag']}",
            f"{TASK_LABEL.get(row['task'], row['task'])} ({row['campaign']}), status {row['state']}",
            f"on time until {row['window_end_at']:%Y-%m-%d %H:%M} UTC",
        ]
        if row["programme"]:
            lines += [f"programme {row['programme']}:", *(guides or {}).get(row["programme"], [])]
        lines += [f"[ ] {item}" for item in row["checklist"]]
        if row["provisional"]:
            lines.append("date provisional: holidays of that year are not yet official")
        events.append(
            IcsEvent(
                uid=f"work-order-{row['id']}@sirenctl",
                start=row["due_at"],
                end=row["due_at"] + timedelta(seconds=length),
                summary=f"{TASK_LABEL.get(row['task'], row['task'])} {row['tag']} ({row['site_name']})",
                description="\n".join(lines),
                location=f"{row['site_name']} ({row['site']})",
                categories=(row["task"],),
                alarm_minutes=30 if row["task"] in (Task.TRIAL_SOUNDING, Task.DRILL) else None,
            )
        )
    return render_ics(events, stamp=stamp, name="sirenctl work orders")
