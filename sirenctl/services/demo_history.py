"""The demo county's history: 2025 as the office lived it, and the current year in progress.

Everything goes through sirenctl's own code paths with a demo clock (``now=`` of each service):
planning (sirenctl/scheduling/plan_service.py), check-ins and scheduled results
(sirenctl/scheduling/results.py), findings and notices (sirenctl/findings/), drills and outreach
(sirenctl/findings/outreach.py), works (sirenctl/registry/works.py) and finally one sweep of the
scheduler (sirenctl/scheduling/claims.py) at the real time, as the first `run-due` would do.

The current year, relative to today: checks done up to now but one overdue, one notice open and
one overdue, terminal T03 faulty, and work due this week (a re-check order for HC-C07).
"""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.findings.findings import add_finding
from sirenctl.findings.notices import apply_action
from sirenctl.models import Asset
from sirenctl.models.findings import Finding
from sirenctl.models.scheduling import ResultOutcome, WorkOrder, WorkOrderStatus
from sirenctl.scheduling.results import SCHEDULER, CheckIn, ResultData, check_in, record_result
from sirenctl.services.demo_clock import (
    DRILL_CAMPAIGN,
    FAILED_CHECKS,
    FAILED_TRIAL_2025,
    HISTORY_YEAR,
    OFFICE,
    RECHECK_CAMPAIGN,
    TECHNICIAN,
    ZONE,
    History,
    issue_demo_notice,
    local,
    rectify,
)
from sirenctl.services.demo_records import seed_outreach, seed_works


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


def _scheduled_result(session: Session, order: WorkOrder, asset: Asset, passed: bool) -> None:
    """Record a sounding or self-test result as the scheduler's executor settles one
    (sirenctl/scheduling/settle.py), at the order's due time."""
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
                number = issue_demo_notice(
                    session,
                    finding,
                    at=at,
                    days=20,
                    unit="工业园社区居委会",
                    person="徐强",
                    action="检修电机和转子，恢复后试鸣",
                )
                rectify(session, number, at, now)
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
        number = issue_demo_notice(
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
            rectify(session, number, issued, now)


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
    number = issue_demo_notice(
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
