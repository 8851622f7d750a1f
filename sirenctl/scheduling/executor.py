"""Execute claimed work orders: prepare before the instant, fire on the second, record after.

Imported only when run-due has claimed something: it pulls in ``sirenctl.drivers`` (and so
pymodbus). The order of events for the work orders due at one instant T:

1. before T: drivers built and connections opened (nothing is sent on connect);
2. at T - prepare_ahead(N) every unit's status is read (silent), then ONE transaction commits every audible order to sending (from then
   on it is never re-run: a crash leaves it *unknown*, an alarm), writes the intent of each
   command to the audit log, and takes the per-controller lock (``sounding`` rows);
3. at T every programme starts with its commands built; the late allowance is checked
   against T at the moment each command is sent; nothing audible leaves before T;
4. after: command records, results and lease renewals are written in batches off the event
   loop (``records.write`` retries while SQLite is busy), never one round trip per order.

A stop request (SIGINT/SIGTERM, see ``rundue.run_due``) ends every programme and sends the
stop command to every unit this run started (``drivers/started.py``). Work orders of an
instant not yet committed to sending when the stop came (nothing was sent for them) are not
cancelled: their claims are released (planned again, ``workorder.release`` naming the stop),
and no further unit is connected to or read.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sirenctl.models.scheduling import ResultOutcome
from sirenctl.scheduling.before_t import Preparation
from sirenctl.scheduling.firing import Firing
from sirenctl.scheduling.instant import (
    Fired,
    by_instant,
    quiet_orphan_futures,
)
from sirenctl.scheduling.outcomes import Outcome, Verdict, classify
from sirenctl.scheduling.policy import RENEW_EVERY_S, prepare_ahead
from sirenctl.scheduling.prepare import Job, prepare_jobs
from sirenctl.scheduling.run_state import (
    QUIET_S,
    Progress,
    utc_dt,
)
from sirenctl.scheduling.settle import OrderOutcome
from sirenctl.scheduling.upkeep import Upkeep

__all__ = ["Executor", "Job", "OrderOutcome", "execute", "prepare_jobs"]


class Executor(Preparation, Firing, Upkeep):
    """Runs the claimed work orders of one run-due (or daemon tick) to completion."""

    async def run(self, jobs: list[Job]) -> list[OrderOutcome]:
        from sirenctl.drivers.modbus_link import quiet_pymodbus_logs
        from sirenctl.drivers.pool import LinkPool

        quiet_pymodbus_logs()
        quiet_orphan_futures()
        self.owned = {j.wo_id for j in jobs}
        self._loop = asyncio.get_running_loop()
        for j in jobs:
            self._tags_on.setdefault(j.channel, []).append(j.tag)
        self._jobs = len(jobs)
        background = [
            asyncio.create_task(self._renew_loop()),
            asyncio.create_task(self._flush_loop()),
            asyncio.create_task(self._stop_watch()),
        ]
        try:
            async with LinkPool() as pool:
                first = min((j.due_at.timestamp() for j in jobs), default=self.clock.now())
                self._timing("prepared", first)
                fired = self._drivers(jobs, pool)
                await self._warm_up(pool)
                self._timing("connected", first)
                locks: dict[str, asyncio.Lock] = {}
                tasks = []
                for due, group in by_instant(fired):
                    read_ahead, commit_ahead = prepare_ahead(len(group))
                    await self._until(due - read_ahead)
                    self._timing("prefetch", due)
                    await self._prefetch(group)
                    await self._until(due - commit_ahead)
                    self._timing("commit", due)
                    await self._commit(group)
                    self._timing("ready", due)
                    # one timer for the instant: every programme starts in the same loop
                    # iteration at T (no per-unit timers waking one after another)
                    self._gate_writes(group, due)
                    # no record batches while the instant's commands and verification run
                    self._quiet_until = due + QUIET_S + 0.002 * len(group)
                    await self._until(due)
                    tasks += [
                        asyncio.create_task(
                            self._one(f, locks.setdefault(f.job.channel, asyncio.Lock()))
                        )
                        for f in group
                    ]
                await asyncio.gather(*tasks)
                if self.registry.stopping.is_set():
                    self.stop_reports = await self.registry.stop_all(self.registry.reason)
        finally:
            for task in background:
                task.cancel()
            await asyncio.gather(*background, return_exceptions=True)
            await asyncio.to_thread(self._flush)
            await asyncio.to_thread(self._release_all)
            await asyncio.to_thread(self._release_unsent)
        return self.outcomes

    def _drivers(self, jobs: list[Job], pool: Any) -> list[Fired]:
        from sirenctl.drivers.errors import DriverError
        from sirenctl.drivers.pool import open_driver

        out = []
        for job in jobs:
            driver = None
            if job.problem is None:
                try:
                    driver = open_driver(
                        job.endpoint, pool, tag=job.tag, audit=self.audit, clock=self.clock
                    )
                except DriverError as exc:
                    job.problem = classify(exc, sent=False)
            out.append(Fired(job, driver))
        return out

    # ---- one work order --------------------------------------------------------------------
    async def _one(self, f: Fired, lock: asyncio.Lock) -> None:
        job = f.job
        started = utc_dt(self.clock.now())
        try:
            if self.registry.stopping.is_set() and not f.committed and job.problem is None:
                self._unsent.append(job.wo_id)  # stopped before its instant: nothing sent
                return
            if job.problem is not None:
                flag = {"refused_authority": True} if job.refused_authority else {}
                self._done(job, started, job.problem, lost=job.claim_lost, **flag)
                return
            waited = lock.locked()
            async with lock:  # one sounding per controller within this run
                late = self.clock.now() - job.due_at.timestamp()
                if waited and late > job.late_allowance:
                    busy = Verdict(
                        Outcome.REFUSED,
                        ResultOutcome.ERROR,
                        f"controller busy with another work order of this run until {late:.0f} s "
                        "after this one was due, past its late allowance: not started "
                        "(nothing sent)",
                    )
                    self._done(job, started, busy)
                    return
                if job.audible and not f.committed:
                    problem = await self._wait_for_channel(f)
                    if problem is not None:
                        self._done(job, started, problem)
                        return
                if job.task == "silent_test":
                    await self._silent(job, f.driver, started)
                else:
                    await self._sound(job, f.driver, started)
        finally:
            self.owned.discard(job.wo_id)


def execute(
    db: Any,
    wo_ids: list[int],
    *,
    worker: str,
    clock: Any,
    operator: str = "scheduler",
    schedules_dir: Path | str | None = None,
    timeout: float | None = 2.0,
    registry: Any = None,
    progress: Progress | None = None,
    on_loop: Callable[[asyncio.AbstractEventLoop, Any], None] | None = None,
    renew_every: float = RENEW_EVERY_S,
) -> Executor:
    """Run claimed work orders to completion (blocking); the executor holds the outcomes."""
    ex = Executor(db, worker, clock, registry=registry, operator=operator, progress=progress)
    ex.renew_every = renew_every
    if not wo_ids:
        return ex
    jobs = prepare_jobs(db, wo_ids, schedules_dir=schedules_dir, timeout=timeout, now=clock.now())

    async def main() -> None:
        if on_loop is not None:
            on_loop(asyncio.get_running_loop(), ex.registry)
        await ex.run(jobs)

    asyncio.run(main())
    return ex
