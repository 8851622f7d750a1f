"""Signed plans and approvals of live audible work orders (checked before sending by
sirenctl/security/approval_check.py).

Two people, really: the planner signs the content digest when planning (planner role), a
different account signs the same digest when approving (approver role). On SQLite both
signatures are checked against certified keys whose chain ends at the pinned anchor, so a row
inserted with a SQL tool is refused. On PostgreSQL the database itself enforces who wrote the
rows (sirenctl/security/pg_roles.sql); the digest binding is checked the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.audit import record
from sirenctl.i18n import L_
from sirenctl.identity import Role
from sirenctl.models import Asset
from sirenctl.models.scheduling import Approval, WorkOrder, WorkOrderStatus
from sirenctl.registry.errors import Conflict, NotFound
from sirenctl.security.authn import Authenticated, require_role
from sirenctl.security.digest import content_digest

APPROVABLE = (WorkOrderStatus.PLANNED.value, WorkOrderStatus.REFUSED.value)
SIGNABLE = (WorkOrderStatus.PLANNED.value, WorkOrderStatus.REFUSED.value)


class ApprovalRefused(PermissionError):
    """The approval may not be given (own plan, plan not signed, content changed)."""


def plan_payload(wo: WorkOrder, digest: str, account_id: int, login: str) -> dict[str, Any]:
    return {
        "v": 1,
        "purpose": "sirenctl plan",
        "work_order": wo.id,
        "digest": digest,
        "planner": account_id,
        "planner_login": login,
    }


def _site_time(moment: datetime) -> str:
    from zoneinfo import ZoneInfo

    from sirenctl.config import DEFAULT_TIMEZONE
    from sirenctl.timeutil import ensure_utc

    return ensure_utc(moment).astimezone(ZoneInfo(DEFAULT_TIMEZONE)).strftime("%Y-%m-%d %H:%M")


def approval_payload(
    wo: WorkOrder, digest: str, account_id: int, login: str, at: datetime, reason: str
) -> dict[str, Any]:
    return {
        "v": 1,
        "purpose": "sirenctl approval",
        "work_order": wo.id,
        "digest": digest,
        "approver": account_id,
        "approver_login": login,
        "planner": wo.planned_by_account_id,
        "approved_at": at.isoformat(),
        "reason": reason,
    }


def work_order_steps(wo: WorkOrder, library: Any) -> list[Any]:
    """The controller steps of a work order's programme (KeyError if unknown)."""
    from sirenctl.steps import programme_steps

    if wo.task == "silent_test" or not wo.programme:
        return []
    return programme_steps(library.programme(wo.programme))


def needs_two_people(wo: WorkOrder, asset: Asset) -> bool:
    return bool(wo.audible) and not asset.is_bench


# ---- planning ----------------------------------------------------------------------------


def sign_plans(
    session: Session, person: Authenticated, wo_ids: Sequence[int], library: Any, now: datetime
) -> list[int]:
    """Sign (as planner) every given open live audible work order; returns the signed ids."""
    require_role(person.actor, Role.PLANNER, "plan live audible work")
    signed: list[int] = []
    for wo_id in wo_ids:
        wo = session.get(WorkOrder, wo_id, with_for_update=True)
        if wo is None:
            raise NotFound(L_("no work order {wo_id}", wo_id=wo_id))
        if not needs_two_people(wo, wo.asset) or wo.status not in SIGNABLE:
            continue
        wo.planned_by, wo.planned_by_account_id = person.actor.login, person.actor.account_id
        digest = content_digest(wo, wo.asset, work_order_steps(wo, library))
        if (
            wo.plan_digest == digest
            and wo.plan_key_id == _key_id(person)
            and (wo.plan_signature or person.key is None)
        ):
            continue
        wo.plan_digest = digest
        wo.plan_signature = person.sign(
            plan_payload(wo, digest, wo.planned_by_account_id or 0, wo.planned_by)
        )
        wo.plan_key_id = _key_id(person)
        record(
            session,
            operator=person.actor.login,
            action="workorder.sign_plan",
            object_type="work_order",
            object_ref=str(wo.id),
            after={"digest": digest, "key_id": wo.plan_key_id},
            at=now,
        )
        signed.append(wo.id)
    session.flush()
    return signed


def _key_id(person: Authenticated) -> str | None:
    return person.account.key_id if person.account is not None else None


# ---- approving ---------------------------------------------------------------------------


