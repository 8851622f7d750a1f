"""Recording audit events. The only writer of ``audit_event``; it never edits or deletes rows.

Each event is chained (sirenctl/audit_chain.py) when its session flushes, inside the writing
transaction: SQLite writes run in ``BEGIN IMMEDIATE`` (one writer at a time), PostgreSQL takes
the chain's transaction-level advisory lock before reading the head, so two writers never
chain onto the same head.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from sirenctl.audit_chain import (
    chain_head,
    json_document,
    record_fields,
    record_hash,
    session_db_user,
)
from sirenctl.models import AuditEvent
from sirenctl.timeutil import utcnow


def json_safe(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def snapshot(
    obj: Any, exclude: frozenset[str] = frozenset({"created_at", "updated_at"})
) -> dict[str, Any]:
    """Column values of an ORM object, JSON-safe, for the before/after of an audit event."""
    mapper = inspect(obj).mapper
    return {
        attr.key: json_safe(getattr(obj, attr.key))
        for attr in mapper.column_attrs
        if attr.key not in exclude
    }


def record(
    session: Session,
    *,
    operator: str,
    action: str,
    object_type: str,
    object_ref: str | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    outcome: str = "ok",
    message: str | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    event = AuditEvent(
        at=at or utcnow(),
        operator=operator,
        action=action,
        object_type=object_type,
        object_ref=object_ref,
        before=json_document(before),
        after=json_document(after),
        outcome=outcome,
        message=message,
    )
    session.add(event)
    return event


@sa_event.listens_for(Session, "before_flush")
def _chain_new_events(session: Session, _context: Any, _instances: Any) -> None:
    """Give the session's new audit events their place in the chain, in insertion order
    (the order SQLAlchemy inserts them in, so ids rise with ``seq``)."""
    new = [obj for obj in session.new if isinstance(obj, AuditEvent) and obj.hash is None]
    if not new:
        return
    new.sort(key=lambda obj: inspect(obj).insert_order or 0)
    conn = session.connection()
    head = chain_head(conn, lock=True)
    db_user = session_db_user(conn)
    seq, prev = head.seq, head.hash
    for ev in new:
        seq += 1
        ev.seq, ev.prev_hash, ev.db_user = seq, prev, db_user
        ev.hash = prev = record_hash(record_fields(ev))


#: a read record lists the tags it covered up to this many (beyond: only the count)
READ_TAGS_LISTED = 20


def record_read(
    session: Session,
    *,
    operator: str,
    source: str,
    tags: Sequence[str],
    failed: Sequence[str] = (),
    details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> AuditEvent:
    """One record for one status sweep or register read (never one per register or device).

    ``source`` names the path (``poll``, ``daemon``, ``tui``, ``modbus``); ``failed`` the tags
    that did not answer.
    """
    after: dict[str, Any] = {"count": len(tags), "failed": len(failed)}
    if len(tags) <= READ_TAGS_LISTED:
        after["tags"] = sorted(tags)
    if failed and len(failed) <= READ_TAGS_LISTED:
        after["failed_tags"] = sorted(failed)
    if details:
        after.update(details)
    single = tags[0] if len(tags) == 1 else None
    return record(
        session,
        operator=operator,
        action=f"read.{source}",
        object_type="asset" if single else "fleet",
        object_ref=single,
        after=after,
        outcome="error" if failed else "ok",
        at=at,
    )


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in after.items() if before.get(k) != v}


def effective_changes(before: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """The entries of ``changes`` (ORM values) that differ from a :func:`snapshot`."""
    return {k: v for k, v in changes.items() if before.get(k) != json_safe(v)}


def record_edit(
    session: Session,
    *,
    operator: str,
    action: str,
    object_type: str,
    object_ref: str,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    """Record only what changed between two snapshots; nothing when nothing changed."""
    diff = changed_fields(before, after)
    if diff:
        record(
            session,
            operator=operator,
            action=action,
            object_type=object_type,
            object_ref=object_ref,
            before={k: before.get(k) for k in diff},
            after=diff,
        )


def record_many(session: Session, events: list[dict[str, Any]], *, batch: int = 5000) -> None:
    """Bulk :func:`record`: chained like every other record, one executemany per batch
    (sirenctl/audit_bulk.py). Each dict has record()'s keyword arguments; ``at`` defaults to
    the time of writing."""
    from sirenctl import audit_bulk

    audit_bulk.append(session, [audit_bulk.prepare(**e) for e in events], batch=batch)
