"""Signed plans and approvals of live audible work orders, and their check before sending.

Two people, really: the planner signs the content digest when planning (planner role), a
different account signs the same digest when approving (approver role). On SQLite both
signatures are checked against certified keys whose chain ends at the pinned anchor, so a row
inserted with a SQL tool is refused. On PostgreSQL the database itself enforces who wrote the
rows (sirenctl/security/pg_roles.sql); the digest binding is checked the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.audit import record
from sirenctl.i18n import L_
from sirenctl.identity import Role
from sirenctl.models import Asset
from sirenctl.models.accounts import OperatorAccount
from sirenctl.models.scheduling import Approval, WorkOrder, WorkOrderStatus
from sirenctl.registry.errors import Conflict, NotFound
from sirenctl.security import keys
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


# ---- checking before execution -----------------------------------------------------------


@dataclass(frozen=True)
class VerifiedApproval:
    work_order_id: int
    digest: str
    planner: str
    approvers: tuple[str, ...]
    bench: bool = False


@dataclass(frozen=True)
class Refusal:
    work_order_id: int
    reason: str
    problems: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        return self.reason


def has_candidate_approval(wo: WorkOrder, approvals: Sequence[Approval]) -> bool:
    """Cheap pre-check for the due-sweep: a signed plan and an approval by another account.

    The full check (signatures, certificates, digest) is :func:`verify_for_execution`."""
    if wo.plan_digest is None:
        return False
    if wo.planned_by_account_id is None:  # PostgreSQL: logins are the database's own
        return any(
            a.approved_by != wo.planned_by and a.content_digest == wo.plan_digest for a in approvals
        )
    return any(
        a.approver_account_id is not None
        and a.approver_account_id != wo.planned_by_account_id
        and a.content_digest == wo.plan_digest
        for a in approvals
    )


def _db_url(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=False)


def verify_for_execution(
    session: Session, wo: WorkOrder, asset: Asset, steps: Sequence[Any]
) -> VerifiedApproval | Refusal:
    """May this work order's audible steps be sent now? Recomputes the digest from the current
    registry and programme; checks the planner's and a distinct approver's signatures."""
    digest = content_digest(wo, asset, steps)
    if wo.audible and asset.is_bench:
        from sirenctl.security.bench import bench_problem

        problem = bench_problem(session, asset)
        if problem is not None:
            return Refusal(wo.id, f"not a proven bench unit: {problem}", (problem,))
    if not needs_two_people(wo, asset):
        return VerifiedApproval(wo.id, digest, wo.planned_by, (), bench=bool(asset.is_bench))
    dialect = session.get_bind().dialect.name
    problems: list[str] = []
    approvals = list(
        session.scalars(
            select(Approval).where(Approval.work_order_id == wo.id).order_by(Approval.id)
        )
    )
    if dialect == "postgresql":
        planner_ok = _pg_plan_ok(session, wo, digest, problems)
        valid = [a for a in approvals if _pg_approval_ok(session, wo, a, digest, problems)]
    else:
        from sirenctl.security.anchor import read_anchor

        anchor = read_anchor(_db_url(session))
        planner_ok = _plan_ok(session, wo, digest, anchor, problems)
        valid = [a for a in approvals if _approval_ok(session, wo, a, digest, anchor, problems)]
    if not approvals:
        problems.append("no approval")
    if planner_ok and valid:
        return VerifiedApproval(wo.id, digest, wo.planned_by, tuple(a.approved_by for a in valid))
    return Refusal(
        wo.id,
        "no valid approval by a second person: " + "; ".join(dict.fromkeys(problems)),
        tuple(problems),
    )


def _trusted(
    session: Session, account_id: int | None, role: Role, anchor: Any, problems: list[str]
) -> OperatorAccount | None:
    from sirenctl.security.certificates import trust_of

    account = session.get(OperatorAccount, account_id) if account_id is not None else None
    if account is None:
        problems.append(f"account {account_id} does not exist")
        return None
    trust = trust_of(session, account, anchor)
    if not trust:
        problems.append(trust.reason)
        return None
    if role.value not in account.role_values:
        problems.append(f"account {account.login} is not a {role.value}")
        return None
    return account


def _plan_ok(
    session: Session, wo: WorkOrder, digest: str, anchor: Any, problems: list[str]
) -> bool:
    planner = _trusted(session, wo.planned_by_account_id, Role.PLANNER, anchor, problems)
    if planner is None:
        problems.append("the plan is not signed by a trusted planner")
        return False
    if wo.plan_digest != digest:
        problems.append("content changed since it was planned")
        return False
    payload = plan_payload(wo, digest, planner.id, planner.login)
    if planner.login != wo.planned_by or not keys.verify(
        planner.public_key, wo.plan_signature, payload
    ):
        problems.append("the planner's signature is not valid")
        return False
    return True


def _approval_ok(
    session: Session, wo: WorkOrder, a: Approval, digest: str, anchor: Any, problems: list[str]
) -> bool:
    if a.approver_account_id is None or a.approver_account_id == wo.planned_by_account_id:
        problems.append(f"approval {a.id} is by the planner or by no account")
        return False
    approver = _trusted(session, a.approver_account_id, Role.APPROVER, anchor, problems)
    if approver is None:
        return False
    if a.content_digest != digest:
        problems.append(f"approval {a.id} by {a.approved_by} approved other content")
        return False
    payload = approval_payload(wo, digest, approver.id, approver.login, a.approved_at, a.reason)
    if approver.login != a.approved_by or not keys.verify(
        approver.public_key, a.signature, payload
    ):
        problems.append(f"approval {a.id} by {a.approved_by} has no valid signature")
        return False
    return True


def _pg_member(session: Session, login: str, role: Role) -> bool:
    from sqlalchemy import text

    return bool(
        session.execute(
            text(
                "SELECT pg_has_role(u.oid, g.oid, 'MEMBER') FROM pg_roles u, pg_roles g "
                "WHERE u.rolname = :u AND g.rolname = :g"
            ),
            {"u": login, "g": role.pg_group},
        ).scalar()
    )


def _pg_plan_ok(session: Session, wo: WorkOrder, digest: str, problems: list[str]) -> bool:
    if not _pg_member(session, wo.planned_by, Role.PLANNER):
        problems.append(f"{wo.planned_by} is not a planner")
        return False
    if wo.plan_digest != digest:
        problems.append("content changed since it was planned")
        return False
    return True


def _pg_approval_ok(
    session: Session, wo: WorkOrder, a: Approval, digest: str, problems: list[str]
) -> bool:
    if a.approved_by == wo.planned_by:
        problems.append(f"approval {a.id} is by the planner")
        return False
    if not _pg_member(session, a.approved_by, Role.APPROVER):
        problems.append(f"{a.approved_by} is not an approver")
        return False
    if a.content_digest != digest:
        problems.append(f"approval {a.id} by {a.approved_by} approved other content")
        return False
    return True


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


def recheck_before_send(db: Any, wo_id: int, steps: Sequence[Any]) -> str | None:
    """Right before an audible command: the refusal reason, or None if still validly approved.

    Re-reads the work order and asset, so an edit made while the job was being prepared (bench
    flag, controller, approval withdrawn) stops the send. A refusal is recorded as an alarm."""
    with db.session() as session:
        wo = session.get(WorkOrder, wo_id)
        asset = session.get(Asset, wo.asset_id) if wo is not None else None
        if wo is None or asset is None:
            verdict: VerifiedApproval | Refusal = Refusal(wo_id, "work order no longer exists")
        else:
            verdict = verify_for_execution(session, wo, asset, steps)
    if isinstance(verdict, VerifiedApproval):
        return None
    with db.transaction() as session:
        record(
            session,
            operator="scheduler",
            action="workorder.refuse",
            object_type="work_order",
            object_ref=str(wo_id),
            outcome="alarm",
            message=f"right before sending: {verdict.reason}",
        )
    return verdict.reason
