"""Append-only audit log. Database triggers refuse UPDATE and DELETE on this table."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, String, Text
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

    __table_args__ = (Index("ix_audit_event_object", "object_type", "object_ref"),)
