"""``run-due`` as a function: sweep (claim, issue, refuse, miss), then execute what was claimed.

Cheap when idle: one indexed query, and neither the schedule library, APScheduler, the
driver layer, pymodbus nor Textual is imported unless something was claimed.
"""

from __future__ import annotations

import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sirenctl.scheduling.claims import SweepReport, peek, sweep


class SystemClock:
    """Real time, with the driver layer's clock interface (epoch seconds, async sleep)."""

    def now(self) -> float:
        return time.time()

    async def sleep(self, seconds: float) -> None:
        import asyncio

        await asyncio.sleep(max(0.0, seconds))


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


@dataclass
class RunDueResult:
    report: SweepReport
    outcomes: list[Any] = field(default_factory=list)

    @property
    def missed(self) -> list[Any]:
        return (
            self.report.of("miss")
            + self.report.of("unknown")
            + [o for o in self.outcomes if o.status == "unknown"]
        )

    @property
    def refused(self) -> list[Any]:
        return self.report.of("refuse") + [o for o in self.outcomes if o.outcome == "refused"]

    @property
    def failed(self) -> list[Any]:
        return [o for o in self.outcomes if o.status == "failed"]

    @property
    def unreachable(self) -> list[Any]:
        return [o for o in self.outcomes if o.outcome in ("unreachable",)]

    def to_dict(self) -> dict[str, Any]:
        return {
            "at": self.report.at.isoformat(),
            "decisions": [d.to_dict() for d in self.report.decisions],
            "executed": [o.to_dict() for o in self.outcomes],
        }


def run_due(
    db: Any,
    *,
    clock: Any = None,
    worker: str | None = None,
    schedules_dir: Path | str | None = None,
    timeout: float | None = 2.0,
    dry_run_at: datetime | None = None,
) -> RunDueResult:
    """One sweep at the clock's time; with ``dry_run_at`` only report what would happen then."""
    if dry_run_at is not None:
        with db.session() as session:
            return RunDueResult(peek(session, dry_run_at.astimezone(UTC)))
    clock = clock or SystemClock()
    worker = worker or worker_id()
    now = datetime.fromtimestamp(clock.now(), UTC)
    report = sweep(db, now, worker)
    result = RunDueResult(report)
    if report.claimed:
        from sirenctl.scheduling.executor import execute

        result.outcomes = execute(
            db,
            report.claimed,
            worker=worker,
            clock=clock,
            schedules_dir=schedules_dir,
            timeout=timeout,
        )
    return result
