"""Record writes for execution: batched, off the event loop, and retried while SQLite is busy.

Only *records* are retried here (results, audit events, lease renewals), never a device
command. A write lock held by another process (a big CSV import holds it for over a minute)
delays the records; it never aborts a batch nor loses the results of units that played.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

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
    """Driver audit sink that keeps command records in memory; :meth:`flush` writes a batch.

    The intent of every audible command is already on record (written in one batch before
    the instant, see executor); the command records with their echo follow in batches, so
    no database round trip happens on the event loop while commands go out.
    """

    def __init__(self, operator: str) -> None:
        self.operator = operator
        self._pending: list[Any] = []
        self._lock = threading.Lock()

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

    def flush(self, db: Any) -> int:
        recs = self.take()
        if recs:
            write(db, lambda s: self.write_batch(s, recs))
        return len(recs)
