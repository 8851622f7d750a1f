"""``sirenctl daemon``: one long-running scheduler per database and gateway (APScheduler 3.11).

The same due-sweep as ``run-due`` runs every minute, plus optional silent status polls.
Claimed work executes in its own thread (own event loop), so sweeps go on while a
15-minute programme plays. SIGTERM/SIGINT stop every unit the daemon started (verified by
echo) and record the orders as cancelled before it exits (130/143). A ``standby`` daemon
waits for the lease of its gateway instead of refusing, and takes over when the first dies.
Settings follow docs/development.md, "Dependency pitfalls": an explicit ``misfire_grace_time`` (APScheduler's default
of 1 s silently skips runs), ``coalesce=True``, ``max_instances=1``, an in-memory job store
(never shared), a database lease refusing a second daemon, and every missed run an alarm.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sirenctl.i18n import L_
from sirenctl.scheduling.leases import acquire, release, renew
from sirenctl.scheduling.rundue import SIGNAL_EXIT, RunDueResult, SystemClock, worker_id
from sirenctl.scheduling.wakeup import Listener

LEASE_NAME = "daemon"


def lease_name(gateway: str | None) -> str:
    return LEASE_NAME if gateway is None else f"{LEASE_NAME}:{gateway}"


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
    gateway: str | None = None
    standby: bool = False  # wait for the lease instead of refusing
    operator: str = "scheduler"


@dataclass
class _Execution:
    thread: threading.Thread
    loop: Any = None
    registry: Any = None


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
        self.stopped_by: int | None = None
        self._running: list[_Execution] = []
        self._lock = threading.Lock()
        self._halt = threading.Event()
        self._woken = threading.Event()
        self.listener: Listener | None = None

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self.clock.now(), UTC)

    def sweep(self) -> None:
        """Claim and settle due work; claimed work starts in its own thread (sweeps go on)."""
        from sirenctl.scheduling.claims import Action, sweep

        report = sweep(self.db, self._now(), self.config.holder, self.config.gateway)
        self.sweeps += 1
        for d in report.decisions:
            if d.action is not Action.CLAIM:
                self.log(
                    f"{d.action}: work order {d.work_order_id} {d.tag} {d.campaign} {d.reason}"
                )
        result = RunDueResult(report)
        if report.claimed:
            self._start_execution(report.claimed, result)
        elif self.on_sweep:
            self.on_sweep(result)

    def _start_execution(self, claimed: list[int], result: RunDueResult) -> None:
        execution = _Execution(threading.Thread(name="execute", daemon=True, target=lambda: None))

        def on_loop(loop: Any, registry: Any) -> None:
            execution.loop, execution.registry = loop, registry
            if self._halt.is_set():
                loop.call_soon_threadsafe(registry.request_stop, self._reason())

        def work() -> None:
            from sirenctl.scheduling.executor import execute

            try:
                ex = execute(
                    self.db,
                    claimed,
                    worker=self.config.holder,
                    clock=self.clock,
                    operator=self.config.operator,
                    schedules_dir=self.config.schedules_dir,
                    timeout=self.config.timeout,
                    progress=self.log,
                    on_loop=on_loop,
                )
                result.outcomes = sorted(ex.outcomes, key=lambda o: o.wo_id)
                result.stop_reports = ex.stop_reports
                for o in result.outcomes:
                    self.log(f"{o.outcome}: work order {o.wo_id} {o.tag} -> {o.status} {o.note}")
                for r in ex.stop_reports:
                    self.log(r.describe())
            except Exception as exc:  # noqa: BLE001 - an alarm line, the daemon goes on
                self.log(f"ALARM: execution of work orders {claimed} failed: {exc!r}")
            finally:
                with self._lock:
                    self._running.remove(execution)
                if self.on_sweep:
                    self.on_sweep(result)

        execution.thread = threading.Thread(name="execute", target=work, daemon=True)
        with self._lock:
            self._running.append(execution)
        execution.thread.start()

    @property
    def executing(self) -> int:
        with self._lock:
            return len(self._running)

    def _reason(self) -> str:
        name = signal.Signals(self.stopped_by).name if self.stopped_by else "stop"
        return f"{name} to the daemon ({self.config.operator} on {self.config.holder})"

    def stop_executions(self, timeout: float = 120.0) -> None:
        """Stop every unit the running executions started, and wait for them to finish."""
        self._halt.set()
        with self._lock:
            running = list(self._running)
        for ex in running:
            if ex.loop is not None and ex.registry is not None:
                ex.loop.call_soon_threadsafe(ex.registry.request_stop, self._reason())
        for ex in running:
            ex.thread.join(timeout)

    def renew_lease(self) -> None:
        name = lease_name(self.config.gateway)
        if not renew(self.db, name, self.config.holder, self._now(), self.config.lease_ttl):
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
        from sirenctl.audit import record_read
        from sirenctl.registry.status_store import store_poll_results

        with self.db.transaction() as session:  # last known status, shown with its age
            store_poll_results(session, results, source="daemon")
            record_read(  # one audit record per sweep
                session,
                operator="scheduler",
                source="daemon",
                tags=list(results),
                failed=[tag for tag, res in results.items() if not res.ok],
            )
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

    def wake(self, reason: str) -> None:
        """A LISTEN/NOTIFY hint (sirenctl/scheduling/wakeup.py): sweep now, retry the lease."""
        self._woken.set()
        scheduler = self.scheduler
        if reason.startswith("lease:") or scheduler is None or not scheduler.running:
            return
        with contextlib.suppress(Exception):  # stopping meanwhile: nothing to wake
            scheduler.modify_job("run-due", next_run_time=datetime.now(UTC))

    def stop(self) -> None:
        self._halt.set()
        self._woken.set()
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=False)

    def run(self) -> None:
        """Block until stopped (SIGTERM/SIGINT, :meth:`stop`, or a lost lease)."""
        listener = self.listener = Listener(self.db, self.wake)  # PostgreSQL: NOTIFY wakes
        listener.start()
        try:
            self._run()
        finally:
            listener.stop()

    def _run(self) -> None:
        from apscheduler.events import EVENT_JOB_MISSED, EVENT_SCHEDULER_STARTED
        from apscheduler.schedulers.blocking import BlockingScheduler
        from apscheduler.triggers.interval import IntervalTrigger

        cfg = self.config
        name = lease_name(cfg.gateway)
        held = acquire(self.db, name, cfg.holder, self._now(), cfg.lease_ttl)
        if held is not None and cfg.standby:
            self.log(f"standby: {held.holder} holds lease {name}; waiting to take over")
            while held is not None and not self._halt.is_set():
                self._woken.wait(min(5.0, cfg.lease_ttl.total_seconds() / 3))
                self._woken.clear()
                held = acquire(self.db, name, cfg.holder, self._now(), cfg.lease_ttl)
            if held is not None:
                return
        if held is not None:
            raise DaemonRefused(
                L_(
                    (
                        "another daemon ({holder}) holds this database's scheduler lease "
                        "{name} until {expires_at:%Y-%m-%d %H:%M:%S} UTC"
                    ),
                    holder=held.holder,
                    name=name,
                    expires_at=held.expires_at,
                )
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
        # a signal that came before the scheduler was running: stop as soon as it runs
        self.scheduler.add_listener(self._started, EVENT_SCHEDULER_STARTED)
        self.scheduler.add_job(self.sweep, IntervalTrigger(seconds=cfg.sweep_every), id="run-due")
        self.scheduler.add_job(
            self.renew_lease, IntervalTrigger(seconds=cfg.lease_ttl.total_seconds() / 3), id="lease"
        )
        if cfg.poll_every:
            self.scheduler.add_job(self.poll, IntervalTrigger(seconds=cfg.poll_every), id="poll")
        if threading.current_thread() is threading.main_thread():
            for signum in SIGNAL_EXIT:
                signal.signal(signum, self._on_signal)
        self.log(
            f"daemon {cfg.holder}: sweeping every {cfg.sweep_every:g} s"
            + (f", polling every {cfg.poll_every:g} s" if cfg.poll_every else "")
        )
        try:
            self.scheduler.start()
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            self.stop_executions()
            release(self.db, name, cfg.holder)

    def _started(self, _event: Any) -> None:
        if self._halt.is_set():
            with contextlib.suppress(Exception):  # stopped meanwhile: nothing to shut down
                self.scheduler.shutdown(wait=False)

    def _on_signal(self, signum: int, _frame: Any) -> None:
        # idle between sweeps: stop quietly, nothing to stop (no lock: the main thread may hold it)
        busy = bool(self._running)
        if self.stopped_by is None:
            self.stopped_by = signum
            if busy:
                self.log(f"{signal.Signals(signum).name}: stopping every unit this daemon started")
            self._halt.set()
            self.stop()
        elif busy:
            self.log("already stopping; waiting for the stop to be confirmed by every unit")
