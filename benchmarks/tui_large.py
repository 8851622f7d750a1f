"""TUI with 100,000 assets vs 100 assets, in the same run.

Measures, headless at 80x24 (Textual's test driver, the same code path as a terminal):

- launch -> first interactive dashboard (its fleet counts on screen);
- launch -> a filtered asset table (the assets screen, a search pasted and submitted, rows
  shown).

The tables page and filter in SQL, so the 100,000-asset case should cost at most twice the
100-asset one. Ends with one ``RESULT`` line per measure and exits 0.

    python benchmarks/tui_large.py [--rounds 5] [--large 100000]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

GOAL = 2.0
SEARCH = "AS-00009"  # matches AS-000090 .. AS-000099 in both databases


def build_db(path: Path, assets: int) -> str:
    """Sites and assets inserted in bulk (the registry's own schema and constraints)."""
    from sqlalchemy import insert

    from sirenctl.db import Database
    from sirenctl.models import Asset, Site

    url = f"sqlite:///{path}"
    db = Database(url)
    sites = max(1, min(1000, assets // 100))
    kinds = ("hand_crank", "motor", "electronic", "multimedia")
    with db.transaction() as session:
        session.execute(
            insert(Site),
            [
                {
                    "id": i + 1,
                    "code": f"S{i:04d}",
                    "name": f"第{i}社区",
                    "timezone": "Asia/Shanghai",
                }
                for i in range(sites)
            ],
        )
        batch = []
        for n in range(assets):
            batch.append(
                {
                    "tag": f"AS-{n:06d}",
                    "name": f"第{n % sites}社区警报器{n}",
                    "kind": kinds[n % 4],
                    "site_id": n % sites + 1,
                    "status": "in_service",
                    "power_mains": False,
                    "battery_backup": False,
                    "is_bench": False,
                }
            )
            if len(batch) == 10_000:
                session.execute(insert(Asset), batch)
                batch = []
        if batch:
            session.execute(insert(Asset), batch)
    db.dispose()
    return url


async def to_dashboard(url: str) -> float:
    from sirenctl.db import Database
    from sirenctl.tui.app import SirenApp
    from sirenctl.tui.services import Services

    t0 = time.perf_counter()
    db = Database(url)
    app = SirenApp(Services(db, "bench"))
    async with app.run_test(size=(80, 24)) as pilot:
        while getattr(app.screen, "summary", None) is None:
            await pilot.pause(0.001)
        await pilot.pause()
        elapsed = time.perf_counter() - t0
    db.dispose()
    return elapsed


async def to_filtered_assets(url: str) -> float:
    from textual.widgets import DataTable, Input

    from sirenctl.db import Database
    from sirenctl.tui.app import SirenApp
    from sirenctl.tui.services import Services

    t0 = time.perf_counter()
    db = Database(url)
    app = SirenApp(Services(db, "bench"), mode="assets")
    async with app.run_test(size=(80, 24)) as pilot:
        while getattr(app.screen, "current_page", None) is None:
            await pilot.pause(0.001)
        await pilot.press("slash")
        app.screen.query_one("#search", Input).value = SEARCH  # as pasted
        await pilot.press("enter")
        table = app.screen.query_one("#assets", DataTable)
        while not (table.row_count == 10 and app.screen.current_page.total == 10):
            await pilot.pause(0.001)
        await pilot.pause()
        elapsed = time.perf_counter() - t0
    db.dispose()
    return elapsed


def median_of(rounds: int, fn, url: str) -> float:  # type: ignore[no-untyped-def]
    return statistics.median(asyncio.run(fn(url)) for _ in range(rounds))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        t = time.perf_counter()
        small = build_db(Path(tmp) / "small.db", args.small)
        large = build_db(Path(tmp) / "large.db", args.large)
        print(
            f"built databases of {args.small} and {args.large:,} assets in "
            f"{time.perf_counter() - t:.1f} s",
            file=sys.stderr,
        )
        asyncio.run(to_dashboard(small))  # warm-up: imports, first compiles
        results = []
        for name, fn in (
            ("tui_dashboard", to_dashboard),
            ("tui_filtered_assets", to_filtered_assets),
        ):
            base = median_of(args.rounds, fn, small)
            ours = median_of(args.rounds, fn, large)
            print(
                f"{name}: {args.small} assets {base * 1000:.0f} ms, "
                f"{args.large:,} assets {ours * 1000:.0f} ms (median of {args.rounds})"
            )
            results.append((name, ours / base))
    for name, ratio in results:
        print(
            f"RESULT {name}_{args.large // 1000}k_vs_{args.small} ratio={ratio:.2f} goal={GOAL:g}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
