"""``run-due`` as a function: sweep (claim, issue, refuse, miss), then execute what was claimed.

Cheap when idle: one indexed query, and neither the schedule library, APScheduler, the
driver layer, pymodbus nor Textual is imported unless something was claimed.

Stop means stop: with ``handle_signals`` SIGINT/SIGTERM during execution end every
programme, send the stop command to every unit this run started (verified by echo) and
record the orders as cancelled; a second signal does not skip the stop. Orders the signal
caught before anything was sent for them (claimed early, waiting for T) are released instead:
planned again within their window, ``workorder.release`` naming the signal.
"""

from __future__ import annotations

import os
import signal
import socket
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sirenctl.i18n import _
from sirenctl.scheduling.claims import Action, SweepReport, peek, release, sweep
from sirenctl.scheduling.outcomes import Outcome

SIGNAL_EXIT = {signal.SIGINT: 130, signal.SIGTERM: 143}
SLOW_SWEEP_S = 1.0  # a claim sweep taking longer than this says so (a held write lock?)


def early_stop_text() -> str:
    """What a signal before anything was sent says (translated when shown)."""
    return _("{name}: stopping before anything is sent; releasing the claimed work orders")


class EarlyStop:
    """SIGINT/SIGTERM before the execution loop runs (claim sweep, preparing): remember the
    signal instead of raising (no click "Aborted!", no half-done claim); the caller releases
    the claims and exits 130/143. The execution loop installs its own handlers."""

    def __init__(self, log: Callable[[str], None]) -> None:
        self.signum: int | None = None
        self.log = log
        self._old: dict[int, Any] = {}

    def _on_signal(self, signum: int, _frame: Any) -> None:
        name = signal.Signals(signum).name
        if self.signum is None:
            self.signum = signum
            self.log(early_stop_text().format(name=name))

    def install(self) -> None:
        for signum in SIGNAL_EXIT:
            self._old[signum] = signal.signal(signum, self._on_signal)

    def restore(self) -> None:
        for signum, old in self._old.items():
            signal.signal(signum, old)
        self._old = {}


class SystemClock:
    """Real time, with the driver layer's clock interface (epoch seconds, async sleep)."""

    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        import asyncio

        await asyncio.sleep(max(0.0, seconds))


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass(frozen=True)
class FdLimit:
    soft: int
    hard: int
    needed: int

    @property
    def enough(self) -> bool:
        return self.soft >= self.needed

    def describe(self) -> str:
        return (
            f"this run needs about {self.needed} file descriptors (one per controller channel) "
            f"but the hard limit is {self.hard}: raise it (LimitNOFILE= in the systemd unit, "
            "or 'ulimit -Hn' for cron) or split the fleet over gateways (docs/operations.md)"
        )


def raise_fd_limit(channels: int) -> FdLimit:
    """Raise the soft fd limit as far as the hard limit allows for ``channels`` connections."""
    import resource

    needed = channels + 64  # database, logs, the event loop's own
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = needed if hard == resource.RLIM_INFINITY else min(needed, hard)
    if soft != resource.RLIM_INFINITY and soft < want:
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
        soft = want
    return FdLimit(soft, hard, needed)


@dataclass
class RunDueResult:
    report: SweepReport
    outcomes: list[Any] = field(default_factory=list)
    stopped_by: int | None = None  # the signal that stopped this run
    stop_reports: list[Any] = field(default_factory=list)
    fd_limit: FdLimit | None = None
    released: list[int] = field(default_factory=list)  # claims given back: nothing was sent

    @property
    def missed(self) -> list[Any]:
        return (
            self.report.of(Action.MISS)
            + self.report.of(Action.UNKNOWN)
            + [o for o in self.outcomes if o.outcome in (Outcome.UNKNOWN, Outcome.MISSED)]
        )

    @property
    def refused(self) -> list[Any]:
        return self.report.of(Action.REFUSE) + [
            o for o in self.outcomes if o.outcome is Outcome.REFUSED
        ]

    @property
    def failed(self) -> list[Any]:
        return [o for o in self.outcomes if o.outcome is Outcome.FAILED]

    @property
    def unreachable(self) -> list[Any]:
        return [o for o in self.outcomes if o.outcome is Outcome.NOT_SENT]

    @property
    def exit_signal_code(self) -> int | None:
        return SIGNAL_EXIT.get(signal.Signals(self.stopped_by)) if self.stopped_by else None

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.outcomes:
            out[o.outcome.value] = out.get(o.outcome.value, 0) + 1
        return out

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.report.at.isoformat(),
            "decisions": [d.to_dict() for d in self.report.decisions],
            "executed": [o.to_dict() for o in self.outcomes],
            "counts": self.counts(),
            "stopped_by": signal.Signals(self.stopped_by).name if self.stopped_by else None,
            "stops": [r.describe() for r in self.stop_reports],
            "released": self.released,
        }


