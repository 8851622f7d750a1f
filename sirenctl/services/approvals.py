"""Approve live audible work orders: one use case for `sirenctl approve` and the TUI agenda.

The caller proves who is approving first (sirenctl/security/authn.py ``authenticate`` with the
approver role: a passphrase on SQLite, the database login on PostgreSQL); the rules (not the
planner, content bound by digest, all or nothing) live in sirenctl/security/approvals.py.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sirenctl.db import Database
from sirenctl.security.authn import Authenticated


@dataclass(frozen=True)
class ApprovedOrder:
    work_order: int
    approved_by: str
    status: str


def approve_work_orders(
    db: Database,
    person: Authenticated,
    wo_ids: Sequence[int],
    *,
    reason: str,
    library: Any,
    now: datetime | None = None,
) -> list[ApprovedOrder]:
    """Approve each order as ``person`` in one transaction (nothing on any refusal); orders
    this person already approved with the same content are left out of the result. Daemons
    waiting on PostgreSQL are woken at once (sirenctl/scheduling/wakeup.py)."""
    import sirenctl.models.scheduling  # noqa: F401  (mappers of the work-order tables)
    from sirenctl.registry.errors import Conflict, NotFound
    from sirenctl.scheduling.approvals import approve
    from sirenctl.scheduling.wakeup import notify
    from sirenctl.security.approvals import ApprovalRefused
    from sirenctl.security.errors import NotPermitted
    from sirenctl.timeutil import utcnow

    now = now or utcnow()
    try:
        with db.transaction() as session:
            approvals = approve(
                session, person, list(wo_ids), reason=reason, now=now, library=library
            )
            notify(session, "approved")
            return [
                ApprovedOrder(a.work_order_id, a.approved_by, a.work_order.status)
                for a in approvals
            ]
    except (ApprovalRefused, Conflict, NotFound, NotPermitted) as exc:
        _record_refusal(db, person, wo_ids, exc, now)
        raise


def _record_refusal(
    db: Database, person: Authenticated, wo_ids: Sequence[int], exc: Exception, now: datetime
) -> None:
    """A refused approval leaves a trace (its own transaction: nothing else was written)."""
    from sirenctl.audit import record

    with db.transaction() as session:
        record(
            session,
            operator=person.actor.login,
            action="workorder.approve",
            object_type="work_order",
            object_ref=",".join(str(i) for i in wo_ids),
            outcome="refused",
            message=str(exc),
            at=now,
        )
