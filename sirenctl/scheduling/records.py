"""Record writes for execution: batched, off the event loop, and retried while SQLite is busy.

Only *records* are retried here (results, audit events, lease renewals), never a device
command. A write lock held by another process (a big CSV import holds it for over a minute)
delays the records; it never aborts a batch nor loses the results of units that played.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from sirenctl.i18n import L_

T = TypeVar("T")
RETRY_FOR_S = 600.0  # keep trying record writes this long while the database is locked


def _busy(exc: OperationalError) -> bool:
    text = str(exc.orig).lower() if exc.orig is not None else str(exc).lower()
    return "locked" in text or "busy" in text


def write(db: Any, fn: Callable[[Session], T], *, retry_for: float = RETRY_FOR_S) -> T:
    """Run ``fn`` in one write transaction, retrying it while SQLite reports busy/locked."""
    deadline = time.monotonic() + retry_for
    pause = 0.05
    while True:
        try:
            with db.transaction() as session:
                return fn(session)
        except OperationalError as exc:
            if not _busy(exc) or time.monotonic() > deadline:
                raise
            time.sleep(pause)
            pause = min(1.0, pause * 2)


class BufferedAudit:
    """Driver audit sink (drivers/audit.py AuditSink) for run-due: intents durable before the
    send, command results kept in memory and written in batches by :meth:`flush`.

    The commands of a committed audible order were put on record ahead of time (one
    ``command.intent`` per order naming its step count, written in the commit batch before the
    instant, sirenctl/scheduling/commit.py); :meth:`cover` lets that many ``sound`` intents of
    the unit pass without a round trip on the event loop. Every other command (a silent test,
    a stop, a step beyond the recorded count) has its intent committed before it is sent; if
    that cannot be done the driver sends nothing (AuditUnavailable).
    """

    INTENT_RETRY_S = 10.0  # a command waits at most this long for its intent to be written

    def __init__(self, operator: str, db: Any = None) -> None:
        self.operator = operator
        self.db = db
        self._pending: list[Any] = []
        self._covered: dict[str, int] = {}
        self._lock = threading.Lock()

    def cover(self, tag: str, commands: int) -> None:
        """``commands`` sound commands to ``tag`` are already on record (the commit batch)."""
        with self._lock:
            self._covered[tag] = self._covered.get(tag, 0) + commands

    def intent(self, rec: Any) -> Awaitable[None] | None:
        with self._lock:
            if rec.what == "sound" and self._covered.get(rec.target, 0) > 0:
                self._covered[rec.target] -= 1  # on record since the commit batch
                self._pending.append(replace(rec, details={**rec.details, "pre_recorded": True}))
                return None
        if self.db is None:
            raise RuntimeError(L_("no database to record the intent in"))
        db = self.db
        return asyncio.to_thread(
            write, db, lambda s: self.write_batch(s, [rec]), retry_for=self.INTENT_RETRY_S
        )

    def result(self, rec: Any) -> None:
        self(rec)

    def __call__(self, rec: Any) -> None:
        with self._lock:
            self._pending.append(rec)

    def take(self) -> list[Any]:
        with self._lock:
            out, self._pending = self._pending, []
        return out

    def write_batch(self, session: Session, recs: list[Any]) -> None:
        from sirenctl.audit import record
        from sirenctl.devices import _json_safe

        for rec in recs:
            after: dict[str, Any] = {"params": rec.params, "endpoint": rec.endpoint}
            if rec.permit:
                after["permit"] = rec.permit
            if rec.details:
                after["details"] = rec.details
            if rec.error_kind:
                after["error_kind"] = rec.error_kind
            record(
                session,
                operator=self.operator,
                action=f"command.{rec.what}",
                object_type="asset",
                object_ref=rec.target,
                after=_json_safe(after),
                outcome=rec.outcome,
                message=rec.error,
                at=datetime.fromtimestamp(rec.at, UTC),
            )

    def flush(self, db: Any = None) -> int:
        recs = self.take()
        target = db if db is not None else self.db
        if recs and target is not None:
            write(target, lambda s: self.write_batch(s, recs))
        return len(recs)
