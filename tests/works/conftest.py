"""One seeded demo county for the works/year tests (seeding takes a few seconds)."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

SIRENCTL = shutil.which("sirenctl")


def run_cli(
    env: dict[str, str], *args: str, input: str | None = None
) -> subprocess.CompletedProcess[str]:
    """``sirenctl`` in a subprocess; ``input`` is its stdin (a passphrase, one line each)."""
    assert SIRENCTL
    return subprocess.run(
        [SIRENCTL, *args],
        env=env,
        input=input if input is not None else "",
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[dict[str, str], Path]]:
    """``sirenctl demo`` in a fresh per-test data directory: (environment, database path)."""
    tmp = tmp_path_factory.mktemp("demo-year")
    env = {**os.environ, "SIRENCTL_DATA_DIR": str(tmp / "data")}
    env.pop("SIRENCTL_DB", None)
    seeded = run_cli(env, "demo")
    assert seeded.returncode == 0, seeded.stderr
    yield env, tmp / "data" / "demo.db"
