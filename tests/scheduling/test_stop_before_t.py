"""Stop before T: run-due has claimed early and connected, and waits for the instant. A signal
then sends nothing and cancels nothing: the claims go back (planned again within their window,
``workorder.release`` naming the signal), and no further unit is connected to."""

from __future__ import annotations

import signal
import socket
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from sirenctl.models import AuditEvent
from sirenctl.models.scheduling import WorkOrder
from tests.scheduling import helpers


def _assert_planned_again(db, ids: list[int], reason_words: list[str]) -> None:  # type: ignore[no-untyped-def]
    with db.session() as s:
        for wo in s.scalars(select(WorkOrder).where(WorkOrder.id.in_(ids))):
            assert (wo.status, wo.claimed_by, wo.lease_until) == ("planned", None, None)
            assert wo.committed_at is None and wo.attempts == 0
            for word in reason_words:
                assert word in (wo.outcome_note or ""), wo.outcome_note
        released = list(
            s.scalars(select(AuditEvent).where(AuditEvent.action == "workorder.release"))
        )
        assert sorted(int(e.object_ref) for e in released) == sorted(ids)
        assert all("before anything was sent: claim released" in e.message for e in released)
        assert not s.scalars(select(AuditEvent).where(AuditEvent.action.like("command.%"))).all()
        assert not s.scalars(
            select(AuditEvent).where(AuditEvent.action == "workorder.cancelled")
        ).all()


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_while_waiting_for_t_releases_the_claims(sdb, db_url, signum, code) -> None:  # type: ignore[no-untyped-def]
    with helpers.sim_process(2) as sim:
        helpers.add_assets(sdb, sim.ports)
        ids = helpers.add_orders(
            sdb,
            list(sim.ports),
            due_at=datetime.now(UTC) + timedelta(seconds=40),  # claimed early, sent at T
            programme="cn-growl",
            task="growl_test",
        )
        helpers.approve_live(sdb, ids)
        proc = helpers.run_due_process(db_url, SIRENCTL_TIMING="1", LANGUAGE="en")
        seen, err = helpers.signal_when(  # the execution loop has connected and waits for T
            proc, "timing: connected", signum, "stopping before anything is sent; releasing"
        )
        name = signal.Signals(signum).name
        assert proc.returncode == code, "".join(seen) + err
        assert "Traceback" not in err, err
        assert f"{name}: stopped before anything was sent; 2 claimed work order(s) released" in err
        for tag, ctrl in sim.stats().items():
            assert ctrl["commands"] == [] and not ctrl["sounding"], tag
    who = "值班员" if sdb.dialect == "sqlite" else ""
    _assert_planned_again(sdb, ids, [name, "run-due", who])


def test_a_signal_mid_run_stops_what_plays_and_releases_what_is_due_later(sdb, db_url) -> None:  # type: ignore[no-untyped-def]
    with helpers.sim_process(2) as sim:
        helpers.add_assets(sdb, sim.ports)
        now_tag, later_tag = sim.ports
        (playing,) = helpers.add_orders(
            sdb,
            [now_tag],
            due_at=datetime.now(UTC) - timedelta(seconds=1),
            programme="cn-918-noon",  # 15 minutes: still playing when the signal comes
            task="trial_sounding",
        )
        (later,) = helpers.add_orders(
            sdb, [later_tag], due_at=datetime.now(UTC) + timedelta(seconds=40)
        )
        helpers.approve_live(sdb, [playing, later])
        proc = helpers.run_due_process(db_url, LANGUAGE="en")
        seen, err = helpers.signal_when(
            proc, "step 1/3", signal.SIGTERM, "stopping every unit this run started"
        )
        assert proc.returncode == 143, "".join(seen) + err
        assert "SIGTERM: 1 claimed work order(s) not yet sent released" in err, err
        stats = sim.stats()
        assert [c[1] for c in stats[now_tag]["commands"]] == [1, 0]  # pre-alert, then stop
        assert stats[later_tag]["commands"] == []
    with sdb.session() as s:
        assert s.get(WorkOrder, playing).status == "cancelled"
        wo = s.get(WorkOrder, later)
        assert (wo.status, wo.claimed_by, wo.committed_at) == ("planned", None, None)
        released = s.scalars(select(AuditEvent).where(AuditEvent.action == "workorder.release"))
        assert [e.object_ref for e in released] == [str(later)]


@pytest.fixture
def listeners() -> Iterator[list[socket.socket]]:
    """Three loopback listeners that only count who connected (a connect sends nothing)."""
    socks = []
    for _ in range(3):
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        sock.setblocking(False)
        socks.append(sock)
    yield socks
    for sock in socks:
        sock.close()


def _accepted(sock: socket.socket) -> int:
    count = 0
    while True:
        try:
            conn, _addr = sock.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


def test_a_stop_before_the_loop_connects_to_no_unit(sqlite_db, listeners) -> None:  # type: ignore[no-untyped-def]
    from sirenctl.scheduling.claims import sweep
    from sirenctl.scheduling.executor import execute
    from sirenctl.scheduling.rundue import SystemClock

    tags = ["T01", "T02", "T03"]
    helpers.add_assets(
        sqlite_db, {t: s.getsockname()[1] for t, s in zip(tags, listeners, strict=True)}
    )
    ids = helpers.add_orders(
        sqlite_db, tags, due_at=datetime.now(UTC) + timedelta(seconds=40), programme="cn-growl"
    )
    helpers.approve_live(sqlite_db, ids)
    report = sweep(sqlite_db, datetime.now(UTC), "w1", None)
    assert sorted(report.claimed) == sorted(ids)

    def stop_at_once(_loop, registry) -> None:  # type: ignore[no-untyped-def]
        registry.request_stop("SIGTERM to run-due (test)")  # as a signal while preparing

    ex = execute(sqlite_db, report.claimed, worker="w1", clock=SystemClock(), on_loop=stop_at_once)
    assert [_accepted(s) for s in listeners] == [0, 0, 0]  # no unit was connected to
    assert sorted(ex.released) == sorted(ids) and ex.outcomes == []
    _assert_planned_again(sqlite_db, ids, ["SIGTERM to run-due (test)"])
