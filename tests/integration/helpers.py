"""Register simulated controllers in the registry (the one place tests declare bench units).

A bench unit is registered as one from the start (``--bench``) with its controller's serial
number, as an administrator would; live assets get their controllers' serial numbers too, so the
bench identity check can recognise a live controller. When the authority work lands (accounts,
administrator-only bench flags), the lead adapts this helper only.
"""

from __future__ import annotations

from typing import Any


def register_fleet(
    cli: Any, fleet: Any, *, bench: tuple[str, ...] = (), site: str = "C01", add_site: bool = True
) -> None:
    from tests.registry.helpers import add_site as _add_site

    if add_site:
        _add_site(cli, site)
    for tag, ep in fleet.endpoints.items():
        result = cli(*asset_add_args(tag, ep, fleet.controller(tag).serial, tag in bench, site))
        assert result.exit_code == 0, result.stderr


def asset_add_args(tag: str, ep: Any, serial: str, bench: bool, site: str = "C01") -> list[str]:
    args = [
        "asset",
        "add",
        "--tag",
        tag,
        "--site",
        site,
        "--kind",
        "electronic",
        "--serial-no",
        serial,
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
    if bench:
        args.append("--bench")
    return args


def person(login: str, *roles: str) -> Any:
    """An authenticated person for service-level tests (the lead adapts this to real accounts)."""
    from sirenctl.identity import Actor, AuthMethod, Role

    return Actor(login=login, roles=frozenset(Role(r) for r in roles), method=AuthMethod.PASSPHRASE)
