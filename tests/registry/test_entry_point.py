"""The installed console script: help, demo, and what the CLI path must not import."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

SIRENCTL = shutil.which("sirenctl")


def _run(*args: str, env_extra: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    assert SIRENCTL, "sirenctl console script is not installed (pip install -e '.[test]')"
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([SIRENCTL, *args], capture_output=True, text=True, env=env, timeout=120)


def test_help_lists_commands_and_exit_codes() -> None:
    result = _run("--help")
    assert result.returncode == 0
    for word in ("asset", "site", "audit", "demo", "init", "Exit codes", "invalid input"):
        assert word in result.stdout


@pytest.mark.parametrize(
    "argv", [["--help"], ["asset", "--help"], ["site", "list"], ["audit", "list"]]
)
def test_cli_path_imports_neither_textual_nor_pymodbus(argv, tmp_path) -> None:
    code = (
        "import sys\n"
        "from sirenctl.cli.main import main\n"
        "try:\n    main({!r})\nexcept SystemExit:\n    pass\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'pymodbus'))\n"
        "print('IMPORTED', bad)\n".format(["--db", str(tmp_path / "x.db"), *argv])
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert "IMPORTED []" in result.stdout, result.stdout + result.stderr


def test_demo_seeds_once_and_summarises(tmp_path) -> None:
    env = {"SIRENCTL_DATA_DIR": str(tmp_path / "data")}
    first = _run("demo", env_extra=env)
    assert first.returncode == 0, first.stderr
    assert "seeded the demo county" in first.stderr
    assert "14 communities" in first.stdout and "东风社区" in first.stdout
    assert "Next planned work" in first.stdout and "cn-handcrank-monthly-check" in first.stdout
    second = _run("demo", env_extra=env)
    assert second.returncode == 0 and "seeded" not in second.stderr
    db = str(tmp_path / "data" / "demo.db")
    assets = json.loads(_run("--db", db, "asset", "list", "--json").stdout)
    kinds = [a["kind"] for a in assets]
    assert kinds.count("hand_crank") == 14
    networked = [a for a in assets if a["controller_transport"]]
    assert len(networked) >= 4
    assert {a["kind"] for a in networked} >= {"motor", "electronic", "multimedia"}
    assert len({a["site"] for a in assets if a["kind"] == "hand_crank"}) == 14


def test_demo_into_a_plain_file_path(tmp_path) -> None:
    target = tmp_path / "county.db"
    result = _run("--db", str(target), "demo", env_extra={"SIRENCTL_DATA_DIR": str(tmp_path / "d")})
    assert result.returncode == 0, result.stderr
    assert target.exists() and not (tmp_path / "d" / "demo.db").exists()


def test_exit_code_on_usage_error() -> None:
    assert _run("asset", "list", "--no-such-option").returncode == 2


def test_completion_script() -> None:
    result = _run("completion", "bash")
    assert result.returncode == 0 and "_SIRENCTL_COMPLETE" in result.stdout
