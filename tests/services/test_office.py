"""Findings, notices and drills through the services the CLI and the TUI share, and the one
error translation both show."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from sirenctl.findings.notices import InvalidTransition
from sirenctl.models import AuditEvent
from sirenctl.models.findings import Finding
from sirenctl.registry.errors import ValidationFailed
from sirenctl.services.drills import NewDrill, record_drill
from sirenctl.services.findings import NewFinding, add_finding, resolve_finding
from sirenctl.services.notices import NewNotice, NoticeStep, advance_notice, issue_notice
from tests.findings.conftest import NOW
from tests.services.helpers import technician


def _finding(db, severity: str = "major") -> int:
    new = NewFinding("转轴锈蚀", "corrosion", severity, asset="HC-C01")
    return add_finding(db, technician(), new, now=NOW).id


def test_a_finding_is_recorded_by_the_actor_and_resolved(sdb) -> None:
    added = add_finding(
        sdb,
        technician("insp-wang"),
        NewFinding("标识缺失", "signage", "minor", site="C02"),
        now=NOW,
    )
    assert (added.site, added.asset, added.record["found_by"]) == ("C02", None, "insp-wang")
    resolve_finding(sdb, technician(), added.id, "重新张贴", now=NOW)
    with sdb.session() as s:
        assert s.get(Finding, added.id).status == "resolved"
        who = s.scalars(select(AuditEvent.operator).where(AuditEvent.action.like("finding.%")))
        assert sorted(who) == ["insp-wang", "李师傅"]


def test_a_bad_finding_names_its_fields_and_writes_nothing(sdb) -> None:
    with pytest.raises(ValidationFailed) as refused:
        add_finding(sdb, technician(), NewFinding(" ", "weather", "major", asset="HC-C01"), now=NOW)
    assert {p.field for p in refused.value.problems} >= {"category", "description"}
    with sdb.session() as s:
        assert s.scalars(select(Finding)).all() == []


def test_a_notice_moves_through_its_steps_and_an_illegal_one_changes_nothing(sdb) -> None:
    new = NewNotice([_finding(sdb)], date(2025, 4, 30), "东风社区居委会", "王建国", "更换转轴")
    number = issue_notice(sdb, technician(), new, now=NOW).number
    with pytest.raises(InvalidTransition):
        advance_notice(sdb, technician(), number, NoticeStep.CLOSE, now=NOW)  # not re-checked
    assert advance_notice(sdb, technician(), number, NoticeStep.START, now=NOW).status == (
        "in_progress"
    )
    advance_notice(sdb, technician(), number, NoticeStep.SUBMIT, now=NOW)
    closed = advance_notice(sdb, technician(), number, NoticeStep.RECHECK_PASS, close=True, now=NOW)
    assert (closed.status, closed.closed_on_time) == ("closed", True)


def test_a_refused_step_leaves_the_requested_edits_unwritten(sdb) -> None:
    new = NewNotice([_finding(sdb)], date(2025, 4, 30), "东风社区居委会", "王建国", "更换转轴")
    number = issue_notice(sdb, technician(), new, now=NOW).number
    with pytest.raises(InvalidTransition):
        advance_notice(
            sdb,
            technician(),
            number,
            NoticeStep.RECHECK_PASS,  # not submitted yet
            changes={"deadline": date(2025, 5, 31)},
            now=NOW,
        )
    from sirenctl.findings.notice_queries import get_notice

    with sdb.session() as s:
        assert get_notice(s, number).deadline == date(2025, 4, 30)


def test_a_drill_is_recorded(sdb) -> None:
    done = record_drill(
        sdb, technician(), NewDrill("C01", date(2025, 3, 8), participants=40), now=NOW
    )
    assert (done.record["site"], done.record["participants"], done.completed_orders) == (
        "C01",
        40,
        [],
    )
    with pytest.raises(ValidationFailed, match="certificates"):
        record_drill(
            sdb,
            technician(),
            NewDrill("C01", date(2025, 3, 8), participants=1, certificates=5),
            now=NOW,
        )


@pytest.mark.parametrize(
    ("error", "cli_code", "tui_text"),
    [
        ("EndpointProblem", 3, "fix the asset's controller settings"),
        ("NotABenchUnit", 7, "refused: HC-C01 is a live siren"),
    ],
)
def test_the_cli_and_the_tui_show_the_same_translation(error, cli_code, tui_text) -> None:
    import sirenctl.devices
    from sirenctl.cli.errors import _as_cli_error
    from sirenctl.tui.errors import describe_error

    exc = getattr(sirenctl.devices, error)("HC-C01 is a live siren")
    mapped = _as_cli_error(exc)
    assert mapped is not None and mapped.exit_code == cli_code
    shown = describe_error(exc)
    assert tui_text in shown and "unexpected error" not in shown
    assert mapped.message in shown  # one message, the TUI adds the hint
