"""The newcomer's path: `sirenctl demo`, `sirenctl sim run` in another process, `sirenctl poll`."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from sirenctl.registry.demo import DEMO_SIM_BASE_PORT

# serves simulators on the demo's loopback ports: one xdist worker for all such tests
pytestmark = pytest.mark.xdist_group("demo-ports")

SIRENCTL = shutil.which("sirenctl")


def _ports_free() -> bool:
    import socket

    for offset in (1, 2, 3, 9):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", DEMO_SIM_BASE_PORT + offset))
            except OSError:
                return False
    return True


def test_demo_fleet_answers_on_the_registered_endpoints(tmp_path: Path) -> None:
    if not _ports_free():
        pytest.skip("demo simulator ports are in use on this machine")
    env = {**os.environ, "SIRENCTL_DATA_DIR": str(tmp_path / "data")}
    assert SIRENCTL
    demo = subprocess.run([SIRENCTL, "demo"], env=env, capture_output=True, text=True, timeout=60)
    assert demo.returncode == 0, demo.stderr
    sim = subprocess.Popen(
        [SIRENCTL, "sim", "run", "--faults", "T03=door_open"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert sim.stdout is not None
        lines = [sim.stdout.readline() for _ in range(3)]
        if not lines[0] and sim.wait(timeout=20) != 0:
            err = sim.stderr.read() if sim.stderr else ""
            if "in use" in err:  # another demo on this machine took the block since ours was picked
                pytest.skip(f"the demo's ports were taken meanwhile: {err.strip()}")
        assert lines[0].startswith("TAG"), lines
        db = str(tmp_path / "data" / "demo.db")
        deadline = time.monotonic() + 20
        while True:
            poll = subprocess.run(
                [SIRENCTL, "--db", db, "poll", "--json"],
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            rows = {r["tag"]: r for r in json.loads(poll.stdout or "[]")}
            if all(r["reachable"] for r in rows.values()) or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert set(rows) == {"T01", "T02", "T03", "T04", "T05", "BENCH-01"}
        assert all(r["reachable"] for r in rows.values()), poll.stdout
        assert rows["T03"]["faulty"] and not rows["T01"]["faulty"]
        assert poll.returncode == 8  # a faulty terminal, none unreachable
        rtu_link = tmp_path / "data" / "sim" / "rtu-line1"
        assert rtu_link.is_symlink()
    finally:
        sim.send_signal(signal.SIGTERM)
        sim.wait(timeout=20)
    assert sim.returncode == 0
    assert not (tmp_path / "data" / "sim" / "rtu-line1").exists()  # cleaned up on exit


def test_bad_fault_spec_is_refused_before_anything_starts(tmp_path: Path) -> None:
    env = {**os.environ, "SIRENCTL_DATA_DIR": str(tmp_path / "data")}
    assert SIRENCTL
    result = subprocess.run(
        [SIRENCTL, "sim", "run", "--faults", "T01=explode"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 3
    assert "explode" in result.stderr


def test_a_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    import socket

    env = {**os.environ, "SIRENCTL_DATA_DIR": str(tmp_path / "data")}
    assert SIRENCTL
    with socket.socket() as taken:
        try:
            taken.bind(("127.0.0.1", DEMO_SIM_BASE_PORT + 1))
        except OSError:
            pytest.skip("demo simulator ports are in use on this machine")
        taken.listen()
        result = subprocess.run(
            [SIRENCTL, "sim", "run"], env=env, capture_output=True, text=True, timeout=60
        )
    assert result.returncode == 1
    assert "cannot start the simulators" in result.stderr
    assert f"127.0.0.1:{DEMO_SIM_BASE_PORT + 1}" in result.stderr
    assert "Traceback" not in result.stderr
