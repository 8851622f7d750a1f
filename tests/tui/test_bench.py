"""Bench test screen against a simulated bench controller on loopback (simulated clock)."""

from __future__ import annotations

import asyncio
import time

from sqlalchemy import select
from textual.widgets import OptionList

from sirenctl.drivers.clock import ManualClock, ScaledClock
from sirenctl.models import AuditEvent
from sirenctl.models.scheduling import TestResult
from sirenctl.registry.assets import edit_asset
from sirenctl.simulators.fleet import SimFleet, SimSpec
from tests.authority import certify_bench_quietly
from tests.tui.conftest import DEMO_BENCH_SERIAL, make_app, settle, text_of, wait_until


def option_ids(app, list_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    options = app.screen.query_one(f"#{list_id}", OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


def events(db, action: str, *, intents: bool = False) -> list[AuditEvent]:  # type: ignore[no-untyped-def]
    """Result records of ``action`` (or, with ``intents``, the intents recorded before sending)."""
    outcome = AuditEvent.outcome == "intent"
    with db.session() as session:
        return list(
            session.scalars(
                select(AuditEvent)
                .where(AuditEvent.action == action, outcome if intents else ~outcome)
                .order_by(AuditEvent.id)
            )
        )


async def pick(pilot, programme: str) -> None:  # type: ignore[no-untyped-def]
    app = pilot.app
    await settle(pilot)
    programmes = app.screen.query_one("#programmes", OptionList)
    programmes.highlighted = option_ids(app, "programmes").index(programme)
    await pilot.pause()


async def test_bench_programme_plays_with_echo_and_records_result(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    clock = ManualClock(start=time.time())  # permits are issued in real time
    async with SimFleet(
        [SimSpec("BENCH-01", kind="electronic", serial=DEMO_BENCH_SERIAL)], clock=clock
    ) as fleet:
        with demo_db.transaction() as session:
            edit_asset(
                session,
                "BENCH-01",
                {"controller_port": fleet.endpoints["BENCH-01"].port},
                operator="tester",
            )
        certify_bench_quietly(demo_db, "BENCH-01")  # the new endpoint, signed (issue 9)
        services.device_clock = clock
        app = make_app(services, mode="bench")
        async with app.run_test(size=(80, 24)) as pilot:
            await pick(pilot, "cn-918-noon")
            assert option_ids(app, "units") == ["BENCH-01"]  # live assets are never offered
            assert "9·18" in text_of(app.screen.query_one("#timeline"))
            await pilot.press("s")
            await settle(pilot)
            body = text_of(app.screen.query_one("#confirm-body"))
            assert "BENCH-01" in body and "cn-918-noon" in body and "BENCH TEST" in body
            await pilot.press("enter")  # the focus is on Cancel: nothing happens
            await settle(pilot)
            assert events(demo_db, "command.sound") == []
            await pilot.press("s")
            await settle(pilot)
            await pilot.click("#confirm")
            await wait_until(pilot, lambda: events(demo_db, "test.result"))
            await settle(pilot)
            assert "PASS: 3 of 3 steps" in text_of(app.screen.query_one("#progress"))
            log = "\n".join(str(line.text) for line in app.screen.query_one("#echo").lines)
            assert log.count("✓ echo function") == 3
        sent = [c.code for c in fleet.controller("BENCH-01").stats.commands]
        assert sent == [1, 2, 3]
    sounds = events(demo_db, "command.sound")
    intents = events(demo_db, "command.sound", intents=True)
    assert [e.after["command_id"] for e in intents] == [e.after["command_id"] for e in sounds]
    assert all(i.id < r.id for i, r in zip(intents, sounds, strict=True))
    assert [(e.outcome, e.operator, e.object_ref) for e in sounds] == [
        ("ok", "tech-li", "BENCH-01")
    ] * 3
    event = events(demo_db, "test.result")[0]
    assert event.operator == "tech-li" and event.after["programme"] == "cn-918-noon"
    with demo_db.session() as session:
        result = session.scalars(select(TestResult)).one()
    assert (result.kind, result.outcome, result.operator) == ("bench_test", "pass", "tech-li")
    assert [s["echo"]["function"] for s in result.echo["steps"]] == [1, 2, 3]


async def test_unit_no_longer_bench_is_refused_and_audited(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    app = make_app(services, mode="bench")
    async with app.run_test(size=(80, 24)) as pilot:
        await pick(pilot, "cn-growl")
        with demo_db.transaction() as session:  # someone clears the flag meanwhile
            edit_asset(session, "BENCH-01", {"is_bench": False}, operator="other")
        await pilot.press("s")
        await settle(pilot)
        assert not app.screen.query("#confirm")
        # The technician is told why, as an error (not "unexpected error (TypeError ...)").
        shown = app.notified
        assert [s for m, s in shown if m.startswith("refused: ")] == ["error"], shown
        assert not [m for m, _ in shown if "unexpected error" in m], shown
    refused = events(demo_db, "command.sound")
    assert [(e.outcome, e.object_ref) for e in refused] == [("refused", "BENCH-01")]
    assert "live siren" in refused[0].message


def playing(controller) -> bool:  # type: ignore[no-untyped-def]
    """The last command the controller took was a signal, not a stop. (Whether it is sounding
    at this instant depends on where the wall clock is in a blast's on/off pattern.)"""
    commands = controller.stats.commands
    return bool(commands) and commands[-1].code != 0


def cancelled_results(db) -> list[TestResult]:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return list(session.scalars(select(TestResult).where(TestResult.outcome == "cancelled")))


async def start_noon_programme(pilot, demo_db) -> None:  # type: ignore[no-untyped-def]
    before = len(events(demo_db, "command.sound"))
    await pick(pilot, "cn-918-noon")
    await pilot.press("s")
    await settle(pilot)
    await pilot.click("#confirm")
    await wait_until(pilot, lambda: len(events(demo_db, "command.sound")) > before)


async def test_f9_and_quitting_both_stop_the_unit(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    clock = ScaledClock(time_scale=10.0)  # the 15-minute programme would take 90 s
    async with SimFleet(
        [SimSpec("BENCH-01", kind="electronic", serial=DEMO_BENCH_SERIAL)], clock=clock
    ) as fleet:
        with demo_db.transaction() as session:
            edit_asset(
                session,
                "BENCH-01",
                {"controller_port": fleet.endpoints["BENCH-01"].port},
                operator="tester",
            )
        certify_bench_quietly(demo_db, "BENCH-01")  # the new endpoint, signed (issue 9)
        services.device_clock = clock
        controller = fleet.controller("BENCH-01")
        app = make_app(services, mode="bench")
        async with app.run_test(size=(80, 24)) as pilot:
            await start_noon_programme(pilot, demo_db)
            assert playing(controller)
            await pilot.press("d")  # another screen: F9 stops the bench test from anywhere
            await pilot.press("f9")
            await wait_until(pilot, lambda: cancelled_results(demo_db))
            await pilot.press("b")
            assert not playing(controller) and not controller.sounding()
            # The progress line is redrawn by the screen's 0.5 s tick: wait for the state.
            await wait_until(
                pilot, lambda: "CANCELLED" in text_of(app.screen.query_one("#progress"))
            )
            progress = text_of(app.screen.query_one("#progress"))
            assert "stop command sent and verified" in progress
            assert len(cancelled_results(demo_db)) == 1  # the stopped test is on record
            await start_noon_programme(pilot, demo_db)  # again, then quit while it plays
            assert playing(controller)
        deadline = time.monotonic() + 60  # the app is gone: wait on the event loop itself
        while len(events(demo_db, "command.cancel")) < 2 and time.monotonic() < deadline:
            await asyncio.sleep(0.02)  # a poll interval, not a race: the condition decides
        assert not playing(controller) and not controller.sounding()
        assert [c.code for c in controller.stats.commands] == [1, 0, 1, 0]
    assert {e.outcome for e in events(demo_db, "command.cancel")} == {"ok"}


async def test_f12_stops_every_unit_from_any_screen(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    specs = [SimSpec("T01"), SimSpec("BENCH-01", kind="electronic", serial=DEMO_BENCH_SERIAL)]
    async with SimFleet(specs) as fleet:
        with demo_db.transaction() as session:
            for tag in ("T01", "BENCH-01"):
                edit_asset(
                    session, tag, {"controller_port": fleet.endpoints[tag].port}, operator="tester"
                )
        for tag in ("T01", "BENCH-01"):
            fleet.controller(tag).execute(2, 1, None)  # sounding, started by someone else
        app = make_app(services, mode="dashboard")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("f12")
            await wait_until(pilot, lambda: events(demo_db, "command.cancel_all"))
            assert not fleet.controller("T01").sounding()
            assert not fleet.controller("BENCH-01").sounding()
    summary = events(demo_db, "command.cancel_all")[0]
    assert {"T01", "BENCH-01"} <= set(summary.after["stopped"])
    # the demo's other terminals have no simulator here: reported, never silently skipped
    assert summary.outcome == "error" and "T02" in summary.after["failed"]