def approve(
    session: Session,
    person: Authenticated,
    wo_ids: Sequence[int],
    *,
    reason: str,
    now: datetime,
    library: Any,
) -> list[Approval]:
    """Approve each work order, all or nothing (the caller's transaction rolls back on error)."""
    actor = person.actor
    require_role(actor, Role.APPROVER, "approve live audible work orders")
    reason = reason.strip()
    if not reason:
        raise Conflict(
            L_("an approval needs a reason (e.g. the notice number of the trial sounding)")
        )
    approvals = []
    for wo_id in wo_ids:
        wo = session.get(WorkOrder, wo_id, with_for_update=True)
        if wo is None:
            raise NotFound(L_("no work order {wo_id}", wo_id=wo_id))
        if not wo.audible:
            raise Conflict(
                L_(
                    "work order {wo_id} ({task}) makes no sound and needs no approval",
                    wo_id=wo_id,
                    task=wo.task,
                )
            )
        if wo.asset.is_bench:
            raise Conflict(
                L_(
                    "work order {wo_id} is on bench unit {tag}: bench work runs on the "
                    "administrator's bench certificate and needs no approval",
                    wo_id=wo_id,
                    tag=wo.asset.tag,
                )
            )
        if wo.status not in APPROVABLE:
            raise Conflict(
                L_(
                    (
                        "work order {wo_id} is {status}: only planned or refused work orders "
                        "can be approved"
                    ),
                    wo_id=wo_id,
                    status=wo.status,
                )
            )
        if now > wo.window_end_at:
            raise ApprovalRefused(
                L_(
                    (
                        "work order {wo_id} was due {due} and its window closed at {end}: an "
                        "approval now would come too late; plan the sounding again"
                    ),
                    wo_id=wo_id,
                    due=_site_time(wo.due_at),
                    end=_site_time(wo.window_end_at),
                )
            )
        if wo.plan_digest is None or (person.key is not None and wo.planned_by_account_id is None):
            raise ApprovalRefused(
                L_(
                    (
                        "work order {wo_id} has no signed plan: a planner must plan it "
                        "(sirenctl plan) with their passphrase before anyone approves it"
                    ),
                    wo_id=wo_id,
                )
            )
        same_account = actor.account_id is not None and wo.planned_by_account_id == actor.account_id
        if same_account or wo.planned_by == actor.login:
            raise ApprovalRefused(
                L_(
                    (
                        "work order {wo_id} was planned by {planned_by}: a different person "
                        "must approve a live audible work order"
                    ),
                    wo_id=wo_id,
                    planned_by=wo.planned_by,
                )
            )
        digest = content_digest(wo, wo.asset, work_order_steps(wo, library))
        if digest != wo.plan_digest:
            raise ApprovalRefused(
                L_(
                    (
                        "work order {wo_id}: what would be sent changed since it was planned "
                        "(asset, controller, register map or programme): a planner must plan "
                        "it again"
                    ),
                    wo_id=wo_id,
                )
            )
        mine = [a for a in wo.approvals if a.approved_by == actor.login]
        if any(a.content_digest == digest for a in mine):
            continue
        for old in mine:
            wo.approvals.remove(old)
            session.delete(old)  # a stale approval of older content by the same person
        session.flush()
        approval = Approval(
            work_order=wo,
            approved_by=actor.login,
            approved_at=now,
            reason=reason,
            approver_account_id=actor.account_id,
            content_digest=digest,
            key_id=_key_id(person),
        )
        signature = person.sign(
            approval_payload(wo, digest, actor.account_id or 0, actor.login, now, reason)
        )
        if signature is not None:  # SQLite; on PostgreSQL approvals are never UPDATEd
            approval.signature = signature
        session.add(approval)
        before = wo.status
        if wo.status == WorkOrderStatus.REFUSED.value and now <= wo.window_end_at:
            wo.status, wo.outcome_note = WorkOrderStatus.PLANNED.value, None
        record(
            session,
            operator=actor.login,
            action="workorder.approve",
            object_type="work_order",
            object_ref=str(wo.id),
            before={"status": before},
            after={
                "status": wo.status,
                "planned_by": wo.planned_by,
                "reason": reason,
                "digest": digest,
                "key_id": approval.key_id,
            },
            at=now,
        )
        approvals.append(approval)
    session.flush()
    return approvals


def unsigned_live_orders(
    session: Session, library: Any, start: datetime, end: datetime
) -> list[int]:
    """Open live audible work orders due in [start, end) whose plan signature is missing or
    no longer matches what would be sent."""
    rows = session.execute(
        select(WorkOrder, Asset)
        .join(Asset, WorkOrder.asset_id == Asset.id)
        .where(
            WorkOrder.audible.is_(True),
            Asset.is_bench.is_(False),
            WorkOrder.status.in_(SIGNABLE),
            WorkOrder.due_at >= start,
            WorkOrder.due_at < end,
        )
        .order_by(WorkOrder.id)
    ).all()
    sqlite = session.get_bind().dialect.name == "sqlite"
    out = []
    for wo, asset in rows:
        if wo.plan_digest is None or (
            sqlite and (wo.plan_signature is None or wo.planned_by_account_id is None)
        ):
            out.append(wo.id)
            continue
        try:
            steps = work_order_steps(wo, library)
        except KeyError:
            continue
        if content_digest(wo, asset, steps) != wo.plan_digest:
            out.append(wo.id)
    return out
