"""Sites (communities) and assets (sirens, terminals, controllers)."""

from __future__ import annotations

from datetime import date, datetime

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

from sirenctl.config import DEFAULT_TIMEZONE
from sirenctl.models.base import Base, UTCDateTime
from sirenctl.models.enums import AssetKind, AssetStatus, Transport, sql_in
from sirenctl.timeutil import utcnow


class Site(Base):
    __tablename__ = "site"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    district: Mapped[str | None] = mapped_column(String(200))
    subdistrict: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    population: Mapped[int | None] = mapped_column(Integer)
    contact_person: Mapped[str | None] = mapped_column(String(200))
    contact_phone: Mapped[str | None] = mapped_column(String(64))
    timezone: Mapped[str] = mapped_column(String(64), default=DEFAULT_TIMEZONE)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    assets: Mapped[list[Asset]] = relationship(back_populates="site")

    __table_args__ = (
        CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="latitude"),
        CheckConstraint("longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="longitude"),
        CheckConstraint("population IS NULL OR population >= 0", name="population"),
    )


class Asset(Base):
    __tablename__ = "asset"

    id: Mapped[int] = mapped_column(primary_key=True)
    tag: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str | None] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(32), index=True)
    make: Mapped[str | None] = mapped_column(String(200))
    model: Mapped[str | None] = mapped_column(String(200))
    serial_no: Mapped[str | None] = mapped_column(String(200))
    site_id: Mapped[int] = mapped_column(ForeignKey("site.id", ondelete="RESTRICT"), index=True)
    position: Mapped[str | None] = mapped_column(Text)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    install_date: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(
        String(32), default=AssetStatus.IN_SERVICE.value, index=True
    )
    rated_dbc: Mapped[float | None] = mapped_column(Float)
    measured_db: Mapped[float | None] = mapped_column(Float)
    measured_distance_m: Mapped[float | None] = mapped_column(Float)
    power_mains: Mapped[bool] = mapped_column(Boolean, default=False)
    battery_backup: Mapped[bool] = mapped_column(Boolean, default=False)
    custodian: Mapped[str | None] = mapped_column(String(200))
    custodian_phone: Mapped[str | None] = mapped_column(String(64))
    is_bench: Mapped[bool] = mapped_column(Boolean, default=False)
    # an administrator's signature over the bench registration (sirenctl/security/bench.py)
    bench_signature: Mapped[str | None] = mapped_column(String(128))
    bench_signed_by: Mapped[int | None] = mapped_column(Integer)  # operator_account.id
    controller_transport: Mapped[str | None] = mapped_column(String(32))
    controller_model: Mapped[str | None] = mapped_column(String(64))
    controller_host: Mapped[str | None] = mapped_column(String(255))
    controller_port: Mapped[int | None] = mapped_column(Integer)
    controller_device: Mapped[str | None] = mapped_column(String(255))
    controller_serial: Mapped[str | None] = mapped_column(String(32))
    controller_unit_id: Mapped[int | None] = mapped_column(Integer)
    #: the named gateway (worker machine) that owns this controller's channel; None: any
    gateway: Mapped[str | None] = mapped_column(String(64), index=True)
    controller_tls: Mapped[bool] = mapped_column(Boolean, default=False)  # Modbus/TCP Security
    notes: Mapped[str | None] = mapped_column(Text)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    site: Mapped[Site] = relationship(back_populates="assets")

    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(AssetKind)})", name="kind"),
        CheckConstraint(f"status IN ({sql_in(AssetStatus)})", name="status"),
        CheckConstraint(
            f"controller_transport IS NULL OR controller_transport IN ({sql_in(Transport)})",
            name="controller_transport",
        ),
        CheckConstraint("latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name="latitude"),
        CheckConstraint("longitude IS NULL OR (longitude BETWEEN -180 AND 180)", name="longitude"),
        CheckConstraint(
            "controller_port IS NULL OR (controller_port BETWEEN 1 AND 65535)", name="port"
        ),
        CheckConstraint(
            "controller_unit_id IS NULL OR (controller_unit_id BETWEEN 1 AND 247)", name="unit_id"
        ),
    )

    @property
    def is_networked(self) -> bool:
        return self.controller_transport is not None
