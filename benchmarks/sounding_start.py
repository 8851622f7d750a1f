"""Benchmark: the 9·18 instant. N terminals due at T; how close to T does each command leave?

Simulated Modbus TCP terminals run in a separate process (``sirenctl.simulators.fleet_process``)
and time-stamp every command they execute. Per round:

1. Baseline: a pre-connected bare pymodbus fan-out writes the same command block to every
   controller at T0 (one FC16 write each, all at once; no status read, no verification).
2. Ours: a real ``sirenctl run-due`` subprocess, started ~3 s before T1 (like the cron run
   of the minute before), claims, prepares, pre-connects, waits for T1 and fires; the
   programme (a 5 s growl) is verified by echo and the final status read after its end.

Reported: first/p50/p99/last latency of the command from T, the spread (last - first), and the
outcomes recorded in the database (every terminal played, so anything but *done* is a false
failure or a false unknown). Goals (issue 12): spread <= 1.2x the baseline's, first within
0.1 s and last within 1 s of T at N = 1,000, 0 wrong outcomes.

Usage: python benchmarks/sounding_start.py [--n 1000 5000] [--pg-url URL]
(PostgreSQL also when SIRENCTL_TEST_PG_URL is set). Ends with RESULT lines.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

GROWL = 4  # canonical code of the growl signal (cn-growl; drivers/signals.py)
# run-due starts this long before T (cron: the run of the minute before); BENCH_LEAD_S overrides
LEAD_S = float(os.environ.get("BENCH_LEAD_S", "60"))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests.authority


class Sims:
    def __init__(self, n: int) -> None:
        cmd = [sys.executable, "-m", "sirenctl.simulators.fleet_process", "--count", str(n)]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        self.ports: dict[str, int] = json.loads(self.proc.stdout.readline())

    def stats(self) -> dict[str, Any]:
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.write("stats\n")
        self.proc.stdin.flush()
        return dict(json.loads(self.proc.stdout.readline()))

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=60)


def first_commands(stats: dict[str, Any], since: float, until: float) -> list[float]:
    out = []
    for s in stats.values():
        times = [at for at, code in s["commands"] if code == GROWL and since <= at < until]
        if times:
            out.append(min(times))
    return sorted(out)


def summary(times: list[float], t: float, n: int) -> dict[str, float]:
    lat = [x - t for x in times]
    if not lat:
        return {
            "played": 0,
            "first": float("nan"),
            "p50": float("nan"),
            "p99": float("nan"),
            "last": float("nan"),
            "spread": float("nan"),
        }
    return {
        "played": len(lat),
        "first": lat[0],
        "p50": statistics.median(lat),
        "p99": lat[min(len(lat) - 1, int(0.99 * len(lat)))],
        "last": lat[-1],
        "spread": lat[-1] - lat[0],
        "missing": n - len(lat),
    }


async def baseline(ports: dict[str, int]) -> float:
    from pymodbus.client import AsyncModbusTcpClient

    from sirenctl.drivers.regmap import load_map

    m = load_map("sirenctl-generic")
    values = m.encode_command(GROWL, 1, 4242)
    clients = [
        AsyncModbusTcpClient("127.0.0.1", port=p, retries=0, timeout=10.0, reconnect_delay=0)
        for p in ports.values()
    ]
    for i in range(0, len(clients), 200):
        await asyncio.gather(*(c.connect() for c in clients[i : i + 200]))
    t0 = time.time() + 2.0  # pre-connected: the instant comes after every connection is open
    await asyncio.sleep(max(0.0, t0 - time.time()))
    await asyncio.gather(
        *(c.write_registers(m.command_address, values=values, device_id=1) for c in clients),
        return_exceptions=True,
    )
    for c in clients:
        c.close()
    return t0


def setup_db(url: str, ports: dict[str, int], due: datetime) -> None:
    from sirenctl.db import Database
    from sirenctl.models import Asset, Site
    from sirenctl.models.scheduling import WorkOrder
    from sirenctl.simulators.controller import default_serial

    db = Database(url)
    with db.transaction() as s:
        site = Site(code="C01", name="bench site")
        s.add(site)
        s.flush()
        assets = [
            Asset(
                tag=tag,
                kind="electronic",
                site_id=site.id,
                is_bench=True,  # bench units: a permit without approvals (same code path)
                controller_transport="modbus_tcp",
                controller_host="127.0.0.1",
                controller_port=port,
                serial_no=default_serial(tag),  # proven on the wire before anything audible
            )
            for tag, port in ports.items()
        ]
        s.add_all(assets)
        s.flush()
        tags = [a.tag for a in assets]
        s.add_all(
            WorkOrder(
                campaign="bench-918",
                task="growl_test",
                asset_id=a.id,
                nominal_at=due,
                due_at=due,
                act_at=due,
                window_end_at=due + timedelta(minutes=2),
                timezone="Asia/Shanghai",
                programme="cn-growl",
                audible=True,
                planned_by="bench",
            )
            for a in assets
        )
    from tests.authority import certify_bench

    certify_bench(db, *tags)  # the administrator's signature on the bench flag (SQLite)
    db.dispose()


def outcomes(url: str) -> dict[str, int]:
    from sqlalchemy import func, select

    from sirenctl.db import Database
    from sirenctl.models.scheduling import WorkOrder

    db = Database(url)
    with db.session() as s:
        rows = s.execute(select(WorkOrder.status, func.count()).group_by(WorkOrder.status)).all()
    db.dispose()
    return {status: count for status, count in rows}


def fresh_pg(admin: str) -> str:
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"sirenctl_bench_{uuid.uuid4().hex[:8]}"
    eng = create_engine(admin, isolation_level="AUTOCOMMIT")
    with eng.connect() as c:
        c.execute(text(f'CREATE DATABASE "{name}"'))
    eng.dispose()
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


def one_round(n: int, url: str, label: str) -> dict[str, Any]:
    sims = Sims(n)
    try:
        t0 = asyncio.run(baseline(sims.ports))
        time.sleep(6.5)  # let the baseline growl end
        base = summary(first_commands(sims.stats(), t0 - 1, t0 + 5), t0, n)
        t1 = float(int(time.time()) + LEAD_S + 4 + int(n / 500))
        due = datetime.fromtimestamp(t1, UTC)
        setup_db(url, sims.ports, due)
        time.sleep(max(0.0, t1 - LEAD_S - time.time()))
        exe = shutil.which("sirenctl") or "sirenctl"
        started = time.time()
        proc = subprocess.run(
            [exe, "--db", url, "run-due", "--timeout", "5"],
            capture_output=True,
            text=True,
            timeout=600,
            env={**os.environ, "SIRENCTL_TIMING": "1"},
        )
        ran = time.time() - started
        # anything after the baseline counts: a command sent early would show as negative
        ours = summary(first_commands(sims.stats(), t0 + 5, t1 + 600), t1, n)
        got = outcomes(url)
    finally:
        sims.close()
    wrong = n - got.get("done", 0)
    print(
        f"{label} N={n}: baseline first {base['first']:.3f} p50 {base['p50']:.3f} "
        f"p99 {base['p99']:.3f} last {base['last']:.3f} spread {base['spread']:.3f} s | "
        f"ours first {ours['first']:.3f} p50 {ours['p50']:.3f} p99 {ours['p99']:.3f} "
        f"last {ours['last']:.3f} spread {ours['spread']:.3f} s | played {ours['played']}/{n}, "
        f"statuses {got}, run-due exit {proc.returncode} in {ran:.1f} s "
        f"(started {LEAD_S:g} s before T), "
        f"stdout {len(proc.stdout.splitlines())} lines, stderr {len(proc.stderr.splitlines())} "
        "lines",
        flush=True,
    )
    if proc.stderr.strip():
        print("  stderr: " + " | ".join(proc.stderr.strip().splitlines()[:5]), flush=True)
    return {"base": base, "ours": ours, "wrong": wrong}


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, nargs="+", default=[1000, 5000])
    ap.add_argument("--pg-url", default=os.environ.get("SIRENCTL_TEST_PG_URL"))
    args = ap.parse_args()
    backends = [("sqlite", None)] + ([("postgresql", args.pg_url)] if args.pg_url else [])
    results: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.n:
            for label, admin in backends:
                url = f"sqlite:///{Path(tmp) / f'b{n}.db'}" if admin is None else fresh_pg(admin)
                r = one_round(n, url, label)
                ratio = r["ours"]["spread"] / max(r["base"]["spread"], 1e-3)
                name = f"sounding_start_{label}_{n}"
                results.append(f"RESULT {name}_spread ratio={ratio:.2f} goal=1.2")
                if n == 1000:
                    results.append(
                        f"RESULT {name}_first ratio={r['ours']['first'] / 0.1:.2f} goal=1.0"
                    )
                    results.append(
                        f"RESULT {name}_last ratio={r['ours']['last'] / 1.0:.2f} goal=1.0"
                    )
                results.append(f"RESULT {name}_wrong_outcomes ratio={r['wrong']} goal=0")
    for line in results:
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