def _install_stop(
    loop: Any, registry: Any, result: RunDueResult, who: str, log: Callable[[str], None]
) -> None:
    def on_signal(signum: int) -> None:
        name = signal.Signals(signum).name
        if result.stopped_by is None:
            result.stopped_by = signum
            if registry.sounding:
                log(
                    _("{signal}: stopping every unit this run started, please wait").format(
                        signal=name
                    )
                )
            else:  # waiting for T: what is not yet committed to sending goes back
                log(early_stop_text().format(name=name))
            registry.request_stop(f"{name} to run-due ({who})")
        else:
            log(
                _(
                    "{signal}: already stopping; waiting for the stop to be confirmed by every unit"
                ).format(signal=name)
            )

    for signum in SIGNAL_EXIT:
        loop.add_signal_handler(signum, on_signal, signum)


def run_due(
    db: Any,
    *,
    clock: Any = None,
    worker: str | None = None,
    schedules_dir: Path | str | None = None,
    timeout: float | None = 2.0,
    dry_run_at: datetime | None = None,
    gateway: str | None = None,
    operator: str = "scheduler",
    handle_signals: bool = False,
    progress: Callable[[str], None] | None = None,
    log: Callable[[str], None] = print,
    registry: Any = None,
) -> RunDueResult:
    """One sweep at the clock's time; with ``dry_run_at`` only report what would happen then."""
    if dry_run_at is not None:
        with db.session() as session:
            return RunDueResult(peek(session, dry_run_at.astimezone(UTC), gateway))
    clock = clock or SystemClock()
    worker = worker or worker_id()
    now = datetime.fromtimestamp(clock.now(), UTC)
    early = EarlyStop(log)
    if handle_signals:
        early.install()
    try:
        return _run(
            db,
            clock,
            worker,
            now,
            early,
            schedules_dir,
            timeout,
            gateway,
            operator,
            handle_signals,
            progress,
            log,
            registry,
        )
    finally:
        early.restore()


def _released(
    db: Any,
    result: RunDueResult,
    ids: list[int],
    worker: str,
    who: str,
    now: datetime,
    log: Callable[[str], None],
) -> RunDueResult:
    assert result.stopped_by is not None
    name = signal.Signals(result.stopped_by).name
    reason = f"{name} to run-due ({who}) before anything was sent: claim released"
    result.released = release(db, ids, worker, reason, now)
    _log_released(result, len(result.released), log)
    return result


def _run(
    db: Any,
    clock: Any,
    worker: str,
    now: datetime,
    early: EarlyStop,
    schedules_dir: Path | str | None,
    timeout: float | None,
    gateway: str | None,
    operator: str,
    handle_signals: bool,
    progress: Callable[[str], None] | None,
    log: Callable[[str], None],
    registry: Any,
) -> RunDueResult:
    import threading

    who = f"{operator} on {worker}"
    slow = threading.Timer(
        SLOW_SWEEP_S,
        log,
        [
            _(
                "run-due: claiming due work orders is taking long (is another process holding "
                "the database's write lock?)"
            )
        ],
    )
    slow.daemon = True
    if handle_signals:
        slow.start()
    try:
        report = sweep(db, now, worker, gateway, stopping=lambda: early.signum is not None)
    finally:
        slow.cancel()
    result = RunDueResult(report)
    if early.signum is not None:
        result.stopped_by = early.signum
        return _released(db, result, report.claimed, worker, who, now, log)
    if report.claimed:
        from sirenctl.scheduling.executor import execute

        result.fd_limit = raise_fd_limit(len(report.claimed))
        if not result.fd_limit.enough:
            log(f"WARNING: {result.fd_limit.describe()}")
        on_loop = None
        if handle_signals:

            def on_loop(loop: Any, reg: Any) -> None:
                _install_stop(loop, reg, result, who, log)
                if early.signum is not None and result.stopped_by is None:
                    # signalled while preparing: stop at once (nothing has been sent)
                    result.stopped_by = early.signum
                    reg.request_stop(f"{signal.Signals(early.signum).name} to run-due ({who})")

        ex = execute(
            db,
            report.claimed,
            worker=worker,
            clock=clock,
            schedules_dir=schedules_dir,
            timeout=timeout,
            progress=progress,
            on_loop=on_loop,
            registry=registry,
        )
        result.outcomes = sorted(ex.outcomes, key=lambda o: o.wo_id)
        result.stop_reports = ex.stop_reports
        result.released = ex.released
        if ex.released and result.stopped_by is not None:
            _log_released(result, len(ex.released), log)
    return result


def _log_released(result: RunDueResult, count: int, log: Callable[[str], None]) -> None:
    assert result.stopped_by is not None
    name = signal.Signals(result.stopped_by).name
    if result.outcomes:
        text = _(
            "{name}: {count} claimed work order(s) not yet sent released (planned again within "
            "their window)"
        )
    else:
        text = _(
            "{name}: stopped before anything was sent; {count} claimed work order(s) released "
            "(planned again within their window)"
        )
    log(text.format(name=name, count=count))
