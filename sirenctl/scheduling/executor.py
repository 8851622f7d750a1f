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
import contextlib
import os
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy.orm import Session

from sirenctl.i18n import _
from sirenctl.models.scheduling import ResultOutcome, WorkOrderStatus
from sirenctl.scheduling import channels, commit, records
from sirenctl.scheduling.instant import (
    Fired,
    Guarded,
    WriteGate,
    by_instant,
    quiet_orphan_futures,
)
from sirenctl.scheduling.outcomes import Outcome, Verdict, classify, done, programme_verdict
from sirenctl.scheduling.policy import RENEW_EVERY_S, WARM_UP_AT_ONCE, prepare_ahead
from sirenctl.scheduling.prepare import Job, prepare_jobs
from sirenctl.scheduling.settle import Finished, OrderOutcome, apply

if TYPE_CHECKING:
    from sirenctl.drivers.base import SirenDriver

S = WorkOrderStatus
FLUSH_EVERY_S = 1.0
QUIET_S = 5.0  # after an instant, records wait this long (+2 ms per unit): the loop sends
WRITE_GATE_S = 1.0  # at most this long after T the verification reads wait for the writes
PROGRESS_UNITS = 20  # more units than this: progress per programme step, not per unit
CHANNEL_RETRY_S = 1.0
Progress = Callable[[str], None]

__all__ = ["Executor", "Job", "OrderOutcome", "execute", "prepare_jobs"]


