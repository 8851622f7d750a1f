"""The demo county's history: 2025 as the office lived it, and the current year in progress.

Everything goes through sirenctl's own code paths with a demo clock (``now=`` of each service):
planning (sirenctl/scheduling/plan_service.py), check-ins and scheduled results
(sirenctl/scheduling/results.py), findings and notices (sirenctl/findings/), drills and outreach
(sirenctl/registry/outreach.py), works (sirenctl/registry/works.py) and finally one sweep of the
scheduler (sirenctl/scheduling/claims.py) at the real time, as the first `run-due` would do.

The current year, relative to today: checks done up to now but one overdue, one notice open and
one overdue, terminal T03 faulty, and work due this week (a re-check order for HC-C07).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.config import DEFAULT_TIMEZONE
from sirenctl.findings.findings import add_finding
from sirenctl.findings.notices import apply_action, issue_notice, recheck
from sirenctl.models import Asset
from sirenctl.models.findings import Finding
from sirenctl.models.scheduling import ResultOutcome, WorkOrder, WorkOrderStatus
from sirenctl.registry import demo_outreach as out
from sirenctl.registry import demo_works as dw
from sirenctl.registry.outreach import add_outreach
from sirenctl.registry.works import add_activity, add_works, add_works_finding, record_inspection
from sirenctl.scheduling.results import SCHEDULER, CheckIn, ResultData, check_in, record_result

HISTORY_YEAR = 2025
DRILL_CAMPAIGN = "cn-community-drill-monthly"  # per asset; the office drills one community a month
RECHECK_CAMPAIGN = "demo-recheck-hc-c07"
ZONE = ZoneInfo(DEFAULT_TIMEZONE)
TECHNICIAN = "刘师傅"
INSPECTOR = "国动办工程科 陈工"
OFFICE = "国动办 张主任"

# (year, tag, month, answer number that fails, answer) of the demo's failed check-ins
FAILED_CHECKS: tuple[tuple[int, str, int, str, str], ...] = (
    (HISTORY_YEAR, "HC-C07", 4, "3", "fail"),
    (HISTORY_YEAR, "HC-C13", 7, "2", "fail"),
    (HISTORY_YEAR, "HC-C10", 10, "5", "no"),
)
FAILED_TRIAL_2025 = "T05"


@dataclass
class History:
    """What was seeded (shown by ``sirenctl demo``)."""

    checkins: int = 0
    results: int = 0
    notices: list[str] = field(default_factory=list)
    overdue_check: str | None = None
    open_notice: str | None = None
    overdue_notice: str | None = None
    faulty_terminal: str | None = None
    due_this_week: list[int] = field(default_factory=list)


def local(day: date, hh: int = 9, mm: int = 0) -> datetime:
    """A local wall-clock time of the demo county, in UTC (the demo clock)."""
    return datetime.combine(day, time(hh, mm), ZONE).astimezone(UTC)


def demo_library() -> Any:
    """The shipped schedule library without the per-asset monthly drill campaign."""
    from sirenctl.scheduling.library import load_library

    lib = load_library()
    campaigns = {k: c for k, c in lib.campaigns.items() if k != DRILL_CAMPAIGN}
    return dataclasses.replace(lib, campaigns=campaigns)


def plan_demo(session: Session, *, operator: str, now: datetime) -> int:
    """Plan from 1 January 2025 (demo clock) to the end of next year."""
    from sirenctl.scheduling.plan_service import plan_campaigns

    start = local(date(HISTORY_YEAR, 1, 1), 0)
    end = local(date(max(now.year, HISTORY_YEAR) + 2, 1, 1), 0)
    return plan_campaigns(
        session, demo_library(), start, end, operator=operator, now=start
    ).added_count


def _close_notice(session: Session, number: str, issued: datetime, now: datetime) -> None:
    """Rectified: work started, submitted, re-checked and closed, each on its own day."""
    steps = [(3, "start"), (9, "submit")]
    for days, action in steps:
        at = min(issued + timedelta(days=days), now)
        apply_action(session, number, action, operator=OFFICE, now=at)
    at = min(issued + timedelta(days=12), now)
    recheck(session, number, passed=True, close=True, operator=OFFICE, note="复查合格", now=at)


def _notice(
    session: Session,
    finding: Finding,
    *,
    at: datetime,
    days: int,
    unit: str,
    person: str,
    action: str,
) -> str:
    issued_on = at.astimezone(ZONE).date()
    notice = issue_notice(
        session,
        operator=OFFICE,
        findings=[finding.id],
        deadline=issued_on + timedelta(days=days),
        responsible_unit=unit,
        responsible_person=person,
        required_action=action,
        issued_on=issued_on,
        now=at,
    )
    return notice.number


def _scheduled_result(session: Session, order: WorkOrder, asset: Asset, passed: bool) -> None:
    """Record a sounding or self-test result as the scheduler's executor does
    (sirenctl/scheduling/executor.py Executor._write), at the order's due time."""
    started = order.due_at
    finished = started + (
        timedelta(minutes=15) if order.task == "trial_sounding" else timedelta(seconds=20)
    )
    outcome = ResultOutcome.PASS if passed else ResultOutcome.FAIL
    note = "programme played; echo matched" if passed else "rotor did not turn: no rotation echo"
    if order.task == "silent_test":
        note = "self-test pass" if passed else "self-test fail; faults: amplifier"
    record_result(
        session,
        asset,
        order,
        ResultData(outcome.value, started, finished, operator=SCHEDULER, notes=note),
        kind=order.task,
    )
    order.status = (WorkOrderStatus.DONE if passed else WorkOrderStatus.FAILED).value
    order.finished_at, order.outcome_note = finished, note
    order.attempts = (order.attempts or 0) + 1
    order.started_at = started


