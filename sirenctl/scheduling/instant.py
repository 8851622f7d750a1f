"""Small pieces of the 9·18 instant: jobs ready to fire, the in-memory claim guard, the write
gate, grouping by instant, and silencing pymodbus' orphaned futures (see executor.py)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sirenctl.i18n import L_
from sirenctl.scheduling.prepare import Job


@dataclass
class Fired:
    job: Job
    driver: Any
    committed: bool = False


class Guarded:
    """A driver whose audible commands first check (in memory) that the claim is still ours.

    The first command's authority was re-checked when the order was committed to sending
    (sirenctl/scheduling/commit.py); each later step re-checks it (``authority``: a refusal
    reason, or None) right before it is sent.
    """

    def __init__(
        self,
        driver: Any,
        owned: Callable[[], bool],
        authority: Callable[[], str | None] | None = None,
    ) -> None:
        self._driver = driver
        self._owned = owned
        self._authority = authority
        self._sent = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._driver, name)

    async def sound(self, request: Any, permit: Any) -> Any:
        from sirenctl.drivers.errors import RefusedForSafety

        if not self._owned():
            raise RefusedForSafety(
                L_("the claim on this work order was lost (lease expired): not sending"),
                target=self._driver.tag,
            )
        if self._authority is not None and self._sent > 0:
            refusal = await asyncio.to_thread(self._authority)
            if refusal is not None:
                raise RefusedForSafety(
                    L_("not sending: {refusal}", refusal=refusal), target=self._driver.tag
                )
        self._sent += 1
        return await self._driver.sound(request, permit)


class WriteGate:
    """Opens when every expected write was acknowledged, or at ``deadline`` (clock time)."""

    def __init__(self, expected: int, deadline: float, clock: Any) -> None:
        self.expected = expected
        self.deadline = deadline
        self.clock = clock
        self.arrived = 0
        self.open = asyncio.Event()

    async def arrive(self) -> None:
        self.arrived += 1
        if self.arrived >= self.expected:
            self.open.set()
            return
        left = self.deadline - self.clock.now()
        if left > 0 and not self.open.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.open.wait(), left)


def by_instant(fired: list[Fired]) -> list[tuple[float, list[Fired]]]:
    groups: dict[float, list[Fired]] = {}
    for f in fired:
        groups.setdefault(f.job.due_at.timestamp(), []).append(f)
    return sorted(groups.items())


def quiet_orphan_futures() -> None:
    """pymodbus leaves futures with our own 'connection dropped' markers nobody awaits."""
    loop = asyncio.get_running_loop()

    def handler(lp: asyncio.AbstractEventLoop, ctx: dict[str, Any]) -> None:
        exc = ctx.get("exception")
        if ctx.get("message", "").startswith("Future exception was never retrieved") and (
            exc is not None and type(exc).__module__.endswith("modbus_link")
        ):
            return
        lp.default_exception_handler(ctx)

    loop.set_exception_handler(handler)
