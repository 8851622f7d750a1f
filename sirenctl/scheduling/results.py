"""Test results: every execution and every manual check writes one; a failure raises a finding."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.audit import record
from sirenctl.i18n import L_
from sirenctl.models import Asset
from sirenctl.models.scheduling import (
    FAILING_OUTCOMES,
    ResultOutcome,
    TestResult,
    WorkOrder,
    WorkOrderStatus,
)
from sirenctl.registry.errors import FieldProblem, ValidationFailed
from sirenctl.scheduling.tasks import Task
from sirenctl.timeutil import utcnow

SCHEDULER = "scheduler"
MANUAL_TASKS_OPEN = (
    WorkOrderStatus.ISSUED.value,
    WorkOrderStatus.PLANNED.value,
    WorkOrderStatus.MISSED.value,
)


@dataclass
class ResultData:
    outcome: str
    started_at: datetime
    finished_at: datetime
    operator: str = SCHEDULER
    measurements: dict[str, Any] | None = None
    echo: dict[str, Any] | None = None
    checklist: dict[str, Any] | None = None
    sound_heard: bool | None = None
    measured_db: float | None = None
    distance_m: float | None = None
    notes: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def record_result(
    session: Session,
    asset: Asset,
    work_order: WorkOrder | None,
    data: ResultData,
    *,
    kind: str,
    final: bool = True,
) -> TestResult:
    """Insert the result and audit it; a failing final result goes to :func:`on_failed_result`."""
    result = TestResult(
        work_order_id=work_order.id if work_order else None,
        asset_id=asset.id,
        kind=kind,
        outcome=data.outcome,
        started_at=data.started_at,
        finished_at=data.finished_at,
        duration_s=max(0.0, (data.finished_at - data.started_at).total_seconds()),
        operator=data.operator,
        measurements=data.measurements,
        echo=data.echo,
        checklist=data.checklist,
        sound_heard=data.sound_heard,
        measured_db=data.measured_db,
        distance_m=data.distance_m,
        notes=data.notes,
    )
    session.add(result)
    session.flush()
    record(
        session,
        operator=data.operator,
        action="test.result",
        object_type="asset",
        object_ref=asset.tag,
        after={
            "result": result.id,
            "work_order": result.work_order_id,
            "kind": kind,
            "outcome": data.outcome,
            **data.extra,
        },
        outcome="ok" if data.outcome == ResultOutcome.PASS else "failed",
        at=data.finished_at,
    )
    if final and data.outcome in FAILING_OUTCOMES:
        for hook in FAILED_RESULT_HOOKS:
            hook(session, result, asset, work_order)
    return result


#: Called with (session, result, asset, work order) inside the transaction that stores a failed
#: final result, so what a hook writes commits with it. The findings workflow registers one
#: (sirenctl/findings/automatic.py); scheduling imports nothing of findings.
FailedResultHook = Callable[[Session, TestResult, Asset, "WorkOrder | None"], object]
FAILED_RESULT_HOOKS: list[FailedResultHook] = []


def register_failed_result_hook(hook: FailedResultHook) -> FailedResultHook:
    """Add ``hook`` (once; registering it again changes nothing). Usable as a decorator."""
    if hook not in FAILED_RESULT_HOOKS:
        FAILED_RESULT_HOOKS.append(hook)
    return hook


@dataclass
class CheckIn:
    """What a technician reports at a siren."""

    answers: dict[str, str] = field(default_factory=dict)  # question number or text -> answer
    passed: bool | None = None  # None: failed if any answer says so
    sound_heard: bool | None = None
    measured_db: float | None = None
    distance_m: float | None = None
    notes: str | None = None


FAILING_ANSWERS = frozenset({"fail", "failed", "no", "bad", "不合格", "否"})


def _match_answers(
    checklist: list[str], answers: dict[str, str]
) -> tuple[dict[str, str], list[FieldProblem]]:
    matched: dict[str, str] = {}
    problems: list[FieldProblem] = []
    for key, answer in answers.items():
        question = None
        if key.isdigit() and 1 <= int(key) <= len(checklist):
            question = checklist[int(key) - 1]
        else:
            hits = [q for q in checklist if q.casefold().startswith(key.casefold())]
            question = hits[0] if len(hits) == 1 else None
        if question is None:
            problems.append(
                FieldProblem(
                    "check",
                    L_(
                        (
                            "{key!r} matches no single checklist item (give its number or the "
                            "start of its text)"
                        ),
                        key=key,
                    ),
                    None,
                    key,
                )
            )
        elif not answer.strip():
            problems.append(
                FieldProblem(
                    "check", L_("no answer for {question!r}", question=question), None, key
                )
            )
        else:
            matched[question] = answer.strip()
    missing = [f"{i}. {q}" for i, q in enumerate(checklist, 1) if q not in matched]
    if missing and not problems:
        problems.append(FieldProblem("check", "unanswered: " + "; ".join(missing)))
    return matched, problems


def _free_answers(answers: dict[str, str]) -> tuple[dict[str, str], list[FieldProblem]]:
    """Answers without a checklist (no open work order): the same rule for each answer."""
    problems = [
        FieldProblem("check", L_("no answer for {key!r}", key=key), None, key)
        for key, answer in answers.items()
        if not answer.strip()
    ]
    return {key: answer.strip() for key, answer in answers.items()}, problems


def open_manual_order(session: Session, asset: Asset, now: datetime) -> WorkOrder | None:
    """The work order a check-in at this asset answers: the earliest open one due by now + a week."""
    from sirenctl.scheduling.policy import ISSUE_AHEAD

    return session.scalar(
        select(WorkOrder)
        .where(
            WorkOrder.asset_id == asset.id,
            WorkOrder.status.in_(MANUAL_TASKS_OPEN),
            WorkOrder.due_at <= now + ISSUE_AHEAD,
        )
        .order_by(WorkOrder.due_at)
        .limit(1)
    )


def check_in(
    session: Session,
    asset: Asset,
    report: CheckIn,
    *,
    operator: str,
    work_order: WorkOrder | None,
    started_at: datetime | None = None,
    now: datetime | None = None,
) -> TestResult:
    """Record a manual check; closes its work order as done or failed."""
    now = now or utcnow()
    checklist = list(work_order.checklist or []) if work_order else []
    matched, problems = (
        _match_answers(checklist, report.answers) if checklist else _free_answers(report.answers)
    )
    if report.measured_db is not None and not 20 <= report.measured_db <= 160:
        problems.append(FieldProblem("db", L_("must be 20..160 dB"), None, str(report.measured_db)))
    if report.distance_m is not None and not 0 < report.distance_m <= 10_000:
        problems.append(
            FieldProblem("distance", L_("must be 0..10000 m"), None, str(report.distance_m))
        )
    if (report.measured_db is None) != (report.distance_m is None):
        problems.append(
            FieldProblem("distance", L_("a measured level needs its distance (and back)"))
        )
    if problems:
        raise ValidationFailed(problems)
    failed_items = [q for q, a in matched.items() if a.casefold() in FAILING_ANSWERS]
    passed = report.passed if report.passed is not None else not failed_items
    if report.sound_heard is False and report.passed is None:
        passed = False
    data = ResultData(
        outcome=ResultOutcome.PASS.value if passed else ResultOutcome.FAIL.value,
        started_at=started_at or now,
        finished_at=now,
        operator=operator,
        checklist=matched or None,
        sound_heard=report.sound_heard,
        measured_db=report.measured_db,
        distance_m=report.distance_m,
        notes=report.notes,
        extra={"failed_items": failed_items} if failed_items else {},
    )
    if work_order is not None:
        before = work_order.status
        work_order.status = (WorkOrderStatus.DONE if passed else WorkOrderStatus.FAILED).value
        work_order.finished_at = now
        work_order.outcome_note = f"checked in by {operator}" + (
            " late" if before == "missed" else ""
        )
    kind = work_order.task if work_order else Task.MANUAL_CHECK.value
    return record_result(session, asset, work_order, data, kind=kind)
