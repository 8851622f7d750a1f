"""Scheduling tables: holidays, work orders, approvals, test results and scheduler leases.

Work orders are unique per (campaign, nominal time, asset), so re-planning is idempotent:
the nominal time is what the rule says, before any holiday move.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    Boolean,
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
from sirenctl.models.registry import Asset
from sirenctl.timeutil import utcnow


class YearStatus(StrEnum):
    OFFICIAL = "official"
    PROVISIONAL = "provisional"


class DayKind(StrEnum):
    HOLIDAY = "holiday"
    WORKDAY = "workday"


class WorkOrderStatus(StrEnum):
    PLANNED = "planned"  # waiting for its due time
    RUNNING = "running"  # claimed by a worker holding a lease
    ISSUED = "issued"  # handed to technicians (manual checks, drills, hand-crank soundings)
    DONE = "done"  # executed or checked in, passed
    FAILED = "failed"  # executed or checked in, failed (a finding is raised)
    UNKNOWN = "unknown"  # a sounding whose outcome is unknown: never retried automatically
    REFUSED = "refused"  # not run for safety (no approval by a second person); re-armed by approve
    MISSED = "missed"  # its window passed without execution (an alarm)
    CANCELLED = "cancelled"  # dropped by a re-plan (schedule changed, asset retired)


OPEN_STATUSES = (WorkOrderStatus.PLANNED, WorkOrderStatus.REFUSED)  # re-plan may still change
FINAL_STATUSES = (
    WorkOrderStatus.DONE,
    WorkOrderStatus.FAILED,
    WorkOrderStatus.UNKNOWN,
    WorkOrderStatus.MISSED,
    WorkOrderStatus.CANCELLED,
)


class HolidayYear(Base):
    """Whether a country's holidays for a year are official (published) or provisional."""

    __tablename__ = "holiday_year"

    country: Mapped[str] = mapped_column(String(2), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(64))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __table_args__ = (CheckConstraint(f"status IN ({sql_in(YearStatus)})", name="status"),)


class HolidayDay(Base):
    """A public holiday (day off) or an adjusted working day (调休上班)."""

    __tablename__ = "holiday_day"

    id: Mapped[int] = mapped_column(primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    day: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(200))

    __table_args__ = (
        UniqueConstraint("country", "day", name="uq_holiday_day_country_day"),
        CheckConstraint(f"kind IN ({sql_in(DayKind)})", name="kind"),
    )


class WorkOrder(Base):
    __tablename__ = "work_order"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign: Mapped[str] = mapped_column(String(100))
    task: Mapped[str] = mapped_column(String(32))
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id", ondelete="RESTRICT"), index=True)
    nominal_at: Mapped[datetime] = mapped_column(UTCDateTime)  # the rule's time: identity
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)  # after the holiday policy
    # when run-due acts on it: the due time for executions, earlier for technicians' orders
    act_at: Mapped[datetime] = mapped_column(UTCDateTime)
    window_end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    timezone: Mapped[str] = mapped_column(String(64))
    programme: Mapped[str | None] = mapped_column(String(100))
    checklist: Mapped[list[str] | None] = mapped_column(JSONDocument)
    audible: Mapped[bool] = mapped_column(Boolean, default=False)
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(16), default=WorkOrderStatus.PLANNED.value)
    planned_by: Mapped[str] = mapped_column(String(200))
    planned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    claimed_by: Mapped[str | None] = mapped_column(String(200))
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # set (and committed) right before the first irreversible (audible) command is sent
    committed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome_note: Mapped[str | None] = mapped_column(Text)
    # the planner's account and signature over the content digest (sirenctl/security/approvals.py)
    planned_by_account_id: Mapped[int | None] = mapped_column(Integer)  # operator_account.id
    plan_digest: Mapped[str | None] = mapped_column(String(64))
    plan_signature: Mapped[str | None] = mapped_column(String(128))
    plan_key_id: Mapped[str | None] = mapped_column(String(32))

    asset: Mapped[Asset] = relationship()
    approvals: Mapped[list[Approval]] = relationship(
        back_populates="work_order", order_by="Approval.id"
    )

    __table_args__ = (
        UniqueConstraint("campaign", "nominal_at", "asset_id", name="uq_work_order_occurrence"),
        CheckConstraint(f"status IN ({sql_in(WorkOrderStatus)})", name="status"),
        Index("ix_work_order_status_act", "status", "act_at"),
        Index("ix_work_order_status_window", "status", "window_end_at"),
        Index("ix_work_order_due", "due_at"),
    )


