"""`sirenctl sim run` serving Modbus/TCP Security (TLS, mutual certificates) from the CLI."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from sirenctl.drivers.endpoint import Endpoint
from sirenctl.drivers.operations import poll_endpoints
from sirenctl.drivers.tls import TlsConfig
from tests.drivers.tls_ca import ThrowawayCA

# serves simulators on the demo's loopback ports: one xdist worker for all such tests
pytestmark = pytest.mark.xdist_group("demo-ports")


@pytest.fixture
def pki(tmp_path: Path) -> dict[str, Any]:
    office = ThrowawayCA(tmp_path / "office")
    rogue = ThrowawayCA(tmp_path / "rogue", "someone else's CA")
    server = office.issue("sim", server=True, hosts=("127.0.0.1",))
    ca = str(office.ca_file)
    return {
        "ca": ca,
        "server": tuple(map(str, server)),
        "client": TlsConfig(ca, *map(str, office.issue("sirenctl", server=False))),
        "rogue": TlsConfig(ca, *map(str, rogue.issue("intruder", server=False))),
    }


@contextmanager
def sim_run(*args: str) -> Iterator[dict[str, dict[str, Any]]]:
    """A real `sirenctl sim run --fleet mixed --json` process; its endpoints by tag."""
    proc = subprocess.Popen(
        [sys.executable, "-c", "from sirenctl.cli.main import main; main()", "sim", "run",
         "--fleet", "mixed", "--json", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ),
    )  # fmt: skip
    try:
        assert proc.stdout is not None
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.rstrip() == "]":
                break
        assert lines, proc.communicate(timeout=30)[1]
        yield {row["tag"]: row for row in json.loads("".join(lines))}
        proc.send_signal(signal.SIGTERM)
        _out, err = proc.communicate(timeout=30)
        assert proc.returncode == 0, err
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def poll(row: dict[str, Any], tls: TlsConfig | None) -> Any:
    endpoint = Endpoint(
        "modbus_tcp", row["model"], host=row["host"], port=row["port"], unit_id=row["unit_id"],
        timeout=2.0, tls=tls,
    )  # fmt: skip
    return asyncio.run(poll_endpoints({"X": endpoint}))["X"]


def test_sim_serves_mutual_tls_on_the_named_terminals(pki: dict[str, Any]) -> None:
    cert, key = pki["server"]
    with sim_run("--tls-cert", cert, "--tls-key", key, "--tls-ca", pki["ca"],
                 "--tls-tags", "T01,T03") as rows:  # fmt: skip
        assert [t for t, r in rows.items() if r["tls"]] == ["T01", "T03"]
        good = poll(rows["T01"], pki["client"])
        assert good.error is None and good.status is not None
        refused = poll(rows["T03"], pki["rogue"])  # a client certificate from another CA
        assert refused.status is None  # with TLS 1.3 the refusal comes after the handshake:
        assert re.search(r"refused? sirenctl's (client )?certificate", str(refused.error))
        assert poll(rows["T01"], None).status is None  # plain Modbus TCP gets no answer
        assert poll(rows["T02"], None).status is not None  # the others stay plain


def test_without_required_client_certificates_any_client_is_served(
    pki: dict[str, Any],
) -> None:
    cert, key = pki["server"]
    with sim_run("--tls-cert", cert, "--tls-key", key, "--tls-no-client-cert") as rows:
        tcp = [t for t, r in rows.items() if r["transport"] == "modbus_tcp"]
        assert tcp and all(rows[t]["tls"] for t in tcp)  # default: every TCP terminal
        assert poll(rows["T01"], pki["rogue"]).status is not None


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--tls-cert", "{cert}"], 2, "TLS needs both --tls-cert and --tls-key"),
        (["--tls-cert", "{cert}", "--tls-key", "{key}"], 2, "give --tls-ca"),
        (["--tls-cert", "/nonexistent.pem", "--tls-key", "{key}", "--tls-ca", "{ca}"], 3,
         "TLS certificate file /nonexistent.pem does not exist"),
        (["--tls-cert", "{cert}", "--tls-key", "{key}", "--tls-ca", "{ca}", "--tls-tags", "R01"],
         3, "R01 is not a Modbus TCP terminal"),
    ],
    ids=["no-key", "no-ca", "missing-file", "serial-tag"],
)  # fmt: skip
def test_bad_tls_options_are_refused_before_anything_starts(
    sqlite_cli: Any, pki: dict[str, Any], args: list[str], code: int, message: str
) -> None:
    cert, key = pki["server"]
    filled = [a.format(cert=cert, key=key, ca=pki["ca"]) for a in args]
    result = sqlite_cli("sim", "run", "--fleet", "mixed", *filled)
    assert result.exit_code == code and message in result.stderr


def test_sim_run_help_explains_the_tls_options(sqlite_cli: Any) -> None:
    text = sqlite_cli("sim", "run", "--help").stdout
    for option in ("--tls-cert", "--tls-key", "--tls-ca", "--tls-require-client-cert",
                   "--tls-tags"):  # fmt: skip
        assert option in text
    assert "Modbus/TCP Security" in text
