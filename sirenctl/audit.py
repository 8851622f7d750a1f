"""Recording audit events. The only writer of ``audit_event``; it never edits or deletes rows."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import inspect
from sqlalchemy.orm import Session

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
        before=before,
        after=after,
        outcome=outcome,
        message=message,
    )
    session.add(event)
    return event


def changed_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in after.items() if before.get(k) != v}


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
    """Bulk :func:`record`: the same columns, one executemany per batch (CSV import of 100,000
    assets). Each dict has record()'s keyword arguments; ``at`` defaults to now."""
    from sqlalchemy import insert

    now = utcnow()
    rows = [
        {
            "at": e.get("at") or now,
            "operator": e["operator"],
            "action": e["action"],
            "object_type": e["object_type"],
            "object_ref": e.get("object_ref"),
            "before": e.get("before"),
            "after": e.get("after"),
            "outcome": e.get("outcome", "ok"),
            "message": e.get("message"),
        }
        for e in events
    ]
    for i in range(0, len(rows), batch):
        session.execute(insert(AuditEvent.__table__), rows[i : i + batch])
