"""``asset import``, ``plan`` and ``report`` draw a progress bar on a terminal and add nothing
when their output is a pipe (issue 13): the real command in a real subprocess, on a pty and
on pipes."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.terminal import SIRENCTL, make_demo, run_on_terminal, sirenctl_env

ROWS = 300


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def env(tmp_path: Path, demo_file: Path) -> dict[str, str]:
    shutil.copyfile(demo_file, tmp_path / "county.db")
    lines = ["tag,site,kind,name"] + [
        f"HX-{i:04d},C01,hand_crank,测试手摇警报器{i}" for i in range(ROWS)
    ]
    (tmp_path / "sirens.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sirenctl_env(tmp_path / "county.db", tmp_path / "data")


COMMANDS = {
    # command: the bar labels it shows on a terminal
    "asset import {dir}/sirens.csv": ["checking rows", f"{ROWS}/{ROWS}", "writing assets"],
    "plan --year 2027 --dry-run": ["planning campaigns"],
    "report --year 2026 --out {dir}/report.md": ["computing the report", "11/11"],
}


def _args(command: str, env: dict[str, str]) -> list[str]:
    where = str(Path(env["SIRENCTL_DB"].removeprefix("sqlite:///")).parent)
    return command.format(dir=where).split()


@pytest.mark.parametrize("command", list(COMMANDS))
def test_a_terminal_sees_the_bar_and_it_is_cleared(command: str, env: dict[str, str]) -> None:
    code, raw = run_on_terminal(_args(command, env), env, columns=100, raw=True)
    assert code == 0, raw
    for label in COMMANDS[command]:
        assert label in raw, raw
    assert "━" in raw  # the bar itself
    assert "\x1b[2K" in raw  # transient: erased when the work ends


@pytest.mark.parametrize("command", list(COMMANDS))
def test_pipes_get_no_bar_and_the_same_lines(command: str, env: dict[str, str]) -> None:
    assert SIRENCTL
    done = subprocess.run(
        [SIRENCTL, *_args(command, env)], env=env, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    for label in COMMANDS[command]:
        if not label[0].isdigit():
            assert label not in done.stderr + done.stdout
    assert "\x1b" not in done.stderr + done.stdout and "━" not in done.stderr
    expected = {
        "asset import": f"read sirens.csv as UTF-8\nimported {ROWS} asset(s) from sirens.csv\n",
        "report": "wrote ",
    }
    for prefix, text in expected.items():
        if command.startswith(prefix):
            assert done.stderr.startswith(text), done.stderr
            assert prefix != "asset import" or done.stderr == text
    if command.startswith("plan"):
        assert "plan (dry run" in done.stdout and "┏" in done.stdout  # the plan table as before
