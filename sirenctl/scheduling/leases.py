"""Named scheduler leases: one daemon per database (a second one is refused)."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError

from sirenctl.models.scheduling import SchedulerLease
from sirenctl.scheduling.wakeup import notify


def acquire(
    db: Any, name: str, holder: str, now: datetime, ttl: timedelta
) -> SchedulerLease | None:
    """Take the lease if it is free or expired. Returns None when taken, else the current holder's row."""
    try:
        with db.transaction() as session:
            row: SchedulerLease | None = session.get(SchedulerLease, name, with_for_update=True)
            if row is not None and row.holder != holder and row.expires_at > now:
                session.expunge(row)
                return row
            if row is None:
                session.add(
                    SchedulerLease(name=name, holder=holder, acquired_at=now, expires_at=now + ttl)
                )
            else:
                row.holder, row.acquired_at, row.expires_at = holder, now, now + ttl
    except IntegrityError:  # another process inserted it at the same moment
        with db.session() as session:
            holder_row: SchedulerLease | None = session.get(SchedulerLease, name)
            if holder_row is not None:
                session.expunge(holder_row)
            return holder_row
    return None


def renew(db: Any, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    with db.transaction() as session:
        result = session.execute(
            update(SchedulerLease)
            .where(
                SchedulerLease.name == name,
                SchedulerLease.holder == holder,
                SchedulerLease.expires_at > now,
            )
            .values(expires_at=now + ttl),
            execution_options={"synchronize_session": False},
        )
        return bool(result.rowcount == 1)


def release(db: Any, name: str, holder: str) -> None:
    with db.transaction() as session:
        session.execute(
            delete(SchedulerLease).where(
                SchedulerLease.name == name, SchedulerLease.holder == holder
            )
        )
        notify(session, f"lease:{name}")  # a standby waiting for this lease retries at once
