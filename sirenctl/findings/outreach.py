"""Outreach events (宣传活动) with their occasion, venue, form and materials by kind.

The event row is written by :func:`sirenctl.findings.drills.add_drill` (the one way a drill,
training or publicity event is recorded); this adds what the office reports about outreach:
the occasion (4·15, 5·12, 9·18, drill, lecture, other), the venue when it is not the community,
the form (displays, consultation, leaflets) and the materials handed out by kind and count.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.audit import record
from sirenctl.i18n import L_
from sirenctl.models.findings import OutreachEvent, OutreachKind
from sirenctl.models.outreach import MaterialKind, OutreachMaterial, OutreachOccasion
from sirenctl.registry.errors import FieldProblem, ValidationFailed
from sirenctl.timeutil import ensure_utc, utcnow

MAX_COUNT = 10_000_000


def parse_materials(text: str) -> dict[str, int]:
    """``civil_defence_handbook=700,leaflet=200`` -> a dict; names the bad part."""
    materials: dict[str, int] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        kind, sep, count = part.partition("=")
        if not sep or not count.strip().isdigit():
            raise ValidationFailed(
                [FieldProblem("materials", L_("write KIND=COUNT, e.g. leaflet=200"), None, part)]
            )
        materials[kind.strip()] = materials.get(kind.strip(), 0) + int(count)
    return materials


def _check(occasion: str | None, materials: dict[str, int]) -> list[FieldProblem]:
    problems = []
    occasions = [o.value for o in OutreachOccasion]
    if occasion is not None and occasion not in occasions:
        problems.append(
            FieldProblem(
                "occasion", L_("must be one of {value}", value=", ".join(occasions)), None, occasion
            )
        )
    kinds = [k.value for k in MaterialKind]
    for kind, count in materials.items():
        if kind not in kinds:
            problems.append(
                FieldProblem(
                    "materials",
                    L_("kind must be one of {value}", value=", ".join(kinds)),
                    None,
                    kind,
                )
            )
        elif not 0 < count <= MAX_COUNT:
            problems.append(
                FieldProblem(
                    "materials",
                    L_("{kind}: count must be 1..{MAX_COUNT}", kind=kind, MAX_COUNT=MAX_COUNT),
                    None,
                    str(count),
                )
            )
    return problems


def add_outreach(
    session: Session,
    *,
    operator: str,
    site: str,
    held_on: date,
    kind: str = OutreachKind.PUBLICITY.value,
    occasion: str | None = None,
    venue: str | None = None,
    form: str | None = None,
    materials: dict[str, int] | None = None,
    now: datetime | None = None,
    **event: Any,
) -> OutreachEvent:
    """Record an outreach event; ``event`` takes add_drill's other fields (title, participants,
    certificates, certificate_type, evacuation_minutes, notes)."""
    from sirenctl.findings.drills import add_drill

    materials = dict(materials or {})
    problems = _check(occasion, materials)
    if problems:
        raise ValidationFailed(problems)
    now = ensure_utc(now or utcnow())
    ev = add_drill(
        session,
        operator=operator,
        site=site,
        held_on=held_on,
        kind=kind,
        materials=sum(materials.values()),
        materials_note=", ".join(f"{k}={v}" for k, v in materials.items()) or None,
        now=now,
        **event,
    )
    ev.occasion, ev.venue, ev.form = occasion, venue, form
    for mkind, count in materials.items():
        session.add(OutreachMaterial(event_id=ev.id, kind=mkind, count=count))
    session.flush()
    record(
        session,
        operator=operator,
        action="outreach.details",
        object_type="drill",
        object_ref=str(ev.id),
        after={"occasion": occasion, "venue": venue, "form": form, "materials": materials},
        at=now,
    )
    return ev


def materials_of(session: Session, event_ids: list[int]) -> dict[int, dict[str, int]]:
    out: dict[int, dict[str, int]] = {}
    if not event_ids:
        return out
    rows = session.execute(
        select(OutreachMaterial.event_id, OutreachMaterial.kind, OutreachMaterial.count).where(
            OutreachMaterial.event_id.in_(event_ids)
        )
    )
    for event_id, kind, count in rows:
        out.setdefault(event_id, {})[kind] = count
    return out
