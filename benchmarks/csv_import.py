"""Benchmark: `sirenctl asset import` of 100,000 CSV rows vs a bare SQLAlchemy Core bulk insert.

Each side runs in its own fresh process (so peak memory is its own) on a fresh SQLite file:
ours is the real CLI command (decode, parse and validate every row, all-or-nothing, audited);
the baseline inserts the same rows, already as dicts, with one Core ``insert()`` executemany.
Reports wall time, peak RSS and how long the SQLite write lock was held.
Goals: time ratio <= 2.0, ours peak memory < 300 MB.
Ends with ``RESULT csv_import ratio=<x> goal=2.0`` and ``RESULT csv_import_peak_mb ...``.
Usage: python benchmarks/csv_import.py [--rows 100000]
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HEADER = ["tag", "site", "kind", "name", "serial_no", "latitude", "longitude", "measured_db",
          "measured_distance_m", "custodian", "custodian_phone"]  # fmt: skip


def row(i: int) -> list[str]:
    return [f"HC-{i:06d}", "C01", "手摇", f"东风社区{i}号手摇警报器", f"SY120-{i:06d}",
            f"{36 + i % 1000 / 10000:.4f}", f"{117 + i % 997 / 10000:.4f}", "96", "30",
            f"网格员{i % 50}", f"1390531{i % 10000:04d}"]  # fmt: skip


def write_csv(path: Path, n: int) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        for i in range(n):
            w.writerow(row(i))


def prepare_db(url: str) -> None:
    from sirenctl.db import Database
    from sirenctl.models import Site

    db = Database(url)
    with db.transaction() as session:
        session.add(Site(code="C01", name="东风社区", district="安宁县"))
    db.dispose()


def child(mode: str, csv_path: str, url: str, n: int) -> None:
    prepare_db(url)
    t = time.perf_counter()
    held: list[float] = []
    if mode == "ours":
        import contextlib

        from sirenctl.cli.main import cli
        from sirenctl.db import Database

        plain = Database.transaction

        @contextlib.contextmanager
        def timed(self):  # type: ignore[no-untyped-def]
            start = time.perf_counter()
            with plain(self) as session:
                yield session
            held.append(time.perf_counter() - start)

        Database.transaction = timed  # type: ignore[method-assign,assignment]

        try:
            cli.main(["--db", url, "asset", "import", csv_path], prog_name="sirenctl",
                     standalone_mode=False)  # fmt: skip
        except SystemExit as exc:
            assert not exc.code, exc.code
    else:
        from sqlalchemy import create_engine, insert, select

        from sirenctl.models import Asset, Site

        engine = create_engine(url)
        with engine.begin() as conn:
            site_id = conn.scalar(select(Site.id))
            rows = []
            for i in range(n):
                r = dict(zip(HEADER, row(i), strict=True))
                rows.append({
                    "tag": r["tag"], "site_id": site_id, "kind": "hand_crank", "name": r["name"],
                    "serial_no": r["serial_no"], "latitude": float(r["latitude"]),
                    "longitude": float(r["longitude"]), "measured_db": 96.0,
                    "measured_distance_m": 30.0, "custodian": r["custodian"],
                    "custodian_phone": r["custodian_phone"], "status": "in_service",
                    "is_bench": False, "power_mains": False, "battery_backup": False,
                    "controller_tls": False,
                })  # fmt: skip
            conn.execute(insert(Asset), rows)
    elapsed = time.perf_counter() - t
    from sqlalchemy import create_engine, func, select, text

    engine = create_engine(url)
    with engine.connect() as conn:
        count = conn.scalar(text("SELECT count(*) FROM asset"))
    lock = max(held) if held else elapsed  # the longest write transaction (the lock)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": elapsed, "peak_mb": peak_mb, "count": count, "lock": lock}))
    del func, select


def run(mode: str, csv_path: Path, tmp: Path, n: int) -> dict[str, float]:
    url = f"sqlite:///{tmp / (mode + '.db')}"
    out = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(csv_path), url, str(n)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", nargs=4)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.child[2], int(args.child[3]))
        return 0
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        csv_path = tmp / "assets.csv"
        write_csv(csv_path, args.rows)
        base = run("baseline", csv_path, tmp, args.rows)
        ours = run("ours", csv_path, tmp, args.rows)
        assert ours["count"] == base["count"] == args.rows, (ours, base)
        print(f"csv import of {args.rows} rows: ours {ours['seconds']:.1f} s "
              f"(peak {ours['peak_mb']:.0f} MB, write lock {ours['lock'] or 0:.1f} s); "
              f"bare Core insert {base['seconds']:.1f} s (peak {base['peak_mb']:.0f} MB)")  # fmt: skip
        print(f"RESULT csv_import ratio={ours['seconds'] / base['seconds']:.2f} goal=2.0")
        print(f"RESULT csv_import_peak_mb ratio={ours['peak_mb'] / 300:.2f} goal=1.0")
    return 0


if __name__ == "__main__":
    sys.exit(main())
