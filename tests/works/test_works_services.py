"""Works, inspections, safety activities and outreach through the registry functions, on SQLite
and PostgreSQL: findings on a work are noticed and closed like a siren's, and the report counts
them; bad input is refused with the field named and nothing written."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from sirenctl.findings.notices import apply_action, issue_notice, recheck
from sirenctl.findings.outreach import add_outreach
from sirenctl.findings.works_findings import add_works_finding
from sirenctl.models.findings import Finding
from sirenctl.models.works import Works, WorksInspection
from sirenctl.registry.errors import Conflict, ValidationFailed
from sirenctl.registry.sites import add_site
from sirenctl.registry.works import (
    add_activity,
    add_works,
    record_inspection,
)
from sirenctl.reports.annual import compute_report

NOW = datetime(2026, 2, 1, tzinfo=UTC)


def _at(month: int, day: int) -> datetime:
    return datetime(2025, month, day, 2, tzinfo=UTC)


def test_a_works_problem_is_noticed_closed_and_reported(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        add_site(s, {"code": "C01", "name": "东风社区"}, operator="t")
        add_works(
            s,
            {
                "code": "RF-01",
                "name": "东风花园人防地下室",
                "site": "C01",
                "works_type": "built_with_building",
                "responsible_unit": "某建设单位",
                "responsible_person": "王工",
                "started_on": date(2024, 5, 1),
            },
            operator="t",
            now=_at(1, 2),
        )
        record_inspection(s, "RF-01", kind="stage", passed=True, operator="t", now=_at(3, 1))
        activity = add_activity(
            s, kind="full_inspection", held_on=date(2025, 6, 10), title="全覆盖检查",
            operator="t", now=_at(6, 10),
        )  # fmt: skip
        insp = record_inspection(
            s, "RF-01", kind="safety", passed=False, operator="t", activity_id=activity.id,
            now=_at(6, 10),
        )  # fmt: skip
        finding = add_works_finding(
            s, "RF-01", operator="t", description="应急照明不亮", category="power",
            severity="major", inspection=insp, now=_at(6, 10),
        )  # fmt: skip
        number = issue_notice(
            s, operator="t", findings=[finding.id], deadline=date(2025, 7, 10),
            responsible_unit="维护管理单位", responsible_person="李工", required_action="更换灯具",
            now=_at(6, 11),
        ).number  # fmt: skip
        apply_action(s, number, "submit", operator="t", now=_at(6, 20))
        recheck(s, number, passed=True, close=True, operator="t", now=_at(6, 25))
        record_inspection(s, "RF-01", kind="completion", passed=True, operator="t", now=_at(11, 3))
        add_outreach(
            s, operator="t", site="C01", held_on=date(2025, 5, 12), occasion="disaster_day",
            participants=80, materials={"knowledge_handbook": 100, "leaflet": 50}, now=_at(5, 12),
        )  # fmt: skip
    with db.session() as s:
        works = s.scalar(select(Works))
        assert (works.status, works.completed_on) == ("in_use", date(2025, 11, 3))
        found = s.scalar(select(Finding))
        assert (found.works_id, found.status, found.source_ref) == (
            works.id,
            "resolved",
            f"works_inspection:{insp.id}",
        )
        report = compute_report(s, 2025, now=NOW)
    values = {f.key: f.value for f in report.figures()}
    assert values["works.under_construction"] == 1
    assert values["works.accepted.completion"] == 1
    assert values["works.inspections.stage"] == 1
    assert values["works.inspections.safety"] == 1
    assert (values["works.problems"], values["works.notices"], values["works.rectified"]) == (
        1,
        1,
        1,
    )
    assert values["works.activity.full_inspection"] == 1
    assert values["outreach.occasion.disaster_day.events"] == 1
    assert values["outreach.materials.leaflet"] == 50
    assert values["outreach.materials.knowledge_handbook"] == 100


def test_bad_works_input_names_the_field_and_writes_nothing(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as s:
        add_site(s, {"code": "C01", "name": "东风社区"}, operator="t")
    with pytest.raises(ValidationFailed) as bad, db.transaction() as s:
        add_works(
            s,
            {"code": "RF-09", "name": "x", "site": "C01", "works_type": "bunker",
             "responsible_unit": "u", "responsible_person": "p", "latitude": 95},
            operator="t",
        )  # fmt: skip
    assert {p.field for p in bad.value.problems} == {"works_type", "latitude"}
    with pytest.raises(ValidationFailed) as bad, db.transaction() as s:
        add_outreach(
            s, operator="t", site="C01", held_on=date(2025, 4, 15), occasion="415",
            materials={"leaflet": 0},
        )  # fmt: skip
    assert {p.field for p in bad.value.problems} == {"occasion", "materials"}
    with db.transaction() as s:
        add_works(
            s,
            {"code": "RF-02", "name": "指挥所", "site": "C01", "works_type": "standalone",
             "status": "in_use", "responsible_unit": "u", "responsible_person": "p"},
            operator="t",
        )  # fmt: skip
    with pytest.raises(Conflict, match="already in use"), db.transaction() as s:
        record_inspection(s, "RF-02", kind="main_structure", passed=True, operator="t")
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(WorksInspection)) == 0
        assert [w.code for w in s.scalars(select(Works))] == ["RF-02"]
