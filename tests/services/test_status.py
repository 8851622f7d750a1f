"""Poll and store status (sirenctl/services/status.py): the use case behind `sirenctl poll`
and the TUI's poller, against simulated controllers on loopback TCP."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import select

from sirenctl.db import Database
from sirenctl.models import AuditEvent
from sirenctl.registry.errors import NotFound
from sirenctl.registry.status_store import known_statuses
from sirenctl.services.status import poll_targets, store_status
from tests.integration.simthread import fleet_in_thread
from tests.integration.test_poll_cli import _register
from tests.services.helpers import technician

pytest.importorskip("sirenctl.simulators.fleet")


def _reads(db: Database, source: str) -> list[AuditEvent]:
    with db.session() as session:
        stmt = select(AuditEvent).where(AuditEvent.action == f"read.{source}")
        return list(session.scalars(stmt.order_by(AuditEvent.id)))


def test_poll_targets_and_store_keep_last_known_status_and_one_read_record(sqlite_cli) -> None:
    from sirenctl.drivers.operations import poll_endpoints
    from sirenctl.simulators.faults import Faults
    from sirenctl.simulators.fleet import SimSpec

    db = Database(sqlite_cli.url)
    specs = [SimSpec("T01"), SimSpec("T02", kind="electronic", faults=Faults(door_open=True))]
    with fleet_in_thread(specs) as fleet:
        _register(sqlite_cli, fleet)
        targets = poll_targets(db, timeout=1.0)
        assert sorted(targets.endpoints) == ["T01", "T02"] and not targets.problems
        assert targets.sites == {"T01": "C01", "T02": "C01"}
        results = asyncio.run(poll_endpoints(targets.endpoints))
    stored = store_status(db, technician("李工"), results, source="poll")
    assert (stored.stored, stored.failed, stored.audited) == (2, [], True)
    with db.session() as session:
        known = known_statuses(session)
    assert sorted(known) == ["T01", "T02"] and all(k.reachable for k in known.values())
    assert known["T02"].to_dict(known["T02"].polled_at)["faulty"]
    (rec,) = _reads(db, "poll")
    assert rec.operator == "李工" and rec.after["tags"] == ["T01", "T02"]
    db.dispose()


def test_unknown_tag_is_not_found_and_an_empty_sweep_writes_nothing(sqlite_cli) -> None:
    from sirenctl.simulators.fleet import SimSpec

    db = Database(sqlite_cli.url)
    with fleet_in_thread([SimSpec("T01")]) as fleet:
        _register(sqlite_cli, fleet)
    with pytest.raises(NotFound):
        poll_targets(db, tags=["T99"])
    assert poll_targets(db, site="NOPE").empty
    assert store_status(db, technician(), {}, source="poll").audited is False
    assert _reads(db, "poll") == []
    db.dispose()
