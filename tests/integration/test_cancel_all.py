"""`sirenctl cancel --all`: every networked unit told to stop, each verified, in one step."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.helpers import register_fleet
from tests.integration.simthread import fleet_in_thread

pytest.importorskip("sirenctl.simulators.fleet")


def test_cancel_all_stops_every_sounding_unit(sqlite_cli: Any) -> None:
    from sirenctl.simulators.fleet import SimSpec

    specs = [SimSpec("T01"), SimSpec("T02", "hs-ms400"), SimSpec("R01", transport="modbus_rtu")]
    with fleet_in_thread(specs) as fleet:
        register_fleet(sqlite_cli, fleet)
        for tag in ("T01", "T02", "R01"):
            fleet.controller(tag).execute(2, 1, None)  # air raid, sounding now
        assert all(fleet.controller(t).sounding() for t in ("T01", "T02", "R01"))
        result = sqlite_cli("cancel", "--all", "--reason", "drill called off", "--json")
        assert result.exit_code == 0, result.stderr
        assert not any(fleet.controller(t).sounding() for t in ("T01", "T02", "R01"))
    assert sorted(json.loads(result.stdout)["stopped"]) == ["R01", "T01", "T02"]
    summary = sqlite_cli.json("audit", "list", "--action", "command.cancel_all")
    assert summary[0]["message"] == "drill called off" and summary[0]["outcome"] == "ok"
    per_unit = sqlite_cli.json("audit", "list", "--action", "command.cancel")
    per_unit = [e for e in per_unit if e["action"] == "command.cancel"]
    stops = [e["object_ref"] for e in per_unit if e["outcome"] != "intent"]
    assert sorted(stops) == ["R01", "T01", "T02"]
    intents = [e for e in per_unit if e["outcome"] == "intent"]
    assert len(intents) == 3  # each stop's intent record precedes it


def test_cancel_all_reports_a_unit_that_did_not_confirm(sqlite_cli: Any) -> None:
    from sirenctl.simulators.faults import Faults
    from sirenctl.simulators.fleet import SimSpec

    specs = [SimSpec("T01"), SimSpec("T02", faults=Faults(silent=True))]
    with fleet_in_thread(specs) as fleet:
        register_fleet(sqlite_cli, fleet)
        fleet.controller("T01").execute(2, 1, None)
        result = sqlite_cli("cancel", "--all", "--timeout", "0.3")
        assert not fleet.controller("T01").sounding()  # the others are stopped all the same
    assert result.exit_code == 9
    assert "T01: stopped" in result.stderr and "T02: CANCEL FAILED" in result.stderr


def test_cancel_needs_tags_or_all(sqlite_cli: Any) -> None:
    assert sqlite_cli("cancel").exit_code == 2
