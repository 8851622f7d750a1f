"""Append-only, hash-chained audit log (format: sirenctl/audit_chain.py).

Database triggers refuse UPDATE and DELETE, and refuse an INSERT that does not continue the
chain (``seq`` = head + 1, ``prev_hash`` = the head's hash); on PostgreSQL the insert trigger
also sets ``db_user`` to ``session_user`` (migration 0006). The columns are nullable only
because SQLite cannot add NOT NULL columns to a table with rows; the insert trigger refuses
NULLs.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sirenctl.models.base import Base, JSONDocument, UTCDateTime
from sirenctl.timeutil import utcnow


class AuditEvent(Base):
    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    operator: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(64), index=True)
    object_type: Mapped[str] = mapped_column(String(64))
    object_ref: Mapped[str | None] = mapped_column(String(200))
    before: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    after: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    outcome: Mapped[str] = mapped_column(String(32), default="ok")
    message: Mapped[str | None] = mapped_column(Text)
    seq: Mapped[int | None] = mapped_column(Integer, unique=True, index=True)
    prev_hash: Mapped[str | None] = mapped_column(String(64))
    hash: Mapped[str | None] = mapped_column(String(64))
    db_user: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_ref"),)


class AuditChain(Base):
    """One row: the database's identity, which the chain's genesis hash is derived from."""

    __tablename__ = "audit_chain"

    id: Mapped[int] = mapped_column(primary_key=True)
    database_id: Mapped[str] = mapped_column(String(36))
    genesis: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
