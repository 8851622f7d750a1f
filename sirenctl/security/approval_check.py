"""The check before sending: is this live audible work order still validly approved?

Signatures and certificates traced to the pinned anchor (SQLite), or who wrote the rows
(PostgreSQL, sirenctl/security/pg_roles.sql), and the content digest of what would be sent
now against the digest both people signed (sirenctl/security/approvals.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.audit import record
from sirenctl.identity import Role
from sirenctl.models import Asset
from sirenctl.models.accounts import OperatorAccount
from sirenctl.models.scheduling import Approval, WorkOrder
from sirenctl.security import keys
from sirenctl.security.approvals import approval_payload, needs_two_people, plan_payload
from sirenctl.security.digest import content_digest


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
