"""Civil air-defence works (人防工程), their inspections and the office's safety activities.

A work is a facility at a site, like a siren is an asset at a site: findings attach to it through
the nullable ``finding.works_id`` (see sirenctl/models/findings.py), so notices, re-checks and the
report treat a works problem exactly as a siren problem. Inspections are recorded like check-ins
(who, when, passed or not); a completion acceptance that passes puts the work in use.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sirenctl.models.base import Base, UTCDateTime
from sirenctl.models.enums import sql_in
from sirenctl.models.registry import Site
from sirenctl.timeutil import utcnow


class WorksType(StrEnum):
    BUILT_WITH_BUILDING = "built_with_building"  # 结建: built with a civilian building
    STANDALONE = "standalone"  # 单建
    OTHER = "other"


class WorksStatus(StrEnum):
    UNDER_CONSTRUCTION = "under_construction"  # 在建
    IN_USE = "in_use"  # 已竣工在用


class InspectionKind(StrEnum):
    STAGE = "stage"  # 节点验收
    MAIN_STRUCTURE = "main_structure"  # 主体验收
    COMPLETION = "completion"  # 竣工验收
    SAFETY = "safety"  # 安全检查


class ActivityKind(StrEnum):
    FLOOD_MEETING = "flood_meeting"  # 防汛专题会
    FIRE_MEETING = "fire_meeting"  # 消防专题会
    FIRE_DRILL = "fire_drill"  # 消防演练
    FULL_INSPECTION = "full_inspection"  # 人防工程全覆盖检查
    OTHER = "other"


class Works(Base):
    __tablename__ = "works"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"), index=True)
    address: Mapped[str | None] = mapped_column(Text)
    works_type: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(32), index=True)
    responsible_unit: Mapped[str] = mapped_column(String(200))
    responsible_person: Mapped[str] = mapped_column(String(200))
    responsible_phone: Mapped[str | None] = mapped_column(String(64))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    area_m2: Mapped[float | None] = mapped_column(Float)
    started_on: Mapped[date | None] = mapped_column(Date)
    completed_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    site: Mapped[Site] = relationship()
    inspections: Mapped[list[WorksInspection]] = relationship(
        back_populates="works", order_by="WorksInspection.id"
    )

    __table_args__ = (
        CheckConstraint(f"works_type IN ({sql_in(WorksType)})", name="works_type"),
        CheckConstraint(f"status IN ({sql_in(WorksStatus)})", name="status"),
        CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="latitude"),
        CheckConstraint("longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="longitude"),
        CheckConstraint("area_m2 IS NULL OR area_m2 > 0", name="area"),
    )


class SafetyActivity(Base):
    """A safety meeting, fire drill or full-coverage inspection of the works."""

    __tablename__ = "safety_activity"

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    title: Mapped[str] = mapped_column(String(200))
    venue: Mapped[str | None] = mapped_column(String(200))
    participants: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(ActivityKind)})", name="kind"),
        CheckConstraint("participants >= 0", name="participants"),
    )


class WorksInspection(Base):
    __tablename__ = "works_inspection"

    id: Mapped[int] = mapped_column(primary_key=True)
    works_id: Mapped[int] = mapped_column(ForeignKey("works.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    inspected_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    inspector: Mapped[str] = mapped_column(String(200))
    passed: Mapped[bool] = mapped_column(Boolean)
    # the full-coverage inspection (or other activity) this inspection was part of
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("safety_activity.id", ondelete="RESTRICT"), index=True
    )
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    works: Mapped[Works] = relationship(back_populates="inspections")
    activity: Mapped[SafetyActivity | None] = relationship()

    __table_args__ = (CheckConstraint(f"kind IN ({sql_in(InspectionKind)})", name="kind"),)
