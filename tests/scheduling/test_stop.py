"""Stop means stop: SIGINT/SIGTERM to a real run-due mid-programme, simulator in another process."""

from __future__ import annotations

import signal
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from sirenctl.models import AuditEvent
from sirenctl.models.scheduling import Sounding, WorkOrder
from tests.scheduling.helpers import (
    add_assets,
    add_orders,
    approve_live,
    read_until,
    run_due_process,
    sim_process,
)

STOP = 0
PRE_ALERT = 1


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_mid_programme_stops_the_siren_and_cancels_the_order(
    sdb, db_url, signum, code
) -> None:
    with sim_process(1) as sim:
        add_assets(sdb, sim.ports)
        (wo_id,) = add_orders(
            sdb,
            list(sim.ports),
            due_at=datetime.now(UTC) - timedelta(seconds=1),
            programme="cn-918-noon",  # 15 minutes: it is still playing when the signal comes
            task="trial_sounding",
        )
        approve_live(sdb, [wo_id])
        proc = run_due_process(db_url)
        assert proc.stderr is not None
        seen = read_until(proc, "step 1/3")  # progress: one line per change when not on a tty
        proc.send_signal(signum)
        line = proc.stderr.readline()
        assert "stopping every unit this run started" in line, line
        proc.send_signal(signum)  # a second signal (if still running) must not skip the stop
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == code, "".join(seen) + err
        assert err.count("stopped, silence confirmed") == 1, err
        (tag,) = sim.ports
        ctrl = sim.stats()[tag]
        assert not ctrl["sounding"]  # the simulator went silent
        assert [c[1] for c in ctrl["commands"]] == [PRE_ALERT, STOP]
    with sdb.session() as s:
        wo = s.get(WorkOrder, wo_id)
        assert wo.status == "cancelled"
        who = "值班员" if sdb.dialect == "sqlite" else str(make_url(db_url).username)
        assert signal.Signals(signum).name in wo.outcome_note and who in wo.outcome_note
        event = s.scalar(select(AuditEvent).where(AuditEvent.action == "workorder.cancelled"))
        assert event is not None and event.object_ref == str(wo_id)
        stops = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "command.cancel")))
        assert [e.outcome for e in stops] == ["intent", "ok"]  # recorded before it was sent
        assert s.scalars(select(Sounding)).all() == []  # nothing recorded as sounding any more
