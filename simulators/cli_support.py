"""Functions behind ``sirenctl sim run`` (the click command itself lives in sirenctl.cli)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from collections.abc import Callable
from typing import Any, TextIO

from .faults import Faults, parse_fault_spec
from .fleet import SimFleet, SimSpec


def default_specs() -> list[SimSpec]:
    """A small mixed fleet: 6 TCP terminals (two models), a 3-unit RS-485 line, one bench."""
    return [
        SimSpec("T01", "sirenctl-generic", kind="motor"),
        SimSpec("T02", "sirenctl-generic", kind="electronic"),
        SimSpec("T03", "hs-ms400", kind="motor"),
        SimSpec("T04", "sirenctl-generic", kind="electronic"),
        SimSpec("T05", "hs-ms400", kind="motor"),
        SimSpec("T06", "sirenctl-generic", kind="motor"),
        SimSpec("R01", "sirenctl-generic", "modbus_rtu", unit_id=1),
        SimSpec("R02", "hs-ms400", "modbus_rtu", unit_id=2),
        SimSpec("R03", "sirenctl-generic", "modbus_rtu", unit_id=3, kind="electronic"),
        SimSpec("B01", "bench-v1", "bench_serial", kind="electronic"),
    ]


def with_faults(specs: list[SimSpec], faults: str | dict[str, Faults] | None) -> list[SimSpec]:
    """Attach faults (text form ``"T03=silent,T04=slow:2.5"`` or parsed) to specs."""
    parsed = (
        parse_fault_spec(faults, [s.name for s in specs])
        if isinstance(faults, str)
        else dict(faults or {})
    )
    for s in specs:
        if s.name in parsed:
            s.faults = parsed[s.name]
    return specs


def serve_tls(specs: list[SimSpec], tags: list[str] | None = None) -> list[SimSpec]:
    """Mark the Modbus TCP specs named in ``tags`` (None: every one) to serve TLS."""
    tcp = {s.name: s for s in specs if s.transport == "modbus_tcp"}
    unknown = sorted(set(tags or ()) - set(tcp))
    if unknown:
        raise ValueError(
            f"--tls-tags: {', '.join(unknown)} is not a Modbus TCP terminal of this fleet "
            f"(they are: {', '.join(tcp)})"
        )
    for name, spec in tcp.items():
        if tags is None or name in tags:
            spec.tls = True
    return specs


def describe_endpoints(fleet: SimFleet, as_json: bool = False) -> str:
    rows = []
    for name, ep in fleet.endpoints.items():
        spec = next(s for s in fleet.specs if s.name == name)
        # "tls": whether this simulator serves TLS (the endpoint has no client certificate)
        rows.append({"tag": name, "faults": str(spec.faults), **ep.to_dict(), "tls": spec.tls})
    if as_json:
        return json.dumps(rows, indent=2)
    lines = [f"{'TAG':<8} {'TRANSPORT':<13} {'MODEL':<17} {'ADDRESS':<34} FAULTS"]
    for r in rows:
        addr = (
            f"{r['host']}:{r['port']} unit {r['unit_id']}" + (" TLS" if r["tls"] else "")
            if r["transport"] == "modbus_tcp"
            else f"{r['device']} unit {r['unit_id']}"
        )
        lines.append(
            f"{r['tag']:<8} {r['transport']:<13} {r['model']:<17} {addr:<34} {r['faults']}"
        )
    return "\n".join(lines)


async def run_fleet(
    specs: list[SimSpec],
    *,
    time_scale: float = 1.0,
    wire_time: bool = False,
    as_json: bool = False,
    out: TextIO = sys.stdout,
    ready: Callable[[SimFleet], None] | None = None,
    stop: asyncio.Event | None = None,
    fleet_kwargs: dict[str, Any] | None = None,
) -> None:
    """Start the fleet, print its endpoints, run until ``stop`` is set, SIGTERM or cancel."""
    import signal

    from sirenctl.drivers.modbus_link import quiet_pymodbus_logs

    quiet_pymodbus_logs()
    stop = stop or asyncio.Event()
    with contextlib.suppress(NotImplementedError, RuntimeError):  # not in the main thread
        asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with SimFleet(
        specs, time_scale=time_scale, wire_time=wire_time, **(fleet_kwargs or {})
    ) as fleet:
        print(describe_endpoints(fleet, as_json), file=out, flush=True)
        if not as_json:
            print(
                f"simulating {len(fleet.endpoints)} controllers at x{time_scale:g} "
                "speed; Ctrl+C to stop",
                file=out,
                flush=True,
            )
        if ready:
            ready(fleet)
        await stop.wait()


def run_fleet_forever(
    specs: list[SimSpec] | None = None,
    faults: str | None = None,
    time_scale: float = 1.0,
    *,
    wire_time: bool = False,
    as_json: bool = False,
    fleet_kwargs: dict[str, Any] | None = None,
) -> int:
    """Blocking entry point for ``sirenctl sim run``; returns the exit code (0 after Ctrl+C).

    Raises ValueError (bad fault spec or specs) before anything starts.
    """
    specs = with_faults(specs if specs is not None else default_specs(), faults)
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(
            run_fleet(
                specs,
                time_scale=time_scale,
                wire_time=wire_time,
                as_json=as_json,
                fleet_kwargs=fleet_kwargs,
            )
        )
    return 0
