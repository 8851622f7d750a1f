"""Execution under trouble: a held SQLite write lock, broken schedule files, two workers on one unit."""

from __future__ import annotations

import subprocess
import sys
import threading
from datetime import UTC, datetime

from sqlalchemy import select

from sirenctl.models.scheduling import TestResult, WorkOrder
from sirenctl.scheduling.claims import sweep
from sirenctl.scheduling.executor import execute
from sirenctl.scheduling.rundue import run_due
from tests.integration.simthread import fleet_in_thread
from tests.scheduling.conftest import NINE_EIGHTEEN
from tests.scheduling.helpers import add_assets, add_orders, approve_live

HOLD_LOCK = """
import sqlite3, sys, time
c = sqlite3.connect(sys.argv[1], isolation_level=None)
c.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
c.execute("COMMIT")
"""


def _fleet(clock, n: int):
    from sirenctl.simulators.fleet import SimSpec

    return fleet_in_thread(
        [SimSpec(f"T{i}", kind="electronic") for i in range(n)], clock=clock, timeout=0.5
    )


def _statuses(db) -> dict[int, str]:
    with db.session() as s:
        return {wo.id: wo.status for wo in s.scalars(select(WorkOrder))}


def test_a_write_lock_held_past_the_busy_timeout_delays_records_never_loses_them(
    sqlite_db, sqlite_url
):
    from sirenctl.drivers.clock import ManualClock

    clock = ManualClock(start=NINE_EIGHTEEN.timestamp())
    with _fleet(clock, 3) as fleet:
        add_assets(sqlite_db, {t: ep.port for t, ep in fleet.endpoints.items()})
        ids = add_orders(sqlite_db, sorted(fleet.endpoints), due_at=NINE_EIGHTEEN)
        approve_live(sqlite_db, ids, now=NINE_EIGHTEEN)
        report = sweep(sqlite_db, NINE_EIGHTEEN, "w1")
        assert sorted(report.claimed) == ids
        path = sqlite_url.removeprefix("sqlite:///")
        # another process (a big CSV import) holds the write lock longer than busy_timeout
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLD_LOCK, path, "12"], stdout=subprocess.PIPE, text=True
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
            ex = execute(sqlite_db, report.claimed, worker="w1", clock=clock, timeout=0.5)
        finally:
            holder.wait(60)
        assert holder.returncode == 0
        played = {t: c.stats.commands for t, c in fleet.controllers.items()}
    assert sorted(o.outcome for o in ex.outcomes) == ["done"] * 3
    assert set(_statuses(sqlite_db).values()) == {"done"}
    with sqlite_db.session() as s:
        assert len(s.scalars(select(TestResult)).all()) == 3
    assert all(len(cmds) == 1 for cmds in played.values())  # records retried, commands never


def test_a_broken_campaign_or_programme_file_affects_only_its_own_work(sqlite_db, tmp_path):
    from sirenctl.drivers.clock import ManualClock

    (tmp_path / "campaigns").mkdir()
    (tmp_path / "programmes").mkdir()
    # approved while it was a valid programme; someone breaks the file before the sounding
    (tmp_path / "programmes" / "bad-growl.toml").write_text(
        "title = 'growl'\n[[step]]\nsignal = 'growl'\n"
    )
    clock = ManualClock(start=NINE_EIGHTEEN.timestamp() + 1)
    with _fleet(clock, 2) as fleet:
        add_assets(sqlite_db, {t: ep.port for t, ep in fleet.endpoints.items()})
        good = add_orders(sqlite_db, ["T0"], due_at=NINE_EIGHTEEN)
        bad = add_orders(sqlite_db, ["T1"], due_at=NINE_EIGHTEEN, programme="bad-growl")
        approve_live(sqlite_db, good + bad, now=NINE_EIGHTEEN, schedules_dir=tmp_path)
        (tmp_path / "campaigns" / "broken.toml").write_text("title = [unclosed\n", encoding="utf-8")
        (tmp_path / "programmes" / "bad-growl.toml").write_text("[[step]]\nsignal = 'nope'\n")
        result = run_due(sqlite_db, clock=clock, worker="w1", schedules_dir=tmp_path)
        commands = {t: len(c.stats.commands) for t, c in fleet.controllers.items()}
    got = {o.tag: o for o in result.outcomes}
    assert got["T0"].outcome == "done"  # other due work is not affected
    assert got["T1"].outcome == "failed" and "bad-growl" in got["T1"].note
    assert "nothing sent" in got["T1"].note
    assert commands == {"T0": 1, "T1": 0}


def test_two_workers_never_sound_one_controller_at_once(sdb):
    from sirenctl.drivers.clock import RealClock

    with _fleet(RealClock(), 1) as fleet:
        add_assets(sdb, {t: ep.port for t, ep in fleet.endpoints.items()})
        now = datetime.now(UTC)
        first = add_orders(sdb, ["T0"], due_at=now, campaign="a")
        approve_live(sdb, first)
        assert sweep(sdb, now, "w1").claimed == first
        second = add_orders(sdb, ["T0"], due_at=now, campaign="b")
        approve_live(sdb, second)
        assert sweep(sdb, now, "w2").claimed == second
        outcomes: dict[str, list] = {}
        start = threading.Barrier(2)

        def work(worker: str, ids: list[int]) -> None:
            start.wait()
            outcomes[worker] = execute(
                sdb, ids, worker=worker, clock=RealClock(), timeout=1.0
            ).outcomes

        threads = [
            threading.Thread(target=work, args=("w1", first)),
            threading.Thread(target=work, args=("w2", second)),
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        growls = [c.at for c in fleet.controller("T0").stats.commands if c.code == 4]
    got = sorted(o.outcome for o in outcomes["w1"] + outcomes["w2"])
    assert got in (["done", "done"], ["done", "refused"]), got
    if len(growls) == 2:  # the second waited for the first to end (a growl lasts 5 s)
        assert growls[1] - growls[0] >= 5.0, growls
    else:
        (refused,) = [o for o in outcomes["w1"] + outcomes["w2"] if o.outcome == "refused"]
        assert "busy with work order" in refused.note


def test_cancel_from_another_machine_ends_the_programme_here(sdb):
    """cancel --all (any machine) removes the sounding rows; the holder stops its programme."""
    from sirenctl.drivers.clock import RealClock
    from sirenctl.scheduling import channels

    with _fleet(RealClock(), 1) as fleet:
        add_assets(sdb, {t: ep.port for t, ep in fleet.endpoints.items()})
        now = datetime.now(UTC)
        ids = add_orders(sdb, ["T0"], due_at=now, programme="cn-918-noon", task="trial_sounding")
        approve_live(sdb, ids)
        assert sweep(sdb, now, "w1").claimed == ids
        playing = threading.Event()
        box: dict[str, object] = {}

        def work() -> None:
            box["ex"] = execute(
                sdb,
                ids,
                worker="w1",
                clock=RealClock(),
                timeout=1.0,
                progress=lambda line: playing.set() if "step 1/3" in line else None,
                renew_every=0.2,
            )

        thread = threading.Thread(target=work)
        thread.start()
        assert playing.wait(30)
        with sdb.transaction() as s:
            with_rows = channels.sounding_now(s, datetime.now(UTC))
            assert [r.asset_tag for r in with_rows] == ["T0"]  # visible office-wide
            channels.cancel_rows(s)
        thread.join(60)
        assert not thread.is_alive()
    (outcome,) = box["ex"].outcomes  # type: ignore[attr-defined]
    assert outcome.outcome == "cancelled" and "stopped from elsewhere" in outcome.note
    assert _statuses(sdb)[ids[0]] == "cancelled"
