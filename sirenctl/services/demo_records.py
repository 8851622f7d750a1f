"""The demo's records of the year besides the sirens: civil air-defence works with their
inspections, safety activities, drills and outreach (figures: sirenctl/services/demo_works.py,
sirenctl/services/demo_outreach.py), through sirenctl/registry/works.py and outreach.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy.orm import Session

from sirenctl.findings.outreach import add_outreach
from sirenctl.findings.works_findings import add_works_finding
from sirenctl.registry.works import add_activity, add_works, record_inspection
from sirenctl.services import demo_outreach as out
from sirenctl.services import demo_works as dw
from sirenctl.services.demo_clock import (
    HISTORY_YEAR,
    INSPECTOR,
    OFFICE,
    ZONE,
    History,
    issue_demo_notice,
    local,
    rectify,
)


def seed_works(session: Session, now: datetime, history: History) -> None:
    for code, name, site, wtype, started in dw.DEMO_WORKS:
        add_works(
            session,
            {
                "code": code,
                "name": name,
                "site": site,
                "works_type": wtype,
                "status": "in_use" if code in dw.IN_USE_BEFORE else "under_construction",
                "address": f"安宁县{name.removesuffix('人防地下室').removesuffix('人防工程')}",
                "responsible_unit": f"{name[:4]}建设单位" if started else "国动办工程科",
                "responsible_person": "项目负责人",
                "started_on": started,
            },
            operator=OFFICE,
            now=local(date(2024, 1, 2)),
        )
    for code, main_on, _done in dw.COMPLETED_2025:
        _accepted(session, code, "main_structure", main_on)
    stage_works = list(dw.STAGES_2025.items())
    for i, (code, count) in enumerate(stage_works):
        for k in range(count):
            day = date(HISTORY_YEAR, 2 + (k * 3 + i) % 10, 5 + 2 * i)
            _accepted(session, code, "stage", day, notes="节点验收合格")
    for code, day in dw.MAIN_STRUCTURE_2025:
        _accepted(session, code, "main_structure", day)
    for kind, day, title, venue, people in dw.SAFETY_ACTIVITIES_2025:
        activity = add_activity(
            session,
            kind=kind,
            held_on=day,
            title=title,
            venue=venue,
            participants=people,
            operator=OFFICE,
            now=local(day, 17),
        )
        if kind == "full_inspection":
            _full_inspection(session, activity.id, day, now, history)
    for code, _main, done in dw.COMPLETED_2025:
        _accepted(session, code, "completion", done, notes="竣工验收合格")
    _works_this_year(session, now)


def _accepted(
    session: Session, code: str, kind: str, day: date, *, notes: str | None = None
) -> None:
    """A passed acceptance inspection of work ``code`` at 10:00 local on ``day``."""
    at = local(day, 10)
    record_inspection(
        session,
        code,
        kind=kind,
        passed=True,
        operator=OFFICE,
        inspector=INSPECTOR,
        inspected_at=at,
        now=at,
        notes=notes,
    )


def _full_inspection(
    session: Session, activity_id: int, day: date, now: datetime, history: History
) -> None:
    problems = {p[0]: p for p in dw.WORKS_PROBLEMS_2025}
    for n, (code, *_rest) in enumerate(dw.DEMO_WORKS):
        at = local(day + timedelta(days=n // 5), 9 + n % 5)
        problem = problems.get(code)
        insp = record_inspection(
            session,
            code,
            kind="safety",
            passed=problem is None,
            operator=OFFICE,
            inspector=INSPECTOR,
            inspected_at=at,
            activity_id=activity_id,
            now=at,
        )
        if problem is None:
            continue
        _code, category, severity, description, action = problem
        finding = add_works_finding(
            session,
            code,
            operator=OFFICE,
            description=description,
            category=category,
            severity=severity,
            inspection=insp,
            now=at,
        )
        issued = at + timedelta(days=2)
        number = issue_demo_notice(
            session,
            finding,
            at=issued,
            days=30,
            unit=f"{code} 维护管理单位",
            person="工程负责人",
            action=action,
        )
        rectify(session, number, issued, now)
        history.notices.append(number)


def _works_this_year(session: Session, now: datetime) -> None:
    """The current year so far: stage inspections and one main-structure acceptance."""
    year = now.astimezone(ZONE).year
    if year <= HISTORY_YEAR:
        return
    plan = [
        ("RF-07", "main_structure", date(year, 4, 16)),
        ("RF-08", "stage", date(year, 3, 11)),
        ("RF-09", "stage", date(year, 5, 20)),
        ("RF-10", "stage", date(year, 6, 17)),
        ("RF-08", "stage", date(year, 9, 8)),
        ("RF-03", "completion", date(year, 10, 21)),
    ]
    for code, kind, day in plan:
        if local(day, 10) < now:
            _accepted(session, code, kind, day)


def seed_outreach(session: Session, now: datetime) -> None:
    for site, day, people, certs, books, minutes in out.DRILLS_2025:
        _drill(session, site, day, people, certs, books, minutes)
    for site, day, occasion, people, civil, knowledge in out.PUBLICITY_2025:
        add_outreach(
            session,
            operator=OFFICE,
            site=site,
            held_on=day,
            kind="publicity",
            occasion=occasion,
            form=out.FORM,
            participants=people,
            title="人防宣传",
            materials={"civil_defence_handbook": civil, "knowledge_handbook": knowledge},
            now=local(day, 17),
        )
    site, day, title, venue, people = out.LECTURE_2025
    add_outreach(
        session,
        operator=OFFICE,
        site=site,
        held_on=day,
        kind="training",
        occasion="lecture",
        venue=venue,
        form="专题授课",
        participants=people,
        title=title,
        now=local(day, 17),
    )
    year = now.astimezone(ZONE).year
    if year <= HISTORY_YEAR:
        return
    sites = ["C04", "C08", "C10", "C12", "C14", "C03", "C05", "C07", "C09"]
    for i, month in enumerate(range(3, 12)):
        day = _last_friday(year, month)
        if local(day, 18) < now:
            _drill(session, sites[i], day, 40 + (i * 3) % 13, 3 + i % 3, 70 + i * 2, 9.0)
    for day, occasion, site in (
        (date(year, 4, 15), "security_day", "C03"),
        (date(year, 5, 12), "disaster_day", "C09"),
        (date(year, 9, 18), "air_defence_day", "C05"),
    ):
        if local(day, 18) < now:
            add_outreach(
                session,
                operator=OFFICE,
                site=site,
                held_on=day,
                kind="publicity",
                occasion=occasion,
                form=out.FORM,
                participants=100,
                title="人防宣传",
                materials={"civil_defence_handbook": 60, "knowledge_handbook": 100},
                now=local(day, 17),
            )


def _drill(
    session: Session, site: str, day: date, people: int, certs: int, books: int, minutes: float
) -> None:
    add_outreach(
        session,
        operator=OFFICE,
        site=site,
        held_on=day,
        kind="evacuation_drill",
        occasion="drill",
        form="应急应战能力提升培训和疏散演练",
        participants=people,
        certificates=certs,
        certificate_type=out.FIRST_AIDER,
        evacuation_minutes=minutes,
        title="应急应战能力提升培训和疏散演练",
        materials={"air_defence_handbook": books},
        now=local(day, 17),
    )


def _last_friday(year: int, month: int) -> date:
    nxt = date(year + (month == 12), month % 12 + 1, 1)
    day = nxt - timedelta(days=1)
    while day.weekday() != 4:
        day -= timedelta(days=1)
    return day
