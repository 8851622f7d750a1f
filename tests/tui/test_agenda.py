"""Agenda: work orders listed by state; a hand-crank check-in recorded through the form."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from textual.widgets import DataTable, Input, Select

from sirenctl.models import Asset, AuditEvent
from sirenctl.models.scheduling import TestResult, WorkOrder
from tests.tui.conftest import FIXED_NOW, make_app, settle, text_of

CHECKLIST = [
    "crank turns freely (50-80 rpm reachable)",
    "mounting and bolts secure",
    "sound heard at 100 m",
]


def add_orders(db) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """A monthly check due in two days, one overdue, one missed, and the 9·18 sounding."""
    ids = {}
    with db.transaction() as session:
        tag_id = dict(session.execute(select(Asset.tag, Asset.id)).all())

        def order(name: str, tag: str, task: str, due: datetime, status: str, **kw) -> None:  # type: ignore[no-untyped-def]
            wo = WorkOrder(
                campaign=kw.pop("campaign", "cn-handcrank-monthly-check"),
                task=task,
                asset_id=tag_id[tag],
                nominal_at=due,
                due_at=due,
                act_at=due - timedelta(days=7),
                window_end_at=due + timedelta(days=7),
                timezone="Asia/Shanghai",
                planned_by="planner",
                status=status,
                **kw,
            )
            session.add(wo)
            session.flush()
            ids[name] = wo.id

        order(
            "check",
            "HC-C03",
            "manual_check",
            FIXED_NOW + timedelta(days=2),
            "issued",
            checklist=CHECKLIST,
        )
        order(
            "overdue",
            "HC-C05",
            "manual_check",
            FIXED_NOW - timedelta(days=3),
            "issued",
            checklist=CHECKLIST,
        )
        order(
            "missed",
            "HC-C07",
            "manual_check",
            FIXED_NOW - timedelta(days=20),
            "missed",
            checklist=CHECKLIST,
        )
        order(
            "918",
            "HC-C01",
            "trial_sounding",
            datetime(2026, 9, 18, 4, 0, tzinfo=UTC),
            "issued",
            campaign="cn-918-trial-sounding",
            programme="cn-918-noon",
            audible=True,
        )
    return ids


def rows(app) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    table = app.screen.query_one("#agenda", DataTable)
    return [
        (str(table.get_row_at(i)[3]), str(table.get_row_at(i)[1])) for i in range(table.row_count)
    ]


async def test_dashboard_counts_orders_and_counts_down_to_918(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    add_orders(demo_db)
    app = make_app(services)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        orders = text_of(app.screen.query_one("#orders"))
        assert "overdue 1" in orders and "missed 1" in orders
        nxt = text_of(app.screen.query_one("#next"))
        assert "cn-918-trial-sounding (cn-918-noon)" in nxt
        assert "2026-09-18 12:00" in nxt and "in 20 h 0 min" in nxt


async def test_check_in_with_a_bad_value_then_saved(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    ids = add_orders(demo_db)
    app = make_app(services, mode="agenda")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert rows(app) == [("HC-C05", "overdue"), ("HC-C01", "issued"), ("HC-C03", "issued")]
        app.screen.query_one("#agenda-view", Select).value = "missed"
        await settle(pilot)
        assert rows(app) == [("HC-C07", "missed")]
        app.screen.query_one("#agenda-view", Select).value = "upcoming"
        await settle(pilot)
        app.screen.query_one("#agenda", DataTable).move_cursor(row=2)
        await pilot.press("i")
        await settle(pilot)
        form = app.screen
        form.query_one("#check-1", Select).value = "pass"
        form.query_one("#check-2", Select).value = "pass"
        form.query_one("#sound", Select).value = "yes"
        form.query_one("#db", Input).value = "ninety"
        await pilot.pause()
        assert "not a number" in text_of(form.query_one("#err-db"))
        form.query_one("#db", Input).value = "97.5"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form  # item 3 unanswered, no distance for the level
        assert "unanswered: 3." in text_of(form.query_one("#err-check"))
        assert "needs its distance" in text_of(form.query_one("#err-distance"))
        form.query_one("#check-3", Select).value = "pass"
        form.query_one("#distance", Input).value = "30"
        form.query_one("#notes", Input).value = "加油润滑"
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is not form
        assert ("HC-C03", "issued") not in rows(app)
    with demo_db.session() as session:
        order = session.get(WorkOrder, ids["check"])
        assert order.status == "done"
        result = session.scalars(select(TestResult)).one()
        assert (
            result.outcome,
            result.operator,
            result.measured_db,
            result.distance_m,
            result.sound_heard,
            result.notes,
        ) == ("pass", "tech-li", 97.5, 30.0, True, "加油润滑")
        assert result.checklist == dict.fromkeys(CHECKLIST, "pass")
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "test.result")).one()
        assert event.operator == "tech-li" and event.object_ref == "HC-C03"


async def test_crank_guide_from_a_hand_crank_sounding_then_check_in(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    from sirenctl.drivers.clock import ManualClock
    from sirenctl.tui.checkin_form import CheckInForm
    from sirenctl.tui.crank_guide import CrankGuideScreen

    add_orders(demo_db)
    clock = ManualClock()
    services.device_clock = clock
    app = make_app(services, mode="agenda")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.screen.query_one("#agenda", DataTable).move_cursor(row=1)  # HC-C01, 9·18
        await pilot.pause()
        assert "k: crank guide" in text_of(app.screen.query_one("#order"))
        await pilot.press("k")
        await settle(pilot)
        guide = app.screen
        assert isinstance(guide, CrankGuideScreen) and guide.asset == "HC-C01"
        await pilot.press("space")
        clock.advance(901)
        guide.tick()
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(app.screen, CheckInForm) and app.screen.order.tag == "HC-C01"


async def test_empty_upcoming_view_says_what_is_next_and_how_to_widen(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import Label

    app = make_app(services, mode="agenda")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        info = text_of(app.screen.query_one("#agenda-info", Label))
        assert "no work orders are planned" in info and "sirenctl plan --year" in info
    with demo_db.transaction() as session:
        asset = session.scalars(select(Asset).where(Asset.tag == "HC-C03")).one()
        due = FIXED_NOW + timedelta(days=30)
        session.add(
            WorkOrder(
                campaign="cn-handcrank-monthly-check", task="manual_check", asset_id=asset.id,
                nominal_at=due, due_at=due, act_at=due - timedelta(days=7),
                window_end_at=due + timedelta(days=7), timezone="Asia/Shanghai",
                planned_by="planner", status="issued", checklist=CHECKLIST,
            )
        )  # fmt: skip
    app = make_app(services, mode="agenda")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        info = text_of(app.screen.query_one("#agenda-info", Label))
        day = (FIXED_NOW + timedelta(days=30)).astimezone().strftime("%Y-%m")
        assert "nothing due in the next 14 days" in info and "'all'" in info, info
        assert day[:4] in info
