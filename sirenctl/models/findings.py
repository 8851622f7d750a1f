"""Findings (问题), rectification notices (整改通知书) with their event history, notice numbering,
and drills / outreach events (疏散演练、培训、宣传)."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import (
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sirenctl.models.base import Base, JSONDocument, UTCDateTime
from sirenctl.models.enums import sql_in
from sirenctl.models.registry import Asset, Site
from sirenctl.models.works import Works
from sirenctl.timeutil import utcnow


class FindingCategory(StrEnum):
    POWER = "power"
    MOUNTING = "mounting"
    CORROSION = "corrosion"
    SOUND = "sound"
    COMMUNICATION = "communication"
    SIGNAGE = "signage"
    OTHER = "other"


class Severity(StrEnum):
    MINOR = "minor"
    MAJOR = "major"
    CRITICAL = "critical"


class FindingSource(StrEnum):
    """How the problem was found."""

    TEST_RESULT = "test_result"
    CHECK_IN = "check_in"
    INSPECTION = "inspection"


class FindingStatus(StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class NoticeStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    AWAITING_RECHECK = "awaiting_recheck"
    CLOSED = "closed"
    REOPENED = "reopened"


class OutreachKind(StrEnum):
    EVACUATION_DRILL = "evacuation_drill"
    TRAINING = "training"
    PUBLICITY = "publicity"


class Finding(Base):
    __tablename__ = "finding"

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"), index=True)
    asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("asset.id", ondelete="RESTRICT"), index=True
    )
    # a civil air-defence work (sirenctl/models/works.py) instead of a siren; site is the work's
    works_id: Mapped[int | None] = mapped_column(
        ForeignKey("works.id", ondelete="RESTRICT"), index=True
    )
    source: Mapped[str] = mapped_column(String(32))
    # What produced it, e.g. "test_result:42"; unique with source so a hook firing twice is harmless.
    source_ref: Mapped[str | None] = mapped_column(String(200))
    found_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    found_by: Mapped[str] = mapped_column(String(200))
    category: Mapped[str] = mapped_column(String(32), index=True)
    severity: Mapped[str] = mapped_column(String(16))
    description: Mapped[str] = mapped_column(Text)
    attachments: Mapped[list[str] | None] = mapped_column(JSONDocument)
    status: Mapped[str] = mapped_column(String(16), default=FindingStatus.OPEN.value, index=True)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(Text)
    notice_id: Mapped[int | None] = mapped_column(
        ForeignKey("rectification_notice.id", ondelete="RESTRICT"), index=True
    )
    # True when recording this finding set the asset to faulty (so resolving it may restore it).
    marked_asset_faulty: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship()
    asset: Mapped[Asset | None] = relationship()
    works: Mapped[Works | None] = relationship()
    notice: Mapped[RectificationNotice | None] = relationship(back_populates="findings")

    __table_args__ = (
        CheckConstraint(f"source IN ({sql_in(FindingSource)})", name="source"),
        CheckConstraint(f"category IN ({sql_in(FindingCategory)})", name="category"),
        CheckConstraint(f"severity IN ({sql_in(Severity)})", name="severity"),
        CheckConstraint(f"status IN ({sql_in(FindingStatus)})", name="status"),
        UniqueConstraint("source", "source_ref", name="uq_finding_source_ref"),
    )


class NoticeSequence(Base):
    """Last number handed out per office prefix and year. Only ever incremented, so a number is
    never reused, even if a notice were removed by hand."""

    __tablename__ = "notice_sequence"

    prefix: Mapped[str] = mapped_column(String(32), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class RectificationNotice(Base):
    __tablename__ = "rectification_notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(32))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"), index=True)
    issued_on: Mapped[date] = mapped_column(Date, index=True)
    deadline: Mapped[date] = mapped_column(Date, index=True)
    issued_by: Mapped[str] = mapped_column(String(200))
    responsible_unit: Mapped[str] = mapped_column(String(200))
    responsible_person: Mapped[str] = mapped_column(String(200))
    responsible_phone: Mapped[str | None] = mapped_column(String(64))
    required_action: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(32), default=NoticeStatus.OPEN.value, index=True)
    recheck_passed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recheck_passed_by: Mapped[str | None] = mapped_column(String(200))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_by: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    site: Mapped[Site] = relationship()
    findings: Mapped[list[Finding]] = relationship(back_populates="notice", order_by="Finding.id")
    events: Mapped[list[NoticeEvent]] = relationship(
        back_populates="notice", order_by="NoticeEvent.id"
    )

    __table_args__ = (
        UniqueConstraint("prefix", "year", "seq", name="uq_rectification_notice_seq"),
        CheckConstraint(f"status IN ({sql_in(NoticeStatus)})", name="status"),
        CheckConstraint("deadline >= issued_on", name="deadline"),
        CheckConstraint("seq > 0", name="seq"),
    )


class NoticeEvent(Base):
    """The status history of a notice: one row per issue, transition or re-check."""

    __tablename__ = "notice_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(
        ForeignKey("rectification_notice.id", ondelete="RESTRICT"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    by: Mapped[str] = mapped_column(String(200))
    event: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(32))
    to_status: Mapped[str] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)

    notice: Mapped[RectificationNotice] = relationship(back_populates="events")


class OutreachEvent(Base):
    """A community drill, training session or publicity event."""

    __tablename__ = "outreach_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    held_on: Mapped[date] = mapped_column(Date, index=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str | None] = mapped_column(String(200))
    participants: Mapped[int] = mapped_column(Integer, default=0)
    certificates: Mapped[int] = mapped_column(Integer, default=0)
    certificate_type: Mapped[str | None] = mapped_column(String(200))
    materials: Mapped[int] = mapped_column(Integer, default=0)
    materials_note: Mapped[str | None] = mapped_column(Text)
    evacuation_minutes: Mapped[float | None] = mapped_column(Float)
    # occasion (sirenctl/models/outreach.py OutreachOccasion), venue when not the community, form
    occasion: Mapped[str | None] = mapped_column(String(32), index=True)
    venue: Mapped[str | None] = mapped_column(String(200))
    form: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    site: Mapped[Site] = relationship()

    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(OutreachKind)})", name="kind"),
        CheckConstraint("participants >= 0", name="participants"),
        CheckConstraint("certificates >= 0", name="certificates"),
        CheckConstraint("materials >= 0", name="materials"),
        Index("ix_outreach_event_site_held", "site_id", "held_on"),
    )
