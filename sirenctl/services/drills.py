"""Record a drill, training session or publicity event (an evacuation drill completes the
site's drill work orders of that month: sirenctl/findings/drills.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sirenctl.db import Database
from sirenctl.identity import Actor


@dataclass(frozen=True)
class NewDrill:
    site: str
    held_on: date
    kind: str = "evacuation_drill"  # sirenctl.models.findings.OutreachKind value
    participants: int = 0
    certificates: int = 0
    materials: int = 0
    title: str | None = None
    certificate_type: str | None = None
    materials_note: str | None = None
    evacuation_minutes: float | None = None
    notes: str | None = None


@dataclass(frozen=True)
class DrillRecorded:
    id: int
    completed_orders: list[int]  # drill work orders this event completed
    record: dict[str, Any] = field(default_factory=dict)  # as ``drill list --json`` prints it


def record_drill(db: Database, actor: Actor, new: NewDrill, *, now: datetime) -> DrillRecorded:
    """Record the event. ValidationFailed names the fields; nothing is written then."""
    from sqlalchemy import select

    from sirenctl.findings.drills import add_drill, drill_to_dict
    from sirenctl.models.scheduling import WorkOrder
    from sirenctl.scheduling.tasks import Task

    with db.transaction() as session:
        event = add_drill(
            session,
            operator=actor.label,
            site=new.site,
            held_on=new.held_on,
            kind=new.kind,
            participants=new.participants,
            certificates=new.certificates,
            materials=new.materials,
            title=new.title,
            certificate_type=new.certificate_type,
            materials_note=new.materials_note,
            evacuation_minutes=new.evacuation_minutes,
            notes=new.notes,
            now=now,
        )
        completed = session.scalars(
            select(WorkOrder.id).where(
                WorkOrder.task == Task.DRILL.value,
                WorkOrder.outcome_note.startswith(f"drill #{event.id} "),
            )
        )
        return DrillRecorded(event.id, list(completed), drill_to_dict(event))
