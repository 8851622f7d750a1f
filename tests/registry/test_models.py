"""Models: UTC storage, database-level constraints, CJK text."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from sirenctl.models import Asset, AuditEvent, Site


def test_times_are_stored_as_utc_and_come_back_aware(db) -> None:
    shanghai = timezone(timedelta(hours=8))
    with db.transaction() as session:
        session.add(
            AuditEvent(
                at=datetime(2026, 9, 18, 10, 0, tzinfo=shanghai),
                operator="t",
                action="x",
                object_type="y",
                object_ref=None,
            )
        )
    with db.session() as session:
        stored = session.scalar(select(AuditEvent.at))
    assert stored == datetime(2026, 9, 18, 2, 0, tzinfo=UTC)
    assert stored.utcoffset() == timedelta(0)


def test_database_rejects_values_outside_the_vocabulary(db) -> None:
    with db.transaction() as session:
        session.add(Site(code="C01", name="东风社区"))
    with pytest.raises(IntegrityError), db.transaction() as session:
        site = session.scalar(select(Site))
        session.add(Asset(tag="X", kind="trumpet", site=site))
    with pytest.raises(IntegrityError), db.transaction() as session:
        site = session.scalar(select(Site))
        session.add(Asset(tag="X", kind="motor", site=site, controller_port=70000))


def test_foreign_keys_are_enforced(db) -> None:
    with pytest.raises(IntegrityError), db.transaction() as session:
        session.add(Asset(tag="ORPHAN", kind="motor", site_id=999))


def test_cjk_round_trip(db) -> None:
    name = "幸福家园社区（东区）"
    with db.transaction() as session:
        session.add(Site(code="C06", name=name, address="安宁县新华街道幸福路８８号"))
    with db.session() as session:
        assert session.scalar(select(Site.name).where(Site.code == "C06")) == name
        hits = session.scalars(select(Site.code).where(Site.name.like("%家园%"))).all()
        assert hits == ["C06"]
