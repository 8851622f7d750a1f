"""In the background of a run: leases renewed, records flushed in batches, claims and
controller locks released, the stop request watched (sirenctl/scheduling/executor.py)."""

from __future__ import annotations

import asyncio

from sqlalchemy.orm import Session

from sirenctl.scheduling import channels, commit, records
from sirenctl.scheduling.run_state import (
    FLUSH_EVERY_S,
    ExecutorState,
    utc_dt,
)
from sirenctl.scheduling.settle import OrderOutcome, apply


class Upkeep(ExecutorState):
    async def _renew_loop(self) -> None:
        while True:
            await asyncio.sleep(self.renew_every)
            if self.owned or self.held:
                await asyncio.to_thread(self._renew)

    def _renew(self) -> None:
        now = utc_dt(self.clock.now())
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
        self.released += release(self.db, ids, self.worker, reason, utc_dt(self.clock.now()))

    def _release_all(self) -> None:
        if self.held:
            held, self.held = list(self.held), {}
            records.write(self.db, lambda s: channels.release(s, self.worker, held))

    async def _stop_watch(self) -> None:
        await self.registry.stopping.wait()
        self.stop_reports = await self.registry.stop_all(self.registry.reason)
