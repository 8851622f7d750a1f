"""The due-sweep: approvals, missed detection, manual work orders, overlapping and killed workers."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from sirenctl.models import AuditEvent
from sirenctl.models.scheduling import TestResult, WorkOrder
from sirenctl.registry.errors import Conflict
from sirenctl.scheduling.approvals import ApprovalRefused
from sirenctl.scheduling.claims import peek, sweep
from tests.authority import approve_as
from tests.scheduling.conftest import (
    NINE_EIGHTEEN,
    SILENT,
    SOUNDING,
    plan,
    seed_county,
    work_orders,
    write_campaign,
)

YEAR = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def statuses(db) -> dict[str, str]:
    from sirenctl.models import Asset

    with db.session() as s:
        rows = s.execute(
            select(Asset.tag, WorkOrder.status).join(Asset, WorkOrder.asset_id == Asset.id)
        )
        return dict(rows.all())


def alarms(db) -> list[AuditEvent]:
    with db.session() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.outcome == "alarm")))


@pytest.fixture
def sounding_county(sdb, tmp_path):
    seed_county(sdb, {"T01": {}, "BENCH-01": {"is_bench": True}})
    write_campaign(tmp_path, "s", SOUNDING.format(programme="cn-918-noon", assets="all = true"))
    plan(sdb, tmp_path, *YEAR)
    return sdb


def test_live_sounding_refused_without_second_person(sounding_county):
    db = sounding_county
    report = sweep(db, NINE_EIGHTEEN + timedelta(seconds=5), "w1")
    actions = {d.tag: d.action for d in report.decisions}
    assert actions == {
        "T01": "refuse",
        "BENCH-01": "claim",
        "HC-C01": "issue",
        "HC-C02": "issue",
        "HC-C03": "issue",
    }
    refusal = report.of("refuse")[0]
    assert "planner" in refusal.reason and f"approve {refusal.work_order_id}" in refusal.reason
    assert statuses(db)["T01"] == "refused"
    with db.session() as s:  # audited with the reason
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "workorder.refuse"))
        assert event.outcome == "refused" and "approval" in event.message


def order_of(db, tag: str) -> WorkOrder:
    from sirenctl.models import Asset

    with db.session() as s:
        return s.scalar(
            select(WorkOrder).join(Asset, WorkOrder.asset_id == Asset.id).where(Asset.tag == tag)
        )


def test_approval_by_planner_refused_by_other_person_rearms(sounding_county, tmp_path):
    db = sounding_county
    t01 = order_of(db, "T01")
    with pytest.raises(ApprovalRefused, match="different person"):
        approve_as(db, "PLANNER", [t01.id], "notice 12", schedules_dir=tmp_path, now=NINE_EIGHTEEN)
    sweep(db, NINE_EIGHTEEN, "w1")
    assert order_of(db, "T01").status == "refused"
    approve_as(
        db, "李主任", [t01.id], "县人防办〔2026〕12号", schedules_dir=tmp_path, now=NINE_EIGHTEEN
    )
    assert order_of(db, "T01").status == "planned"  # re-armed: still within its window
    report = sweep(db, NINE_EIGHTEEN + timedelta(seconds=30), "w2")
    assert report.claimed == [t01.id]
    assert order_of(db, "T01").status == "running"


def test_approval_after_the_window_does_not_rearm(sounding_county, tmp_path):
    db = sounding_county
    sweep(db, NINE_EIGHTEEN, "w1")
    t01 = order_of(db, "T01")
    with pytest.raises(ApprovalRefused, match="its window closed"):
        approve_as(
            db,
            "李主任",
            [t01.id],
            "late",
            schedules_dir=tmp_path,
            now=NINE_EIGHTEEN + timedelta(minutes=5),
        )
    assert order_of(db, "T01").status == "refused"
    report = sweep(db, NINE_EIGHTEEN + timedelta(minutes=5), "w1")
    # (the bench order claimed by the first sweep and never run is missed as well)
    assert [d.action for d in report.decisions if d.tag == "T01"] == ["miss"]


def test_approving_silent_work_is_a_conflict(sdb, tmp_path):
    seed_county(sdb, {"T01": {}})
    write_campaign(tmp_path, "silent", SILENT)
    plan(sdb, tmp_path, *YEAR)
    with pytest.raises(Conflict, match="needs no approval"):
        approve_as(sdb, "other", [work_orders(sdb)[0].id], "x", schedules_dir=tmp_path)


def test_sounding_past_late_allowance_is_missed_with_alarm(sounding_county):
    db = sounding_county
    report = sweep(db, NINE_EIGHTEEN + timedelta(minutes=3), "w1")
    bench = next(d for d in report.decisions if d.tag == "BENCH-01")
    assert bench.action == "miss" and "late allowance" in bench.reason and "panic" in bench.reason
    assert statuses(db)["BENCH-01"] == "missed"
    assert any(a.action == "workorder.miss" for a in alarms(db))


def test_missed_after_downtime_and_manual_orders_issued_not_tested(sdb, tmp_path):
    seed_county(sdb, {"T01": {}})
    write_campaign(tmp_path, "silent", SILENT)
    write_campaign(
        tmp_path,
        "check",
        """title = "check"
