"""Start a simulated fleet in-process: Modbus TCP controllers, RTU lines on ptys, bench ptys.

    async with SimFleet(specs, time_scale=60) as fleet:
        fleet.endpoints      # {name: Endpoint} ready for sirenctl.drivers
        fleet.controller("T03").door_open = True

Every server started here is stopped on exit (each one by itself: pymodbus's
``ServerAsyncStop()`` would stop only the last).
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sirenctl.drivers.clock import Clock, ScaledClock
from sirenctl.drivers.endpoint import Endpoint
from sirenctl.drivers.regmap import load_map

from .controller import SimController
from .faults import Faults

TRANSPORTS = ("modbus_tcp", "modbus_rtu", "bench_serial")


@dataclass
class SimSpec:
    name: str
    model: str = "sirenctl-generic"
    transport: str = "modbus_tcp"
    unit_id: int = 1
    line: str = "rtu1"  # RTU specs naming the same line share one RS-485 pty line
    kind: str = "motor"  # motor | electronic
    faults: Faults = field(default_factory=Faults)
    port: int = 0  # TCP port to listen on (0: any free port)
    serial: str | None = None  # identity-block serial number (default: stable per name)
    tls: bool = False  # Modbus/TCP Security: serve TLS with the fleet's server certificate

    def __post_init__(self) -> None:
        if self.transport not in TRANSPORTS:
            raise ValueError(
                f"sim spec {self.name}: transport {self.transport!r} "
                f"must be one of {', '.join(TRANSPORTS)}"
            )
        if self.kind not in ("motor", "electronic"):
            raise ValueError(
                f"sim spec {self.name}: kind {self.kind!r} must be motor or electronic"
            )


class SimFleet:
    def __init__(
        self,
        specs: list[SimSpec],
        *,
        clock: Clock | None = None,
        time_scale: float = 1.0,
        wire_time: bool = False,
        baudrate: int = 9600,
        serial_format: str = "8N1",
        timeout: float = 1.0,
        host: str = "127.0.0.1",
        line_links: dict[str, str] | None = None,
        tls_server: Any = None,
        tls_client: Any = None,
    ) -> None:
        """``tls_server`` (drivers/tls.py TlsConfig) is what TLS specs serve with; the endpoints
        of those specs carry ``tls_client`` (what sirenctl connects with)."""
        names = [s.name for s in specs]
        if len(set(names)) != len(names):
            dup = sorted({n for n in names if names.count(n) > 1})
            raise ValueError(f"sim specs: duplicate name(s) {', '.join(dup)}")
        for spec in specs:
            if spec.faults.wrong_tid and spec.transport != "modbus_tcp":
                raise ValueError(
                    f"sim spec {spec.name}: wrong_tid is for Modbus TCP only (RTU frames have "
                    "no transaction id; wrong_unit gives a mismatched reply there)"
                )
        self.specs = list(specs)
        self.clock: Clock = clock or ScaledClock(time_scale)
        self.wire_time = wire_time
        self.baudrate = baudrate
        self.serial = Endpoint.parse_serial_settings(f"{baudrate} {serial_format}")
        self.timeout = timeout
        self.host = host
        # RTU line name -> stable path made a symlink to the line's client end (e.g. for the demo)
        self.line_links = dict(line_links or {})
        self._linked: dict[str, str] = {}  # links this fleet made -> the pty each points at
        self._link_locks: list[int] = []  # flocked "<link>.lock" fds: held while we serve the line
        self.controllers: dict[str, SimController] = {}
        self.endpoints: dict[str, Endpoint] = {}
        self.servers: list[Any] = []
        self.lines: dict[str, Any] = {}
        self.benches: list[Any] = []
        self.tls_server = tls_server
        self.tls_client = tls_client

    def controller(self, name: str) -> SimController:
        return self.controllers[name]

    def _make_controller(self, spec: SimSpec) -> SimController:
        m = load_map(spec.model) if spec.transport != "bench_serial" else None
        from sirenctl.drivers.signals import SignalTable

        return SimController(
            spec.name,
            m.signals if m else SignalTable(),
            self.clock,
            kind=spec.kind,
            unit_id=spec.unit_id,
            model=spec.model,
            serial=spec.serial,
            faults=spec.faults,
        )

    async def start(self) -> SimFleet:
        try:
            await self._start()
        except BaseException:
            await self.stop()
            raise
        return self

    async def _start(self) -> None:
        from .bench_sim import BenchSimulator
        from .modbus_device import build_simdevice
        from .modbus_servers import SimRtuServer, SimTcpServer, SimTlsServer
        from .pty_line import PtyLine

        rtu_lines: dict[str, list[SimSpec]] = {}
        for spec in self.specs:
            ctrl = self._make_controller(spec)
            self.controllers[spec.name] = ctrl
            if spec.transport == "modbus_tcp":
                devices = [build_simdevice(ctrl, load_map(spec.model))]
                srv: Any
                if spec.tls:
                    if self.tls_server is None:
                        raise ValueError(f"sim spec {spec.name}: tls needs the fleet's tls_server")
                    ctx = self.tls_server.server_context()
                    srv = SimTlsServer(
                        devices, {spec.unit_id: ctrl}, ctx, host=self.host, port=spec.port
                    )
                else:
                    srv = SimTcpServer(
                        devices, {spec.unit_id: ctrl}, host=self.host, port=spec.port
                    )
                await srv.start()
                self.servers.append(srv)
                self.endpoints[spec.name] = Endpoint(
                    "modbus_tcp",
                    spec.model,
                    host=self.host,
                    port=srv.port,
                    unit_id=spec.unit_id,
                    timeout=self.timeout,
                    tls=self.tls_client if spec.tls else None,
                )
            elif spec.transport == "modbus_rtu":
                rtu_lines.setdefault(spec.line, []).append(spec)
            else:
                bench = await BenchSimulator(ctrl).start()
                self.benches.append(bench)
                self.endpoints[spec.name] = Endpoint(
                    "bench_serial",
                    spec.model,
                    device=bench.path,
                    timeout=self.timeout,
                    **self.serial,
                )
        char_bits = (
            1 + self.serial["bytesize"] + (self.serial["parity"] != "N") + self.serial["stopbits"]
        )
        for line_name, specs in rtu_lines.items():
            units = [s.unit_id for s in specs]
            if len(set(units)) != len(units):
                raise ValueError(f"RTU line {line_name}: duplicate unit ids {units}")
            line = await PtyLine(self.baudrate, char_bits, wire_time=self.wire_time).start()
            self.lines[line_name] = line
            ctrls = {s.unit_id: self.controllers[s.name] for s in specs}
            devices = [build_simdevice(self.controllers[s.name], load_map(s.model)) for s in specs]
            rtu = SimRtuServer(devices, ctrls, line.a_path, **self.serial)
            await rtu.start()
            self.servers.append(rtu)
            device = self._link_line(line_name, line.b_path)
            for s in specs:
                self.endpoints[s.name] = Endpoint(
                    "modbus_rtu",
                    s.model,
                    device=device,
                    unit_id=s.unit_id,
                    timeout=self.timeout,
                    **self.serial,
                )

    def _link_line(self, line_name: str, pty_path: str) -> str:
        """Point the line's stable path (if any) at its pty; returns the path clients use.

        Ownership is an flock on ``<link>.lock`` held while this fleet serves the line: the
        kernel drops it when the owner exits, even by SIGKILL, so a killed simulator's link is
        replaced even when its pty number was reused meanwhile (the target exists again), and a
        live one's link is never touched.
        """
        link = self.line_links.get(line_name)
        if not link:
            return pty_path
        path = Path(link)
        path.parent.mkdir(parents=True, exist_ok=True)
        lock_fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        try:
            fcntl.flock(lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(lock_fd)
            target = os.readlink(path) if path.is_symlink() else "?"
            # another simulator (e.g. a running `sirenctl sim run`) serves this line: leave it
            raise OSError(f"{path} is already linked to the live line {target}") from None
        self._link_locks.append(lock_fd)
        if path.is_symlink() or path.exists():
            path.unlink()  # a stale link left by a simulator that was killed
        path.symlink_to(pty_path)
        self._linked[str(path)] = pty_path
        return str(path)

    async def stop(self) -> None:
        servers, self.servers = self.servers, []
        for srv in servers:
            with contextlib.suppress(Exception):  # keep stopping the others
                await srv.shutdown()
        for bench in self.benches:
            await bench.stop()
        for line in self.lines.values():
            await line.stop()
        for link, pty_path in list(self._linked.items()):
            path = Path(link)  # only the links this fleet made, still pointing at its own pty
            if path.is_symlink() and os.readlink(path) == pty_path:
                path.unlink()
        self._linked = {}
        for fd in self._link_locks:
            os.close(fd)  # closing releases the flock (the lock file stays: see _link_line)
        self._link_locks = []
        self.benches, self.lines = [], {}
        await asyncio.sleep(0)

    async def __aenter__(self) -> SimFleet:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
