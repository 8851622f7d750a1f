"""Civil air-defence works (人防工程): register, inspect, record safety activities; audited.

Inspections are recorded like check-ins: who inspected, when, passed or not. A passed completion
acceptance (竣工验收) puts the work in use. A failed inspection may raise a finding on the work
(:func:`sirenctl.findings.works_findings.add_works_finding`), which a rectification notice then covers as for a siren.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from sirenctl.audit import json_safe, record
from sirenctl.config import DEFAULT_TIMEZONE
from sirenctl.i18n import L_
from sirenctl.models.works import (
    ActivityKind,
    InspectionKind,
    SafetyActivity,
    Works,
    WorksInspection,
    WorksStatus,
    WorksType,
)
from sirenctl.registry.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from sirenctl.registry.sites import get_site
from sirenctl.timeutil import ensure_utc, utcnow

REQUIRED = ("code", "name", "site", "works_type", "responsible_unit", "responsible_person")
OPTIONAL = (
    "address",
    "status",
    "responsible_phone",
    "latitude",
    "longitude",
    "area_m2",
    "started_on",
)


def _choice(field: str, value: object, enum: type[Any]) -> list[FieldProblem]:
    allowed = [v.value for v in enum]
    if value not in allowed:
        return [
            FieldProblem(
                field, L_("must be one of {value}", value=", ".join(allowed)), None, str(value)
            )
        ]
    return []


def get_works(session: Session, code: str) -> Works:
    works = session.scalar(select(Works).options(joinedload(Works.site)).where(Works.code == code))
    if works is None:
        raise NotFound(
            L_(
                ("no civil air-defence work with code {code!r} (see `sirenctl works list`)"),
                code=code,
            )
        )
    return works


def works_to_dict(works: Works) -> dict[str, Any]:
    return {
        "code": works.code,
        "name": works.name,
        "site": works.site.code,
        "site_name": works.site.name,
        "address": works.address,
        "works_type": works.works_type,
        "status": works.status,
        "responsible_unit": works.responsible_unit,
        "responsible_person": works.responsible_person,
        "responsible_phone": works.responsible_phone,
        "latitude": works.latitude,
        "longitude": works.longitude,
        "area_m2": works.area_m2,
        "started_on": json_safe(works.started_on),
        "completed_on": json_safe(works.completed_on),
    }


def add_works(
    session: Session, values: dict[str, Any], *, operator: str, now: datetime | None = None
) -> Works:
    """Register a work; ``values`` uses the keys of REQUIRED and OPTIONAL."""
    problems = [FieldProblem(k, L_("is required")) for k in REQUIRED if not values.get(k)]
    unknown = set(values) - set(REQUIRED) - set(OPTIONAL)
    problems += [FieldProblem(k, L_("is not a field of a work")) for k in sorted(unknown)]
    if values.get("works_type"):
        problems += _choice("works_type", values["works_type"], WorksType)
    status = values.get("status") or WorksStatus.UNDER_CONSTRUCTION.value
    problems += _choice("status", status, WorksStatus)
    for key, low, high in (("latitude", -90, 90), ("longitude", -180, 180)):
        value = values.get(key)
        if value is not None and not low <= float(value) <= high:
            problems.append(
                FieldProblem(key, L_("must be {low}..{high}", low=low, high=high), None, str(value))
            )
    if values.get("area_m2") is not None and float(values["area_m2"]) <= 0:
        problems.append(
            FieldProblem("area_m2", L_("must be positive"), None, str(values["area_m2"]))
        )
    if problems:
        raise ValidationFailed(problems)
    if session.scalar(select(Works.id).where(Works.code == values["code"])) is not None:
        raise Conflict(
            L_("a civil air-defence work with code {code!r} already exists", code=values["code"])
        )
    now = ensure_utc(now or utcnow())
    fields = {k: values.get(k) for k in (*REQUIRED, *OPTIONAL) if k != "site"}
    fields["status"] = status
    works = Works(site=get_site(session, values["site"]), created_at=now, updated_at=now, **fields)
    session.add(works)
    session.flush()
    record(
        session,
        operator=operator,
        action="works.add",
        object_type="works",
        object_ref=works.code,
        after=works_to_dict(works),
        at=now,
    )
    return works


@dataclass(frozen=True)
class WorksFilter:
    site: str | None = None
    status: str | None = None


def list_works(session: Session, flt: WorksFilter = WorksFilter()) -> list[Works]:
    from sirenctl.models import Site

    query = select(Works).join(Works.site).options(joinedload(Works.site))
    if flt.site:
        query = query.where(Site.code == flt.site)
    if flt.status:
        query = query.where(Works.status == flt.status)
    return list(session.scalars(query.order_by(Works.code)))


def inspection_to_dict(insp: WorksInspection) -> dict[str, Any]:
    return {
        "id": insp.id,
        "works": insp.works.code,
        "kind": insp.kind,
        "inspected_at": json_safe(insp.inspected_at),
        "inspector": insp.inspector,
        "passed": insp.passed,
        "activity": insp.activity_id,
        "notes": insp.notes,
    }


def record_inspection(
    session: Session,
    works_code: str,
    *,
    kind: str,
    passed: bool,
    operator: str,
    inspector: str | None = None,
    inspected_at: datetime | None = None,
    activity_id: int | None = None,
    notes: str | None = None,
    now: datetime | None = None,
    timezone: str = DEFAULT_TIMEZONE,
) -> WorksInspection:
    """Record an inspection (节点/主体/竣工验收, 安全检查) of a work."""
    problems = _choice("kind", kind, InspectionKind)
    now = ensure_utc(now or utcnow())
    at = ensure_utc(inspected_at or now)
    if at > now:
        shown = (inspected_at or now).isoformat(sep=" ", timespec="minutes")
        problems.append(FieldProblem("inspected_at", L_("is in the future"), None, shown))
    if problems:
        raise ValidationFailed(problems)
    works = get_works(session, works_code)
    if kind != InspectionKind.SAFETY and works.status == WorksStatus.IN_USE:
        raise Conflict(
            L_(
                ("work {code} is already in use: only a safety inspection can be recorded on it"),
                code=works.code,
            )
        )
    if activity_id is not None and session.get(SafetyActivity, activity_id) is None:
        raise NotFound(
            L_(
                "no safety activity #{activity_id} (see `sirenctl works activities`)",
                activity_id=activity_id,
            )
        )
    insp = WorksInspection(
        works=works,
        kind=kind,
        inspected_at=at,
        inspector=inspector or operator,
        passed=passed,
        activity_id=activity_id,
        notes=notes,
        recorded_by=operator,
        created_at=now,
    )
    session.add(insp)
    session.flush()
    record(
        session,
        operator=operator,
        action="works.inspection",
        object_type="works",
        object_ref=works.code,
        after=inspection_to_dict(insp),
        outcome="ok" if passed else "failed",
        at=now,
    )
    if kind == InspectionKind.COMPLETION and passed:
        before = works.status
        works.status = WorksStatus.IN_USE.value
        works.completed_on = at.astimezone(ZoneInfo(timezone)).date()
        works.updated_at = now
        record(
            session,
            operator=operator,
            action="works.completed",
            object_type="works",
            object_ref=works.code,
            before={"status": before},
            after={"status": works.status, "completed_on": json_safe(works.completed_on)},
            at=now,
        )
    return insp


def activity_to_dict(activity: SafetyActivity) -> dict[str, Any]:
    return {
        "id": activity.id,
        "kind": activity.kind,
        "held_on": json_safe(activity.held_on),
        "title": activity.title,
        "venue": activity.venue,
        "participants": activity.participants,
        "notes": activity.notes,
    }


def add_activity(
    session: Session,
    *,
    kind: str,
    held_on: date,
    title: str,
    operator: str,
    venue: str | None = None,
    participants: int = 0,
    notes: str | None = None,
    now: datetime | None = None,
) -> SafetyActivity:
    """Record a safety meeting, fire drill or full-coverage inspection."""
    problems = _choice("kind", kind, ActivityKind)
    if not title or not title.strip():
        problems.append(FieldProblem("title", L_("is required")))
    if participants < 0:
        problems.append(
            FieldProblem("participants", L_("must not be negative"), None, str(participants))
        )
    if problems:
        raise ValidationFailed(problems)
    now = ensure_utc(now or utcnow())
    activity = SafetyActivity(
        kind=kind,
        held_on=held_on,
        title=title.strip(),
        venue=venue,
        participants=participants,
        notes=notes,
        recorded_by=operator,
        created_at=now,
    )
    session.add(activity)
    session.flush()
    record(
        session,
        operator=operator,
        action="works.activity",
        object_type="safety_activity",
        object_ref=str(activity.id),
        after=activity_to_dict(activity),
        at=now,
    )
    return activity


def list_activities(session: Session, year: int | None = None) -> list[SafetyActivity]:
    query = select(SafetyActivity)
    if year is not None:
        query = query.where(
            SafetyActivity.held_on >= date(year, 1, 1), SafetyActivity.held_on <= date(year, 12, 31)
        )
    return list(session.scalars(query.order_by(SafetyActivity.held_on, SafetyActivity.id)))


def list_inspections(session: Session, works_code: str | None = None) -> list[WorksInspection]:
    query = (
        select(WorksInspection)
        .join(WorksInspection.works)
        .options(joinedload(WorksInspection.works))
    )
    if works_code:
        query = query.where(Works.code == works_code)
    return list(session.scalars(query.order_by(WorksInspection.inspected_at, WorksInspection.id)))
