"""No command reaches a device without a record: SIGKILL real sirenctl processes at random
moments while they command a simulated bench unit in another process, then compare what the
simulators executed with the intents in the audit log.

Runs: ``sirenctl bench sound`` and ``sirenctl modbus write`` (the console script), and run-due
(a process calling sirenctl's run-due sweep at the 9·18 instant on a scaled clock, since the
``run-due`` command itself only runs on the real clock).

Issue 9: "22 of 480 killed runs sounded and left no command record (the record is written after
the send)". Each run commands its own bench unit, so what a unit executed belongs to exactly one
run (no timing is needed to attribute it): every command a unit executed must have an intent.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from sirenctl.audit_verify import verify_chain
from sirenctl.db import Database
from sirenctl.models import AuditEvent
from tests.audit.helpers import register_bench_units

pytestmark = pytest.mark.slow

RUNS = 50
SPEED = 100.0  # simulated seconds per real second (programme and simulator alike)
SIRENCTL = shutil.which("sirenctl")
PROGRAMME = (
    'title = "ten growls"\n'
    + "".join('[[step]]\nsignal = "growl"\ngap = "1s"\n' for _ in range(9))
    + '[[step]]\nsignal = "growl"\n'
)


def _start_simulators(log: Path, units: int) -> tuple[subprocess.Popen[str], dict[str, Any]]:
    script = Path(__file__).with_name("sim_counter.py")
    proc = subprocess.Popen(
        [sys.executable, str(script), str(log), str(SPEED), str(units)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    return proc, json.loads(proc.stdout.readline())


def _command(run: int, url: str, schedules: Path) -> list[str]:
    tag = f"BENCH-{run:02d}"
    base = [str(SIRENCTL), "--db", url, "--operator", f"run-{run}"]
    if run % 2 == 0:
        return [*base, "bench", "sound", tag, "--programme", "ten-growls",
                "--schedules", str(schedules), "--time-scale", str(SPEED)]  # fmt: skip
    return [*base, "modbus", "write", tag, "--address", "100", "--value", "4",
            "--value", "2", "--value", str(1000 + run), "--allow-audible"]  # fmt: skip


def _lines(log: Path) -> int:
    return len(log.read_bytes().splitlines()) if log.exists() else 0


def _wait_or_kill(proc: subprocess.Popen[bytes], now: Callable[[], bool], limit: float) -> None:
    """SIGKILL ``proc`` when ``now()`` turns true or after ``limit`` seconds, unless it ended."""
    deadline = time.monotonic() + limit
    while proc.poll() is None:
        if now() or time.monotonic() >= deadline:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.005)  # watching another process: there is no event to wait on
    proc.wait()


@pytest.mark.skipif(SIRENCTL is None, reason="the sirenctl console script is not installed")
def test_every_command_a_unit_executed_has_an_intent(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'registry.db'}"
    schedules = tmp_path / "sched"
    (schedules / "programmes").mkdir(parents=True)
    (schedules / "programmes" / "ten-growls.toml").write_text(PROGRAMME)
    log = tmp_path / "executed.jsonl"
    sim, endpoints = _start_simulators(log, RUNS + 2)
    rng = random.Random(918)
    killed = 0
    try:
        register_bench_units(url, endpoints)
        env = {**os.environ, "SIRENCTL_OPERATOR": "tester"}
        durations = {}
        for run in (RUNS, RUNS + 1):  # how long a whole run takes on this (busy) machine
            started = time.monotonic()
            subprocess.run(_command(run, url, schedules), env=env, capture_output=True)
            durations[run % 2] = time.monotonic() - started
        for run in range(RUNS):
            seen = _lines(log)
            proc = subprocess.Popen(
                _command(run, url, schedules),
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            if run % 4 < 2:  # at a random moment of the run
                _wait_or_kill(proc, lambda: False, rng.uniform(0.2, 1.1) * durations[run % 2])
            else:  # the moment a unit executes a command (its result not written yet)
                _wait_or_kill(proc, lambda n=seen: _lines(log) > n, durations[run % 2] * 2)
            killed += proc.returncode == -signal.SIGKILL
    finally:
        sim.send_signal(signal.SIGTERM)
        sim.wait(timeout=30)
    executed = Counter(json.loads(line)["unit"] for line in log.read_text().splitlines())

    db = Database(url)
    try:
        with db.session() as session:
            events = list(
                session.scalars(select(AuditEvent).where(AuditEvent.action.like("command.%")))
            )
        assert verify_chain(db).ok  # killed writers leave the chain whole
    finally:
        db.dispose()
    intents = Counter(e.object_ref for e in events if e.outcome == "intent")
    results = Counter(e.object_ref for e in events if e.outcome != "intent")
    for run in range(RUNS):
        tag = f"BENCH-{run:02d}"
        assert executed[tag] <= intents[tag], f"{tag}: executed {executed[tag]}, intents {intents}"
    lost_before = sum(max(0, executed[t] - results[t]) for t in executed)
    runs_lost = sum(1 for t in executed if executed[t] > results[t])
    print(
        f"\n{RUNS} runs, {killed} killed; units executed {sum(executed.values())} commands; "
        f"{sum(intents.values())} intents, {sum(results.values())} results; {lost_before} "
        f"executed commands in {runs_lost} runs have no result record (an after-send record "
        "would have lost them); every executed command has an intent"
    )
    assert killed >= RUNS // 3  # the runs really were cut short
    assert runs_lost > 0  # and some really were killed between the send and its result


RUN_DUE = """
import sys
from datetime import datetime
from sirenctl.db import Database
from sirenctl.drivers.clock import ScaledClock
from sirenctl.scheduling.rundue import run_due
url, at, schedules, speed = sys.argv[1], datetime.fromisoformat(sys.argv[2]), sys.argv[3], float(sys.argv[4])
run_due(Database(url), clock=ScaledClock(speed, start=at.timestamp()), worker="killed",
        schedules_dir=schedules, timeout=2.0)
