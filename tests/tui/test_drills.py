"""Drills screen: record an evacuation drill through the form; that month's planned drill work
order at the site is completed; bad counts are marked next to their field."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select
from textual.widgets import DataTable

from sirenctl.models import Asset, AuditEvent
from sirenctl.models.findings import OutreachEvent
from tests.findings.test_drill_orders import DRILL
from tests.scheduling.conftest import plan, work_orders, write_campaign
from tests.tui.conftest import FIXED_NOW, make_app, settle, text_of
from tests.tui.test_findings_workflow import form, messages


def plan_drills(db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The monthly drill campaign for September 2026 (last Friday, the 25th)."""
    write_campaign(tmp_path, "drill", DRILL)
    plan(db, tmp_path, FIXED_NOW, datetime(2026, 10, 1, tzinfo=UTC), now=FIXED_NOW)


async def test_record_drill_completes_the_months_drill_order(services, demo_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    plan_drills(demo_db, tmp_path)
    planned = work_orders(demo_db, task="drill")
    assert planned and all(o.status != "done" for o in planned)
    app = make_app(services, mode="drills")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "no drills" in str(app.screen.query_one("#drills-info").content)
        await form(pilot, "n", site="C03", participants="12", certificates="20")
        assert "more than the 12 participants" in text_of(app.screen.query_one("#err-certificates"))
        await form(pilot, None, participants="many", certificates="20")
        assert "a whole number" in text_of(app.screen.query_one("#err-participants"))
        with demo_db.session() as session:
            assert session.scalar(select(OutreachEvent)) is None
        await form(
            pilot,
            None,
            participants="120",
            certificates="25",
            materials="300",
            certificate_type="急救基础",
            title="秋季疏散演练",
            evacuation_minutes="6.5",
        )
        table = app.screen.query_one("#drills", DataTable)
        assert [str(c) for c in table.get_row_at(0)[3:6]] == ["120", "25", "300"]
        assert "1 event · 120 participants · 25 certificates" in str(
            app.screen.query_one("#drills-info").content
        )
        assert "evacuated in 6.5 min" in text_of(app.screen.query_one("#drill"))

    with demo_db.session() as session:
        event = session.scalar(select(OutreachEvent))
        assert (event.site.code, str(event.held_on), event.kind, event.recorded_by) == (
            "C03",
            "2026-09-17",
            "evacuation_drill",
            "tech-li",
        )
        done = [o for o in work_orders(demo_db, task="drill") if o.status == "done"]
        assert [session.get(Asset, o.asset_id).tag for o in done] == ["HC-C03"]
        assert done[0].outcome_note.startswith(f"drill #{event.id} ")
        assert any(f"drill work order #{done[0].id} done" in m for m in messages(app))
        audited = set(
            session.scalars(select(AuditEvent.action).where(AuditEvent.operator == "tech-li"))
        )
        assert {"drill.add", "workorder.done"} <= audited


async def test_training_completes_no_drill_order(services, demo_db, tmp_path) -> None:  # type: ignore[no-untyped-def]
    plan_drills(demo_db, tmp_path)
    app = make_app(services, mode="drills")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await form(pilot, "n", site="C03", kind="training", participants="40", held_on="2026/09/12")
        assert app.screen.query_one("#drills", DataTable).row_count == 1
    assert all(o.status != "done" for o in work_orders(demo_db, task="drill"))
