"""Benchmark: an idle ``sirenctl run-due`` (what cron starts every minute) against
``python -c "import sqlalchemy"`` in the same run.

Setup: a SQLite database with the demo county's schema and a year of future work orders
(nothing due). Each side is started as a fresh process ``--runs`` times, alternating; the
median wall time counts. Idle run-due must stay cheap: it imports neither Textual, pymodbus,
APScheduler nor the schedule files, and runs one indexed query.
Ends with ``RESULT run_due_idle ratio=<x> goal=1.5``; exits 0.
Usage: python benchmarks/run_due_idle.py [--runs 15]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path


def prepare(path: Path) -> str:
    from sirenctl.db import Database
    from sirenctl.registry.demo import seed_demo
    from sirenctl.scheduling.library import load_library
    from sirenctl.scheduling.plan_service import plan_campaigns

    url = f"sqlite:///{path / 'idle.db'}"
    db = Database(url)
    now = datetime.now(UTC)
    library = load_library()
    year = now.year + 1
    start, end = datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)
    with db.transaction() as s:
        seed_demo(s, operator="bench", data_dir=path)
        plan_campaigns(s, library, start, end, operator="bench", now=now)
    db.dispose()
    return url


def timed(argv: list[str], env: dict[str, str]) -> float:
    t0 = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True)
    took = time.perf_counter() - t0
    if done.returncode != 0 or done.stdout:
        sys.exit(f"{argv} did not run idle: exit {done.returncode}\n{done.stdout}{done.stderr}")
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sirenctl-idle-bench-") as tmp:
        url = prepare(Path(tmp))
        env = {**os.environ, "SIRENCTL_DATA_DIR": tmp}
        ours_argv = [sys.executable, "-m", "sirenctl.cli", "--db", url, "run-due"]
        main_py = Path(sys.executable).with_name("sirenctl")
        if main_py.exists():
            ours_argv = [str(main_py), "--db", url, "run-due"]
        base_argv = [sys.executable, "-c", "import sqlalchemy"]
        timed(ours_argv, env)  # warm the file cache once
        ours, base = [], []
        for _ in range(args.runs):
            ours.append(timed(ours_argv, env))
            base.append(timed(base_argv, env))
    o, b = statistics.median(ours), statistics.median(base)
    print(
        f"idle run-due median {o * 1000:.0f} ms; python -c 'import sqlalchemy' median {b * 1000:.0f} ms"
    )
    print(f"RESULT run_due_idle ratio={o / b:.3f} goal=1.5")


if __name__ == "__main__":
    main()
