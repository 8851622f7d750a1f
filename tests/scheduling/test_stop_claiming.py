"""Stop during the claim sweep: a real run-due blocked on a write lock held by a second
process gets SIGINT/SIGTERM; it releases its claims, says so in one line and exits 130/143."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from sirenctl.models import AuditEvent
from sirenctl.models.scheduling import WorkOrder
from tests.scheduling.helpers import add_assets, add_orders, approve_live

SIRENCTL = shutil.which("sirenctl")
HOLD = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_during_claim_sweep_releases_claims(sqlite_db, sqlite_url, signum, code) -> None:
    assert SIRENCTL
    add_assets(sqlite_db, {"T01": 1, "T02": 1})  # nothing may connect: port 1 is closed
    ids = add_orders(
        sqlite_db,
        ["T01", "T02"],
        due_at=datetime.now(UTC) + timedelta(seconds=30),  # claimed early, sent at T
        programme="cn-growl",
        task="growl_test",
    )
    approve_live(sqlite_db, ids)
    path = sqlite_url.removeprefix("sqlite:///")
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, path], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdin is not None
    assert holder.stdout.readline().strip() == "locked"
    proc = subprocess.Popen(
        [SIRENCTL, "--db", sqlite_url, "--operator", "值班员", "run-due", "--timeout", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "LANG": "C.UTF-8", "LANGUAGE": "en"},
    )
    assert proc.stderr is not None
    try:
        line = proc.stderr.readline()  # the sweep waits for the write lock and says so
        assert "claiming due work orders is taking long" in line, line
        proc.send_signal(signum)
        holder.stdin.write("\n")  # let go: the sweep's BEGIN IMMEDIATE goes through
        holder.stdin.flush()
        _, err = proc.communicate(timeout=60)
    finally:
        holder.wait(timeout=20)
        if proc.poll() is None:
            proc.kill()
    name = signal.Signals(signum).name
    assert proc.returncode == code, err
    assert "Aborted" not in err and "Traceback" not in err, err
    assert f"{name}: stopped before anything was sent; 2 claimed work order(s) released" in err
    with sqlite_db.session() as s:
        for wo in s.scalars(select(WorkOrder).where(WorkOrder.id.in_(ids))):
            assert (wo.status, wo.claimed_by, wo.lease_until) == ("planned", None, None)
            assert wo.committed_at is None and wo.attempts == 0
            assert name in (wo.outcome_note or "") and "值班员" in (wo.outcome_note or "")
        released = s.scalars(select(AuditEvent).where(AuditEvent.action == "workorder.release"))
        assert sorted(int(e.object_ref) for e in released) == sorted(ids)
        claims = s.scalars(select(AuditEvent).where(AuditEvent.action == "workorder.claim"))
        assert len(list(claims)) == 2
        assert not list(s.scalars(select(AuditEvent).where(AuditEvent.action.like("command.%"))))
