"""`poll --cached` keeps the last good reading; Ctrl-C during `poll` prints what answered."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from typing import Any

import pytest

from tests.integration.helpers import register_fleet
from tests.integration.simthread import fleet_in_thread

pytest.importorskip("sirenctl.simulators.fleet")


def test_cached_shows_last_good_reading_when_the_latest_attempt_failed(sqlite_cli: Any) -> None:
    from sirenctl.simulators.faults import Faults
    from sirenctl.simulators.fleet import SimSpec

    with fleet_in_thread([SimSpec("T01"), SimSpec("T02")]) as fleet:
        register_fleet(sqlite_cli, fleet)
        assert sqlite_cli("poll").exit_code == 0
        fleet.controller("T02").faults = Faults(silent=True)  # T02 goes quiet
        assert sqlite_cli("poll", "--timeout", "0.2").exit_code == 9
        requests = {t: fleet.controller(t).stats.requests for t in ("T01", "T02")}
        cached = sqlite_cli("poll", "--cached", "--json")
        table = sqlite_cli("poll", "--cached")
        # nothing was contacted by either --cached call
        assert {t: fleet.controller(t).stats.requests for t in ("T01", "T02")} == requests
    assert cached.exit_code == 9
    assert "nothing was contacted" in cached.stderr
    rows = {r["tag"]: r for r in json.loads(cached.stdout)}
    assert rows["T01"]["reachable"] is True
    t02 = rows["T02"]
    assert t02["reachable"] is False and t02["error"]["kind"] == "timeout"
    assert t02["status"]["mains_present"] is True  # the last good reading, not nothing
    assert t02["last_good"]["age_s"] >= t02["latest_failed_age_s"]
    assert "(last good)" in table.stdout and "latest attempt" in table.stdout


def test_ctrl_c_during_poll_prints_what_answered_and_exits_130(sqlite_cli: Any) -> None:
    from sirenctl.simulators.faults import Faults
    from sirenctl.simulators.fleet import SimSpec

    specs = [SimSpec("T01"), SimSpec("T02", faults=Faults(slow=60.0))]
    with fleet_in_thread(specs) as fleet:
        register_fleet(sqlite_cli, fleet)
        proc = subprocess.Popen(
            [sys.executable, "-c", "from sirenctl.cli.main import main; main()", "--db",
             sqlite_cli.url, "poll", "--timeout", "30", "--json"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ),
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 60
            while fleet.controller("T02").stats.requests == 0:  # the sweep is under way
                assert time.monotonic() < deadline and proc.poll() is None
                time.sleep(0.02)
            time.sleep(0.5)  # T01's reply (a loopback round trip) is back by now
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 130, err
    assert [r["tag"] for r in json.loads(out)] == ["T01"]
    assert "interrupted: 1 of 2 answered before the stop; not read: T02" in err
    assert "Traceback" not in err
