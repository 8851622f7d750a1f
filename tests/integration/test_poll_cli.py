"""`sirenctl poll` against simulated controllers over loopback TCP and a real pty RTU line."""

from __future__ import annotations

import json

import pytest

from tests.integration.simthread import fleet_in_thread
from tests.registry.helpers import add_site

pytest.importorskip("sirenctl.simulators.fleet")


def _register(cli, fleet) -> None:  # type: ignore[no-untyped-def]
    add_site(cli)
    for tag, ep in fleet.endpoints.items():
        args = [
            "asset",
            "add",
            "--tag",
            tag,
            "--site",
            "C01",
            "--kind",
            "electronic",
            "--controller-transport",
            ep.transport,
            "--controller-model",
            ep.model,
            "--controller-unit-id",
            str(ep.unit_id),
        ]
        if ep.transport == "modbus_tcp":
            args += ["--controller-host", ep.host, "--controller-port", str(ep.port)]
        else:
            args += ["--controller-device", ep.device, "--controller-serial", ep.serial_settings]
        result = cli(*args)
        assert result.exit_code == 0, result.stderr


def test_poll_reports_healthy_faulty_and_unreachable(sqlite_cli) -> None:
    from sirenctl.simulators.faults import Faults
    from sirenctl.simulators.fleet import SimSpec

    specs = [
        SimSpec("T01", kind="motor"),
        SimSpec("T02", kind="electronic", faults=Faults(door_open=True)),
        SimSpec("T03", kind="electronic", faults=Faults(silent=True)),
        SimSpec("T04", transport="modbus_rtu", unit_id=4, kind="electronic"),
    ]
    with fleet_in_thread(specs, timeout=0.3) as fleet:
        _register(sqlite_cli, fleet)
        crank = sqlite_cli(
            "asset", "add", "--tag", "HC-C01", "--site", "C01", "--kind", "hand_crank"
        )
        assert crank.exit_code == 0
        result = sqlite_cli("poll", "--json", "--timeout", "0.3")
        rows = {r["tag"]: r for r in json.loads(result.stdout)}

        assert set(rows) == {"T01", "T02", "T03", "T04"}  # manual sirens are not polled
        assert rows["T01"]["reachable"] and not rows["T01"]["faulty"]
        assert rows["T01"]["status"]["mains_present"] is True
        assert rows["T04"]["reachable"] and not rows["T04"]["faulty"]  # over the pty RTU line
        assert rows["T02"]["faulty"] and "door open / intrusion" in rows["T02"]["status"]["faults"]
        assert not rows["T03"]["reachable"]
        assert rows["T03"]["error"]["comm_fault"] is True
        assert result.exit_code == 9  # unreachable takes precedence over faulty
        assert "1 faulty, 1 unreachable" in result.stderr

        only_t02 = sqlite_cli("poll", "T02")
        assert only_t02.exit_code == 8
        assert "FAULT" in only_t02.stdout and "door open" in only_t02.stdout
        healthy = sqlite_cli("poll", "T01", "T04")
        assert healthy.exit_code == 0, healthy.stdout + healthy.stderr

    # the simulators are gone: the last known statuses remain, with their age
    cached = sqlite_cli("poll", "--cached", "--json")
    known = {r["tag"]: r for r in json.loads(cached.stdout)}
    assert set(known) == {"T01", "T02", "T03", "T04"}
    assert known["T02"]["faulty"] and "door open / intrusion" in known["T02"]["faults"]
    assert not known["T03"]["reachable"] and known["T03"]["error"]["kind"]
    assert known["T01"]["source"] == "poll" and known["T01"]["age_s"] >= 0
    assert cached.exit_code == 9


def test_poll_unknown_tag_and_nothing_to_poll(sqlite_cli) -> None:
    assert sqlite_cli("poll", "NOPE").exit_code == 4
    add_site(sqlite_cli)
    result = sqlite_cli("poll")
    assert result.exit_code == 0 and "no networked assets" in result.stderr
