"""Running the real ``sirenctl`` on a pseudo-terminal, and a demo database made by the real
``sirenctl demo`` (with its history), for tests of what a terminal user sees."""

from __future__ import annotations

import os
import re
import select
import shutil
import struct
import subprocess
import termios
from fcntl import ioctl
from pathlib import Path

SIRENCTL = shutil.which("sirenctl")


def run_on_terminal(
    args: list[str], env: dict[str, str], columns: int = 80, *, raw: bool = False
) -> tuple[int, str]:
    """``sirenctl ARGS`` with stdin/stdout/stderr on a pty ``columns`` wide: its exit code and
    what the terminal got (escape sequences removed unless ``raw``)."""
    assert SIRENCTL
    master, slave = os.openpty()
    ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, columns, 0, 0))
    env = {**env, "TERM": "xterm-256color", "COLUMNS": str(columns), "NO_COLOR": "1"}
    proc = subprocess.Popen([SIRENCTL, *args], stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    seen = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], 1.0)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed its side
                    break
                if not chunk:
                    break
                seen += chunk
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    text = seen.decode("utf-8")
    if not raw:
        text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    return code, text.replace("\r\n", "\n")


def make_demo(where: Path) -> Path:
    """``sirenctl --db WHERE/demo.db demo`` without a terminal: seeds it and prints a summary."""
    assert SIRENCTL
    env = {**os.environ, "SIRENCTL_DATA_DIR": str(where / "data"), "SIRENCTL_LANG": "en"}
    made = subprocess.run(
        [SIRENCTL, "--db", str(where / "demo.db"), "demo"],
        env=env,
        capture_output=True,
        timeout=300,
    )
    assert made.returncode == 0, made.stderr
    return where / "demo.db"


def sirenctl_env(db: Path, data_dir: Path) -> dict[str, str]:
    """The environment of a sirenctl child on ``db``: English, this test's data directory."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
    env.update(SIRENCTL_DB=f"sqlite:///{db}", SIRENCTL_DATA_DIR=str(data_dir), SIRENCTL_LANG="en")
    return env
