"""`sirenctl modbus read|write` diagnostics against a simulated controller over loopback."""

from __future__ import annotations

import json

import pytest

from tests.integration.helpers import register_fleet
from tests.integration.simthread import fleet_in_thread
from tests.integration.test_poll_cli import _register

pytest.importorskip("sirenctl.simulators.fleet")


def test_read_status_registers_by_tag_and_by_host(sqlite_cli) -> None:
    from sirenctl.simulators.fleet import SimSpec

    with fleet_in_thread([SimSpec("T01", kind="motor")]) as fleet:
        _register(sqlite_cli, fleet)
        by_tag = sqlite_cli(
            "modbus", "read", "T01", "--address", "0", "--count", "2", "--input", "--json"
        )
        assert by_tag.exit_code == 0, by_tag.stderr
        regs = json.loads(by_tag.stdout)["registers"]
        assert regs[0]["value"] & 1 == 1  # bit 0: mains present
        # register 1 is battery volts x100: the simulator's own battery state
        assert regs[1]["value"] == round(fleet.controller("T01").battery * 100)
        ep = fleet.endpoints["T01"]
        by_host = sqlite_cli(
            "modbus",
            "read",
            "--host",
            ep.host,
            "--port",
            str(ep.port),
            "--address",
            "0",
            "--count",
            "2",
            "--input",
            "--json",
        )
        assert json.loads(by_host.stdout)["registers"][0]["value"] == regs[0]["value"]


def test_audible_write_needs_a_bench_unit_and_explicit_flag(sqlite_cli) -> None:
    from sirenctl.simulators.fleet import SimSpec

    with fleet_in_thread([SimSpec("T01"), SimSpec("BENCH-01", kind="electronic")]) as fleet:
        register_fleet(sqlite_cli, fleet, bench=("BENCH-01",))

        no_flag = sqlite_cli(
            "modbus",
            "write",
            "BENCH-01",
            "--address",
            "100",
            "--value",
            "4",
            "--value",
            "1",
            "--value",
            "77",
        )
        assert no_flag.exit_code == 7 and "permit" in no_flag.stderr
        live = sqlite_cli(
            "modbus",
            "write",
            "T01",
            "--address",
            "100",
            "--value",
            "4",
            "--value",
            "1",
            "--value",
            "78",
            "--allow-audible",
        )
        assert live.exit_code == 7 and "not a bench unit" in live.stderr
        assert fleet.controller("T01").stats.commands == []
        assert fleet.controller("BENCH-01").stats.commands == []

        ok = sqlite_cli(
            "modbus",
            "write",
            "BENCH-01",
            "--address",
            "100",
            "--value",
            "4",
            "--value",
            "1",
            "--value",
            "79",
            "--allow-audible",
        )
        assert ok.exit_code == 0, ok.stderr
        assert "verified" in ok.stderr
        assert [c.code for c in fleet.controller("BENCH-01").stats.commands] == [4]
    writes = sqlite_cli.json("audit", "list", "--action", "command.modbus_write")
    assert [e["outcome"] for e in reversed(writes)] == ["refused", "intent", "ok"]


def test_unreachable_target_exit_code(sqlite_cli) -> None:
    result = sqlite_cli(
        "modbus", "read", "--host", "127.0.0.1", "--port", "1", "--address", "0", "--timeout", "0.2"
    )
    assert result.exit_code == 9
