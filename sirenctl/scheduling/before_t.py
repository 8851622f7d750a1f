"""Before T: connections warmed up, statuses read, bench units proven, orders committed to
sending in one transaction (the order of events is in sirenctl/scheduling/executor.py)."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import Any

from sirenctl.models.scheduling import ResultOutcome
from sirenctl.scheduling import commit, records
from sirenctl.scheduling.instant import (
    Fired,
    WriteGate,
)
from sirenctl.scheduling.outcomes import Outcome, Verdict
from sirenctl.scheduling.run_state import (
    CHANNEL_RETRY_S,
    WRITE_GATE_S,
    ExecutorState,
    bounded,
    connection_of,
    utc_dt,
)


class Preparation(ExecutorState):
    async def _warm_up(self, pool: Any) -> None:
        """Open every connection before the instant (connecting sends nothing)."""
        await bounded([link.warm_up for link in pool.links.values()], self.registry.stopping)

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

    async def _prefetch(self, group: list[Fired]) -> None:
        """Read each unit's status just before T (silent): at T only the command goes out."""
        live = [f.driver for f in group if f.job.audible and f.driver is not None]
        await bounded([d.prefetch_status for d in live], self.registry.stopping)
        bench = [f for f in group if f.job.bench is not None and f.driver is not None]
        await bounded([partial(self._prove_ahead, f) for f in bench], self.registry.stopping)

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
        self._proven[f.job.wo_id] = (problem, connection_of(f.driver))

    # ---- committing to send ---------------------------------------------------------------
    async def _commit(self, group: list[Fired]) -> None:
        audible = [f for f in group if f.job.audible and f.job.problem is None]
        if not audible or self.registry.stopping.is_set():
            return
        now = utc_dt(self.clock.now())
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
            now = utc_dt(self.clock.now())

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
