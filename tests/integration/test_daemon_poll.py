"""The daemon's periodic status poll stores each terminal's last known status."""

from __future__ import annotations

import pytest

from tests.integration.simthread import fleet_in_thread
from tests.integration.test_poll_cli import _register

pytest.importorskip("sirenctl.simulators.fleet")


def test_daemon_poll_stores_last_known_status(sqlite_cli, sqlite_url) -> None:
    from sirenctl.db import Database
    from sirenctl.registry.status_store import known_statuses
    from sirenctl.scheduling.daemon import Daemon, DaemonConfig
    from sirenctl.simulators.faults import Faults
    from sirenctl.simulators.fleet import SimSpec

    specs = [
        SimSpec("T01"),
        SimSpec("T02", faults=Faults(mains_fail=True)),
        SimSpec("T03", faults=Faults(silent=True)),
    ]
    lines: list[str] = []
    with fleet_in_thread(specs, timeout=0.3) as fleet:
        _register(sqlite_cli, fleet)
        db = Database(sqlite_url)
        Daemon(db, DaemonConfig(timeout=0.3), log=lines.append).poll()
    with db.session() as session:
        known = known_statuses(session)
    db.dispose()
    assert {tag: (k.reachable, k.faulty, k.source) for tag, k in known.items()} == {
        "T01": (True, False, "daemon"),
        "T02": (True, True, "daemon"),
        "T03": (False, False, "daemon"),
    }
    assert "mains failed" in known["T02"].faults
    assert any("T03 unreachable" in line for line in lines)
