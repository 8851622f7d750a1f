"""SIGINT/SIGTERM to a real, idle `sirenctl daemon` between sweeps: exit 130/143, quietly."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess

import pytest

from sirenctl.models.scheduling import SchedulerLease

SIRENCTL = shutil.which("sirenctl")


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_to_an_idle_daemon_ends_it_quietly(sdb, db_url, signum, code) -> None:
    assert SIRENCTL
    proc = subprocess.Popen(
        [SIRENCTL, "--db", db_url, "daemon", "--poll-every", "0", "--sweep-every", "5"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SIRENCTL_LANG": "en"},
    )
    assert proc.stderr is not None
    started = proc.stderr.readline()  # "daemon HOST:PID: sweeping every 5 s": idle from here
    assert "sweeping every" in started, started + proc.communicate(timeout=10)[1]
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == code, started + err
    assert "Aborted!" not in out + err and "Traceback" not in err, err
    assert "stopping every unit" not in err, err  # nothing was sounding: nothing to stop
    with sdb.session() as s:
        assert s.get(SchedulerLease, "daemon") is None  # another daemon may start at once
