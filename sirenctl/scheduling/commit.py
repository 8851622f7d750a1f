"""The database side of firing: the commit batch, taking a busy controller, lease renewal.

Each function runs in the caller's one write transaction (``records.write``), so an instant
costs one round trip per batch, never one per order.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sirenctl.audit import record, record_many
from sirenctl.models.scheduling import WorkOrder, WorkOrderStatus
from sirenctl.scheduling import channels
from sirenctl.scheduling.policy import LEASE
from sirenctl.scheduling.prepare import Job

S = WorkOrderStatus


def commit_batch(
    session: Session, group: list[Job], worker: str, operator: str, now: datetime
) -> tuple[set[str], set[int]]:
    """Commit the audible jobs still ours to sending: lock their controllers, set
    ``committed_at`` and write each command's intent, in the caller's one transaction.

    Returns (channels taken, work orders still ours).
    """
    ids = [j.wo_id for j in group]
    ours = set(
        session.scalars(
            select(WorkOrder.id).where(
                WorkOrder.id.in_(ids),
                WorkOrder.claimed_by == worker,
                WorkOrder.status == S.RUNNING.value,
            )
        )
    )
    refuse_changed_content(session, [j for j in group if j.wo_id in ours], now)
    wanted = [j for j in group if j.wo_id in ours and j.problem is None]
    taken = channels.acquire(
        session,
        {
            j.channel: channels.ChannelClaim(j.channel, j.tag, j.wo_id, j.gateway) for j in wanted
        }.values(),
        worker,
        now,
        now + LEASE,
    )
    commit = [j.wo_id for j in wanted if j.channel in taken]
    if commit:
        session.execute(
            update(WorkOrder)
            .where(WorkOrder.id.in_(commit))
            .values(committed_at=now, lease_until=now + LEASE),
            execution_options={"synchronize_session": False},
        )
    # every command's intent on record before anything is sent: one executemany, same chain
    record_many(session, [_intent(j, operator, now) for j in wanted if j.channel in taken])
    return taken, ours


def _intent(job: Job, operator: str, at: datetime) -> dict[str, Any]:
    return {
        "operator": operator,
        "action": "command.intent",
        "object_type": "asset",
        "object_ref": job.tag,
        "after": {
            "work_order": job.wo_id,
            "due_at": job.due_at.isoformat(),
            "steps": len(job.steps or []),
            "permit": job.permit.to_dict() if job.permit else None,
        },
        "at": at,
    }


def take_channel(session: Session, job: Job, worker: str, at: datetime) -> tuple[bool, str]:
    """Take a controller another worker was sounding; (taken, who holds it otherwise)."""
    claim = channels.ChannelClaim(job.channel, job.tag, job.wo_id, job.gateway)
    if channels.acquire(session, [claim], worker, at, at + LEASE):
        session.execute(
            update(WorkOrder)
            .where(WorkOrder.id == job.wo_id, WorkOrder.claimed_by == worker)
            .values(committed_at=at),
            execution_options={"synchronize_session": False},
        )
        record(  # on record before anything is sent, as in commit_batch
            session,
            operator="scheduler",
            action="command.intent",
            object_type="asset",
            object_ref=job.tag,
            after={
                "work_order": job.wo_id,
                "due_at": job.due_at.isoformat(),
                "steps": len(job.steps or []),
                "permit": job.permit.to_dict() if job.permit else None,
            },
            at=at,
        )
        return True, ""
    row = channels.holders(session, [job.channel]).get(job.channel)
    return False, (f"work order {row.work_order_id} ({row.mode}) of {row.holder}" if row else "?")


def renew_batch(
    session: Session, worker: str, ids: list[int], held: list[str], now: datetime
) -> tuple[set[int], set[str]]:
    """Renew our leases and controller rows; (orders still ours, controller rows gone)."""
    if ids:
        session.execute(
            update(WorkOrder)
            .where(
                WorkOrder.id.in_(ids),
                WorkOrder.claimed_by == worker,
                WorkOrder.status == S.RUNNING.value,
            )
            .values(lease_until=now + LEASE),
            execution_options={"synchronize_session": False},
        )
    channels.renew(session, worker, held, now + LEASE)
    gone = set(held) - channels.held_by(session, worker, held)
    still = set(
        session.scalars(
            select(WorkOrder.id).where(WorkOrder.id.in_(ids), WorkOrder.claimed_by == worker)
        )
    )
    return still, gone


def refuse_changed_content(session: Session, jobs: list[Job], now: datetime) -> None:
    """Right before committing to send: re-check each audible job's authority against the
    registry and programme as they are now (an edit since preparing refuses it, with an alarm;
    nothing is sent). Later steps are re-checked before each command (instant.Guarded)."""
    from sirenctl.models import Asset
    from sirenctl.models.scheduling import ResultOutcome
    from sirenctl.scheduling.outcomes import Outcome, Verdict
    from sirenctl.security.approval_check import Refusal, verify_for_execution

    _rows = _load_rows(session, [j.wo_id for j in jobs])  # held: get() then finds them
    for job in jobs:
        wo = session.get(WorkOrder, job.wo_id)
        asset = session.get(Asset, wo.asset_id) if wo is not None else None
        if wo is None or asset is None:
            continue
        verdict = verify_for_execution(session, wo, asset, job.steps)
        if isinstance(verdict, Refusal):
            job.problem = Verdict(Outcome.REFUSED, ResultOutcome.ERROR, str(verdict))
            record(
                session,
                operator="scheduler",
                action="workorder.refuse",
                object_type="work_order",
                object_ref=str(job.wo_id),
                outcome="alarm",
                message=f"right before sending: {verdict.reason}",
                at=now,
            )


def _load_rows(session: Session, ids: list[int], chunk: int = 900) -> list[Any]:
    """Load the work orders and their assets in a few queries (not two per order): the
    identity map then answers ``session.get`` without a round trip."""
    from sirenctl.models import Asset

    rows: list[Any] = []
    for start in range(0, len(ids), chunk):
        orders = list(
            session.scalars(select(WorkOrder).where(WorkOrder.id.in_(ids[start : start + chunk])))
        )
        asset_ids = sorted({wo.asset_id for wo in orders})
        rows += orders
        rows += session.scalars(select(Asset).where(Asset.id.in_(asset_ids)))
    return rows
