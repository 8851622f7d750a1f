"""Apply finished jobs to their work orders in one transaction: result, status, alarms."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.audit import record
from sirenctl.models import Asset
from sirenctl.models.scheduling import WorkOrder, WorkOrderStatus
from sirenctl.scheduling.outcomes import Outcome, Verdict
from sirenctl.scheduling.policy import MAX_SELF_TEST_ATTEMPTS, RETRY_BACKOFF, RETRY_SOUNDING
from sirenctl.scheduling.results import ResultData, record_result

S = WorkOrderStatus
STATUS_OF = {
    Outcome.DONE: S.DONE,
    Outcome.FAILED: S.FAILED,
    Outcome.UNKNOWN: S.UNKNOWN,
    Outcome.CANCELLED: S.CANCELLED,
    Outcome.MISSED: S.MISSED,
    Outcome.REFUSED: S.REFUSED,
    Outcome.NOT_SENT: S.FAILED,  # not sent and no time left to try again
}
RECORDED = (Outcome.DONE, Outcome.FAILED, Outcome.UNKNOWN, Outcome.NOT_SENT)


@dataclass
class Finished:
    """A job's verdict, ready to be written (see :func:`apply`)."""

    wo_id: int
    tag: str
    verdict: Verdict
    started: datetime
    finished: datetime
    data: dict[str, Any] = field(default_factory=dict)
    lost: bool = False  # our claim was lost before anything was sent


@dataclass
class OrderOutcome:
    """What happened to one work order in this run."""

    wo_id: int
    tag: str
    outcome: Outcome
    status: str  # the work order's status afterwards
    note: str = ""
    result: str | None = None  # the stored test_result outcome, if a result was recorded
    retry: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "work_order": self.wo_id,
            "tag": self.tag,
            "outcome": self.outcome.value,
            "result": self.result,
            "status": self.status,
            "retry": self.retry,
            "note": self.note,
        }


def apply(session: Session, worker: str, items: list[Finished]) -> list[OrderOutcome]:
    """Write every finished job in the caller's transaction (one round trip per batch)."""
    if not items:
        return []
    ids = [f.wo_id for f in items]
    wos = {
        wo.id: wo
        for wo in session.scalars(select(WorkOrder).where(WorkOrder.id.in_(ids)).with_for_update())
    }
    assets = {
        a.id: a
        for a in session.scalars(
            select(Asset).where(Asset.id.in_({wo.asset_id for wo in wos.values()}))
        )
    }
    return [_one(session, worker, f, wos.get(f.wo_id), assets) for f in items]


def _one(
    session: Session, worker: str, f: Finished, wo: WorkOrder | None, assets: dict[int, Asset]
) -> OrderOutcome:
    v = f.verdict
    if wo is None or wo.status != S.RUNNING.value or wo.claimed_by != worker:
        record(
            session,
            operator="scheduler",
            action="workorder.lost",
            object_type="work_order",
            object_ref=str(f.wo_id),
            outcome="alarm",
            at=f.finished,
            message=f"outcome {v.outcome} of {worker} not applied: claim lost ({v.message})",
        )
        return OrderOutcome(f.wo_id, f.tag, v.outcome, wo.status if wo else "", "claim lost")
    if f.lost:
        return OrderOutcome(f.wo_id, f.tag, Outcome.REFUSED, wo.status, v.message)
    asset = assets[wo.asset_id]
    again = False
    if v.retryable:
        backoff: timedelta = (
            RETRY_SOUNDING if wo.audible else RETRY_BACKOFF * (2 ** (wo.attempts - 1))
        )
        next_try = f.finished + backoff
        again = wo.attempts < MAX_SELF_TEST_ATTEMPTS and next_try < wo.window_end_at
    result_id = None
    if v.outcome in RECORDED:
        result_id = record_result(
            session,
            asset,
            wo,
            ResultData(
                v.result.value,
                f.started,
                f.finished,
                measurements=f.data.get("measurements"),
                echo=f.data.get("echo")
                or ({"error": f.data["error"]} if "error" in f.data else None),
                notes=v.message,
            ),
            kind=wo.task,
            final=not again,
        ).outcome
    wo.claimed_by, wo.lease_until = None, None
    if again:
        wo.status, wo.next_attempt_at = S.PLANNED.value, next_try
        wo.outcome_note = f"attempt {wo.attempts} not sent; next at {next_try:%H:%M:%S} UTC"
        return OrderOutcome(f.wo_id, f.tag, v.outcome, wo.status, v.message, result_id, True)
    wo.status = STATUS_OF[v.outcome].value
    wo.finished_at, wo.outcome_note = f.finished, v.message[:2000]
    if v.outcome is Outcome.REFUSED and f.data.get("refused_authority"):
        record(  # no valid signed plan and approval for what would be sent: an alarm
            session,
            operator="scheduler",
            action="workorder.refuse",
            object_type="work_order",
            object_ref=str(wo.id),
            outcome="alarm",
            message=v.message,
            at=f.finished,
        )
    if v.outcome.alarm or v.outcome is Outcome.CANCELLED:
        record(
            session,
            operator=f.data.get("stopped_by_operator") or "scheduler",
            action=f"workorder.{v.outcome.value}",
            object_type="work_order",
            object_ref=str(wo.id),
            outcome="alarm" if v.outcome.alarm else "ok",
            message=v.message,
            at=f.finished,
        )
    return OrderOutcome(f.wo_id, f.tag, v.outcome, wo.status, v.message, result_id)
