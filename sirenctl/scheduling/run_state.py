"""What one run of the executor holds, shared by its parts (sirenctl/scheduling/executor.py).

The parts are mixins over this state: before T (``before_t.py``), firing at T (``firing.py``)
and the background upkeep of leases and records (``upkeep.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sirenctl.scheduling import records
from sirenctl.scheduling.outcomes import Verdict
from sirenctl.scheduling.policy import RENEW_EVERY_S, WARM_UP_AT_ONCE
from sirenctl.scheduling.prepare import Job
from sirenctl.scheduling.settle import Finished, OrderOutcome

FLUSH_EVERY_S = 1.0
QUIET_S = 5.0  # after an instant, records wait this long (+2 ms per unit): the loop sends
WRITE_GATE_S = 1.0  # at most this long after T the verification reads wait for the writes
PROGRESS_UNITS = 20  # more units than this: progress per programme step, not per unit
CHANNEL_RETRY_S = 1.0
Progress = Callable[[str], None]


def utc_dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


class ExecutorState:
    def __init__(
        self,
        db: Any,
        worker: str,
        clock: Any,
        *,
        registry: Any = None,
        operator: str = "scheduler",
        progress: Progress | None = None,
    ) -> None:
        from sirenctl.drivers.started import SoundingRegistry

        self.db = db
        self.worker = worker
        self.clock = clock
        self.registry = registry or SoundingRegistry()
        self.operator = operator
        self.progress = progress
        self.audit = records.BufferedAudit(operator, db)
        self.owned: set[int] = set()  # work orders whose claim we still hold
        self.held: dict[str, int] = {}  # channel -> jobs of this run using it
        self._finished: list[Finished] = []
        self._lock = threading.Lock()
        self.outcomes: list[OrderOutcome] = []
        self.stop_reports: list[Any] = []
        self.stopped_by_operator: str | None = None
        self._jobs = 0
        self._quiet_until = 0.0
        # bench units proven before T (wo_id -> (None or why not, the link's connection count)):
        # at T only the command goes out, if it goes on the connection the proof was read on
        self._proven: dict[int, tuple[Exception | None, int | None]] = {}
        self.renew_every = RENEW_EVERY_S
        self._gone: set[str] = set()
        self._tags_on: dict[str, list[str]] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._playing: dict[tuple[int, int, str], int] = {}
        #: work orders handed back because the stop came before anything was sent for them
        self.released: list[int] = []
        self._unsent: list[int] = []

    def _timing(self, what: str, due: float) -> None:
        if os.environ.get("SIRENCTL_TIMING") and self.progress is not None:
            self.progress(f"timing: {what} at T{self.clock.now() - due:+.3f} s")

    async def _until(self, moment: float) -> None:
        wait = moment - self.clock.now()
        if wait > 0:
            sleeper = asyncio.ensure_future(self.clock.sleep(wait))
            stopper = asyncio.ensure_future(self.registry.stopping.wait())
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
            for t in (sleeper, stopper):
                t.cancel()
            await asyncio.gather(sleeper, stopper, return_exceptions=True)

    def _done(
        self, job: Job, started: datetime, verdict: Verdict, *, lost: bool = False, **data: Any
    ) -> None:
        item = Finished(job.wo_id, job.tag, verdict, started, utc_dt(self.clock.now()), data, lost)
        with self._lock:
            self._finished.append(item)


def connection_of(driver: Any) -> int | None:
    """Which connection of its link a driver is on (None: the link does not count them)."""
    link = getattr(driver, "link", None)
    count = getattr(link, "connections", None)
    return count if isinstance(count, int) and getattr(link, "connected", True) else None


async def bounded(calls: list[Callable[[], Any]], stop: asyncio.Event) -> None:
    """Run the calls with at most WARM_UP_AT_ONCE in flight (errors are left for later); once
    ``stop`` is set, calls not yet started are skipped (no further unit is connected or read)."""
    gate = asyncio.Semaphore(WARM_UP_AT_ONCE)

    async def one(call: Callable[[], Any]) -> None:
        async with gate:
            if stop.is_set():
                return
            with contextlib.suppress(Exception):
                await call()

    await asyncio.gather(*(one(c) for c in calls))