def _answers(count: int, failing: tuple[str, str] | None) -> dict[str, str]:
    answers = {str(i): "ok" for i in range(1, count + 1)}
    if failing:
        answers[failing[0]] = failing[1]
    return answers


def _work_orders(session: Session, now: datetime) -> list[tuple[WorkOrder, Asset]]:
    rows = session.execute(
        select(WorkOrder, Asset)
        .join(Asset, Asset.id == WorkOrder.asset_id)
        .where(WorkOrder.due_at < now)
        .order_by(WorkOrder.due_at, WorkOrder.id)
    )
    return [(wo, a) for wo, a in rows]


def seed_work(session: Session, now: datetime, history: History) -> None:
    """Check-ins and results of every work order due before now, with the demo's failures."""
    failing = {(y, tag, m): (n, a) for y, tag, m, n, a in FAILED_CHECKS}
    orders = _work_orders(session, now)
    # the overdue check: HC-C09's latest check whose window and grace are over (early in a
    # year it may fall in December of the year before)
    closed = [
        wo
        for wo, a in orders
        if a.tag == "HC-C09"
        and wo.task == "manual_check"
        and wo.window_end_at + timedelta(days=1) < now
    ]
    skip = {closed[-1].id} if closed else set()
    # the current year's failed check at HC-C04: a month old at least, its notice now overdue
    old = [
        wo
        for wo, a in orders
        if a.tag == "HC-C04" and wo.task == "manual_check" and wo.due_at < now - timedelta(days=40)
    ]
    overdue_source = old[-1].id if old else None
    for wo, asset in orders:
        due_local = wo.due_at.astimezone(ZONE)
        if wo.id in skip:
            history.overdue_check = f"{asset.tag} {due_local:%Y-%m-%d}"
            continue
        if wo.status not in ("planned", "issued"):
            continue
        if wo.task in ("trial_sounding", "silent_test") and asset.controller_transport:
            passed = not (
                wo.task == "trial_sounding"
                and asset.tag == FAILED_TRIAL_2025
                and due_local.year == HISTORY_YEAR
            )
            _scheduled_result(session, wo, asset, passed)
            history.results += 1
            if not passed:
                finding = _latest_finding(session, asset.id)
                assert wo.finished_at is not None
                at = wo.finished_at + timedelta(days=1)
                number = _notice(
                    session,
                    finding,
                    at=at,
                    days=20,
                    unit="工业园社区居委会",
                    person="徐强",
                    action="检修电机和转子，恢复后试鸣",
                )
                _close_notice(session, number, at, now)
                history.notices.append(number)
            continue
        # a technician at the siren: on the due day, mid-morning, in community order
        at = min(wo.due_at + timedelta(hours=1, minutes=7 * (asset.id % 14)), now)
        fail = failing.get((due_local.year, asset.tag, due_local.month))
        if wo.id == overdue_source:
            fail = ("3", "fail")
        checklist = list(wo.checklist or [])
        report = CheckIn(
            answers=_answers(len(checklist), fail) if checklist else {},
            sound_heard=None if wo.task == "manual_check" else True,
            measured_db=(asset.measured_db if wo.task == "trial_sounding" else None),
            distance_m=(asset.measured_distance_m if wo.task == "trial_sounding" else None),
        )
        result = check_in(
            session, asset, report, operator=TECHNICIAN, work_order=wo, started_at=at, now=at
        )
        history.checkins += 1
        if result.outcome == ResultOutcome.PASS:
            continue
        finding = _latest_finding(session, asset.id)
        issued = at + timedelta(days=1)
        site = asset.site
        number = _notice(
            session,
            finding,
            at=issued,
            days=14,
            unit=f"{site.name}居委会",
            person=site.contact_person or "网格员",
            action="按检查发现的问题整改，完成后报国动办复查",
        )
        history.notices.append(number)
        if wo.id == overdue_source:
            history.overdue_notice = number  # deadline passed, not rectified
        else:
            _close_notice(session, number, issued, now)


def _latest_finding(session: Session, asset_id: int) -> Finding:
    finding = session.scalar(
        select(Finding).where(Finding.asset_id == asset_id).order_by(Finding.id.desc()).limit(1)
    )
    assert finding is not None
    return finding