task = "manual_check"
checklist = ["crank turns", "no rust"]
window = "7d"
[assets]
kinds = ["hand_crank"]
[when]
rule = "fixed_date"
month = 9
day = 18
time = "09:00"
""",
    )
    plan(sdb, tmp_path, *YEAR)
    # a week ahead: the technicians' orders are issued; nothing is "tested"
    report = sweep(sdb, NINE_EIGHTEEN - timedelta(days=6), "w1")
    assert sorted(d.action for d in report.decisions) == ["issue"] * 3
    with sdb.session() as s:
        assert s.scalar(select(func.count()).select_from(TestResult)) == 0
    # the machine was down from before 12:00 until 2 days later
    report = sweep(sdb, NINE_EIGHTEEN + timedelta(days=2), "w1")
    assert [d.action for d in report.decisions] == ["miss"]  # the self-test, window 1 h
    report = sweep(sdb, NINE_EIGHTEEN + timedelta(days=9), "w1")
    assert (
        sorted(d.action for d in report.decisions) == ["miss"] * 3
    )  # no check-in within 7 d + 1 d
    assert set(statuses(sdb).values()) == {"missed"}
    assert len(alarms(sdb)) == 4


def test_dry_run_changes_nothing(sounding_county):
    db = sounding_county
    with db.session() as s:
        before = peek(s, NINE_EIGHTEEN + timedelta(seconds=5))
    assert {d.action for d in before.decisions} == {"refuse", "claim", "issue"}
    assert set(statuses(db).values()) == {"planned"}
    with db.session() as s:
        assert (
            s.scalar(
                select(func.count())
                .select_from(AuditEvent)
                .where(AuditEvent.action.like("workorder.%"))
            )
            == 0
        )


def test_idle_sweep_takes_no_write_lock(sounding_county):
    report = sweep(sounding_county, datetime(2026, 3, 1, tzinfo=UTC), "w1")
    assert report.decisions == []


def _many_silent_orders(db, tmp_path, count: int) -> None:
    terminals = {f"T{i:03d}": {"controller_port": 1000 + i} for i in range(count)}
    seed_county(db, terminals)
    write_campaign(tmp_path, "silent", SILENT)
    plan(db, tmp_path, *YEAR)


def test_overlapping_sweeps_never_claim_twice(sdb, db_url, tmp_path):
    from sirenctl.db import Database

    _many_silent_orders(sdb, tmp_path, 60)
    barrier = threading.Barrier(4)
    claimed: list[list[int]] = []
    errors: list[BaseException] = []

    def worker(name: str) -> None:
        db = Database(db_url)
        try:
            barrier.wait()
            claimed.append(sweep(db, NINE_EIGHTEEN + timedelta(seconds=1), name).claimed)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    every = [wo for batch in claimed for wo in batch]
    assert len(every) == len(set(every)) == 60
    orders = work_orders(sdb)
    assert all(o.status == "running" and o.attempts == 1 for o in orders)
    assert {o.claimed_by for o in orders} <= {"w0", "w1", "w2", "w3"}


KILLED_WORKER = r"""
import os, signal, sys
from datetime import datetime, timedelta, UTC
from sqlalchemy import update
from sirenctl.db import Database
from sirenctl.models.scheduling import WorkOrder
from sirenctl.scheduling.claims import sweep, renew_lease
url, now, mode = sys.argv[1], datetime.fromisoformat(sys.argv[2]), sys.argv[3]
db = Database(url)
report = sweep(db, now, "doomed")
if mode == "sent":  # it got as far as committing to the first audible command
    for wo_id in report.claimed:
        assert renew_lease(db, wo_id, "doomed", now, commit_irreversible=True)
print(",".join(map(str, report.claimed)), flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def _kill_a_worker(db_url: str, now: datetime, mode: str) -> list[int]:
    proc = subprocess.run(
        [sys.executable, "-c", KILLED_WORKER, db_url, now.isoformat(), mode],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ},
    )
    assert proc.returncode == -9, proc.stderr
    return [int(x) for x in proc.stdout.strip().split(",") if x]


