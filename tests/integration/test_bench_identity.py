"""Issue 9, "a bench unit is a physical fact": the attack paths about bench units and models.

Each attack is tried through the real CLI against simulated controllers on loopback; the
assertion is what a safety officer checks: live controllers received no audible command
(no write frame at all, nothing executed).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import update

from tests.authority import certify_bench
from tests.integration.helpers import register_fleet
from tests.integration.simthread import fleet_in_thread

pytest.importorskip("sirenctl.simulators.fleet")
LIVE = ("T01", "T02")
SPEED = 20.0


@pytest.fixture
def fleet(sqlite_cli: Any) -> Iterator[Any]:
    from sirenctl.simulators.fleet import SimSpec

    specs = [
        SimSpec("T01", "sirenctl-generic"),
        SimSpec("T02", "hs-ms400"),
        SimSpec("BENCH-01", "sirenctl-generic", kind="electronic"),
    ]
    with fleet_in_thread(specs, time_scale=SPEED) as running:
        register_fleet(sqlite_cli, running, bench=("BENCH-01",))
        yield running
        for tag in LIVE:  # the property every test in this file is about
            ctrl = running.controller(tag)
            assert ctrl.stats.commands == [], f"{tag} executed {ctrl.stats.commands}"
            assert ctrl.stats.write_frames == 0, f"{tag} received {ctrl.stats.write_frames} writes"


def _sound(cli: Any, tag: str, *, scaled: bool = True) -> Any:
    scale = ["--time-scale", str(SPEED)] if scaled else []
    return cli("bench", "sound", tag, "--programme", "cn-growl", *scale)


def _refusals(cli: Any, action: str = "command.sound") -> list[dict[str, Any]]:
    events = cli.json("audit", "list", "--action", action)
    return [e for e in events if e["outcome"] == "refused"]


def _set(cli: Any, tag: str, **values: Any) -> None:
    """Change the registry behind sirenctl's back (a plain SQL tool on the SQLite file)."""
    from sirenctl.db import Database
    from sirenctl.models import Asset

    db = Database(cli.url)
    try:
        with db.transaction() as session:
            session.execute(update(Asset).where(Asset.tag == tag).values(**values))
        # an administrator signed the (wrong) registration: the identity check must still refuse
        certify_bench(db, tag)
    finally:
        db.dispose()


def test_a_proven_bench_unit_plays(sqlite_cli: Any, fleet: Any) -> None:
    result = _sound(sqlite_cli, "BENCH-01")
    assert result.exit_code == 0, result.stderr
    assert [a.code for a in fleet.controller("BENCH-01").stats.commands] == [4]


def test_flagging_a_live_siren_as_bench_does_not_make_it_one(sqlite_cli: Any, fleet: Any) -> None:
    assert sqlite_cli("asset", "edit", "T01", "--bench").exit_code == 0
    result = _sound(sqlite_cli, "T01")
    assert result.exit_code == 7
    assert "was registered as a live siren" in result.stderr
    assert "nothing was sent" in result.stderr
    assert [e["object_ref"] for e in _refusals(sqlite_cli)] == ["T01"]


def test_bench_port_pointed_at_a_live_controller_is_refused_at_registration(
    sqlite_cli: Any, fleet: Any
) -> None:
    port = str(fleet.endpoints["T01"].port)
    for host in ("127.0.0.1", "localhost", "::ffff:127.0.0.1", "127.0.0.2"):
        result = sqlite_cli(
            "asset", "edit", "BENCH-01", "--controller-host", host, "--controller-port", port
        )
        assert result.exit_code == 3, host
        assert "cannot use the controller channel of live asset(s) T01" in result.stderr
    shown = sqlite_cli.json("asset", "show", "BENCH-01")
    assert shown["controller_port"] == fleet.endpoints["BENCH-01"].port  # nothing was changed


def test_bench_on_a_live_channel_is_refused_at_send_time(sqlite_cli: Any, fleet: Any) -> None:
    _set(sqlite_cli, "BENCH-01", controller_port=fleet.endpoints["T01"].port)
    result = _sound(sqlite_cli, "BENCH-01")
    assert result.exit_code == 7 and "also used by live asset(s) T01" in result.stderr


def test_bench_reaching_a_live_controller_by_another_address_is_refused_by_its_identity(
    sqlite_cli: Any, fleet: Any
) -> None:
    # 0.0.0.0 reaches the same listener as 127.0.0.1 on Linux, but is not spelled like it:
    # only the controller's own identity block can tell
    _set(
        sqlite_cli,
        "BENCH-01",
        controller_host="0.0.0.0",
        controller_port=fleet.endpoints["T01"].port,
    )
    result = _sound(sqlite_cli, "BENCH-01", scaled=False)  # 0.0.0.0 is not "simulated"
    assert result.exit_code == 7
    serial = fleet.controller("T01").serial
    assert f"reports serial {serial}, which is a LIVE siren's" in result.stderr
    refused = _refusals(sqlite_cli)
    assert refused[-1]["after"]["identity"]["serial"] == serial


def test_bench_with_a_wrong_serial_number_is_refused(sqlite_cli: Any, fleet: Any) -> None:
    _set(sqlite_cli, "BENCH-01", serial_no="SOMEONE-ELSE")
    result = _sound(sqlite_cli, "BENCH-01")
    assert result.exit_code == 7
    assert "registered with serial SOMEONE-ELSE" in result.stderr
    assert fleet.controller("BENCH-01").stats.commands == []


