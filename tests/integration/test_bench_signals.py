"""SIGINT/SIGTERM to a real `sirenctl bench sound` process mid-programme (issue 11 item 1)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.integration.helpers import register_fleet
from tests.integration.simthread import fleet_in_thread

pytest.importorskip("sirenctl.simulators.fleet")
LONG = """
title = "one all clear (3 minutes)"
[[step]]
signal = "all-clear"
"""


def _start(cli: Any, tmp_path: Path) -> subprocess.Popen[str]:
    sched = tmp_path / "sched" / "programmes"
    sched.mkdir(parents=True)
    (sched / "long.toml").write_text(LONG)
    return subprocess.Popen(
        [sys.executable, "-c", "from sirenctl.cli.main import main; main()", "--db", cli.url, "bench", "sound", "BENCH-01",
         "--programme", "long", "--schedules", str(tmp_path / "sched"), "--json"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=dict(os.environ),
    )  # fmt: skip


def _wait_for_line(proc: subprocess.Popen[str], needle: str) -> list[str]:
    seen = []
    assert proc.stderr is not None
    for line in proc.stderr:
        seen.append(line)
        if needle in line:
            return seen
    raise AssertionError(f"{needle!r} never printed; stderr: {''.join(seen)}")


@pytest.mark.parametrize(
    ("signals", "code"),
    [((signal.SIGINT,), 130), ((signal.SIGTERM,), 143), ((signal.SIGINT, signal.SIGINT), 130)],
    ids=["sigint", "sigterm", "double-ctrl-c"],
)
def test_signal_stops_the_bench_unit_and_records_cancelled(
    sqlite_cli: Any, tmp_path: Path, signals: tuple[int, ...], code: int
) -> None:
    from sirenctl.simulators.fleet import SimSpec

    with fleet_in_thread([SimSpec("BENCH-01", kind="electronic")]) as fleet:
        register_fleet(sqlite_cli, fleet, bench=("BENCH-01",))
        ctrl = fleet.controller("BENCH-01")
        proc = _start(sqlite_cli, tmp_path)
        try:
            # non-tty: one line per change; this one comes after the echo was verified
            _wait_for_line(proc, "step 1/1 all-clear x1: ok")
            assert ctrl.sounding()
            for sig in signals:
                proc.send_signal(sig)
            out, err = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
        assert proc.returncode == code, err
        assert not ctrl.sounding()
        assert [a.code for a in ctrl.stats.commands] == [3, 0]  # all clear, then stop
    assert "STOPPED: the stop command reached BENCH-01" in err
    assert "Traceback" not in err
    played = json.loads(out)
    assert played["cancelled"] is True and played["stop"]["verified"] is True
    assert played["outcome"] == "cancelled"
    cancels = sqlite_cli.json("audit", "list", "--action", "command.cancel")
    # the intent record (written before the stop is sent) precedes the result record
    assert sorted(e["outcome"] for e in cancels) == ["intent", "ok"]
    recorded = sqlite_cli.json("audit", "list", "--action", "test.result")
    assert recorded and recorded[0]["after"]["outcome"] == "cancelled"
