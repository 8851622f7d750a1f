"""Plain async functions behind ``sirenctl poll``, the daemon's polls and ``sirenctl bench sound``.

The registry resolves tags to :class:`Endpoint` objects and decides who may get a
permit; these functions only talk to devices.
"""

from __future__ import annotations

from collections.abc import Iterable

from .audit import SinkLike
from .clock import Clock, RealClock, ScaledClock
from .endpoint import Endpoint
from .permit import Permit
from .pool import Fleet, PollResult
from .programme import ProgrammeResult, ProgrammeStep, play_programme


async def poll_endpoints(
    endpoints: dict[str, Endpoint],
    tags: Iterable[str] | None = None,
    *,
    clock: Clock | None = None,
    concurrency: int | None = None,
) -> dict[str, PollResult]:
    """One status sweep; each result has a status or a typed error plus its reading time."""
    from .modbus_link import quiet_pymodbus_logs

    quiet_pymodbus_logs()
    async with Fleet(endpoints, clock=clock or RealClock(), concurrency=concurrency) as fleet:
        return await fleet.poll_all(tags)


async def bench_sound(
    tag: str,
    endpoint: Endpoint,
    steps: list[ProgrammeStep],
    permit: Permit,
    *,
    audit: SinkLike | None = None,
    time_scale: float = 1.0,
    clock: Clock | None = None,
) -> ProgrammeResult:
    """Play a programme on one bench asset; the caller has checked it *is* a bench asset."""
    from .modbus_link import quiet_pymodbus_logs

    quiet_pymodbus_logs()
    clock = clock or (ScaledClock(time_scale) if time_scale != 1.0 else RealClock())
    async with Fleet({tag: endpoint}, audit=audit, clock=clock) as fleet:
        return await play_programme(fleet.driver(tag), steps, permit, clock)
