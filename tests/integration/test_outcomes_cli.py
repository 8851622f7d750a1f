"""Outcomes named for what happened (issue 11): exception replies, wrong transaction ids."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.integration.helpers import register_fleet
from tests.integration.simthread import fleet_in_thread

pytest.importorskip("sirenctl.simulators.fleet")


def test_exception_reply_is_a_device_error_not_unreachable(sqlite_cli: Any) -> None:
    from sirenctl.simulators.fleet import SimSpec

    with fleet_in_thread([SimSpec("T01")]) as fleet:
        register_fleet(sqlite_cli, fleet)
        # registered as the other model: its status block address does not exist on T01
        assert sqlite_cli("asset", "edit", "T01", "--controller-model", "hs-ms400").exit_code == 0
        result = sqlite_cli("poll", "--json")
        table = sqlite_cli("poll")
    assert result.exit_code == 8  # a device fault, not 9 (unreachable)
    row = json.loads(result.stdout)[0]
    assert row["reachable"] is True and row["error"]["kind"] == "exception_response"
    assert "DEVICE ERROR" in table.stdout and "UNREACHABLE" not in table.stdout


def test_wrong_transaction_id_is_named(sqlite_cli: Any) -> None:
    from sirenctl.simulators.faults import Faults
    from sirenctl.simulators.fleet import SimSpec

    with fleet_in_thread([SimSpec("T01", faults=Faults(wrong_tid=True))]) as fleet:
        register_fleet(sqlite_cli, fleet)
        result = sqlite_cli("poll", "--json", "--timeout", "0.5")
        read = sqlite_cli("modbus", "read", "T01", "--address", "0", "--input")
    error = json.loads(result.stdout)[0]["error"]
    assert error["kind"] == "wrong_transaction_id"
    assert "transaction id" in error["message"] and "garbled" not in error["message"]
    assert read.exit_code == 9 and "transaction id" in read.stderr
    assert "pymodbus" not in read.stderr.lower()  # no library log lines in the output