def seed_faulty_terminal(session: Session, now: datetime, history: History) -> None:
    """T03's amplifier failed two days ago: a critical finding (the terminal is faulty) and an
    open notice to the maintenance contractor."""
    at = now - timedelta(days=2)
    finding = add_finding(
        session,
        operator=TECHNICIAN,
        asset="T03",
        description="功放模块故障，自检报警，无法鸣响",
        category="sound",
        severity="critical",
        found_at=at,
        now=at,
    )
    issued = now - timedelta(days=1)
    number = _notice(
        session,
        finding,
        at=issued,
        days=10,
        unit="警报设备维保单位",
        person="维保 周工",
        action="更换功放模块并远程自检",
    )
    apply_action(session, number, "start", operator=OFFICE, now=issued + timedelta(hours=2))
    history.faulty_terminal, history.open_notice = "T03", number
    history.notices.append(number)


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
        at = local(main_on, 10)
        record_inspection(
            session,
            code,
            kind="main_structure",
            passed=True,
            operator=OFFICE,
            inspector=INSPECTOR,
            inspected_at=at,
            now=at,
        )
    stage_works = list(dw.STAGES_2025.items())
    for i, (code, count) in enumerate(stage_works):
        for k in range(count):
            day = date(HISTORY_YEAR, 2 + (k * 3 + i) % 10, 5 + 2 * i)
            at = local(day, 10)
            record_inspection(
                session,
                code,
                kind="stage",
                passed=True,
                operator=OFFICE,
                inspector=INSPECTOR,
                inspected_at=at,
                now=at,
                notes="节点验收合格",
            )
    for code, day in dw.MAIN_STRUCTURE_2025:
        at = local(day, 10)
        record_inspection(
            session,
            code,
            kind="main_structure",
            passed=True,
            operator=OFFICE,
            inspector=INSPECTOR,
            inspected_at=at,
            now=at,
        )
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
        at = local(done, 10)
        record_inspection(
            session,
            code,
            kind="completion",
            passed=True,
            operator=OFFICE,
            inspector=INSPECTOR,
            inspected_at=at,
            now=at,
            notes="竣工验收合格",
        )
    _works_this_year(session, now)


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
        number = _notice(
            session,
            finding,
            at=issued,
            days=30,
            unit=f"{code} 维护管理单位",
            person="工程负责人",
            action=action,
        )
        _close_notice(session, number, issued, now)
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
        at = local(day, 10)
        if at < now:
            record_inspection(
                session,
                code,
                kind=kind,
                passed=True,
                operator=OFFICE,
                inspector=INSPECTOR,
                inspected_at=at,
                now=at,
            )


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


def plan_recheck(session: Session, now: datetime) -> None:
    """A re-check of HC-C07 three days from now: work due this week (a one-off campaign)."""
    from sirenctl.scheduling.campaigns import Campaign, Selector
    from sirenctl.scheduling.plan_service import plan_campaigns
    from sirenctl.scheduling.rules import WhenRule

    due_day = (now + timedelta(days=3)).astimezone(ZONE).date()
    campaign = Campaign(
        key=RECHECK_CAMPAIGN,
        title="HC-C07 re-check after repair",
        task="inspection",
        assets=Selector(tags=("HC-C07",)),
        when=WhenRule(kind="fixed_date", month=due_day.month, day=due_day.day, at=time(9, 30)),
        window=7 * 86400,
        checklist=("rotor and housing free of rust", "sound heard at 100 m"),
    )
    lib = dataclasses.replace(demo_library(), campaigns={campaign.key: campaign})
    start = local(due_day, 9, 30)
    plan_campaigns(session, lib, start, start + timedelta(minutes=1), operator=OFFICE, now=now)


def sweep_now(session: Session, now: datetime, history: History) -> None:
    """One scheduler sweep at the real time (as the first `run-due`): issues the work of the
    coming week and marks the overdue check missed. Nothing automatic is due: every automatic
    order before now has its result."""
    from sirenctl.scheduling.claims import SweepReport, claim_batch

    report = SweepReport(now)
    claim_batch(session, now, "demo", report)
    history.due_this_week = [
        wo.id
        for wo in session.scalars(
            select(WorkOrder).where(
                WorkOrder.status == WorkOrderStatus.ISSUED.value,
                WorkOrder.due_at >= now,
                WorkOrder.due_at < now + timedelta(days=7),
            )
        )
    ]


def seed_history(session: Session, *, operator: str, now: datetime) -> History:
    """Plan, then live through 2025 and the current year up to ``now`` (the real time)."""
    history = History()
    plan_demo(session, operator=operator, now=now)
    seed_works(session, now, history)
    seed_outreach(session, now)
    seed_work(session, now, history)
    if now.astimezone(ZONE).year > HISTORY_YEAR:
        seed_faulty_terminal(session, now, history)
    plan_recheck(session, now)
    sweep_now(session, now, history)
    return history
