"""Pilot tests: dashboard counts, asset filter/detail/edit/retire, and the audit list."""

from __future__ import annotations

from sqlalchemy import select
from textual.widgets import DataTable, Input, Label, Select, Static

from sirenctl.models import Asset, AuditEvent
from tests.tui.conftest import make_app, settle, text_of


def table_column(app, table_id: str, column: int = 0) -> list[str]:  # type: ignore[no-untyped-def]
    table = app.screen.query_one(f"#{table_id}", DataTable)
    return [str(table.get_row_at(i)[column]) for i in range(table.row_count)]


def select_tag(app, tag: str) -> None:  # type: ignore[no-untyped-def]
    table = app.screen.query_one("#assets", DataTable)
    table.focus()
    table.move_cursor(row=table_column(app, "assets").index(tag))


def static_text(app, selector: str) -> str:  # type: ignore[no-untyped-def]
    return text_of(app.screen.query_one(selector, Static))


async def test_dashboard_counts_assets_by_kind_and_status(services) -> None:  # type: ignore[no-untyped-def]
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        fleet = static_text(app, "#fleet")
        assert "hand-crank" in fleet and "14" in fleet
        assert "20 assets at 14 sites" in fleet
        assert "6 networked" in static_text(app, "#terminals")
        assert "polling is off" in static_text(app, "#terminals")


async def test_filter_assets_by_text_kind_and_cjk(services) -> None:  # type: ignore[no-untyped-def]
    app = make_app(services, mode="assets")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert len(table_column(app, "assets")) == 20
        await pilot.press("slash")
        await pilot.press(*"幸福")
        await pilot.press("enter")
        await settle(pilot)
        assert table_column(app, "assets") == ["HC-C06", "T02"]
        assert "1–2 of 2" in text_of(app.screen.query_one("#page-info", Label))
        app.screen.query_one("#search", Input).value = ""
        app.screen.query_one("#kind", Select).value = "electronic"
        await settle(pilot)
        assert table_column(app, "assets") == ["BENCH-01", "T02", "T04"]


async def test_open_detail_shows_registry_fields_and_history(services) -> None:  # type: ignore[no-untyped-def]
    app = make_app(services, mode="assets")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        select_tag(app, "T01")
        await pilot.press("enter")
        await settle(pilot)
        text = static_text(app, "#detail-body")
        assert "东风社区楼顶电动警报器" in text
        assert "modbus_tcp 127.0.0.1:15021 unit 1" in text
        assert "asset.add by seeder" in text


async def test_edit_with_validation_error_then_success_is_audited(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    app = make_app(services, mode="assets")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        select_tag(app, "HC-C03")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        db_field = form.query_one("#f-measured_db", Input)
        db_field.value = "loud"
        await pilot.pause()
        assert "not a number" in static_text(app, "#err-measured_db")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # not saved
        assert "nothing was saved" in static_text(app, "#form-message")
        with demo_db.session() as session:
            assert session.scalar(select(Asset.measured_db).where(Asset.tag == "HC-C03")) == 99.0
        db_field.value = "104.5"
        form.query_one("#f-custodian", Input).value = "人民路社区 老张"
        await pilot.pause()
        assert static_text(app, "#err-measured_db") == ""
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is not form
    with demo_db.session() as session:
        asset = session.scalar(select(Asset).where(Asset.tag == "HC-C03"))
        assert asset.measured_db == 104.5 and asset.custodian == "人民路社区 老张"
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "asset.edit")).one()
        assert event.operator == "tech-li" and event.object_ref == "HC-C03"
        assert event.before == {"measured_db": 99.0, "custodian": "人民路社区网格员"}
        assert event.after == {"measured_db": 104.5, "custodian": "人民路社区 老张"}


async def test_cross_field_problem_shown_next_to_field(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    app = make_app(services, mode="assets")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        form.query_one("#f-tag", Input).value = "HC-NEW"
        form.query_one("#f-site", Select).value = "C02"
        form.query_one("#f-kind", Select).value = "hand_crank"
        form.query_one("#f-controller_transport", Select).value = "modbus_tcp"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "hand-crank siren has no controller" in static_text(app, "#err-controller_transport")
        form.query_one("#f-controller_transport", Select).clear()
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is not form
        assert "HC-NEW" in table_column(app, "assets")
    with demo_db.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.object_ref == "HC-NEW")).one()
        assert event.action == "asset.add" and event.operator == "tech-li"


async def test_retire_asks_for_reason_and_audits(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    app = make_app(services, mode="assets")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        select_tag(app, "HC-C14")
        await pilot.press("x")
        await pilot.press(*"rusted")
        await pilot.press("enter")
        await settle(pilot)
        row = table_column(app, "assets").index("HC-C14")
        assert table_column(app, "assets", 3)[row] == "retired"
    with demo_db.session() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "asset.retire")).one()
        assert (event.object_ref, event.message, event.operator) == ("HC-C14", "rusted", "tech-li")


async def test_audit_screen_filters_by_text(services) -> None:  # type: ignore[no-untyped-def]
    app = make_app(services, mode="audit")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert "1–34 of 34" in text_of(app.screen.query_one("#audit-info", Label))
        await pilot.press("slash", *"BENCH")
        await pilot.pause(0.3)
        await settle(pilot)
        assert table_column(app, "audit", 3) == ["asset:BENCH-01"]


async def test_navigation_help_and_theme(services) -> None:  # type: ignore[no-untyped-def]
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        assert app.current_mode == "assets"
        await pilot.press("u")
        assert app.current_mode == "audit"
        await pilot.press("question_mark")
        await settle(pilot)  # the help screen is pushed after the key is handled
        text = static_text(app, "#help-keys")
        assert "nav.assets" in text and "assets.retire" in text and "form.save_f2" in text
        await pilot.press("escape")

        async def palette(command: str) -> None:
            await pilot.press("ctrl+p", *command)
            await pilot.pause(0.3)
            await pilot.press("enter")
            await settle(pilot)

        await palette("go to agenda")
        assert app.current_mode == "agenda"
        await pilot.press("a")
        await palette("new asset")  # offered on the assets screen only
        assert app.screen.query_one("#form-box").border_title == "New asset"
        await pilot.press("escape")
        theme = app.theme
        await pilot.press("t")
        assert app.theme != theme
