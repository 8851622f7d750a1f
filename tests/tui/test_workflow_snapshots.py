"""Snapshots of the findings workflow screens at 80x24 and 120x40 (fixed clock, seeded database).

Regenerate after an intended change: pytest tests/tui/test_workflow_snapshots.py --snapshot-update
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.tui.conftest import FIXED_NOW, make_app, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


def seed(db) -> None:  # type: ignore[no-untyped-def]
    """Two findings at C04 (one under an overdue notice, re-checked once), one at C09, a drill."""
    from sirenctl.findings.drills import add_drill
    from sirenctl.findings.findings import add_finding
    from sirenctl.findings.notices import issue_notice, recheck, set_status

    def finding(asset: str, category: str, severity: str, text: str) -> int:
        added = add_finding(
            session,
            operator="insp-wang",
            description=text,
            category=category,
            severity=severity,
            asset=asset,
            now=FIXED_NOW,
        )
        session.flush()
        return added.id

    with db.transaction() as session:
        first = finding("HC-C04", "corrosion", "major", "转轴锈蚀，摇动费力")
        finding("HC-C04", "signage", "minor", "二维码标签缺失")
        finding("HC-C09", "mounting", "critical", "支架断裂")
        number = issue_notice(
            session,
            operator="chief-zhao",
            findings=[first],
            deadline=date(2026, 9, 10),
            issued_on=date(2026, 9, 1),
            responsible_unit="东风社区居委会",
            responsible_person="王建国",
            responsible_phone="13800000000",
            required_action="更换锈蚀转轴，复查鸣响",
            now=FIXED_NOW,
        ).number
        set_status(
            session, number, "awaiting_recheck", operator="tech-li", note="已更换", now=FIXED_NOW
        )
        recheck(session, number, passed=False, operator="insp-wang", note="仍有异响", now=FIXED_NOW)
        add_drill(
            session,
            operator="tech-li",
            site="C04",
            held_on=date(2026, 9, 12),
            participants=120,
            certificates=25,
            materials=300,
            title="秋季疏散演练",
            certificate_type="急救基础",
            evacuation_minutes=6.5,
            now=FIXED_NOW,
        )


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("mode", ["notices", "drills", "findings"])
def test_workflow_screens(
    snap_compare,
    services,
    demo_db,
    mode: str,  # type: ignore[no-untyped-def]
    size: tuple[int, int],
) -> None:
    seed(demo_db)
    assert snap_compare(make_app(services, mode=mode), terminal_size=size, run_before=settle)


def opened(mode: str, *keys: str):  # type: ignore[no-untyped-def]
    """Start in ``mode`` and press ``keys``, letting the workers finish after each."""

    async def run_before(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        for key in keys:
            pilot.app.clear_notifications()  # a toast lives for wall-clock time: keep it out
            await pilot.press(key)
            await settle(pilot)

    return mode, run_before


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", ["issue_notice", "recheck", "drill_form", "finding_form"])
def test_workflow_dialogs(
    snap_compare,
    services,
    demo_db,
    name: str,  # type: ignore[no-untyped-def]
    size: tuple[int, int],
) -> None:
    seed(demo_db)
    mode, run_before = {
        "issue_notice": opened("findings", "down", "space", "i"),
        "recheck": opened("notices", "m", "ctrl+s", "k"),
        "drill_form": opened("drills", "n"),
        "finding_form": opened("findings", "n"),
    }[name]
    assert snap_compare(make_app(services, mode=mode), terminal_size=size, run_before=run_before)
