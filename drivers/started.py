"""What this process started sounding, and one function to stop it all.

``run-due``, the daemon, ``bench sound``, ``activate`` and the TUI register every controller
just before its first audible command (:func:`.programme.play_programme` does it when given
a registry) and call :meth:`SoundingRegistry.stop_all` on SIGINT/SIGTERM or quit: the stop
command goes to every started unit, each verified by its echo (``SirenDriver.cancel``).
A programme that has not sent anything yet sees :attr:`SoundingRegistry.stopping` and never
starts. Registering is synchronous (no await between the check and the registration), so a
programme either sees the stop or is in the snapshot :meth:`stop_all` takes.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from .base import SirenDriver
from .errors import DriverError


@dataclass(frozen=True)
class StopReport:
    """One unit's stop: verified silent, or the error (the siren may still sound)."""

    tag: str
    ok: bool
    error: DriverError | None = None

    def describe(self) -> str:
        return (
            f"{self.tag}: stopped, silence confirmed by its status"
            if self.ok
            else f"{self.tag}: STOP NOT CONFIRMED: {self.error}"
        )


class SoundingRegistry:
    """The units this process (or this run) started; see module doc."""

    def __init__(self) -> None:
        self.stopping = asyncio.Event()
        self.reason = ""
        self._drivers: dict[str, SirenDriver] = {}
        self._units: dict[str, asyncio.Event] = {}
        self.halted: dict[str, str] = {}  # tag -> why its programme was ended from outside
        self._stop_task: asyncio.Future[list[StopReport]] | None = None

    def unit_event(self, tag: str) -> asyncio.Event:
        """Set when this unit's programme must end (a stop of everything, or :meth:`halt`)."""
        event = self._units.get(tag)
        if event is None:
            event = self._units[tag] = asyncio.Event()
            if self.stopping.is_set():
                event.set()
        return event

    def halt(self, tag: str, reason: str) -> None:
        """End one unit's programme without sending anything (someone else stopped it)."""
        self.halted.setdefault(tag, reason)
        self.unit_event(tag).set()

    def begin(self, driver: SirenDriver) -> bool:
        """Register ``driver`` before its first audible command; False once stopping."""
        if self.stopping.is_set() or self.unit_event(driver.tag).is_set():
            return False
        self._drivers[driver.tag] = driver
        return True

    def end(self, driver: SirenDriver) -> None:
        """The programme on ``driver`` finished (it stays registered while stopping)."""
        if not self.stopping.is_set():
            self._drivers.pop(driver.tag, None)

    @property
    def sounding(self) -> list[str]:
        return sorted(self._drivers)

    def request_stop(self, reason: str) -> bool:
        """Mark stopping (idempotent); True the first time."""
        if self.stopping.is_set():
            return False
        self.reason = reason
        self.stopping.set()
        for event in self._units.values():
            event.set()
        return True

    async def stop_all(self, reason: str) -> list[StopReport]:
        """Send stop to every started unit at once, each verified; safe to call again.

        Every caller waits for the same stop (one stop command per unit, not one per caller).
        """
        self.request_stop(reason)
        if self._stop_task is None:
            self._stop_task = asyncio.ensure_future(self._stop_each())
        return await asyncio.shield(self._stop_task)

    async def _stop_each(self) -> list[StopReport]:
        async def one(driver: SirenDriver) -> StopReport:
            try:
                await driver.cancel()
            except DriverError as exc:
                return StopReport(driver.tag, False, exc)
            return StopReport(driver.tag, True)

        drivers = [d for _, d in sorted(self._drivers.items())]
        return list(await asyncio.gather(*(one(d) for d in drivers)))
