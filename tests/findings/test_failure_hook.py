"""A failed test result or check-in recorded by scheduling raises a finding in the same
transaction (through scheduling's own entry points, not by calling the findings service)."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from sirenctl.models import Asset
from sirenctl.models.findings import Finding
from sirenctl.models.scheduling import WorkOrder
from sirenctl.registry.assets import get_asset
from sirenctl.scheduling.results import CheckIn, ResultData, check_in, record_result
from tests.findings.conftest import NOW

CHECKLIST = [
    "crank turns freely (50-80 rpm reachable)",
    "mounting and bolts secure",
    "no rust or damage on rotor and housing",
    "QR label present and readable",
    "sound heard at 100 m",
]


def _order(s, tag: str, task: str, campaign: str, checklist=None) -> WorkOrder:
    order = WorkOrder(
        campaign=campaign,
        task=task,
        asset_id=get_asset(s, tag).id,
        nominal_at=NOW,
        due_at=NOW,
        act_at=NOW,
        window_end_at=NOW + timedelta(days=7),
        timezone="Asia/Shanghai",
        status="issued",
        planned_by="planner",
        checklist=checklist,
    )
    s.add(order)
    s.flush()
    return order


def test_failed_trial_sounding_raises_a_critical_finding_and_marks_the_siren_faulty(fdb) -> None:
    with fdb.transaction() as s:
        order = _order(s, "EL-C01", "trial_sounding", "cn-918-trial-sounding")
        result = record_result(
            s,
            get_asset(s, "EL-C01"),
            order,
            ResultData(
                outcome="failed_to_sound",
                started_at=NOW,
                finished_at=NOW + timedelta(minutes=15),
                notes="last-function echo: none",
            ),
            kind="trial_sounding",
        )
        result_id = result.id
    with fdb.session() as s:
        finding = s.scalar(select(Finding))
        assert (finding.source, finding.source_ref, finding.category, finding.severity) == (
            "test_result",
            f"test_result:{result_id}",
            "sound",
            "critical",
        )
        assert "cn-918-trial-sounding" in finding.description
        assert "failed_to_sound" in finding.description
        assert finding.found_at == NOW + timedelta(minutes=15)
        assert s.scalar(select(Asset.status).where(Asset.tag == "EL-C01")) == "faulty"


def test_passing_result_raises_nothing(fdb) -> None:
    with fdb.transaction() as s:
        record_result(
            s,
            get_asset(s, "EL-C01"),
            None,
            ResultData(outcome="pass", started_at=NOW, finished_at=NOW),
            kind="silent_test",
        )
    with fdb.session() as s:
        assert s.scalars(select(Finding)).all() == []


def test_failed_check_in_names_the_failed_items(fdb) -> None:
    with fdb.transaction() as s:
        order = _order(s, "HC-C01", "manual_check", "cn-handcrank-monthly-check", CHECKLIST)
        check_in(
            s,
            get_asset(s, "HC-C01"),
            CheckIn(answers={"1": "ok", "2": "ok", "3": "no", "4": "no", "5": "ok"}),
            operator="李师傅",
            work_order=order,
            now=NOW,
        )
    with fdb.session() as s:
        finding = s.scalar(select(Finding))
        assert (finding.source, finding.category, finding.severity, finding.found_by) == (
            "check_in",
            "corrosion",
            "major",
            "李师傅",
        )
        assert "no rust or damage on rotor and housing: no" in finding.description
        assert "QR label present and readable: no" in finding.description
        assert s.scalar(select(Asset.status).where(Asset.tag == "HC-C01")) == "in_service"


def _finding_of_failed_check(fdb, tag: str, report: CheckIn, campaign: str) -> tuple[str, str]:
    with fdb.transaction() as s:
        order = _order(s, tag, "manual_check", campaign)
        check_in(s, get_asset(s, tag), report, operator="李师傅", work_order=order, now=NOW)
    with fdb.session() as s:
        finding = s.scalars(select(Finding)).one()
        assert campaign in finding.description  # named for people, not read by the classifier
        return finding.category, finding.severity


def test_campaign_key_does_not_classify_a_failed_check(fdb) -> None:
    """Notes "paint" on a hand-crank check: not mounting/critical because the campaign key
    ``cn-handcrank-monthly-check`` contains "crank"."""
    report = CheckIn(passed=False, notes="paint")
    assert _finding_of_failed_check(fdb, "HC-C01", report, "cn-handcrank-monthly-check") == (
        "other",
        "major",
    )


def test_asset_tag_does_not_classify_a_failed_check(fdb) -> None:
    """A tag like ``AC-03`` must not read as mains power (the pattern ``\\bac\\b``)."""
    from sirenctl.registry.assets import add_asset

    with fdb.transaction() as s:
        add_asset(s, {"tag": "AC-03", "site": "C01", "kind": "hand_crank"}, operator="seed")
    report = CheckIn(passed=False, notes="rotor rusted")
    assert _finding_of_failed_check(fdb, "AC-03", report, "cn-siren-monthly-check") == (
        "corrosion",
        "major",
    )