def test_bench_without_a_serial_number_is_refused(sqlite_cli: Any, fleet: Any) -> None:
    _set(sqlite_cli, "BENCH-01", serial_no=None)
    result = _sound(sqlite_cli, "BENCH-01")
    assert result.exit_code == 7 and "needs its controller's serial number" in result.stderr


def test_csv_bench_unit_on_a_live_controller_address_is_refused(
    sqlite_cli: Any, fleet: Any, tmp_path: Path
) -> None:
    ep = fleet.endpoints["T01"]
    header = "tag,site,kind,serial_no,is_bench,controller_transport,controller_host,controller_port"
    row = f"FAKE-BENCH,C01,electronic,{fleet.controller('T01').serial},yes,modbus_tcp,localhost,{ep.port}"
    path = tmp_path / "bench.csv"
    path.write_text(f"{header}\n{row}\n", encoding="utf-8")
    result = sqlite_cli("asset", "import", str(path))
    assert result.exit_code == 3
    assert "line 2" in result.stderr and "live asset(s) T01" in result.stderr
    assert sqlite_cli("asset", "show", "FAKE-BENCH").exit_code == 4  # nothing was written


def test_csv_bench_and_live_rows_on_one_channel_are_refused(
    sqlite_cli: Any, fleet: Any, tmp_path: Path
) -> None:
    header = "tag,site,kind,is_bench,controller_transport,controller_host,controller_port"
    rows = [
        "NEW-LIVE,C01,electronic,no,modbus_tcp,10.0.0.9,502",
        "NEW-BENCH,C01,electronic,yes,modbus_tcp,10.0.0.9,502",
    ]
    path = tmp_path / "pair.csv"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    result = sqlite_cli("asset", "import", str(path))
    assert result.exit_code == 3 and "NEW-BENCH" in result.stderr and "NEW-LIVE" in result.stderr


def test_changed_controller_model_does_not_move_the_audible_check(
    sqlite_cli: Any, fleet: Any
) -> None:
    # T01 is a sirenctl-generic controller (command block at 100); registered as hs-ms400, 100
    # would look like a plain register
    assert sqlite_cli("asset", "edit", "T01", "--controller-model", "hs-ms400").exit_code == 0
    result = sqlite_cli(
        "modbus", "write", "T01", "--address", "100", "--value", "4", "--value", "1", "--value", "9"
    )
    assert result.exit_code == 7
    assert "identity block" in result.stderr and "nothing was written" in result.stderr
    assert _refusals(sqlite_cli, "command.modbus_write")


def test_modbus_write_model_option_is_not_believed(sqlite_cli: Any, fleet: Any) -> None:
    ep = fleet.endpoints["T01"]
    result = sqlite_cli(
        "modbus", "write", "--host", ep.host, "--port", str(ep.port), "--model", "hs-ms400",
        "--address", "100", "--value", "4", "--value", "1", "--value", "9",
    )  # fmt: skip
    assert result.exit_code == 7
    assert "--model hs-ms400 is not the register map of T01" in result.stderr


def test_modbus_write_by_address_uses_the_registered_map(sqlite_cli: Any, fleet: Any) -> None:
    ep = fleet.endpoints["T01"]
    result = sqlite_cli(
        "modbus", "write", "--host", "localhost", "--port", str(ep.port),
        "--address", "100", "--value", "4", "--value", "1", "--value", "9", "--allow-audible",
    )  # fmt: skip
    assert result.exit_code == 7 and "T01 is a live siren" in result.stderr


def test_unregistered_endpoint_gets_no_write(sqlite_cli: Any, fleet: Any) -> None:
    from sirenctl.simulators.fleet import SimSpec

    with fleet_in_thread([SimSpec("STRAY")]) as stray:
        ep = stray.endpoints["STRAY"]
        result = sqlite_cli(
            "modbus", "write", "--host", ep.host, "--port", str(ep.port),
            "--address", "100", "--value", "4", "--value", "1", "--value", "9",
        )  # fmt: skip
        assert result.exit_code == 7 and "no controller is registered at" in result.stderr
        assert stray.controller("STRAY").stats.write_frames == 0


def test_proven_bench_unit_takes_an_audible_write(sqlite_cli: Any, fleet: Any) -> None:
    result = sqlite_cli(
        "modbus", "write", "BENCH-01",
        "--address", "100", "--value", "4", "--value", "1", "--value", "9", "--allow-audible",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert [a.code for a in fleet.controller("BENCH-01").stats.commands] == [4]


def test_runner_function_proves_a_bench_unit_before_sounding(sqlite_cli: Any, fleet: Any) -> None:
    """The function run-due calls for a bench unit: identity first, then nothing if it is wrong."""
    import asyncio

    from sirenctl.bench_guard import BenchNotProven, bench_expectation
    from sirenctl.db import Database
    from sirenctl.drivers.pool import Fleet
    from sirenctl.registry.assets import get_asset
    from sirenctl.services.bench import prove_bench_unit

    db = Database(sqlite_cli.url)
    try:
        with db.session() as session:
            expectation = bench_expectation(session, get_asset(session, "BENCH-01"))
    finally:
        db.dispose()

    async def prove(tag: str) -> Any:
        async with Fleet({tag: fleet.endpoints[tag]}) as drivers:
            return await prove_bench_unit(drivers.driver(tag), expectation)

    assert asyncio.run(prove("BENCH-01")).serial == fleet.controller("BENCH-01").serial
    with pytest.raises(BenchNotProven, match="LIVE siren"):
        asyncio.run(prove("T01"))
