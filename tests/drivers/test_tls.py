"""Modbus/TCP Security against a TLS simulator: mutual, verified certificates, TLS >= 1.2."""

from __future__ import annotations

import ssl
from pathlib import Path

import pytest

from sirenctl.drivers.errors import ConfigError, NoResponse
from sirenctl.drivers.operations import poll_endpoints
from sirenctl.drivers.tls import TlsConfig
from sirenctl.simulators.fleet import SimFleet, SimSpec
from tests.drivers.tls_ca import ThrowawayCA


@pytest.fixture
def pki(tmp_path: Path) -> dict[str, TlsConfig]:
    office = ThrowawayCA(tmp_path / "office")
    rogue = ThrowawayCA(tmp_path / "rogue", "someone else's CA")
    server_cert, server_key = office.issue("T01", server=True, hosts=("127.0.0.1", "localhost"))
    client_cert, client_key = office.issue("sirenctl", server=False)
    rogue_client = rogue.issue("intruder", server=False)
    rogue_server = rogue.issue("fake-T01", server=True, hosts=("127.0.0.1",))
    wrong_host = office.issue("elsewhere", server=True, hosts=("10.9.9.9",))
    ca = str(office.ca_file)
    return {
        "server": TlsConfig(ca, str(server_cert), str(server_key)),
        "client": TlsConfig(ca, str(client_cert), str(client_key)),
        "rogue_client": TlsConfig(ca, str(rogue_client[0]), str(rogue_client[1])),
        "rogue_server": TlsConfig(ca, str(rogue_server[0]), str(rogue_server[1])),
        "wrong_host": TlsConfig(ca, str(wrong_host[0]), str(wrong_host[1])),
    }


async def _poll(server: TlsConfig, client: TlsConfig) -> object:
    async with SimFleet([SimSpec("T01", tls=True)], tls_server=server, tls_client=client) as fleet:
        results = await poll_endpoints(fleet.endpoints)
        return results["T01"]


async def test_mutual_tls_poll_works(pki: dict[str, TlsConfig]) -> None:
    result = await _poll(pki["server"], pki["client"])
    assert result.error is None and result.status is not None  # type: ignore[attr-defined]


async def test_controller_with_a_certificate_from_another_ca_is_refused(
    pki: dict[str, TlsConfig],
) -> None:
    result = await _poll(pki["rogue_server"], pki["client"])
    assert isinstance(result.error, NoResponse)  # type: ignore[attr-defined]
    assert "controller's certificate was refused" in str(result.error)  # type: ignore[attr-defined]


async def test_controller_certificate_for_another_address_is_refused(
    pki: dict[str, TlsConfig],
) -> None:
    result = await _poll(pki["wrong_host"], pki["client"])
    assert "controller's certificate was refused" in str(result.error)  # type: ignore[attr-defined]
    assert "IP address mismatch" in str(result.error)  # type: ignore[attr-defined]


async def test_client_certificate_from_another_ca_is_refused(pki: dict[str, TlsConfig]) -> None:
    result = await _poll(pki["server"], pki["rogue_client"])
    assert isinstance(result.error, NoResponse)  # type: ignore[attr-defined]
    assert "refused sirenctl's client certificate" in str(result.error) or (  # type: ignore[attr-defined]
        "closed the TLS connection" in str(result.error)  # type: ignore[attr-defined]
    )


async def test_plain_client_against_a_tls_controller_gets_nothing(
    pki: dict[str, TlsConfig],
) -> None:
    async with SimFleet([SimSpec("T01", tls=True)], tls_server=pki["server"]) as fleet:
        ep = fleet.endpoints["T01"]
        assert ep.tls is None
        result = (await poll_endpoints({"T01": ep.with_(timeout=0.3)}))["T01"]
    assert result.error is not None and result.status is None
    assert fleet.controller("T01").stats.requests == 0  # nothing was understood as a request


def test_contexts_require_tls12_and_verification(pki: dict[str, TlsConfig]) -> None:
    for ctx in (pki["client"].client_context(), pki["server"].server_context()):
        assert ctx.minimum_version == ssl.TLSVersion.TLSv1_2
        assert ctx.verify_mode == ssl.CERT_REQUIRED
    assert pki["client"].client_context().check_hostname


async def test_missing_certificate_file_is_a_clear_config_error(tmp_path: Path) -> None:
    from sirenctl.drivers.endpoint import Endpoint

    missing = TlsConfig(str(tmp_path / "ca.pem"), str(tmp_path / "c.pem"), str(tmp_path / "c.key"))
    ep = Endpoint("modbus_tcp", host="127.0.0.1", port=802, tls=missing, timeout=0.2)
    result = (await poll_endpoints({"X": ep}))["X"]
    assert isinstance(result.error, ConfigError)
    assert "TLS CA file" in str(result.error) and "does not exist" in str(result.error)


@pytest.mark.filterwarnings("ignore:ssl.TLSVersion.TLSv1_1 is deprecated:DeprecationWarning")
async def test_old_tls_versions_are_refused(pki: dict[str, TlsConfig]) -> None:
    import asyncio

    async with SimFleet(
        [SimSpec("T01", tls=True)], tls_server=pki["server"], tls_client=pki["client"]
    ) as fleet:
        ep = fleet.endpoints["T01"]
        old = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        old.check_hostname = False
        old.verify_mode = ssl.CERT_NONE
        old.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
        old.maximum_version = ssl.TLSVersion.TLSv1_1
        with pytest.raises((ssl.SSLError, OSError)):
            await asyncio.open_connection(ep.host, ep.port, ssl=old)