"""
RUN_DUE_RUNS = 30
#: what each run-due order does, in turn: a one-step growl, a silent self-test (its intent is
#: written just before it is sent, not in the commit batch) and a three-step programme (kills
#: land between steps)
KINDS = (
    ("trial_sounding", "cn-growl"),
    ("silent_test", "cn-silent-selftest"),
    ("trial_sounding", "three-growls"),
)
THREE_GROWLS = (
    'title = "three growls"\n'
    + "".join('[[step]]\nsignal = "growl"\ngap = "2s"\n' for _ in range(2))
    + '[[step]]\nsignal = "growl"\n'
)


def _campaign(run: int) -> str:
    hour, minute = divmod(12 * 60 + 5 * run, 60)  # one order every 5 minutes, a 2-minute window
    task, programme = KINDS[run % len(KINDS)]
    return f"""title = "bench order {run}"
task = "{task}"
programme = "{programme}"
window = "2m"
[assets]
tags = ["BENCH-{run:02d}"]
[when]
rule = "fixed_date"
month = 9
day = 18
time = "{hour:02d}:{minute:02d}"
"""


def _executed(log: Path) -> Counter[str]:
    return Counter(json.loads(line)["unit"] for line in log.read_text().splitlines())


def _intents(url: str) -> tuple[Counter[str | None], Counter[str | None]]:
    """Per unit: commands durably on record before sending, and command results.

    A run-due order's commands are on record in its ``command.intent`` (written in the commit
    batch before the instant, naming its step count); every other command has its own intent
    committed before it is sent. The per-command intent of a step the order intent already
    covers is written later with the results (``pre_recorded``) and is not counted twice.
    """
    db = Database(url)
    try:
        with db.session() as session:
            events = list(
                session.scalars(select(AuditEvent).where(AuditEvent.action.like("command.%")))
            )
        assert verify_chain(db).ok  # killed writers leave the chain whole
    finally:
        db.dispose()
    recorded: Counter[str | None] = Counter()
    for e in events:
        after = json.loads(e.after) if isinstance(e.after, str) else (e.after or {})
        if e.action == "command.intent":
            recorded[e.object_ref] += int(after.get("steps") or 0)
        elif e.outcome == "intent" and not (after.get("details") or {}).get("pre_recorded"):
            recorded[e.object_ref] += 1
    results = Counter(
        e.object_ref for e in events if e.outcome != "intent" and e.action != "command.intent"
    )
    return recorded, results


def test_killed_run_due_on_bench_units_left_no_unrecorded_command(tmp_path: Path) -> None:
    from datetime import UTC, datetime, timedelta

    from tests.scheduling.conftest import NINE_EIGHTEEN, plan

    url = f"sqlite:///{tmp_path / 'registry.db'}"
    schedules = tmp_path / "sched"
    (schedules / "campaigns").mkdir(parents=True)
    (schedules / "programmes").mkdir()
    (schedules / "programmes" / "three-growls.toml").write_text(THREE_GROWLS)
    units = RUN_DUE_RUNS + len(KINDS)
    for run in range(units):
        (schedules / "campaigns" / f"bench-{run}.toml").write_text(_campaign(run))
    log = tmp_path / "executed.jsonl"
    sim, endpoints = _start_simulators(log, units)
    rng = random.Random(12)
    killed = 0
    try:
        register_bench_units(url, endpoints)
        db = Database(url)
        try:
            year = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))
            plan(db, schedules, *year)
        finally:
            db.dispose()

        def command(run: int) -> list[str]:
            at = NINE_EIGHTEEN + timedelta(minutes=5 * run, seconds=1)
            return [sys.executable, "-c", RUN_DUE, url, at.isoformat(), str(schedules), str(SPEED)]

        durations = []
        for run in range(len(KINDS)):  # orders run in order; one unkilled run of each kind
            started = time.monotonic()
            done = subprocess.run(command(run), capture_output=True, text=True)
            durations.append(time.monotonic() - started)
            assert done.returncode == 0, done.stderr
            assert _executed(log)[f"BENCH-{run:02d}"] > 0  # an unkilled run does command
        for run in range(len(KINDS), units):
            seen = _lines(log)
            duration = durations[run % len(KINDS)]
            proc = subprocess.Popen(
                command(run), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
            )
            if run % 2 == 0:  # at a random moment of the run
                _wait_or_kill(proc, lambda: False, rng.uniform(0.2, 1.1) * duration)
            else:  # the moment the unit executes its first, second ... command
                nth = rng.randint(1, 3 if run % len(KINDS) == 2 else 1)
                _wait_or_kill(proc, lambda n=seen + nth: _lines(log) >= n, duration * 2)
            killed += proc.returncode == -signal.SIGKILL
    finally:
        sim.send_signal(signal.SIGTERM)
        sim.wait(timeout=30)
    executed = _executed(log)
    intents, results = _intents(url)
    for run in range(units):
        tag = f"BENCH-{run:02d}"
        assert executed[tag] <= intents[tag], f"{tag}: executed {executed[tag]}, intents {intents}"
    runs_lost = sum(1 for t in executed if executed[t] > results[t])
    print(
        f"\nrun-due: {RUN_DUE_RUNS} runs, {killed} killed; units executed "
        f"{sum(executed.values())} commands, {sum(intents.values())} intents, "
        f"{sum(results.values())} results; {runs_lost} runs executed a command with no result "
        "record; every executed command has an intent"
    )
    assert killed >= RUN_DUE_RUNS // 3
    assert runs_lost > 0  # some really were killed between a send and its result
