"""Benchmark: plan one year for 100,000 assets (monthly checks plus 9·18) against a bare
SQLAlchemy Core bulk insert of the same rows, in the same run.

Ours: what ``sirenctl plan --year`` does after loading the schedule files (holiday table
seeding, occurrences with the holiday policy, asset selection, the diff against existing
work orders, grouped bulk insert, audit) in one write transaction on a SQLite file.
Baseline: ``insert(work_order)`` executemany of exactly the rows ours wrote (prepared before
timing), in batches of the same size, into a fresh database with the same schema and settings.
Each side runs ``--rounds`` times on fresh files; the best round counts. Goal: ours/baseline <= 1.5.
Ends with ``RESULT plan_year_<n> ratio=<x> goal=1.5``; exits 0.
Usage: python benchmarks/plan_year.py [--assets 100000] [--rounds 1]   (about 4 minutes)
"""

from __future__ import annotations

import argparse
import gc
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

CAMPAIGNS = {
    "monthly-check": """title = "monthly check"
task = "manual_check"
checklist = ["crank turns freely", "no rust", "label readable"]
window = "7d"
holiday_policy = "move"
[assets]
all = true
[when]
rule = "nth_weekday"
n = 1
weekday = "tue"
time = "09:00"
""",
    "nine-eighteen": """title = "9·18"
task = "trial_sounding"
programme = "cn-918-noon"
window = "2m"
[assets]
all = true
[when]
rule = "fixed_date"
month = 9
day = 18
time = "12:00"
""",
}
YEAR = 2026


def fresh_db(path: Path, assets: int):
    from sqlalchemy import insert

    import sirenctl.models.scheduling  # noqa: F401
    from sirenctl.db import Database
    from sirenctl.models import Asset, Site

    db = Database(f"sqlite:///{path}")
    now = datetime(2025, 12, 1, tzinfo=UTC)
    sites = max(1, assets // 100)
    with db.transaction() as s:
        s.execute(
            insert(Site.__table__),
            [
                {
                    "id": i + 1,
                    "code": f"S{i:05d}",
                    "name": f"community {i}",
                    "timezone": "Asia/Shanghai",
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(sites)
            ],
        )
        s.execute(
            insert(Asset.__table__),
            [
                {
                    "id": i + 1,
                    "tag": f"HC-{i:06d}",
                    "kind": "hand_crank",
                    "site_id": i % sites + 1,
                    "status": "in_service",
                    "power_mains": False,
                    "battery_backup": False,
                    "is_bench": False,
                    "created_at": now,
                    "updated_at": now,
                }
                for i in range(assets)
            ],
        )
    return db


def quiet_gc() -> None:
    """Both sides start with the garbage collector settled, so neither pays for the other's heap."""
    gc.collect()
    gc.freeze()


def ours(db, schedules: Path) -> tuple[float, object]:
    from sirenctl.scheduling.holidays_db import calendar_from_db, ensure_years
    from sirenctl.scheduling.library import load_library
    from sirenctl.scheduling.planner import apply_plan, compute_plan

    library = load_library(schedules)
    audible = {k: p.audible for k, p in library.programmes.items()}
    start, end = datetime(YEAR, 1, 1, tzinfo=UTC), datetime(YEAR + 1, 1, 1, tzinfo=UTC)
    now = datetime(2025, 12, 1, tzinfo=UTC)
    quiet_gc()
    t0 = time.perf_counter()
    with db.transaction() as s:
        ensure_years(s, "CN", [YEAR, YEAR + 1], operator="bench", now=now)
        calendar = calendar_from_db(s, ["CN"])
        diff = compute_plan(
            s, library.campaigns.values(), start, end, calendar, audible, planner="bench", now=now
        )
        apply_plan(s, diff, operator="bench", now=now)
    return time.perf_counter() - t0, diff


def baseline(db, rows: list[dict]) -> float:
    from sqlalchemy import insert

    from sirenctl.models.scheduling import WorkOrder
    from sirenctl.scheduling.planner import BATCH

    statement = insert(WorkOrder.__table__)
    quiet_gc()  # the prepared rows are a large heap: keep the collector from rescanning it
    t0 = time.perf_counter()
    with db.transaction() as s:
        for i in range(0, len(rows), BATCH):  # same batch size as ours: the faster way for Core
            s.execute(statement, rows[i : i + BATCH])
    return time.perf_counter() - t0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="sirenctl-plan-bench-") as tmp:
        root = Path(tmp)
        schedules = root / "schedules"
        (schedules / "campaigns").mkdir(parents=True)
        for name, text in CAMPAIGNS.items():
            (schedules / "campaigns" / f"{name}.toml").write_text(text, encoding="utf-8")
        best_ours = best_base = float("inf")
        count = 0
        for r in range(args.rounds):
            db = fresh_db(root / f"ours{r}.db", args.assets)
            took, diff = ours(db, schedules)
            db.dispose()
            rows = list(diff.added_rows())
            count = len(rows)
            best_ours = min(best_ours, took)
            db = fresh_db(root / f"base{r}.db", args.assets)
            best_base = min(best_base, baseline(db, rows))
            db.dispose()
            del rows, diff
            gc.unfreeze()
            print(
                f"round {r + 1}: ours {took:.2f} s, baseline {best_base:.2f} s (best so far), "
                f"{count} work orders"
            )
    print(
        f"plan one year, {args.assets} assets: {count} work orders; "
        f"ours {best_ours:.2f} s, bare Core bulk insert {best_base:.2f} s"
    )
    print(f"RESULT plan_year_{args.assets // 1000}k ratio={best_ours / best_base:.3f} goal=1.5")


if __name__ == "__main__":
    main()
