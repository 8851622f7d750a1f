"""Audit records as the TUI shows them: a row of the list, with the whole record for its
detail pane, and the list's filter (no Textual code here)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sirenctl.models import AuditEvent


@dataclass(frozen=True)
class AuditRow:
    id: int
    at: datetime
    operator: str
    action: str
    object: str
    outcome: str
    summary: str
    # the whole record, for the detail pane (issue 13)
    message: str | None = None
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    seq: int | None = None
    db_user: str | None = None
    hash: str | None = None
    prev_hash: str | None = None

    @classmethod
    def of(cls, event: AuditEvent) -> AuditRow:
        return cls(
            event.id,
            event.at,
            event.operator,
            event.action,
            f"{event.object_type}:{event.object_ref or ''}",
            event.outcome,
            audit_summary(event.before, event.after, event.message),
            event.message,
            event.before,
            event.after,
            event.seq,
            event.db_user,
            event.hash,
            event.prev_hash,
        )


def audit_summary(before: Any, after: Any, message: str | None) -> str:
    """``field: old → new`` for edits, else the message."""
    if isinstance(after, dict) and isinstance(before, dict) and before:
        text = ", ".join(f"{k}: {before.get(k)!s} → {v!s}" for k, v in after.items())
        return text + (f" ({message})" if message else "")
    return message or ""


@dataclass(frozen=True)
class AuditFilter:
    text: str | None = None  # operator, action or object reference substring
    action: str | None = None  # action prefix, e.g. "asset" or "command"

    def apply(self, query: Any) -> Any:
        if self.action:
            query = query.where(AuditEvent.action.startswith(self.action))
        if self.text:
            pattern = f"%{self.text}%"
            query = query.where(
                AuditEvent.operator.ilike(pattern)
                | AuditEvent.action.ilike(pattern)
                | AuditEvent.object_ref.ilike(pattern)
                | AuditEvent.message.ilike(pattern)
            )
        return query
