"""`sirenctl bench sound` and `sirenctl cancel` against simulated controllers."""

from __future__ import annotations

import json

import pytest

from tests.integration.helpers import register_fleet
from tests.integration.simthread import fleet_in_thread
from tests.integration.test_poll_cli import _register

pytest.importorskip("sirenctl.simulators.fleet")
# Simulator and runner share this time scale. Kept modest: every real millisecond of request
# latency is SPEED milliseconds of device time, and echo checks and late allowances are in
# device time, so a big factor turns a loaded CI machine into a slow controller.
SPEED = 20.0
THREE_GROWLS = """
title = "three growls 20 s apart"
[[step]]
signal = "growl"
gap = "20s"
[[step]]
signal = "growl"
gap = "20s"
[[step]]
signal = "growl"
"""


def _schedules(tmp_path):  # type: ignore[no-untyped-def]
    (tmp_path / "sched" / "programmes").mkdir(parents=True)
    (tmp_path / "sched" / "programmes" / "three-growls.toml").write_text(THREE_GROWLS)
    return str(tmp_path / "sched")


def _audit(cli, action: str) -> list[dict]:  # type: ignore[no-untyped-def]
    """Result records (the intents recorded before each send are left out)."""
    return [e for e in cli.json("audit", "list", "--action", action) if e["outcome"] != "intent"]


def test_bench_programme_plays_and_is_audited(sqlite_cli, tmp_path) -> None:
    from sirenctl.simulators.fleet import SimSpec

    with fleet_in_thread([SimSpec("BENCH-01", kind="electronic")], time_scale=SPEED) as fleet:
        register_fleet(sqlite_cli, fleet, bench=("BENCH-01",))
        result = sqlite_cli(
            "bench",
            "sound",
            "BENCH-01",
            "--programme",
            "three-growls",
            "--schedules",
            _schedules(tmp_path),
            "--time-scale",
            str(SPEED),
            "--json",
        )
        assert result.exit_code == 0, result.stdout + result.stderr
        played = json.loads(result.stdout)
        # growl (code 4) is 5 s: steps start at 0, 25 and 50 s
        assert [(s["signal_code"], s["start_offset"], s["outcome"]) for s in played["steps"]] == [
            (4, 0.0, "ok"),
            (4, 25.0, "ok"),
            (4, 50.0, "ok"),
        ]
        assert [s["echo"]["function"] for s in played["steps"]] == [4, 4, 4]
        assert played["outcome"] == "pass" and played["test_result_id"]
        assert played["final_status"]["sounding"] is False
    sounds = _audit(sqlite_cli, "command.sound")
    assert len(sounds) == 3 and {e["outcome"] for e in sounds} == {"ok"}
    assert all(e["after"]["permit"]["mode"] == "bench" for e in sounds)
    assert {e["operator"] for e in sounds} == {"tester"}


def test_live_siren_is_refused_and_nothing_is_sent(sqlite_cli) -> None:
    from sirenctl.simulators.fleet import SimSpec

    with fleet_in_thread([SimSpec("T01", kind="motor")], time_scale=SPEED) as fleet:
        _register(sqlite_cli, fleet)
        result = sqlite_cli(
            "bench", "sound", "T01", "--programme", "cn-growl", "--time-scale", str(SPEED)
        )
        assert result.exit_code == 7
        assert "live siren, not a bench unit" in result.stderr
        assert fleet.controller("T01").last_function == 0  # the controller never heard a thing
    refused = _audit(sqlite_cli, "command.sound")
    assert [e["outcome"] for e in refused] == ["refused"]


def test_stale_echo_is_reported_as_failed_to_sound(sqlite_cli) -> None:
    from sirenctl.simulators.faults import Faults
    from sirenctl.simulators.fleet import SimSpec

    specs = [SimSpec("BENCH-02", kind="electronic", faults=Faults(stale_echo=True))]
    with fleet_in_thread(specs, time_scale=SPEED) as fleet:
        register_fleet(sqlite_cli, fleet, bench=("BENCH-02",))
        result = sqlite_cli(
            "bench", "sound", "BENCH-02", "--programme", "cn-growl", "--time-scale", str(SPEED)
        )
        assert result.exit_code == 8
        assert "failed to sound" in result.stdout
        assert "recorded test result" in result.stderr and "failed to sound" in result.stderr
    failed = _audit(sqlite_cli, "command.sound")
    assert failed and failed[0]["outcome"] == "error" and "failed to sound" in failed[0]["message"]
    # a failed bench test is a finding the office must follow up
    findings = sqlite_cli.json("finding", "list")
    assert [f["asset"] for f in findings] == ["BENCH-02"]


def test_time_scale_is_refused_for_a_real_controller(sqlite_cli) -> None:
    from tests.registry.helpers import add_site

    add_site(sqlite_cli)
    assert (
        sqlite_cli(
            "asset",
            "add",
            "--tag",
            "BENCH-R",
            "--site",
            "C01",
            "--kind",
            "electronic",
            "--controller-transport",
            "modbus_tcp",
            "--controller-host",
            "10.20.0.7",
            "--serial-no",
            "SN-7",
            "--bench",
        ).exit_code
        == 0
    )
    result = sqlite_cli(
        "bench", "sound", "BENCH-R", "--programme", "cn-growl", "--time-scale", "10"
    )
    assert result.exit_code == 7 and "only for simulated benches" in result.stderr


def test_manual_sirens_are_not_device_targets(sqlite_cli) -> None:
    from tests.registry.helpers import add_crank, add_site

    add_site(sqlite_cli)
    add_crank(sqlite_cli)
    for args in (["cancel", "HC-C01"], ["modbus", "read", "HC-C01", "--address", "0"]):
        result = sqlite_cli(*args)
        assert result.exit_code == 3, args
        assert "HC-C01 has no controller (it is hand_crank)" in result.stderr


def test_unknown_programme(sqlite_cli) -> None:
    result = sqlite_cli("bench", "sound", "X", "--programme", "no-such-programme")
    assert result.exit_code == 4 and "unknown programme" in result.stderr


def test_cancel_stops_a_sounding_bench(sqlite_cli) -> None:
    from sirenctl.simulators.fleet import SimSpec

    with fleet_in_thread([SimSpec("BENCH-01", kind="electronic")], time_scale=1.0) as fleet:
        _register(sqlite_cli, fleet)
        fleet.controller("BENCH-01").execute(3, 1, None)  # all clear, 180 s, sounding now
        assert fleet.controller("BENCH-01").sounding()
        result = sqlite_cli("cancel", "BENCH-01")
        assert result.exit_code == 0, result.stderr
        assert "BENCH-01: stopped" in result.stderr
        assert not fleet.controller("BENCH-01").sounding()
    assert [e["outcome"] for e in _audit(sqlite_cli, "command.cancel")] == ["ok"]
