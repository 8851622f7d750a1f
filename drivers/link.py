"""Links: one owner per physical channel, serialising requests with commands ahead of polls.

A :class:`Link` runs one request at a time. When idle, a request runs at once in the
caller's task (no hand-off cost); otherwise it waits in a priority queue where commands
(priority 0) go ahead of diagnostics (5) and polls (10), FIFO within a priority. A
request whose caller has gone away (cancelled) is dropped before it is sent.
Subclasses implement the wire: :mod:`.modbus_link`, :mod:`.bench_link`.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections import deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from .endpoint import Endpoint

T = TypeVar("T")

COMMAND = 0
DIAGNOSTIC = 5
POLL = 10


@dataclass
class LinkStats:
    requests: int = 0
    ok: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    connects: int = 0
    connect_failures: int = 0
    #: labels in execution order (the last 200)
    order: deque[str] = field(default_factory=lambda: deque(maxlen=200))

    def note_error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


class Link:
    """Serialises work on one channel. ``submit`` is the only way to the wire."""

    def __init__(self, endpoint: Endpoint) -> None:
        self.endpoint = endpoint
        self.channel_key = endpoint.channel_key
        self.stats = LinkStats()
        self._busy = False
        self._heap: list[
            tuple[int, int, str, Callable[[], Awaitable[Any]], asyncio.Future[Any]]
        ] = []
        self._seq = itertools.count()
        self._drainer: asyncio.Task[None] | None = None
        self._closed = False

    @property
    def queued(self) -> int:
        return len(self._heap)

    async def submit(self, priority: int, fn: Callable[[], Awaitable[T]], label: str = "") -> T:
        """Run ``fn`` alone on the channel, after every queued request of higher priority."""
        if self._closed:
            raise RuntimeError(f"link {self.channel_key} is closed")
        if not self._busy and not self._heap:
            self._busy = True
            stats = self.stats
            stats.requests += 1
            stats.order.append(label)
            try:
                return await fn()
            finally:
                self._busy = False
                if self._heap:
                    self._kick()
        fut: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._heap, (priority, next(self._seq), label, fn, fut))
        self._kick()
        return await fut

    async def _run(self, label: str, fn: Callable[[], Awaitable[T]]) -> T:
        self.stats.requests += 1
        self.stats.order.append(label)
        return await fn()

    def _kick(self) -> None:
        if self._heap and not self._busy and (self._drainer is None or self._drainer.done()):
            self._busy = True
            self._drainer = asyncio.get_running_loop().create_task(self._drain())

    async def _drain(self) -> None:
        try:
            while self._heap:
                _, _, label, fn, fut = heapq.heappop(self._heap)
                if fut.done():  # caller cancelled while queued: never sent
                    continue
                try:
                    result = await self._run(label, fn)
                except asyncio.CancelledError:
                    if not fut.done():
                        fut.cancel()
                    raise
                except BaseException as exc:  # noqa: BLE001 - handed to the caller
                    if not fut.done():
                        fut.set_exception(exc)
                else:
                    if not fut.done():
                        fut.set_result(result)
        finally:
            self._busy = False
            if self._heap and not self._closed:
                self._kick()

    async def close(self) -> None:
        self._closed = True
        for *_, fut in self._heap:
            if not fut.done():
                fut.cancel()
        self._heap.clear()
        if self._drainer and not self._drainer.done():
            self._drainer.cancel()
        await self._close_transport()

    async def _close_transport(self) -> None:  # pragma: no cover - overridden
        return None

    async def warm_up(self) -> None:
        """Open the connection ahead of use (sends nothing); links without one do nothing."""
        return None


class Backoff:
    """Reconnect back-off: min, doubling to max; ``ready()`` false while waiting."""

    def __init__(self, minimum: float = 0.5, maximum: float = 30.0) -> None:
        self.minimum = minimum
        self.maximum = maximum
        self.delay = 0.0
        self.not_before = 0.0

    def ready(self, now: float) -> bool:
        return now >= self.not_before

    def wait_left(self, now: float) -> float:
        return max(0.0, self.not_before - now)

    def failed(self, now: float) -> None:
        self.delay = self.minimum if self.delay == 0 else min(self.maximum, self.delay * 2)
        self.not_before = now + self.delay

    def succeeded(self) -> None:
        self.delay = 0.0
        self.not_before = 0.0
