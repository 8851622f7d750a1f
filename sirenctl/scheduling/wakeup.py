"""PostgreSQL LISTEN/NOTIFY wake-ups for workers on several machines (issue 12, "Several machines").

A notification is only a hint to look now: a woken daemon sweeps at once instead of at its
next timer tick, a standby retries the lease at once when the holder releases it. What a
worker may do is still decided by the claims' row locks and the leases, never by a message,
and a lost notification only costs the wait until the next timer tick. SQLite: no-ops.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

CHANNEL = "sirenctl_wake"


def notify(session: Session, reason: str) -> None:
    """Wake listening workers when ``session`` commits (PostgreSQL only; sent at COMMIT)."""
    bind = session.get_bind()
    if bind.dialect.name != "postgresql":
        return
    session.execute(
        text("SELECT pg_notify(:channel, :reason)"), {"channel": CHANNEL, "reason": reason}
    )


class Listener:
    """A thread holding one dedicated connection that LISTENs on :data:`CHANNEL`."""

    def __init__(self, db: Any, on_wake: Callable[[str], None], *, poll: float = 1.0) -> None:
        self.db = db
        self.on_wake = on_wake
        self.poll = poll
        self.ready = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> bool:
        """Start listening; False (and nothing started) on a database without LISTEN."""
        if self.db.dialect != "postgresql":
            return False
        self._thread = threading.Thread(name="wakeup", target=self._run, daemon=True)
        self._thread.start()
        return True

    def _run(self) -> None:
        raw = self.db.engine.raw_connection()  # same login as the worker's own connections
        try:
            conn = raw.driver_connection
            raw.rollback()
            conn.autocommit = True
            conn.execute(f"LISTEN {CHANNEL}")
            self.ready.set()
            while not self._stop.is_set():
                for note in conn.notifies(timeout=self.poll, stop_after=1):
                    self.on_wake(note.payload)
        except Exception:  # noqa: BLE001 - a hint only: the timer sweeps go on without it
            self.ready.set()
        finally:
            with contextlib.suppress(Exception):
                raw.invalidate()  # never hand a LISTENing connection back to the pool

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.poll + 5)
