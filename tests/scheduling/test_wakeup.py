"""LISTEN/NOTIFY wake-ups on PostgreSQL (sirenctl/scheduling/wakeup.py): a daemon whose timer
would sweep only in an hour sweeps at once when an approval (or a released lease) is committed."""

from __future__ import annotations

import threading

import pytest

from sirenctl.db import Database
from sirenctl.scheduling.daemon import Daemon, DaemonConfig
from sirenctl.scheduling.leases import acquire, release
from sirenctl.scheduling.wakeup import Listener, notify
from sirenctl.timeutil import utcnow

pytestmark = pytest.mark.postgres


def test_a_committed_notification_reaches_a_listener_and_a_rolled_back_one_does_not(pg_url):
    db = Database(pg_url)
    got: list[str] = []
    arrived = threading.Event()

    def on_wake(reason: str) -> None:
        got.append(reason)
        arrived.set()

    listener = Listener(db, on_wake, poll=0.2)
    try:
        assert listener.start()
        assert listener.ready.wait(30)
        with pytest.raises(RuntimeError), db.transaction() as s:
            notify(s, "rolled back")
            raise RuntimeError("abort")
        with db.transaction() as s:
            notify(s, "approved")
        assert arrived.wait(30)
        assert got == ["approved"]  # PostgreSQL delivers in commit order: the first never came
    finally:
        listener.stop()
        db.dispose()


def test_an_approval_notification_wakes_a_daemon_at_once(pg_url):
    db = Database(pg_url)
    swept = threading.Event()
    daemon = Daemon(
        db,
        DaemonConfig(holder="d1", sweep_every=3600.0),  # its timer would sweep in an hour
        log=lambda _m: None,
        on_sweep=lambda _r: swept.set(),
    )
    thread = threading.Thread(target=daemon.run, daemon=True)
    thread.start()
    try:
        for _ in range(300):
            listening = daemon.listener is not None and daemon.listener.ready.is_set()
            if listening and daemon.scheduler is not None and daemon.scheduler.running:
                break
            threading.Event().wait(0.1)
        assert not swept.is_set()
        with db.transaction() as s:
            notify(s, "approved")
        assert swept.wait(30), "the notification did not wake the daemon"
    finally:
        daemon.stop()
        thread.join(30)
        db.dispose()


def test_a_standby_takes_the_lease_when_the_holder_releases_it(pg_url):
    db = Database(pg_url)
    from datetime import timedelta

    from sirenctl.scheduling.daemon import lease_name

    name = lease_name(None)
    assert acquire(db, name, "first", utcnow(), timedelta(hours=1)) is None
    standby = Daemon(db, DaemonConfig(holder="standby", standby=True), log=lambda _m: None)
    thread = threading.Thread(target=standby.run, daemon=True)
    thread.start()
    try:
        for _ in range(300):
            if standby.listener and standby.listener.ready.is_set():
                break
            threading.Event().wait(0.1)
        release(db, name, "first")  # held for an hour otherwise; the release also NOTIFYs
        for _ in range(300):
            if standby.scheduler is not None and standby.scheduler.running:
                break
            threading.Event().wait(0.1)
        assert standby.scheduler is not None and standby.scheduler.running
    finally:
        standby.stop()
        thread.join(30)
        db.dispose()