def _dt(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


class Executor:
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

    # ---- the run ------------------------------------------------------------------------
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

    async def _warm_up(self, pool: Any) -> None:
        """Open every connection before the instant (connecting sends nothing)."""
        await _bounded([link.warm_up for link in pool.links.values()], self.registry.stopping)

    def _gate_writes(self, group: list[Fired], due: float) -> None:
        """Verification reads of an instant wait until its writes are out (at most 1 s).

        Only for units alone on their channel (a shared RS-485 line or gateway port must not
        hold its link while waiting).
        """
        per_channel: dict[str, int] = {}
        for f in group:
            per_channel[f.job.channel] = per_channel.get(f.job.channel, 0) + 1
        alone = [
            f
            for f in group
            if f.committed and f.driver is not None and per_channel[f.job.channel] == 1
        ]
        if len(alone) < 2:
            return
        gate = WriteGate(len(alone), due + WRITE_GATE_S, self.clock)
        for f in alone:
            f.driver.after_write = gate.arrive

    def _timing(self, what: str, due: float) -> None:
        if os.environ.get("SIRENCTL_TIMING") and self.progress is not None:
            self.progress(f"timing: {what} at T{self.clock.now() - due:+.3f} s")

    async def _prefetch(self, group: list[Fired]) -> None:
        """Read each unit's status just before T (silent): at T only the command goes out."""
        live = [f.driver for f in group if f.job.audible and f.driver is not None]
        await _bounded([d.prefetch_status for d in live], self.registry.stopping)
        bench = [f for f in group if f.job.bench is not None and f.driver is not None]
        await _bounded([partial(self._prove_ahead, f) for f in bench], self.registry.stopping)

    async def _prove_ahead(self, f: Fired) -> None:
        """A bench unit's identity read on the connection that will carry its command, seconds
        before T (sirenctl/bench_guard.py); the verdict is used at T (:meth:`_bench_proven`)."""
        from sirenctl.bench_guard import BenchNotProven, prove_bench_unit
        from sirenctl.drivers.errors import DriverError

        problem: Exception | None = None
        try:
            await prove_bench_unit(f.driver, f.job.bench)
        except (BenchNotProven, DriverError) as exc:
            problem = exc
        self._proven[f.job.wo_id] = (problem, _connection_of(f.driver))

    async def _until(self, moment: float) -> None:
        wait = moment - self.clock.now()
        if wait > 0:
            sleeper = asyncio.ensure_future(self.clock.sleep(wait))
            stopper = asyncio.ensure_future(self.registry.stopping.wait())
            await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
            for t in (sleeper, stopper):
                t.cancel()
            await asyncio.gather(sleeper, stopper, return_exceptions=True)

    # ---- committing to send ---------------------------------------------------------------
    async def _commit(self, group: list[Fired]) -> None:
        audible = [f for f in group if f.job.audible and f.job.problem is None]
        if not audible or self.registry.stopping.is_set():
            return
        now = _dt(self.clock.now())
        taken, ours = await asyncio.to_thread(
            records.write,
            self.db,
            lambda s: commit.commit_batch(
                s, [f.job for f in audible], self.worker, self.operator, now
            ),
        )
        for f in audible:
            if f.job.problem is not None:  # refused right before sending (content changed)
                continue
            if f.job.wo_id not in ours:
                f.job.problem = Verdict(
                    Outcome.REFUSED, ResultOutcome.ERROR, "the claim was lost before sending"
                )
                f.job.claim_lost = True
                self.owned.discard(f.job.wo_id)
            elif f.job.channel in taken:
                f.committed = True
                self.audit.cover(f.job.tag, len(f.job.steps or []))  # intent written above
                self.held[f.job.channel] = self.held.get(f.job.channel, 0) + 1

    async def _wait_for_channel(self, f: Fired) -> Verdict | None:
        """Another process sounds this controller: wait while the allowance lasts."""
        job = f.job
        deadline = job.due_at.timestamp() + job.late_allowance
        while True:
            if self.registry.stopping.is_set():
                return Verdict(Outcome.CANCELLED, ResultOutcome.ERROR, "stopped before it started")
            now = _dt(self.clock.now())

            ok, busy_with = await asyncio.to_thread(
                records.write,
                self.db,
                lambda s, at=now: commit.take_channel(s, job, self.worker, at),
            )
            if ok:
                f.committed = True
                self.audit.cover(job.tag, len(job.steps or []))  # take_channel wrote it
                self.held[job.channel] = self.held.get(job.channel, 0) + 1
                return None
            if self.clock.now() + CHANNEL_RETRY_S > deadline:
                return Verdict(
                    Outcome.REFUSED,
                    ResultOutcome.ERROR,
                    f"controller busy with {busy_with}; it did not come free within the late "
                    "allowance, so this sounding was not started (nothing sent)",
                )
            await self._until(self.clock.now() + CHANNEL_RETRY_S)

    # ---- one work order --------------------------------------------------------------------
    async def _one(self, f: Fired, lock: asyncio.Lock) -> None:
        job = f.job
        started = _dt(self.clock.now())
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

    async def _silent(self, job: Job, driver: Any, started: datetime) -> None:
        from sirenctl.drivers.errors import DriverError

        await self._until(job.due_at.timestamp())
        if self.registry.stopping.is_set():  # before its self-test was sent: hand it back
            self._unsent.append(job.wo_id)
            return
        try:
            res = await driver.silent_test()
        except DriverError as exc:
            self._done(job, started, classify(exc, sent=exc.sent), error=exc.to_dict())
            return
        status = res.status
        faults = status.faults()
        note = f"self-test {res.result}" + (f"; faults: {', '.join(faults)}" if faults else "")
        verdict = (
            done(note)
            if res.passed and not faults
            else Verdict(Outcome.FAILED, ResultOutcome.FAIL, note)
        )
        measurements = {
            "battery_volts": status.battery_volts,
            "mains_present": status.mains_present,
            "door_open": status.door_open,
            "self_test": res.result,
            "faults": faults,
        }
        self._done(job, started, verdict, measurements=measurements, echo=res.activation.to_dict())

    async def _sound(self, job: Job, driver: Any, started: datetime) -> None:
        from sirenctl.drivers.programme import play_programme
        from sirenctl.security.approval_check import recheck_before_send

        def authority() -> str | None:
            return recheck_before_send(self.db, job.wo_id, job.steps)

        if job.bench is not None and not await self._bench_proven(job, driver, started):
            return
        guarded = Guarded(driver, lambda: job.wo_id in self.owned, authority)
        try:
            result = await play_programme(
                cast("SirenDriver", guarded),  # Guarded stands in for the driver it wraps
                job.steps,
                job.permit,
                self.clock,
                late_allowance=job.late_allowance,
                registry=self.registry,
                start_at=job.due_at.timestamp(),
                on_step=self._on_step,
            )
        except ValueError as exc:  # steps the controller cannot play (signal not configured)
            self._done(job, started, Verdict(Outcome.FAILED, ResultOutcome.ERROR, str(exc)))
            return
        verdict = programme_verdict(result)
        if verdict.outcome is Outcome.REFUSED and "claim" in verdict.message:
            self._done(job, started, verdict, lost=True)
            return
        echo = {
            "steps": [
                {
                    "index": s.index,
                    "signal_code": s.step.signal_code,
                    "outcome": s.outcome,
                    "planned_at": s.planned_at,
                    "sent_at": s.started_at,
                    "echo": s.echo,
                }
                for s in result.steps
            ]
        }
        final = result.final_status.to_dict() if result.final_status else None
        self._done(
            job,
            started,
            verdict,
            echo=echo,
            measurements={"final_status": final},
            stopped_by_operator=self.stopped_by_operator if result.stopped_by else None,
        )

    async def _bench_proven(self, job: Job, driver: Any, started: datetime) -> bool:
        """Read the bench unit's identity block before anything audible (services.bench); a
        mismatch or no answer refuses the order with an alarm (workorder.refuse), nothing sent."""
        from sirenctl.bench_guard import BenchNotProven, prove_bench_unit
        from sirenctl.drivers.errors import DriverError

        try:
            problem, read_on = self._proven.pop(job.wo_id, (None, None))
            if read_on is not None and read_on == _connection_of(driver):
                if problem is not None:  # read before T, on the connection the command takes
                    raise problem
            else:  # not read ahead, or the link reconnected since: read it now
                await prove_bench_unit(driver, job.bench)
        except (BenchNotProven, DriverError) as exc:
            reason = f"bench unit not proven on the wire, nothing sent: {exc}"
            self._done(
                job,
                started,
                Verdict(Outcome.REFUSED, ResultOutcome.ERROR, reason),
                refused_authority=True,
            )
            return False
        return True

    def _on_step(self, tag: str, index: int, total: int, name: str, left: float) -> None:
        if self.progress is None:
            return
        if self._jobs <= PROGRESS_UNITS:
            self.progress(
                _("{tag}: step {index}/{total} {name} playing, {left:.0f} s left").format(
                    tag=tag, index=index, total=total, name=name, left=left
                )
            )
            return
        key = (index, total, name)  # a large run: one line per step, not one per unit
        self._playing[key] = self._playing.get(key, 0) + 1
        if self._playing[key] == 1:
            self.progress(
                _(
                    "step {index}/{total} {name} playing on the first unit, {left:.0f} s left"
                ).format(index=index, total=total, name=name, left=left)
            )

    def _done(
        self, job: Job, started: datetime, verdict: Verdict, *, lost: bool = False, **data: Any
    ) -> None:
        item = Finished(job.wo_id, job.tag, verdict, started, _dt(self.clock.now()), data, lost)
        with self._lock:
            self._finished.append(item)

    # ---- background: leases, records, stop -------------------------------------------------
    async def _renew_loop(self) -> None:
        while True:
            await asyncio.sleep(self.renew_every)
            if self.owned or self.held:
                await asyncio.to_thread(self._renew)

    def _renew(self) -> None:
        now = _dt(self.clock.now())
        ids, held = sorted(self.owned), sorted(self.held)

        still, self._gone = records.write(
            self.db, lambda s: commit.renew_batch(s, self.worker, ids, held, now)
        )
        self.owned &= still | {i for i in self.owned if i not in ids}
        for channel in self._gone:  # someone (cancel --all) stopped it and removed the row
            for tag in self._tags_on.get(channel, ()):
                self._halt(tag, "stopped from elsewhere (its sounding record was cancelled)")

    def _halt(self, tag: str, reason: str) -> None:
        """From the renewal thread: end one unit's programme on the loop (nothing sent)."""
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self.registry.halt, tag, reason)

    async def _flush_loop(self) -> None:
        while True:
            await asyncio.sleep(FLUSH_EVERY_S)
            if self.clock.now() >= self._quiet_until:  # the intents are already on record
                await asyncio.to_thread(self._flush)

    def _flush(self) -> None:
        recs = self.audit.take()
        with self._lock:
            items, self._finished = self._finished, []
        if not recs and not items:
            return

        def write(session: Session) -> list[OrderOutcome]:
            self.audit.write_batch(session, recs)
            return apply(session, self.worker, items)

        self.outcomes += records.write(self.db, write)

    def _release_unsent(self) -> None:
        """Claims of orders the stop caught before anything was sent: planned again."""
        if not self._unsent:
            return
        from sirenctl.scheduling.claims import release

        ids, self._unsent = sorted(self._unsent), []
        reason = f"{self.registry.reason} before anything was sent: claim released"
        self.released += release(self.db, ids, self.worker, reason, _dt(self.clock.now()))

    def _release_all(self) -> None:
        if self.held:
            held, self.held = list(self.held), {}
            records.write(self.db, lambda s: channels.release(s, self.worker, held))

    async def _stop_watch(self) -> None:
        await self.registry.stopping.wait()
        self.stop_reports = await self.registry.stop_all(self.registry.reason)


def _connection_of(driver: Any) -> int | None:
    """Which connection of its link a driver is on (None: the link does not count them)."""
    link = getattr(driver, "link", None)
    count = getattr(link, "connections", None)
    return count if isinstance(count, int) and getattr(link, "connected", True) else None


async def _bounded(calls: list[Callable[[], Any]], stop: asyncio.Event) -> None:
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
