"""The demo county's simulated terminals, served from a background thread while the TUI runs.

The simulators get their own thread and event loop so that they never compete with the UI
loop, and are stopped (every server, the RS-485 pty) when the TUI exits.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from pathlib import Path
from typing import Any


class SimulatorThread:
    """Start with :meth:`start` (waits until the servers listen); stop with :meth:`stop`."""

    def __init__(self, specs: list[Any], **fleet_kwargs: Any) -> None:
        self.specs = specs
        self.fleet_kwargs = fleet_kwargs
        self.fleet: Any = None
        self.error: BaseException | None = None
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="sirenctl-simulators", daemon=True)

    def start(self, timeout: float = 10.0) -> SimulatorThread:
        self._thread.start()
        self._ready.wait(timeout)
        return self

    @property
    def running(self) -> bool:
        return self._thread.is_alive() and self.error is None

    def _run(self) -> None:
        try:
            asyncio.run(self._serve())
        except BaseException as exc:  # noqa: BLE001 - reported to the caller
            self.error = exc
        finally:
            self._ready.set()

    async def _serve(self) -> None:
        from sirenctl.drivers.modbus_link import quiet_pymodbus_logs
        from sirenctl.simulators.fleet import SimFleet

        quiet_pymodbus_logs()
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with SimFleet(self.specs, **self.fleet_kwargs) as fleet:
            self.fleet = fleet
            self._ready.set()
            await self._stop.wait()

    def stop(self, timeout: float = 5.0) -> None:
        loop, stop = self._loop, self._stop
        if loop is not None and stop is not None and not loop.is_closed():
            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(stop.set)
        self._thread.join(timeout)


def demo_simulators(data_dir: Path) -> SimulatorThread:
    """The simulators of ``sirenctl demo``'s terminals, on their registered endpoints."""
    from sirenctl.demo_fleet import demo_fleet_kwargs, demo_sim_specs

    return SimulatorThread(demo_sim_specs(data_dir), **demo_fleet_kwargs(data_dir))
