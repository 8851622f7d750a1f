"""Fixtures for the database-bound scheduling tests: a small county and a schedules directory."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from sirenctl.db import Database

# 2026-09-18 12:00 in Shanghai, the 9·18 sounding of the shipped campaign
NINE_EIGHTEEN = datetime(2026, 9, 18, 4, 0, tzinfo=UTC)
PLANNER = "planner"


def seed_county(db: Database, terminals: dict[str, dict] | None = None) -> None:
    """Three communities with a hand-crank siren each; terminals as given (tag -> fields)."""
    from sirenctl.registry.assets import add_asset
    from sirenctl.registry.sites import add_site
    from sirenctl.simulators.controller import default_serial

    with db.transaction() as s:
        for code, name in (("C01", "东风社区"), ("C02", "向阳社区"), ("C03", "南湖社区")):
            add_site(s, {"code": code, "name": name}, operator="seed")
            add_asset(s, {"tag": f"HC-{code}", "site": code, "kind": "hand_crank"}, operator="seed")
        # each terminal its own closed loopback port: a bench unit may not share a live
        # controller's channel (sirenctl/bench_guard.py)
        for number, (tag, fields) in enumerate((terminals or {}).items()):
            add_asset(
                s,
                {
                    "tag": tag,
                    "site": "C01",
                    "kind": "electronic",
                    "controller_transport": "modbus_tcp",
                    "controller_host": "127.0.0.1",
                    "controller_port": 9 + 2 * number,
                    # a bench unit proves this serial on the wire before sounding (bench_guard)
                    **({"serial_no": default_serial(tag)} if fields.get("is_bench") else {}),
                    **fields,
                },
                operator="seed",
            )
    from tests.authority import certify_bench

    certify_bench(db, *[tag for tag, fields in (terminals or {}).items() if fields.get("is_bench")])


def write_campaign(directory: Path, name: str, text: str) -> Path:
    (directory / "campaigns").mkdir(parents=True, exist_ok=True)
    path = directory / "campaigns" / f"{name}.toml"
    path.write_text(text, encoding="utf-8")
    return path


SOUNDING = """title = "test sounding"
task = "trial_sounding"
programme = "{programme}"
window = "2m"
[assets]
{assets}
[when]
rule = "fixed_date"
month = 9
day = 18
time = "12:00"
"""

SILENT = """title = "test self-test"
task = "silent_test"
programme = "cn-silent-selftest"
window = "1h"
[assets]
kinds = ["electronic", "motor"]
[when]
rule = "fixed_date"
month = 9
day = 18
time = "12:00"
"""


@pytest.fixture
def sdb(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def sqlite_db(sqlite_url: str) -> Iterator[Database]:
    database = Database(sqlite_url)
    yield database
    database.dispose()


def plan(
    db: Database,
    schedules: Path | None,
    start: datetime,
    end: datetime,
    *,
    planner: str = PLANNER,
    now: datetime | None = None,
):
    """Plan like the CLI does, with an injected 'now'."""
    from sirenctl.scheduling.library import load_library
    from sirenctl.scheduling.plan_service import plan_campaigns

    with db.transaction() as s:
        return plan_campaigns(
            s, load_library(schedules), start, end, operator=planner, now=now or start
        )


def work_orders(db: Database, **where):
    from sqlalchemy import select

    from sirenctl.models.scheduling import WorkOrder

    with db.session() as s:
        query = select(WorkOrder).order_by(WorkOrder.id)
        for key, value in where.items():
            query = query.where(getattr(WorkOrder, key) == value)
        return list(s.scalars(query))
