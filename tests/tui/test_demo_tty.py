"""`sirenctl demo` on a real pseudo-terminal opens the TUI; q quits it at once, exit 0."""

from __future__ import annotations

import os
import select
import shutil
import signal
import struct
import subprocess
import termios
import time
from fcntl import ioctl
from pathlib import Path

import pytest

# serves simulators on the demo's loopback ports: one xdist worker for all such tests
pytestmark = pytest.mark.xdist_group("demo-ports")

SIRENCTL = shutil.which("sirenctl")


def read_until(fd: int, needle: bytes, timeout: float) -> bytes:
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen and time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.1)
        if ready:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen


def test_demo_on_a_terminal_opens_the_tui_and_quits_cleanly(tmp_path: Path) -> None:
    assert SIRENCTL
    master, slave = os.openpty()
    ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {
        **os.environ,
        "SIRENCTL_DATA_DIR": str(tmp_path / "data"),
        "TERM": "xterm-256color",
        "SIRENCTL_KEYMAP": str(tmp_path / "none.toml"),
    }
    proc = subprocess.Popen(
        [SIRENCTL, "demo"], stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
    )
    os.close(slave)
    try:
        shown = read_until(master, b"Dashboard", timeout=60)
        assert b"Dashboard" in shown, shown[-2000:]
        shown += read_until(master, b"networked", timeout=20)
        assert b"networked" in shown
        os.write(master, b"q")
        deadline = time.monotonic() + 20
        while proc.poll() is None and time.monotonic() < deadline:
            read_until(master, b"\0never", timeout=0.1)  # keep the terminal drained
        assert proc.poll() == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)
    assert (tmp_path / "data" / "demo.db").is_file()
