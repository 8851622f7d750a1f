"""Findings made automatically from failed test results and check-ins."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from sirenctl.findings.automatic import classify, record_failure
from sirenctl.models import Asset, AuditEvent
from sirenctl.models.findings import Finding
from tests.findings.conftest import NOW


@pytest.mark.parametrize(
    ("reason", "sounding", "expected"),
    [
        ("mains absent, battery 21.8 V", False, ("power", "major")),
        ("controller did not answer (timeout 1.0 s)", False, ("communication", "major")),
        ("last-function echo mismatch: sent air_raid, got none", True, ("sound", "critical")),
        ("rotor not turning", True, ("sound", "critical")),
        ("controller did not answer (timeout 1.0 s)", True, ("communication", "critical")),
        ("crank turns freely: no (stuck)", False, ("mounting", "critical")),
        ("转轴锈蚀", False, ("corrosion", "major")),
        ("QR label missing", False, ("signage", "minor")),
        ("something odd", False, ("other", "major")),
        ("something odd", True, ("sound", "critical")),
    ],
)
def test_classify(reason, sounding, expected) -> None:
    assert classify(reason, sounding=sounding) == expected


def _asset_id(db, tag: str) -> int:
    with db.session() as s:
        return s.scalar(select(Asset.id).where(Asset.tag == tag))


def test_failed_sounding_makes_one_critical_finding_and_the_siren_faulty(fdb) -> None:
    asset_id = _asset_id(fdb, "EL-C01")
    for attempt in range(2):  # the hook may fire twice for one result
        with fdb.transaction() as s:
            finding = record_failure(
                s,
                asset_id=asset_id,
                source="test_result",
                source_ref="test_result:7",
                sounding=True,
                reason="echo mismatch",
                found_at=NOW,
            )
            assert finding.id == 1, attempt
    with fdb.session() as s:
        stored = s.scalars(select(Finding)).all()
        assert [(f.category, f.severity, f.source, f.source_ref, f.found_by) for f in stored] == [
            ("sound", "critical", "test_result", "test_result:7", "sirenctl")
        ]
        assert "echo mismatch" in stored[0].description
        assert s.scalar(select(Asset.status).where(Asset.id == asset_id)) == "faulty"


def test_repeat_failure_notes_the_open_finding_instead_of_a_new_one(fdb) -> None:
    asset_id = _asset_id(fdb, "HC-C01")
    for month in range(3):
        with fdb.transaction() as s:
            record_failure(
                s,
                asset_id=asset_id,
                source="check_in",
                source_ref=f"check_in:{month + 1}",
                reason="rust on rotor",
                found_at=NOW + timedelta(days=30 * month),
            )
    with fdb.transaction() as s:  # another kind of problem is another finding
        record_failure(
            s,
            asset_id=asset_id,
            source="check_in",
            source_ref="check_in:4",
            reason="QR label missing",
            found_at=NOW,
        )
    with fdb.session() as s:
        assert [
            (f.category, f.source_ref) for f in s.scalars(select(Finding).order_by(Finding.id))
        ] == [("corrosion", "check_in:1"), ("signage", "check_in:4")]
        repeats = s.scalars(
            select(AuditEvent.message).where(AuditEvent.action == "finding.repeat")
        ).all()
        assert repeats == ["failed again: rust on rotor"] * 2
