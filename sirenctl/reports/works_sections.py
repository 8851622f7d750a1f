"""Report sections on civil air-defence works (人防工程) and outreach (宣传活动).

Works figures: works under construction during the year (started by its end, not completed
before it), distinct works passing a main-structure or completion acceptance in the year, stage
inspections held, safety activities by kind, problems found at works, their notices and how
many are rectified (closed). Outreach: events by occasion, people reached, communities visited,
materials by kind; drills: communities drilled, people, certificates and handbooks.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.models import Asset, AssetKind
from sirenctl.models.findings import Finding, OutreachEvent, OutreachKind
from sirenctl.models.outreach import MaterialKind, OutreachMaterial, OutreachOccasion
from sirenctl.models.works import (
    ActivityKind,
    InspectionKind,
    SafetyActivity,
    Works,
    WorksInspection,
)
from sirenctl.reports.figures import Figure, counted, refs
from sirenctl.reports.model import Period, Section


def hand_crank_communities(assets: list[Asset]) -> Figure:
    """Communities with a hand-crank siren in the field during the year (配备手摇警报器)."""
    chosen = [a for a in assets if a.kind == AssetKind.HAND_CRANK]
    sites = sorted({a.site_id for a in chosen})
    return Figure(
        "communities.with_hand_crank",
        len(sites),
        refs("site", sites) + refs("asset", [a.id for a in chosen]),
        label_key="report.communities.hand_crank",
    )


def works_section(session: Session, year: int, period: Period) -> Section:
    section = Section("works")
    first, last = date(year, 1, 1), date(year, 12, 31)
    works = list(session.scalars(select(Works).order_by(Works.id)))
    building = [
        w
        for w in works
        if (w.started_on is None or w.started_on <= last)
        and (w.completed_on is None or w.completed_on >= first)
        and not (w.completed_on is None and w.status == "in_use")
    ]
    inspections = list(
        session.scalars(
            select(WorksInspection)
            .where(
                WorksInspection.inspected_at >= period.start,
                WorksInspection.inspected_at < period.end,
            )
            .order_by(WorksInspection.id)
        )
    )
    section.add(
        Figure(
            "works.total",
            len(works),
            refs("works", [w.id for w in works]),
            label_key="report.works.total",
        ),
        Figure(
            "works.under_construction",
            len(building),
            refs("works", [w.id for w in building]),
            label_key="report.works.building",
        ),
    )
    for kind in (InspectionKind.MAIN_STRUCTURE, InspectionKind.COMPLETION):
        chosen = [i for i in inspections if i.kind == kind and i.passed]
        section.add(
            Figure(
                f"works.accepted.{kind.value}",
                len({i.works_id for i in chosen}),
                refs("works_inspection", [i.id for i in chosen]),
                label_key=f"report.works.{kind.value}",
            )
        )
    for kind in (InspectionKind.STAGE, InspectionKind.SAFETY):
        chosen = [i for i in inspections if i.kind == kind]
        section.add(
            Figure(
                f"works.inspections.{kind.value}",
                len(chosen),
                refs("works_inspection", [i.id for i in chosen]),
                label_key=f"report.works.{kind.value}",
            )
        )
    activities = list(
        session.scalars(
            select(SafetyActivity)
            .where(SafetyActivity.held_on >= first, SafetyActivity.held_on <= last)
            .order_by(SafetyActivity.id)
        )
    )
    rows = []
    for akind in ActivityKind:
        ids = [a.id for a in activities if a.kind == akind]
        rows.append(
            [
                Figure(
                    f"works.activity.{akind.value}",
                    len(ids),
                    refs("safety_activity", ids),
                    term_value=akind.value,
                )
            ]
        )
    section.tables["activities"] = rows
    found = list(
        session.scalars(
            select(Finding)
            .where(
                Finding.works_id.is_not(None),
                Finding.found_at >= period.start,
                Finding.found_at < period.end,
            )
            .order_by(Finding.id)
        )
    )
    noticed = [f for f in found if f.notice_id is not None]
    notices = sorted({f.notice_id for f in noticed if f.notice_id is not None})
    rectified = [f for f in found if f.status == "resolved"]
    section.add(
        counted("works.problems", "finding", [f.id for f in found]),
        counted("works.notices", "rectification_notice", notices),
        counted("works.rectified", "finding", [f.id for f in rectified]),
    )
    return section


def outreach_section(session: Session, year: int) -> Section:
    section = Section("outreach")
    events = list(
        session.scalars(
            select(OutreachEvent)
            .where(
                OutreachEvent.held_on >= date(year, 1, 1),
                OutreachEvent.held_on <= date(year, 12, 31),
            )
            .order_by(OutreachEvent.id)
        )
    )
    ids = [e.id for e in events]
    materials = (
        list(session.scalars(select(OutreachMaterial).where(OutreachMaterial.event_id.in_(ids))))
        if ids
        else []
    )
    drills = [e for e in events if e.kind == OutreachKind.EVACUATION_DRILL]
    drill_ids = {e.id for e in drills}
    drill_sites = sorted({e.site_id for e in drills})
    handbooks = [
        m
        for m in materials
        if m.event_id in drill_ids and m.kind == MaterialKind.AIR_DEFENCE_HANDBOOK
    ]
    drill_refs = refs("outreach_event", drill_ids)
    section.add(
        Figure(
            "outreach.drills.communities",
            len(drill_sites),
            drill_refs + refs("site", drill_sites),
            label_key="report.outreach.drill_communities",
        ),
        Figure(
            "outreach.drills.participants",
            sum(e.participants for e in drills),
            drill_refs,
            label_key="report.outreach.drill_participants",
        ),
        Figure(
            "outreach.drills.certificates",
            sum(e.certificates for e in drills),
            drill_refs,
            label_key="report.outreach.certificates",
        ),
        Figure(
            "outreach.drills.handbooks",
            sum(m.count for m in handbooks),
            refs("outreach_material", [m.id for m in handbooks]),
            label_key="report.outreach.drill_handbooks",
        ),
    )
    publicity = [e for e in events if e.kind == OutreachKind.PUBLICITY]
    visited = sorted({e.site_id for e in publicity})
    section.add(
        Figure(
            "outreach.publicity.communities",
            len(visited),
            refs("outreach_event", [e.id for e in publicity]) + refs("site", visited),
            label_key="report.outreach.communities",
        )
    )
    by_occasion = []
    for occasion in [*OutreachOccasion, None]:
        chosen = [e for e in events if e.occasion == (occasion.value if occasion else None)]
        if occasion is None and not chosen:
            continue
        key = occasion.value if occasion else "unspecified"
        event_refs = refs("outreach_event", [e.id for e in chosen])
        by_occasion.append(
            [
                Figure(f"outreach.occasion.{key}.events", len(chosen), event_refs, term_value=key),
                Figure(
                    f"outreach.occasion.{key}.people",
                    sum(e.participants for e in chosen),
                    event_refs,
                ),
            ]
        )
    section.tables["by_occasion"] = by_occasion
    # materials handed out outside drills (publicity, lectures) and at drills, by kind
    by_kind = []
    for mkind in MaterialKind:
        outside = [m for m in materials if m.kind == mkind and m.event_id not in drill_ids]
        at_drills = [m for m in materials if m.kind == mkind and m.event_id in drill_ids]
        both = outside + at_drills
        by_kind.append(
            [
                Figure(
                    f"outreach.materials.{mkind.value}",
                    sum(m.count for m in both),
                    refs("outreach_material", [m.id for m in both]),
                    term_value=mkind.value,
                ),
                Figure(
                    f"outreach.materials.{mkind.value}.publicity",
                    sum(m.count for m in outside),
                    refs("outreach_material", [m.id for m in outside]),
                ),
                Figure(
                    f"outreach.materials.{mkind.value}.drills",
                    sum(m.count for m in at_drills),
                    refs("outreach_material", [m.id for m in at_drills]),
                ),
            ]
        )
    section.tables["materials"] = by_kind
    lectures = [e for e in events if e.occasion == OutreachOccasion.LECTURE]
    section.add(
        Figure(
            "outreach.lectures.people",
            sum(e.participants for e in lectures),
            refs("outreach_event", [e.id for e in lectures]),
            label_key="report.outreach.lecture_people",
        )
    )
    return section
