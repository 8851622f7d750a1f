"""Plain async functions behind ``sirenctl poll``, the daemon's polls and ``sirenctl bench sound``.

The registry resolves tags to :class:`Endpoint` objects and decides who may get a
permit; these functions only talk to devices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from .audit import SinkLike
from .clock import Clock, RealClock, ScaledClock
from .endpoint import Endpoint
from .permit import Permit
from .pool import Fleet, PollResult
from .programme import ProgrammeResult, ProgrammeStep, StepOutcome, play_programme
from .status import Identity

#: Raises (any exception) unless the identity read from the controller is the expected unit.
IdentityCheck = Callable[[Identity], None]


async def poll_endpoints(
    endpoints: dict[str, Endpoint],
    tags: Iterable[str] | None = None,
    *,
    clock: Clock | None = None,
    concurrency: int | None = None,
    into: dict[str, PollResult] | None = None,
) -> dict[str, PollResult]:
    """One status sweep; each result has a status or a typed error plus its reading time.

    ``into`` receives results as they arrive (what answered before an interruption)."""
    from .modbus_link import quiet_pymodbus_logs

    quiet_pymodbus_logs()
    async with Fleet(endpoints, clock=clock or RealClock(), concurrency=concurrency) as fleet:
        return await fleet.poll_all(tags, into=into)


async def bench_sound(
    tag: str,
    endpoint: Endpoint,
    steps: list[ProgrammeStep],
    permit: Permit,
    *,
    prove: IdentityCheck,
    audit: SinkLike | None = None,
    time_scale: float = 1.0,
    clock: Clock | None = None,
    on_step: Callable[[StepOutcome], None] | None = None,
) -> ProgrammeResult:
    """Play a programme on one bench asset once ``prove`` accepts the controller's identity.

    The identity block is read first, on the same link; ``prove`` raising means nothing
    audible is sent (the exception propagates). Cancelling the task once it plays sends and
    verifies the stop and returns the result marked cancelled (see ``play_programme``).
    """
    from .modbus_link import quiet_pymodbus_logs

    quiet_pymodbus_logs()
    clock = clock or (ScaledClock(time_scale) if time_scale != 1.0 else RealClock())
    async with Fleet({tag: endpoint}, audit=audit, clock=clock) as fleet:
        driver = fleet.driver(tag)
        prove(await driver.identify())
        return await play_programme(
            driver, steps, permit, clock, stop_on_cancel=True, on_outcome=on_step
        )
