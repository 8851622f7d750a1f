"""Helpers for the execution tests: work orders due now, approvals, a simulator process.

Approvals for live soundings go through :func:`approve_live` only (one place to adapt when the
authority work lands).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sirenctl.db import Database

PLANNER = "planner"
APPROVER = "李主任"


def approve_live(
    db: Database,
    wo_ids: list[int],
    *,
    now: datetime | None = None,
    schedules_dir: Path | str | None = None,
) -> None:
    """The one way these tests authorise a live audible work order: the planner signs the
    plan and a second person approves it, both with their keys (tests/authority.py)."""
    from tests.authority import approve_as

    approve_as(
        db,
        APPROVER,
        wo_ids,
        "test",
        planner=PLANNER,
        schedules_dir=schedules_dir,
        now=now or datetime.now(UTC),
    )


def add_assets(db: Database, ports: dict[str, int], **fields: Any) -> None:
    """A site and one networked electronic siren per simulated controller."""
    from sirenctl.registry.assets import add_asset
    from sirenctl.registry.sites import add_site

    with db.transaction() as s:
        add_site(s, {"code": "C01", "name": "东风社区"}, operator="seed")
        for tag, port in ports.items():
            add_asset(
                s,
                {
                    "tag": tag,
                    "site": "C01",
                    "kind": "electronic",
                    "controller_transport": "modbus_tcp",
                    "controller_host": "127.0.0.1",
                    "controller_port": port,
                    **fields,
                },
                operator="seed",
            )


def add_orders(
    db: Database,
    tags: list[str],
    *,
    due_at: datetime,
    programme: str = "cn-growl",
    task: str = "growl_test",
    window: timedelta = timedelta(minutes=2),
    campaign: str = "test",
) -> list[int]:
    """Audible work orders due at ``due_at`` (as the planner would make them)."""
    from sqlalchemy import select

    from sirenctl.models import Asset
    from sirenctl.models.scheduling import WorkOrder

    with db.transaction() as s:
        assets = {a.tag: a for a in s.scalars(select(Asset).where(Asset.tag.in_(tags)))}
        orders = [
            WorkOrder(
                campaign=campaign,
                task=task,
                asset_id=assets[tag].id,
                nominal_at=due_at,
                due_at=due_at,
                act_at=due_at,
                window_end_at=due_at + window,
                timezone="Asia/Shanghai",
                programme=programme,
                audible=True,
                planned_by=PLANNER,
            )
            for tag in tags
        ]
        s.add_all(orders)
        s.flush()
        return [o.id for o in orders]


class SimProcess:
    """``sirenctl.simulators.fleet_process`` in another process (see its module doc)."""

    def __init__(self, proc: subprocess.Popen[str], ports: dict[str, int]) -> None:
        self.proc = proc
        self.ports = ports

    def stats(self) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("stats\n")
        self.proc.stdin.flush()
        return dict(json.loads(self.proc.stdout.readline()))


@contextmanager
def sim_process(count: int, prefix: str = "T", faults: str = "") -> Iterator[SimProcess]:
    cmd = [sys.executable, "-m", "sirenctl.simulators.fleet_process", "--count", str(count)]
    cmd += ["--prefix", prefix] + (["--faults", faults] if faults else [])
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ},
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line, "simulator process did not start"
        yield SimProcess(proc, json.loads(line))
    finally:
        if proc.stdin:
            proc.stdin.close()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_due_process(db_url: str, **env: str) -> subprocess.Popen[str]:
    """A real ``sirenctl run-due`` as cron starts it, run by 值班员 (extra ``env`` added)."""
    import shutil

    sirenctl = shutil.which("sirenctl")
    assert sirenctl, "sirenctl is not installed in this environment"
    return subprocess.Popen(
        [sirenctl, "--db", db_url, "--operator", "值班员", "run-due", "--timeout", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **env},
    )


def read_until(proc: subprocess.Popen[str], words: str) -> list[str]:
    """The stderr lines of ``proc`` up to the first containing ``words`` (asserted seen)."""
    assert proc.stderr is not None
    seen = []
    for line in proc.stderr:
        seen.append(line)
        if words in line:
            return seen
    raise AssertionError(f"{words!r} never came: {seen}")


def signal_when(
    proc: subprocess.Popen[str], ready: str, signum: int, answer: str
) -> tuple[list[str], str]:
    """Once ``ready`` is on stderr send ``signum``; the next line must contain ``answer``.
    Returns (the lines before the signal, the rest of stderr) after the process ended."""
    assert proc.stderr is not None
    try:
        seen = read_until(proc, ready)
        proc.send_signal(signum)
        line = proc.stderr.readline()
        assert answer in line, line
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    return seen, err
