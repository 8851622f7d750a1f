"""Several workers on one PostgreSQL database: gateways, a killed worker, a standby taking over.

Three real ``run-due`` processes for two gateways against simulators in another process; one
worker is killed between its claim and the instant; every controller must play exactly once,
within the late allowance.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from sirenctl.models import Asset
from sirenctl.models.scheduling import WorkOrder
from tests.scheduling.helpers import add_assets, add_orders, approve_live, sim_process

SIRENCTL = shutil.which("sirenctl")
GROWL = 4


def _worker(url: str, gateway: str) -> subprocess.Popen[str]:
    assert SIRENCTL
    return subprocess.Popen(
        [SIRENCTL, "--db", url, "run-due", "--gateway", gateway, "--timeout", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )


def _claimed(db, ids: list[int]) -> bool:
    with db.session() as s:
        rows = s.scalars(select(WorkOrder).where(WorkOrder.id.in_(ids))).all()
        return all(r.status == "running" and r.claimed_by for r in rows)


def test_three_workers_two_gateways_one_killed_each_controller_exactly_once(pg_url):
    from sirenctl.db import Database

    db = Database(pg_url)
    try:
        with sim_process(6) as sim:
            tags = sorted(sim.ports)
            add_assets(db, sim.ports)
            north, south = tags[:3], tags[3:]
            with db.transaction() as s:
                s.execute(update(Asset).where(Asset.tag.in_(north)).values(gateway="north"))
                s.execute(update(Asset).where(Asset.tag.in_(south)).values(gateway="south"))
            due = datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=15)
            ids = add_orders(db, tags, due_at=due, window=timedelta(minutes=2))
            approve_live(db, ids)
            with db.session() as s:
                north_ids = list(
                    s.scalars(
                        select(WorkOrder.id)
                        .join(Asset, WorkOrder.asset_id == Asset.id)
                        .where(Asset.tag.in_(north))
                    )
                )
            first = _worker(pg_url, "north")
            other = _worker(pg_url, "south")
            deadline = time.monotonic() + 30
            while not _claimed(db, north_ids):
                assert time.monotonic() < deadline, "the north worker claimed nothing"
                time.sleep(0.1)
            first.send_signal(signal.SIGKILL)  # claimed and preparing, nothing committed yet
            first.wait(30)
            assert other.wait(120) == 0, other.stderr.read() if other.stderr else ""
            # the standby for north runs like cron would (here every few seconds) until the
            # dead worker's short lease ran out and it could take the work over
            takeover = None
            while time.monotonic() < deadline + 120:
                standby = _worker(pg_url, "north")
                out, err = standby.communicate(timeout=120)
                if "done" in out or "executed" in out:
                    takeover = standby
                    break
                time.sleep(3)
            assert takeover is not None and takeover.returncode == 0, err
            stats = sim.stats()
        t = due.timestamp()
        for tag in tags:
            growls = [at for at, code in stats[tag]["commands"] if code == GROWL]
            assert len(growls) == 1, (tag, stats[tag])  # exactly once
            assert t <= growls[0] <= t + 120, (tag, growls[0] - t)  # on time: in the allowance
        for tag in south:  # the surviving gateway's worker was not held back
            assert stats[tag]["commands"][0][0] - t < 5
        with db.session() as s:
            statuses = {wo.id: wo.status for wo in s.scalars(select(WorkOrder))}
        assert set(statuses.values()) == {"done"}, statuses
    finally:
        db.dispose()


@pytest.mark.parametrize("gateway", [None, "north"])
def test_a_worker_sees_only_its_gateways_work(sdb, gateway):
    from sirenctl.scheduling.claims import sweep

    add_assets(sdb, {"N1": 1502, "S1": 1503, "X1": 1504})
    with sdb.transaction() as s:
        s.execute(update(Asset).where(Asset.tag == "N1").values(gateway="north"))
        s.execute(update(Asset).where(Asset.tag == "S1").values(gateway="south"))
    due = datetime(2026, 9, 18, 4, 0, tzinfo=UTC)
    add_orders(sdb, ["N1", "S1", "X1"], due_at=due)
    report = sweep(sdb, due, "w", gateway)
    assert [d.tag for d in report.decisions] == (["X1"] if gateway is None else ["N1"])
