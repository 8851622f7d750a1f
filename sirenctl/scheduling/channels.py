"""One sounding per controller channel, across processes and machines: the ``sounding`` table.

A row per channel is the lock (its primary key) and the office-wide record of what is
sounding. Taking it is one ``INSERT ... ON CONFLICT DO UPDATE ... WHERE lease_until < now
RETURNING`` per batch (SQLite >= 3.35 and PostgreSQL): a row comes back only for channels
that were free or whose holder's lease ran out, so two workers can never both hold one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from sirenctl.models.scheduling import Sounding


@dataclass(frozen=True)
class ChannelClaim:
    channel: str
    asset_tag: str
    work_order_id: int | None
    gateway: str | None
    mode: str = "scheduled"


def _insert(session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql.insert(Sounding)
    from sqlalchemy.dialects import sqlite

    return sqlite.insert(Sounding)


def acquire(
    session: Session, claims: Iterable[ChannelClaim], holder: str, now: datetime, until: datetime
) -> set[str]:
    """Take the channels that are free (or whose holder's lease expired); returns those taken."""
    rows = [
        {
            "channel": c.channel,
            "asset_tag": c.asset_tag,
            "work_order_id": c.work_order_id,
            "holder": holder,
            "gateway": c.gateway,
            "mode": c.mode,
            "started_at": now,
            "lease_until": until,
        }
        for c in claims
    ]
    if not rows:
        return set()
    stmt = _insert(session)
    stmt = stmt.on_conflict_do_update(
        index_elements=[Sounding.channel],
        set_={k: stmt.excluded[k] for k in rows[0] if k != "channel"},
        where=(Sounding.lease_until < now) | (Sounding.holder == holder),
    ).returning(Sounding.channel)
    taken: set[str] = set()
    for start in range(0, len(rows), 500):
        taken.update(session.scalars(stmt, rows[start : start + 500]).all())
    return taken


def holders(session: Session, channels: Iterable[str]) -> dict[str, Sounding]:
    wanted = list(channels)
    if not wanted:
        return {}
    rows = session.scalars(select(Sounding).where(Sounding.channel.in_(wanted)))
    return {r.channel: r for r in rows}


def renew(session: Session, holder: str, channels: Iterable[str], until: datetime) -> None:
    wanted = list(channels)
    if wanted:
        session.execute(
            update(Sounding)
            .where(Sounding.holder == holder, Sounding.channel.in_(wanted))
            .values(lease_until=until),
            execution_options={"synchronize_session": False},
        )


def held_by(session: Session, holder: str, channels: Iterable[str]) -> set[str]:
    """Which of ``channels`` still have our row (a canceller elsewhere deletes it)."""
    wanted = list(channels)
    if not wanted:
        return set()
    return set(
        session.scalars(
            select(Sounding.channel).where(Sounding.holder == holder, Sounding.channel.in_(wanted))
        )
    )


def cancel_rows(session: Session, channels: Iterable[str] | None = None) -> list[Sounding]:
    """For ``cancel --all`` (any machine): remove the sounding rows, returning what they were.

    The holder notices within RENEW_EVERY_S (sirenctl/scheduling/policy.py) and ends its
    programme on those units without sending anything more; the canceller sends the stop.
    """
    query = select(Sounding)
    if channels is not None:
        query = query.where(Sounding.channel.in_(list(channels)))
    rows = list(session.scalars(query.with_for_update()))
    for row in rows:
        session.delete(row)
    return rows


def release(session: Session, holder: str, channels: Iterable[str]) -> None:
    wanted = list(channels)
    if wanted:
        session.execute(
            delete(Sounding).where(Sounding.holder == holder, Sounding.channel.in_(wanted)),
            execution_options={"synchronize_session": False},
        )


def sounding_now(session: Session, now: datetime) -> list[Sounding]:
    """What the office is sounding (rows whose holder's lease is still running)."""
    return list(
        session.scalars(
            select(Sounding).where(Sounding.lease_until >= now).order_by(Sounding.asset_tag)
        )
    )
