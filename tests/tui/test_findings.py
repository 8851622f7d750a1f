"""Findings list: open ones by default, filtered by severity and text; dashboard count."""

from __future__ import annotations

from textual.widgets import DataTable, Select

from sirenctl.findings.findings import add_finding, resolve_finding
from tests.tui.conftest import FIXED_NOW, make_app, settle, text_of


def seed_findings(db) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        add_finding(
            session,
            operator="insp-wang",
            description="转轴锈蚀，摇动费力",
            category="corrosion",
            severity="major",
            asset="HC-C04",
            now=FIXED_NOW,
        )
        add_finding(
            session,
            operator="insp-wang",
            description="二维码标签缺失",
            category="signage",
            severity="minor",
            asset="HC-C09",
            now=FIXED_NOW,
        )
        gone = add_finding(
            session,
            operator="insp-wang",
            description="门锁损坏",
            category="other",
            severity="minor",
            asset="T01",
            now=FIXED_NOW,
        )
        session.flush()
        resolve_finding(session, gone.id, operator="tech-li", resolution="换锁", now=FIXED_NOW)


def column(app, index: int) -> list[str]:  # type: ignore[no-untyped-def]
    table = app.screen.query_one("#findings", DataTable)
    return [str(table.get_row_at(i)[index]) for i in range(table.row_count)]


async def test_findings_filters_and_detail(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    seed_findings(demo_db)
    app = make_app(services, mode="findings")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert sorted(column(app, 5)) == ["HC-C04", "HC-C09"]  # open ones
        app.screen.query_one("#findings-severity", Select).value = "major"
        await settle(pilot)
        assert column(app, 5) == ["HC-C04"]
        assert "转轴锈蚀" in text_of(app.screen.query_one("#finding"))
        app.screen.query_one("#findings-severity", Select).clear()
        app.screen.query_one("#findings-status", Select).value = "resolved"
        await settle(pilot)
        assert column(app, 5) == ["T01"]
        assert "resolved: 换锁" in text_of(app.screen.query_one("#finding"))
        await pilot.press("d")
        await settle(pilot)
        assert "2 open" in text_of(app.screen.query_one("#findings"))
