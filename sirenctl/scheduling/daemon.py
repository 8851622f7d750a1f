"""``sirenctl daemon``: one long-running scheduler per database (APScheduler 3.11).

The same due-sweep as ``run-due`` runs every minute, plus optional silent status polls.
Settings follow docs/development.md, "Dependency pitfalls": an explicit ``misfire_grace_time`` (APScheduler's default
of 1 s silently skips runs), ``coalesce=True``, ``max_instances=1``, an in-memory job store
(never shared), a database lease refusing a second daemon, and every missed run an alarm.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sirenctl.scheduling.leases import acquire, release, renew
from sirenctl.scheduling.rundue import RunDueResult, SystemClock, run_due, worker_id

LEASE_NAME = "daemon"


class DaemonRefused(RuntimeError):
    """Another daemon holds this database's scheduler lease."""


@dataclass
class DaemonConfig:
    sweep_every: float = 60.0
    poll_every: float = 0.0  # 0: no status polls
    misfire_grace: int = 30
    lease_ttl: timedelta = timedelta(seconds=90)
    schedules_dir: Path | str | None = None
    timeout: float = 2.0
    holder: str = field(default_factory=worker_id)


class Daemon:
    def __init__(
        self,
        db: Any,
        config: DaemonConfig,
        *,
        clock: Any = None,
        log: Callable[[str], None] = print,
        on_sweep: Callable[[RunDueResult], None] | None = None,
    ) -> None:
        self.db = db
        self.config = config
        self.clock = clock or SystemClock()
        self.log = log
        self.on_sweep = on_sweep
        self.scheduler: Any = None
        self.lost_lease = False
        self.sweeps = 0

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock.now(), UTC)

    def sweep(self) -> None:
        result = run_due(
            self.db,
            clock=self.clock,
            worker=self.config.holder,
            schedules_dir=self.config.schedules_dir,
            timeout=self.config.timeout,
        )
        self.sweeps += 1
        for d in result.report.decisions:
            if d.action != "claim":
                self.log(
                    f"{d.action}: work order {d.work_order_id} {d.tag} {d.campaign} {d.reason}"
                )
        for o in result.outcomes:
            self.log(f"{o.outcome}: work order {o.wo_id} {o.tag} -> {o.status} {o.note}")
        if self.on_sweep:
            self.on_sweep(result)

    def renew_lease(self) -> None:
        if not renew(self.db, LEASE_NAME, self.config.holder, self._now(), self.config.lease_ttl):
            self.lost_lease = True
            self.log("ALARM: scheduler lease lost (another daemon or a stall); stopping")
            self.stop()

    def poll(self) -> None:
        import asyncio

        from sirenctl.devices import endpoint_for
        from sirenctl.drivers.operations import poll_endpoints
        from sirenctl.registry.assets import AssetFilter, list_assets

        with self.db.session() as session:
            endpoints = {}
            for asset in list_assets(session, AssetFilter(networked=True, include_retired=False)):
                try:
                    endpoints[asset.tag] = endpoint_for(asset, timeout=self.config.timeout)
                except ValueError as exc:
                    self.log(f"poll: {asset.tag}: {exc}")
        results = asyncio.run(poll_endpoints(endpoints))
        from sirenctl.registry.status_store import store_poll_results

        with self.db.transaction() as session:  # last known status, shown with its age
            store_poll_results(session, results, source="daemon")
        for tag, res in sorted(results.items()):
            if not res.ok:
                self.log(f"poll: {tag} unreachable: {res.error}")
            elif res.status is not None and res.status.faulty:
                self.log(f"poll: {tag} fault: {', '.join(res.status.faults())}")

    def _missed(self, event: Any) -> None:
        from sirenctl.audit import record

        self.log(f"ALARM: scheduled run of {event.job_id} missed at {event.scheduled_run_time}")
        with self.db.transaction() as session:
            record(
                session,
                operator="scheduler",
                action="daemon.missed",
                object_type="daemon",
                object_ref=event.job_id,
                outcome="alarm",
                message=f"run due {event.scheduled_run_time} was missed",
                at=self._now(),
            )

    def stop(self) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def run(self) -> None:
        """Block until stopped (SIGTERM/SIGINT, :meth:`stop`, or a lost lease)."""
        from apscheduler.events import EVENT_JOB_MISSED
        from apscheduler.schedulers.blocking import BlockingScheduler
        from apscheduler.triggers.interval import IntervalTrigger

        cfg = self.config
        held = acquire(self.db, LEASE_NAME, cfg.holder, self._now(), cfg.lease_ttl)
        if held is not None:
            raise DaemonRefused(
                f"another daemon ({held.holder}) holds this database's scheduler "
                f"lease until {held.expires_at:%Y-%m-%d %H:%M:%S} UTC"
            )
        self.scheduler = BlockingScheduler(
            timezone=UTC,
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                "misfire_grace_time": cfg.misfire_grace,
            },
        )
        self.scheduler.add_listener(self._missed, EVENT_JOB_MISSED)
        self.scheduler.add_job(self.sweep, IntervalTrigger(seconds=cfg.sweep_every), id="run-due")
        self.scheduler.add_job(
            self.renew_lease, IntervalTrigger(seconds=cfg.lease_ttl.total_seconds() / 3), id="lease"
        )
        if cfg.poll_every:
            self.scheduler.add_job(self.poll, IntervalTrigger(seconds=cfg.poll_every), id="poll")
        if threading.current_thread() is threading.main_thread():
            signal.signal(signal.SIGTERM, lambda *_: self.stop())
        self.log(
            f"daemon {cfg.holder}: sweeping every {cfg.sweep_every:g} s"
            + (f", polling every {cfg.poll_every:g} s" if cfg.poll_every else "")
        )
        try:
            self.scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            release(self.db, LEASE_NAME, cfg.holder)
