"""The daemon: a real BlockingScheduler sweeping, one per database, missed runs as alarms."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from sirenctl.models import AuditEvent
from sirenctl.scheduling.daemon import Daemon, DaemonConfig, DaemonRefused
from sirenctl.scheduling.leases import acquire
from tests.scheduling.conftest import PLANNER, seed_county


def test_daemon_sweeps_and_refuses_a_second_one(sdb):
    from sirenctl.models.scheduling import SchedulerLease, WorkOrder

    seed_county(sdb)
    now = datetime.now(UTC)
    with sdb.transaction() as s:  # a manual check that run-due should issue
        s.add(
            WorkOrder(
                campaign="c",
                task="manual_check",
                asset_id=1,
                nominal_at=now,
                due_at=now,
                act_at=now - timedelta(days=7),
                window_end_at=now + timedelta(days=7),
                timezone="Asia/Shanghai",
                checklist=["ok"],
                audible=False,
                provisional=False,
                status="planned",
                planned_by=PLANNER,
                planned_at=now,
                attempts=0,
            )
        )
    swept = threading.Event()
    logs: list[str] = []
    daemon = Daemon(
        sdb,
        DaemonConfig(sweep_every=0.2, lease_ttl=timedelta(seconds=3), holder="d1"),
        log=logs.append,
        on_sweep=lambda result: swept.set(),
    )
    thread = threading.Thread(target=daemon.run)
    thread.start()
    try:
        assert swept.wait(20), logs
        second = Daemon(sdb, DaemonConfig(holder="d2"), log=logs.append)
        try:
            second.run()
            raise AssertionError("a second daemon started")
        except DaemonRefused as exc:
            assert "d1" in str(exc)
        job = daemon.scheduler.get_job("run-due")
        assert job.misfire_grace_time == 30 and job.coalesce is True and job.max_instances == 1
    finally:
        daemon.stop()
        thread.join(20)
    assert not thread.is_alive()
    assert any("issue: work order 1 HC-C01" in line for line in logs)
    with sdb.session() as s:
        assert s.get(SchedulerLease, "daemon") is None  # released on stop
    assert acquire(sdb, "daemon", "d2", datetime.now(UTC), timedelta(seconds=5)) is None


def test_missed_scheduler_run_is_an_alarm(sqlite_db):
    from types import SimpleNamespace

    daemon = Daemon(sqlite_db, DaemonConfig(holder="d1"), log=lambda _: None)
    daemon._missed(
        SimpleNamespace(job_id="run-due", scheduled_run_time=datetime(2026, 9, 18, tzinfo=UTC))
    )
    with sqlite_db.session() as s:
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "daemon.missed"))
    assert event.outcome == "alarm" and event.object_ref == "run-due"


def test_lost_lease_stops_the_daemon(sqlite_db):
    stopped = threading.Event()
    logs: list[str] = []
    daemon = Daemon(
        sqlite_db,
        DaemonConfig(sweep_every=60, lease_ttl=timedelta(seconds=0.6), holder="d1"),
        log=logs.append,
    )
    thread = threading.Thread(target=lambda: (daemon.run(), stopped.set()))
    thread.start()
    try:
        from sirenctl.models.scheduling import SchedulerLease

        for _ in range(100):  # wait for the lease, then let another holder steal it
            with sqlite_db.transaction() as s:
                row = s.get(SchedulerLease, "daemon")
                if row is not None:
                    row.holder = "thief"
                    break
            threading.Event().wait(0.05)
        assert stopped.wait(20)
    finally:
        daemon.stop()
        thread.join(20)
    assert daemon.lost_lease and any("lease lost" in line for line in logs)


def test_daemon_keeps_sweeping_while_a_programme_plays_and_stops_it(sdb):
    from sirenctl.models.scheduling import WorkOrder
    from tests.scheduling.helpers import add_assets, add_orders, approve_live, sim_process

    with sim_process(1) as sim:
        add_assets(sdb, sim.ports)
        (wo_id,) = add_orders(
            sdb,
            list(sim.ports),
            due_at=datetime.now(UTC) - timedelta(seconds=1),
            programme="cn-918-noon",
            task="trial_sounding",
        )
        approve_live(sdb, [wo_id])
        logs: list[str] = []
        playing = threading.Event()
        swept_while_playing = threading.Event()

        def log(line: str) -> None:
            logs.append(line)
            if "step 1/3" in line:
                playing.set()

        def on_sweep(result) -> None:
            if playing.is_set() and daemon.executing:
                swept_while_playing.set()

        daemon = Daemon(
            sdb,
            DaemonConfig(sweep_every=0.2, lease_ttl=timedelta(seconds=30), holder="d1"),
            log=log,
            on_sweep=on_sweep,
        )
        thread = threading.Thread(target=daemon.run)
        thread.start()
        try:
            assert playing.wait(30), logs
            assert swept_while_playing.wait(30), logs  # the sweep is not blocked
        finally:
            daemon.stop()
            thread.join(60)
        assert not thread.is_alive()
        (tag,) = sim.ports
        ctrl = sim.stats()[tag]
        assert not ctrl["sounding"] and [c[1] for c in ctrl["commands"]] == [1, 0]
    with sdb.session() as s:
        wo = s.get(WorkOrder, wo_id)
        assert wo.status == "cancelled" and "daemon" in wo.outcome_note
    assert any("stopped, silence confirmed" in line for line in logs), logs
