"""Live status against simulated controllers on loopback, one of them dead."""

from __future__ import annotations

from textual.widgets import DataTable

from sirenctl.registry.assets import edit_asset
from sirenctl.simulators.faults import Faults
from sirenctl.simulators.fleet import SimFleet, SimSpec
from sirenctl.tui.devices import DeviceService
from tests.tui.conftest import DEMO_BENCH_SERIAL, make_app, wait_until

SIMULATED = ("T01", "T02", "T03", "BENCH-01")


def point_registry_at(db, fleet: SimFleet) -> None:  # type: ignore[no-untyped-def]
    with db.transaction() as session:
        for tag in SIMULATED:
            edit_asset(
                session, tag, {"controller_port": fleet.endpoints[tag].port}, operator="tester"
            )


def cell(table: DataTable, tag: str, column: str) -> str:  # type: ignore[type-arg]
    return str(table.get_cell(tag, column))


async def test_dead_device_unreachable_others_fresh_and_updated_in_place(services, demo_db) -> None:  # type: ignore[no-untyped-def]
    specs = [
        SimSpec("T01"),
        SimSpec("T02", kind="electronic"),
        SimSpec("T03", faults=Faults(silent=True)),
        SimSpec("BENCH-01", kind="electronic", faults=Faults(door_open=True)),
    ]
    async with SimFleet(specs) as fleet:
        point_registry_at(demo_db, fleet)
        services.devices = DeviceService(timeout=1.0)  # generous: the machine may be busy
        services.poll_interval = 3600  # the test asks for the second sweep itself
        app = make_app(services, mode="live", poll=True)
        async with app.run_test(size=(80, 24)) as pilot:
            devices = services.devices
            await wait_until(pilot, lambda: devices.sweeps >= 1)
            await pilot.pause()
            table = app.screen.query_one("#live", DataTable)
            assert table.row_count == 6
            assert cell(table, "T01", "state") == "ok"
            assert cell(table, "T02", "state") == "ok"
            assert cell(table, "T03", "state") == "unreachable"
            assert "timeout" in cell(table, "T03", "note")
            assert cell(table, "BENCH-01", "state") == "faulty"
            assert cell(table, "BENCH-01", "door") == "OPEN"
            assert cell(table, "T04", "state") == "unreachable"  # RS-485 line not present
            # the device comes back: the next chained sweep updates its row in place
            fleet.controller("T03").faults = Faults()
            keys_before = list(table.rows)
            app.poller.poll_now()
            await wait_until(pilot, lambda: devices.sweeps >= 2)
            await pilot.pause()
            assert cell(table, "T03", "state") == "ok"
            assert cell(table, "T03", "mains") == "on"
            assert list(table.rows) == keys_before
            polls = {tag: devices.states[tag].polls for tag in SIMULATED}
            assert polls == dict.fromkeys(SIMULATED, 2)
        assert not app.poller.running  # quitting stopped the poller
    # every sweep was kept as the terminals' last known status
    from sirenctl.registry.status_store import known_statuses

    with demo_db.session() as session:
        known = known_statuses(session)
    assert known["T03"].reachable and known["T03"].source == "tui"
    assert known["BENCH-01"].faulty and not known["T04"].reachable


async def test_without_polling_the_stored_statuses_are_shown_and_nothing_is_polled(
    services, demo_db
) -> None:  # type: ignore[no-untyped-def]
    from sirenctl.drivers.pool import Fleet
    from sirenctl.registry.status_store import store_poll_results

    specs = [
        SimSpec("T01"),
        SimSpec("T02", kind="electronic", faults=Faults(door_open=True)),
        SimSpec("T03"),
        SimSpec("BENCH-01", kind="electronic", serial=DEMO_BENCH_SERIAL),
    ]
    async with SimFleet(specs) as fleet:  # an earlier poll (the daemon, say) stored these
        point_registry_at(demo_db, fleet)
        async with Fleet({t: fleet.endpoints[t] for t in SIMULATED}) as poller:
            results = await poller.poll_all()
    with demo_db.transaction() as session:
        store_poll_results(session, results, source="daemon")
    # the simulators are gone now; a session without polling must not contact anything
    services.devices = DeviceService(timeout=0.2)
    app = make_app(services, mode="live", poll=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await wait_until(pilot, lambda: len(services.devices.states) == 6)
        await pilot.pause()
        table = app.screen.query_one("#live", DataTable)
        assert cell(table, "T01", "state") == "ok"
        assert cell(table, "T02", "state") == "faulty" and cell(table, "T02", "door") == "OPEN"
        assert cell(table, "T04", "state") == "pending"  # never polled: nothing stored
        assert services.devices.sweeps == 0 and not app.poller.running