class Approval(Base):
    """Authorisation of a live audible work order by a person other than its planner."""

    __tablename__ = "work_order_approval"

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int] = mapped_column(
        ForeignKey("work_order.id", ondelete="CASCADE"), index=True
    )
    approved_by: Mapped[str] = mapped_column(String(200))
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    reason: Mapped[str] = mapped_column(Text)
    # the approver's account and signature over the content digest (sirenctl/security/approvals.py)
    approver_account_id: Mapped[int | None] = mapped_column(Integer)  # operator_account.id
    content_digest: Mapped[str | None] = mapped_column(String(64))
    signature: Mapped[str | None] = mapped_column(String(128))
    key_id: Mapped[str | None] = mapped_column(String(32))

    work_order: Mapped[WorkOrder] = relationship(back_populates="approvals")

    __table_args__ = (UniqueConstraint("work_order_id", "approved_by", name="uq_approval_person"),)


class ResultOutcome(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    FAILED_TO_SOUND = "failed_to_sound"
    UNREACHABLE = "unreachable"
    UNKNOWN = "unknown"
    ERROR = "error"
    CANCELLED = "cancelled"  # stopped by the operator (Ctrl-C, SIGTERM, F9): not a failure


FAILING_OUTCOMES = (
    ResultOutcome.FAIL,
    ResultOutcome.FAILED_TO_SOUND,
    ResultOutcome.UNREACHABLE,
    ResultOutcome.UNKNOWN,
    ResultOutcome.ERROR,
)


class TestResult(Base):
    """One execution or manual check: outcome, measurements, controller echo, who, how long."""

    __tablename__ = "test_result"
    __test__ = False  # not a pytest class

    id: Mapped[int] = mapped_column(primary_key=True)
    work_order_id: Mapped[int | None] = mapped_column(
        ForeignKey("work_order.id", ondelete="RESTRICT"), index=True
    )
    asset_id: Mapped[int] = mapped_column(ForeignKey("asset.id", ondelete="RESTRICT"), index=True)
    kind: Mapped[str] = mapped_column(String(32))  # the task
    outcome: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_s: Mapped[float] = mapped_column(Float)
    operator: Mapped[str] = mapped_column(String(200))  # a person, or "scheduler"
    measurements: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    echo: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    checklist: Mapped[dict[str, Any] | None] = mapped_column(JSONDocument)
    sound_heard: Mapped[bool | None] = mapped_column(Boolean)
    measured_db: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    asset: Mapped[Asset] = relationship()
    work_order: Mapped[WorkOrder | None] = relationship()

    __table_args__ = (CheckConstraint(f"outcome IN ({sql_in(ResultOutcome)})", name="outcome"),)


class SchedulerLease(Base):
    """A named lease (e.g. the one daemon per database); expires unless renewed."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    acquired_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Sounding(Base):
    """A controller channel sounding now: one row per channel (the per-controller lock).

    Written by whoever starts a sounding (run-due, daemon, bench, activate), renewed with its
    lease, deleted when the unit is verified silent; ``sirenctl cancel --all`` reads it to
    find what the office is sounding, from any machine.
    """

    __tablename__ = "sounding"

    channel: Mapped[str] = mapped_column(String(300), primary_key=True)
    asset_tag: Mapped[str] = mapped_column(String(64))
    work_order_id: Mapped[int | None] = mapped_column(Integer)
    holder: Mapped[str] = mapped_column(String(200))
    gateway: Mapped[str | None] = mapped_column(String(64))
    mode: Mapped[str] = mapped_column(String(32))  # scheduled | bench | exercise | emergency
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    lease_until: Mapped[datetime] = mapped_column(UTCDateTime)
