"""A cheap "is anything due?" probe for the run-due that cron starts every minute.

It uses SQLAlchemy Core only (no ORM, no models, no migrations machinery) and answers
True only when it is certain that there is nothing to do: any doubt (no database file yet,
a schema that is not current, an error) returns False and run-due takes the full path.
The predicate mirrors ``claims._DUE``; a test checks that both always agree.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, and_, or_, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from sirenctl.scheduling.policy import PREPARE_AHEAD, REPORT_GRACE

_meta = MetaData()
_wo = Table(
    "work_order",
    _meta,
    Column("id", Integer),
    Column("status", String),
    Column("act_at", DateTime),
    Column("next_attempt_at", DateTime),
    Column("lease_until", DateTime),
    Column("window_end_at", DateTime),
)


def _probe(now: datetime, report_by: datetime, ahead: datetime):  # type: ignore[no-untyped-def]
    c = _wo.c
    return (
        select(c.id)
        .where(
            or_(
                and_(
                    c.status == "planned",
                    c.act_at <= ahead,
                    or_(c.next_attempt_at.is_(None), c.next_attempt_at <= ahead),
                ),
                and_(c.status == "running", c.lease_until < now),
                and_(c.status == "issued", c.window_end_at < report_by),
                and_(c.status == "refused", c.window_end_at < now),
            )
        )
        .limit(1)
    )


def nothing_due(url: str, now: datetime) -> bool:
    """True if the database at ``url`` certainly has nothing due at ``now``."""
    from sirenctl.migrations import SCHEMA_HEAD

    try:
        parsed = make_url(url)
        sqlite = parsed.get_backend_name() == "sqlite"
        if sqlite and (not parsed.database or not Path(parsed.database).expanduser().is_file()):
            return False
        from sqlalchemy import create_engine

        engine = create_engine(
            url, poolclass=NullPool, connect_args={"timeout": 10} if sqlite else {}
        )
        moment = now.astimezone(UTC)
        if sqlite:  # stored as naive UTC text, like sirenctl.models.base.UTCDateTime
            moment = moment.replace(tzinfo=None)
        try:
            with engine.connect() as conn:
                if (
                    conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                    != SCHEMA_HEAD
                ):
                    return False
                return (
                    conn.execute(
                        _probe(moment, moment - REPORT_GRACE, moment + PREPARE_AHEAD)
                    ).first()
                    is None
                )
        finally:
            engine.dispose()
    except Exception:  # any doubt: let the full path decide (and report)
        return False
