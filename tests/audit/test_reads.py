"""Reads are audited once per sweep or read command, not once per device or register."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sirenctl.drivers.errors import NoResponse
from sirenctl.drivers.pool import PollResult
from tests.integration.simthread import fleet_in_thread
from tests.integration.test_poll_cli import _register


def _reads(cli, source: str) -> list[dict]:  # type: ignore[no-untyped-def]
    return list(reversed(cli.json("audit", "list", "--action", f"read.{source}")))


def test_poll_sweep_is_one_record_naming_who_read_what(sqlite_cli) -> None:
    from sirenctl.simulators.fleet import SimSpec

    with fleet_in_thread([SimSpec("T01"), SimSpec("T02"), SimSpec("T03")]) as fleet:
        _register(sqlite_cli, fleet)
        assert sqlite_cli("poll", "--timeout", "1", operator="李工").exit_code == 0
    (rec,) = _reads(sqlite_cli, "poll")
    assert rec["operator"] == "李工" and rec["outcome"] == "ok"
    assert rec["after"] == {"count": 3, "failed": 0, "tags": ["T01", "T02", "T03"]}
    # the simulators are gone: the next sweep is recorded with what did not answer
    assert sqlite_cli("poll", "T02", "--timeout", "0.2").exit_code == 9
    rec = _reads(sqlite_cli, "poll")[-1]
    assert rec["outcome"] == "error" and rec["after"]["failed_tags"] == ["T02"]
    assert rec["object_type"] == "asset" and rec["object_ref"] == "T02"
    assert sqlite_cli("poll", "--cached").exit_code in (0, 9)
    assert len(_reads(sqlite_cli, "poll")) == 2  # cached readings contact nothing


def test_modbus_read_is_one_record_per_command(sqlite_cli) -> None:
    from sirenctl.simulators.fleet import SimSpec

    with fleet_in_thread([SimSpec("T01")]) as fleet:
        _register(sqlite_cli, fleet)
        args = ("modbus", "read", "T01", "--address", "0", "--count", "10", "--input")
        assert sqlite_cli(*args).exit_code == 0
    (rec,) = _reads(sqlite_cli, "modbus")
    assert rec["object_ref"] == "T01" and rec["outcome"] == "ok"
    assert (rec["after"]["address"], rec["after"]["count"], rec["after"]["kind"]) == (
        0,
        10,
        "input",
    )
    assert sqlite_cli(*args).exit_code == 9  # nobody answers now: still on record
    assert [r["outcome"] for r in _reads(sqlite_cli, "modbus")] == ["ok", "error"]


def test_tui_sweeps_share_one_record_per_minute(sqlite_url) -> None:
    from sirenctl.db import Database
    from sirenctl.tui.data import RegistryService

    now = [datetime(2026, 9, 18, 4, 0, tzinfo=UTC)]
    db = Database(sqlite_url)
    registry = RegistryService(db, "tech-li", clock=lambda: now[0])
    ok = PollResult("T01", None, None, 0.0, 0.0)
    lost = PollResult("T02", None, NoResponse("gone", target="T02"), 0.0, 0.0)
    for _ in range(12):  # a minute of 5-second sweeps (t = 0 .. 55 s)
        registry.store_statuses({"T01": ok, "T02": lost})
        now[0] += timedelta(seconds=5)
    registry.store_statuses({"T01": ok})  # t = 60 s, other terminals: a record at once
    now[0] += timedelta(seconds=55)
    registry.store_statuses({"T01": ok})  # t = 115 s: still that minute
    now[0] += timedelta(seconds=5)
    registry.store_statuses({"T01": ok})  # t = 120 s: the next minute
    from sqlalchemy import select

    from sirenctl.models import AuditEvent

    with db.session() as session:
        reads = list(session.scalars(select(AuditEvent).where(AuditEvent.action == "read.tui")))
    assert [(r.operator, r.after["count"], r.after["failed"], r.at.second) for r in reads] == [
        ("tech-li", 2, 1, 0),
        ("tech-li", 1, 0, 0),
        ("tech-li", 1, 0, 0),
    ]
    db.dispose()