def test_killed_worker_silent_test_recovered_after_lease_expiry(sdb, db_url, tmp_path):
    _many_silent_orders(sdb, tmp_path, 2)
    claimed = _kill_a_worker(db_url, NINE_EIGHTEEN + timedelta(seconds=1), "claimed")
    assert len(claimed) == 2
    # within the lease (40 s, shorter than a sounding's late allowance) nobody may take them
    assert sweep(sdb, NINE_EIGHTEEN + timedelta(seconds=30), "rescuer").decisions == []
    report = sweep(sdb, NINE_EIGHTEEN + timedelta(minutes=6), "rescuer")
    assert sorted(report.claimed) == sorted(claimed)
    assert all(o.claimed_by == "rescuer" and o.attempts == 2 for o in work_orders(sdb))


def test_killed_worker_after_sending_a_sounding_is_never_retried(sounding_county, db_url):
    db = sounding_county
    claimed = _kill_a_worker(db_url, NINE_EIGHTEEN + timedelta(seconds=1), "sent")
    assert len(claimed) == 1  # the bench unit
    report = sweep(db, NINE_EIGHTEEN + timedelta(minutes=6), "rescuer")
    unknown = report.of("unknown")
    assert [d.work_order_id for d in unknown] == claimed
    assert "not retried" in unknown[0].reason
    assert statuses(db)["BENCH-01"] == "unknown"
    with db.session() as s:
        result = s.scalar(select(TestResult).where(TestResult.work_order_id == claimed[0]))
        assert result.outcome == "unknown" and result.operator == "doomed"
    assert any(a.action == "workorder.unknown" for a in alarms(db))
    assert sweep(db, NINE_EIGHTEEN + timedelta(minutes=7), "again").decisions == []


def test_lease_recheck_refuses_a_worker_whose_claim_was_taken_over(sounding_county):
    from sirenctl.scheduling.claims import renew_lease

    db = sounding_county
    claimed = sweep(db, NINE_EIGHTEEN + timedelta(seconds=1), "slow").claimed
    assert renew_lease(db, claimed[0], "slow", NINE_EIGHTEEN + timedelta(minutes=20))  # still ours
    later = NINE_EIGHTEEN + timedelta(minutes=30)  # the lease ran out and a rescuer took over
    taken = {d.tag: d.action for d in sweep(db, later, "rescuer").decisions}
    assert taken["BENCH-01"] == "miss"
    assert not renew_lease(db, claimed[0], "slow", later, commit_irreversible=True)
    assert order_of(db, "BENCH-01").committed_at is None


@pytest.mark.parametrize(
    "offset",
    [
        timedelta(days=-8),
        timedelta(days=-6),
        timedelta(seconds=5),
        timedelta(minutes=3),
        timedelta(days=9),
    ],
)
def test_idle_probe_agrees_with_the_sweep(sounding_county, db_url, offset):
    from sirenctl.scheduling.claims import ANY_DUE, due_params
    from sirenctl.scheduling.idle import nothing_due

    at = NINE_EIGHTEEN + offset
    with sounding_county.session() as s:
        due = s.execute(ANY_DUE, due_params(at)).first() is not None
    assert nothing_due(db_url, at) is (not due)
    sweep(sounding_county, at, "w1")  # settle, then ask again
    with sounding_county.session() as s:
        due = s.execute(ANY_DUE, due_params(at)).first() is not None
    assert nothing_due(db_url, at) is (not due)


def test_idle_probe_has_doubts_about_missing_or_old_databases(tmp_path):
    from sirenctl.scheduling.idle import nothing_due

    assert nothing_due(f"sqlite:///{tmp_path / 'none.db'}", NINE_EIGHTEEN) is False
    assert not (tmp_path / "none.db").exists()
    assert nothing_due("postgresql+psycopg://nobody@127.0.0.1:1/x", NINE_EIGHTEEN) is False


FD_LIMIT = """
import resource, sys
from sirenctl.scheduling.rundue import raise_fd_limit
resource.setrlimit(resource.RLIMIT_NOFILE, (256, int(sys.argv[1])))
limit = raise_fd_limit(int(sys.argv[2]))
print(limit.soft, limit.enough, resource.getrlimit(resource.RLIMIT_NOFILE)[0])
print(limit.describe())
"""


def test_run_due_raises_its_fd_limit_and_says_when_the_fleet_needs_more():
    def run(hard: int, channels: int) -> list[str]:
        out = subprocess.run(
            [sys.executable, "-c", FD_LIMIT, str(hard), str(channels)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert out.returncode == 0, out.stderr
        return out.stdout.splitlines()

    assert run(4096, 1000)[0] == "1064 True 1064"  # raised from 256 to what the run needs
    first, message = run(512, 1000)
    assert first == "512 False 512"  # as far as the hard limit allows, and not enough
    assert "hard limit is 512" in message and "LimitNOFILE" in message
