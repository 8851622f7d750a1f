"""Benchmark: `sirenctl asset list` (table and --json) of 10,000 assets vs bare SQLAlchemy Core.

Ours: the real click command in this process (output to a pipe-like buffer, as under cron or
`| less`). Baseline: the same SELECT (assets joined with their sites, ordered by tag) through
SQLAlchemy Core, printing one line per row (table) or ``json.dumps`` of the rows (--json).
Best of several alternating rounds. Goal: ours/baseline <= 2.0 for each.
Ends with ``RESULT <name> ratio=<x> goal=2.0`` lines.
Usage: python benchmarks/asset_list.py [--assets 10000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from contextlib import redirect_stdout, suppress
from pathlib import Path

from sqlalchemy import create_engine, insert, select

from sirenctl.db import Database
from sirenctl.models import Asset, Site


def seed(url: str, n: int) -> None:
    db = Database(url)  # creates the schema
    with db.transaction() as session:
        site = Site(code="C01", name="东风社区", district="安宁县")
        session.add(site)
        session.flush()
        site_id = site.id
    rows = [
        {
            "tag": f"T{i:05d}",
            "name": f"东风社区{i}号电声警报器",
            "kind": "electronic" if i % 3 else "hand_crank",
            "site_id": site_id,
            "status": "in_service",
            "is_bench": False,
            "power_mains": True,
            "battery_backup": True,
            "controller_tls": False,
            "controller_transport": "modbus_tcp" if i % 3 else None,
            "controller_model": "sirenctl-generic" if i % 3 else None,
            "controller_host": f"10.{i // 65536}.{i // 256 % 256}.{i % 256}" if i % 3 else None,
            "controller_port": 502 if i % 3 else None,
            "controller_unit_id": 1 if i % 3 else None,
        }
        for i in range(n)
    ]
    with db.write_connection() as conn:
        conn.execute(insert(Asset), rows)
    db.dispose()


def baseline(url: str, as_json: bool) -> str:
    engine = create_engine(url)
    query = (
        select(Asset.__table__, Site.code.label("site"))
        .join(Site, Site.id == Asset.site_id)
        .order_by(Asset.tag)
    )
    out = io.StringIO()
    with engine.connect() as conn:
        rows = [dict(r._mapping) for r in conn.execute(query)]
    if as_json:
        out.write(json.dumps(rows, ensure_ascii=False, indent=2, default=str))
    else:
        for r in rows:
            out.write(f"{r['tag']}\t{r['site']}\t{r['kind']}\t{r['status']}\t{r['name']}\n")
    engine.dispose()
    return out.getvalue()


def ours(url: str, as_json: bool) -> str:
    from sirenctl.cli.main import cli

    out = io.StringIO()
    args = ["--db", url, "asset", "list"] + (["--json"] if as_json else [])
    with redirect_stdout(out), suppress(SystemExit):
        cli.main(args=args, prog_name="sirenctl", standalone_mode=False)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--assets", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{Path(tmp) / 'bench.db'}"
        seed(url, args.assets)
        ours(url, False)  # warm imports and the schema check
        for as_json, name in ((False, "asset_list"), (True, "asset_list_json")):
            ours_t, base_t = [], []
            for _ in range(args.rounds):
                t = time.perf_counter()
                text = ours(url, as_json)
                ours_t.append(time.perf_counter() - t)
                t = time.perf_counter()
                base = baseline(url, as_json)
                base_t.append(time.perf_counter() - t)
            assert text.count("T0") >= args.assets, "ours did not list every asset"
            assert base.count("T0") >= args.assets
            o, b = min(ours_t), min(base_t)
            print(f"{name}: ours {o:.3f} s, SQLAlchemy Core + print {b:.3f} s ({args.assets} rows)")
            print(f"RESULT {name} ratio={o / b:.2f} goal=2.0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
