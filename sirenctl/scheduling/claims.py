"""The due-sweep: decide what to do with each due work order and claim it atomically.

One statement, built once, selects the candidates ``FOR UPDATE SKIP LOCKED`` (PostgreSQL:
several workers never take the same row) inside a write transaction (SQLite: ``BEGIN
IMMEDIATE``, one writer at a time). A claim is a lease; an abandoned claim is recovered once
its lease has expired, except that a sounding which may already have been sent is never
run again: it becomes *unknown* and raises an alarm.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import and_, bindparam, or_, select, update
from sqlalchemy.orm import Session

from sirenctl.audit import record
from sirenctl.models import Asset, AssetStatus
from sirenctl.models.scheduling import Approval, ResultOutcome, WorkOrder, WorkOrderStatus
from sirenctl.scheduling.durations import format_duration
from sirenctl.scheduling.policy import LEASE, PREPARE_AHEAD, REPORT_GRACE, is_automatic

S = WorkOrderStatus
CLAIM_BATCH = 500


class Action(StrEnum):
    """What the due-sweep does with a due work order."""

    CLAIM = "claim"
    ISSUE = "issue"
    REFUSE = "refuse"
    MISS = "miss"
    UNKNOWN = "unknown"
    CANCEL = "cancel"
    WAIT = "wait"  # not yet due and not claimed early (manual work, retries): untouched


# ``ahead`` is now + PREPARE_AHEAD: the run of the minute before claims what falls due
# within the next minute and prepares it before the instant (nothing is sent before it).
_DUE = or_(
    and_(
        WorkOrder.status == S.PLANNED.value,
        WorkOrder.act_at <= bindparam("ahead"),
        or_(WorkOrder.next_attempt_at.is_(None), WorkOrder.next_attempt_at <= bindparam("ahead")),
    ),
    and_(WorkOrder.status == S.RUNNING.value, WorkOrder.lease_until < bindparam("now")),
    and_(WorkOrder.status == S.ISSUED.value, WorkOrder.window_end_at < bindparam("report_by")),
    and_(WorkOrder.status == S.REFUSED.value, WorkOrder.window_end_at < bindparam("now")),
)
# A worker serves one gateway (or, without --gateway, the assets that have none); the
# gateway owning a controller channel is a column of the asset (see docs/operations.md).
_MINE = WorkOrder.asset_id.in_(
    select(Asset.id).where(Asset.gateway.is_not_distinct_from(bindparam("gateway")))
)
ANY_DUE = select(WorkOrder.id).where(_DUE, _MINE).limit(1)
CANDIDATES = (
    select(WorkOrder)
    .where(_DUE, _MINE)
    .order_by(WorkOrder.act_at, WorkOrder.id)
    .limit(CLAIM_BATCH)
    .with_for_update(skip_locked=True)
)
PEEK = select(WorkOrder).where(_DUE, _MINE).order_by(WorkOrder.act_at, WorkOrder.id)


def due_params(now: datetime, gateway: str | None = None) -> dict[str, Any]:
    return {
        "now": now,
        "ahead": now + PREPARE_AHEAD,
        "report_by": now - REPORT_GRACE,
        "gateway": gateway,
    }


@dataclass
class Decision:
    work_order_id: int
    tag: str
    campaign: str
    task: str
    due_at: datetime
    action: Action
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "work_order": self.work_order_id,
            "tag": self.tag,
            "campaign": self.campaign,
            "task": self.task,
            "due_at": self.due_at.isoformat(),
            "action": self.action.value,
            "reason": self.reason,
        }


@dataclass
class SweepReport:
    at: datetime
    decisions: list[Decision] = field(default_factory=list)

    def of(self, action: Action | str) -> list[Decision]:
        return [d for d in self.decisions if d.action == action]

    @property
    def claimed(self) -> list[int]:
        return [d.work_order_id for d in self.of(Action.CLAIM)]


def valid_approvals(wo: WorkOrder, approvals: list[Approval]) -> list[Approval]:
    """Approvals that may be valid: a signed plan, and an approval of the same content by
    another account. Cheap (no signatures checked): the executor calls
    sirenctl.security.approval_check.verify_for_execution before anything is sent."""
    from sirenctl.security.approval_check import has_candidate_approval

    return [a for a in approvals if has_candidate_approval(wo, [a])]


def decide(
    wo: WorkOrder, asset: Asset, approvals: list[Approval], now: datetime
) -> tuple[Action, str]:
    """What run-due does with one due work order at ``now``; pure, so dry-run shows the same.

    A planned automatic order due within PREPARE_AHEAD is claimed early (prepared, then
    sent at its due time); anything else acts only once it is really due.
    """
    if (
        wo.status == S.PLANNED.value
        and max(wo.act_at, wo.next_attempt_at or wo.act_at) > now
        and (
            wo.next_attempt_at is not None
            or not is_automatic(wo.task, asset.kind, asset.controller_transport)
        )
    ):
        return Action.WAIT, "not yet due"
    if wo.status == S.RUNNING.value and wo.committed_at is not None and wo.audible:
        return Action.UNKNOWN, (
            f"worker {wo.claimed_by} stopped after sending an audible command at "
            f"{wo.committed_at:%Y-%m-%d %H:%M:%S} UTC; outcome unknown, not retried"
        )
    if wo.status == S.ISSUED.value:
        return Action.MISS, f"no check-in by {(wo.window_end_at + REPORT_GRACE):%Y-%m-%d %H:%M} UTC"
    if wo.status == S.REFUSED.value:
        return (
            Action.MISS,
            f"window passed without an approved run ({wo.outcome_note or 'refused'})",
        )
    if asset.status == AssetStatus.RETIRED.value:
        return Action.CANCEL, "asset retired"
    if not is_automatic(wo.task, asset.kind, asset.controller_transport):
        if now > wo.window_end_at + REPORT_GRACE:
            return Action.MISS, "never issued before its window passed (run-due was not running)"
        return Action.ISSUE, "issued to technicians" + (
            " (hand-crank timing guide)" if wo.programme else ""
        )
    if now > wo.window_end_at:
        late = format_duration((now - wo.due_at).total_seconds())
        if wo.audible:
            allowance = format_duration((wo.window_end_at - wo.due_at).total_seconds())
            return Action.MISS, (
                f"{late} late, past the late allowance of {allowance}: not started "
                "(an unannounced late siren causes panic)"
            )
        return Action.MISS, f"{late} late, past its window"
    if wo.audible and not asset.is_bench and not valid_approvals(wo, approvals):
        return Action.REFUSE, (
            f"live audible work order needs a signed plan and an approval by someone other "
            f"than its planner {wo.planned_by} (sirenctl approve {wo.id})"
        )
    return Action.CLAIM, ""


def _load(
    session: Session, wos: list[WorkOrder]
) -> tuple[dict[int, Asset], dict[int, list[Approval]]]:
    ids = {wo.asset_id for wo in wos}
    assets = (
        {a.id: a for a in session.scalars(select(Asset).where(Asset.id.in_(ids)))} if ids else {}
    )
    audible = [wo.id for wo in wos if wo.audible]
    approvals: dict[int, list[Approval]] = {}
    if audible:
        for approval in session.scalars(
            select(Approval).where(Approval.work_order_id.in_(audible))
        ):
            approvals.setdefault(approval.work_order_id, []).append(approval)
    return assets, approvals


def peek(session: Session, now: datetime, gateway: str | None = None) -> SweepReport:
    """The decisions a sweep would make at ``now`` (reads only; for --dry-run)."""
    report = SweepReport(now)
    wos = list(session.scalars(PEEK, due_params(now, gateway)))
    assets, approvals = _load(session, wos)
    for wo in wos:
        action, reason = decide(wo, assets[wo.asset_id], approvals.get(wo.id, []), now)
        if action is Action.WAIT:
            continue
        report.decisions.append(
            Decision(
                wo.id, assets[wo.asset_id].tag, wo.campaign, wo.task, wo.due_at, action, reason
            )
        )
    return report


def claim_batch(
    session: Session, now: datetime, worker: str, report: SweepReport, gateway: str | None = None
) -> tuple[int, int]:
    """Decide and apply one batch in the caller's write transaction.

    Returns (rows selected, rows acted on); rows not yet due are left untouched.
    """
    wos = list(session.scalars(CANDIDATES, due_params(now, gateway)))
    assets, approvals = _load(session, wos)
    acted = 0
    for wo in wos:
        asset = assets[wo.asset_id]
        action, reason = decide(wo, asset, approvals.get(wo.id, []), now)
        if action is Action.WAIT:
            continue
        acted += 1
        report.decisions.append(
            Decision(wo.id, asset.tag, wo.campaign, wo.task, wo.due_at, action, reason)
        )
        _apply(session, wo, asset, action, reason, now, worker)
    return len(wos), acted


def _apply(
    session: Session,
    wo: WorkOrder,
    asset: Asset,
    action: Action,
    reason: str,
    now: datetime,
    worker: str,
) -> None:
    before = wo.status
    outcome = "ok"
    if action == "claim":
        wo.status, wo.claimed_by, wo.lease_until = S.RUNNING.value, worker, now + LEASE
        wo.attempts += 1
        wo.started_at = wo.started_at or now
    elif action == "issue":
        wo.status = S.ISSUED.value
    elif action == "refuse":
        wo.status, outcome = S.REFUSED.value, "refused"
    elif action == "cancel":
        wo.status, wo.finished_at = S.CANCELLED.value, now
    elif action == "miss":
        wo.status, wo.finished_at, outcome = S.MISSED.value, now, "alarm"
    elif action == "unknown":
        wo.status, wo.finished_at, outcome = S.UNKNOWN.value, now, "alarm"
        from sirenctl.scheduling.results import ResultData, record_result

        record_result(
            session,
            asset,
            wo,
            ResultData(
                ResultOutcome.UNKNOWN.value,
                wo.started_at or now,
                now,
                operator=wo.claimed_by or "scheduler",
                notes=reason,
            ),
            kind=wo.task,
        )
    if action != "claim":
        wo.outcome_note = reason or None
    record(
        session,
        operator="scheduler",
        action=f"workorder.{action}",
        object_type="work_order",
        object_ref=str(wo.id),
        before={"status": before},
        after={
            "status": wo.status,
            "asset": asset.tag,
            "campaign": wo.campaign,
            "worker": worker if action == "claim" else None,
        },
        outcome=outcome,
        message=reason or None,
        at=now,
    )


def sweep(
    db: Any,
    now: datetime,
    worker: str,
    gateway: str | None = None,
    stopping: Callable[[], bool] = lambda: False,
) -> SweepReport:
    """Claim every due work order for ``worker`` and settle the rest (issue, refuse, miss).

    Orders due within PREPARE_AHEAD are claimed now and sent at their due time. ``stopping``
    is asked between batches: once it is true no further batch is claimed (the caller
    releases what was claimed, :func:`release`).
    """
    report = SweepReport(now)
    with db.session() as session:  # idle runs stop here, without taking the write lock
        if session.execute(ANY_DUE, due_params(now, gateway)).first() is None:
            return report
    while not stopping():
        with db.transaction() as session:
            selected, acted = claim_batch(session, now, worker, report, gateway)
        if selected < CLAIM_BATCH or acted == 0:
            break
    return report


def release(db: Any, ids: list[int], worker: str, reason: str, now: datetime) -> list[int]:
    """Give back claims of ``worker`` on which nothing was committed to sending: the orders
    are planned again (another run may take them within their window), each with an audit
    record naming ``reason``. Returns the ids released."""
    released: list[int] = []
    with db.transaction() as session:
        for start in range(0, len(ids), 900):
            for wo in session.scalars(
                select(WorkOrder).where(
                    WorkOrder.id.in_(ids[start : start + 900]),
                    WorkOrder.claimed_by == worker,
                    WorkOrder.status == S.RUNNING.value,
                    WorkOrder.committed_at.is_(None),
                )
            ):
                wo.status, wo.claimed_by, wo.lease_until = S.PLANNED.value, None, None
                wo.attempts = max(0, wo.attempts - 1)
                wo.outcome_note = reason[:2000]
                released.append(wo.id)
                record(
                    session,
                    operator="scheduler",
                    action="workorder.release",
                    object_type="work_order",
                    object_ref=str(wo.id),
                    before={"status": S.RUNNING.value},
                    after={"status": S.PLANNED.value, "worker": worker},
                    outcome="ok",
                    message=reason,
                    at=now,
                )
    return released


RENEW = (
    update(WorkOrder)
    .where(
        WorkOrder.id == bindparam("wo_id"),
        WorkOrder.claimed_by == bindparam("worker"),
        WorkOrder.status == S.RUNNING.value,
    )
    .values(lease_until=bindparam("until"))
)


def renew_lease(
    db: Any, wo_id: int, worker: str, now: datetime, *, commit_irreversible: bool = False
) -> bool:
    """Extend our lease; False if the work order is no longer ours.

    Ownership, not the clock, decides: a lease that expired while nobody took the work order
    over is still ours (another worker taking it changes ``claimed_by`` in its own write
    transaction, so this update and a take-over can never both succeed).

    With ``commit_irreversible`` it also records, committed before returning, that an
    audible command is about to be sent: from then on the work order is never re-run.
    """
    stmt = RENEW.values(committed_at=now) if commit_irreversible else RENEW
    with db.transaction() as session:
        result = session.execute(
            stmt,
            {"wo_id": wo_id, "worker": worker, "until": now + LEASE},
            execution_options={"synchronize_session": False},
        )
        return bool(result.rowcount == 1)
