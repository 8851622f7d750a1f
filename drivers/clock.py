"""Injectable clocks: real time, scaled (speed-up) time, and manual (instant) time.

``now()`` is epoch seconds (UTC); ``sleep()`` waits in the clock's own time. Simulators
and the programme runner share one clock so a 15-minute programme can play in a second.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float: ...

    async def sleep(self, seconds: float) -> None: ...


class RealClock:
    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds))


class ScaledClock:
    """Virtual time running ``time_scale`` times faster than real time from ``start``."""

    def __init__(self, time_scale: float = 1.0, start: float | None = None) -> None:
        if time_scale <= 0:
            raise ValueError(f"time_scale: {time_scale!r} must be > 0")
        self.time_scale = float(time_scale)
        self._t0 = time.monotonic()
        self._start = time.time() if start is None else start

    def now(self) -> float:
        return self._start + (time.monotonic() - self._t0) * self.time_scale

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(max(0.0, seconds) / self.time_scale)


class ManualClock:
    """Time moves only when someone sleeps or calls :meth:`advance` (deterministic tests).

    ``sleep`` advances virtual time immediately and yields once to the event loop, so real
    I/O with simulators still happens between steps.
    """

    def __init__(self, start: float = 1_758_168_000.0) -> None:  # 2025-09-18 04:00 UTC
        self._now = float(start)

    def now(self) -> float:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += max(0.0, seconds)

    async def sleep(self, seconds: float) -> None:
        self.advance(seconds)
        await asyncio.sleep(0)
