"""The last known status of each networked asset ("as of the last poll": show its age)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sirenctl.models.base import Base, JSONDocument, UTCDateTime


class AssetStatusReading(Base):
    __tablename__ = "asset_status"

    asset_id: Mapped[int] = mapped_column(
        ForeignKey("asset.id", ondelete="CASCADE"), primary_key=True
    )
    polled_at: Mapped[datetime] = mapped_column(UTCDateTime)
    reachable: Mapped[bool] = mapped_column(Boolean)
    faulty: Mapped[bool] = mapped_column(Boolean, default=False)
    faults: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    status: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    error_kind: Mapped[str | None] = mapped_column(String(64))
    error: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(32), default="poll")
    # the last reading that answered (kept when a later attempt fails: `poll --cached`)
    good_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    good_status: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
