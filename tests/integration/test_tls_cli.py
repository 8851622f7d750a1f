"""A registered controller that requires TLS, through the CLI (poll)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sirenctl.drivers.tls import TlsConfig
from tests.drivers.tls_ca import ThrowawayCA
from tests.integration.simthread import fleet_in_thread
from tests.registry.helpers import add_site

pytest.importorskip("sirenctl.simulators.fleet")


def test_poll_a_tls_controller_and_refuse_without_certificates(
    sqlite_cli: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sirenctl.simulators.fleet import SimSpec

    ca = ThrowawayCA(tmp_path / "pki")
    server = TlsConfig(
        str(ca.ca_file), *map(str, ca.issue("T01", server=True, hosts=("127.0.0.1",)))
    )
    client_cert, client_key = ca.issue("sirenctl", server=False)
    with fleet_in_thread([SimSpec("T01", tls=True)], tls_server=server) as fleet:
        add_site(sqlite_cli)
        port = str(fleet.endpoints["T01"].port)
        added = sqlite_cli(
            "asset", "add", "--tag", "T01", "--site", "C01", "--kind", "electronic",
            "--controller-transport", "modbus_tcp", "--controller-host", "127.0.0.1",
            "--controller-port", port, "--controller-tls",
        )  # fmt: skip
        assert added.exit_code == 0, added.stderr
        missing = sqlite_cli("poll", "T01", "--json")
        assert missing.exit_code == 9  # unreachable: this machine cannot talk to it
        error = json.loads(missing.stdout)[0]["error"]["message"]
        assert "requires TLS but sirenctl's certificate files are missing" in error
        monkeypatch.setenv("SIRENCTL_TLS_CA", str(ca.ca_file))
        monkeypatch.setenv("SIRENCTL_TLS_CERT", str(client_cert))
        monkeypatch.setenv("SIRENCTL_TLS_KEY", str(client_key))
        good = sqlite_cli("poll", "T01", "--json")
        assert good.exit_code == 0, good.stderr
        assert json.loads(good.stdout)[0]["reachable"] is True
    shown = sqlite_cli.json("asset", "show", "T01")
    assert shown["controller_tls"] is True


def test_tls_is_for_modbus_tcp_only(sqlite_cli: Any) -> None:
    add_site(sqlite_cli)
    result = sqlite_cli(
        "asset", "add", "--tag", "R1", "--site", "C01", "--kind", "electronic",
        "--controller-transport", "modbus_rtu", "--controller-device", "/dev/ttyUSB0",
        "--controller-tls",
    )  # fmt: skip
    assert result.exit_code == 3 and "TLS is for modbus_tcp only" in result.stderr
