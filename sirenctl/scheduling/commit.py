"""The database side of firing: the commit batch, taking a busy controller, lease renewal.

Each function runs in the caller's one write transaction (``records.write``), so an instant
costs one round trip per batch, never one per order.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from sirenctl.audit import record
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
    for j in wanted:
        if j.channel in taken:
            record(
                session,
                operator=operator,
                action="command.intent",
                object_type="asset",
                object_ref=j.tag,
                after={
                    "work_order": j.wo_id,
                    "due_at": j.due_at.isoformat(),
                    "steps": len(j.steps or []),
                    "permit": j.permit.to_dict() if j.permit else None,
                },
                at=now,
            )
    return taken, ours


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
    from sirenctl.security.approvals import Refusal, verify_for_execution

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
