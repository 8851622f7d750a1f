"""A small county with simulated controllers on loopback, accounts, and an audible counter.

Live terminals T01, T02 and a bench unit BENCH-01 (certified by the administrator) answer on
127.0.0.1; ``audible(fleet, tag)`` counts the audible commands a controller actually received.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from sirenctl.db import Database
from sirenctl.identity import Role
from tests.authority import certify_bench, ensure_accounts, passphrase_for
from tests.integration.simthread import fleet_in_thread

# 2027-09-18 12:00 in Shanghai (in the future, so `sirenctl plan --year 2027` plans it)
DUE = datetime(2027, 9, 18, 4, 0, tzinfo=UTC)
LIVE = ("T01", "T02")
BENCH = "BENCH-01"
STOP, SILENT_TEST = 0, 5

GROWL = 'title = "growl"\n[[step]]\nsignal = "growl"\ncycles = 1\n'
AIR_RAID = 'title = "growl"\n[[step]]\nsignal = "air-raid"\ncycles = 1\n'
CAMPAIGN = """title = "test sounding"
task = "trial_sounding"
programme = "test-prog"
window = "2m"
[assets]
all = true
[when]
rule = "fixed_date"
month = 9
day = 18
time = "12:00"
"""

PLANNER, APPROVER, TECH, BOTH = "wang", "li", "zhang", "chen"


def line(login: str) -> str:
    """What a person types at the passphrase prompt (one line of stdin)."""
    return passphrase_for(login) + "\n"


def audible(fleet: Any, tag: str) -> int:
    return sum(1 for a in fleet.controller(tag).stats.commands if a.code not in (STOP, SILENT_TEST))


def live_audible(fleet: Any) -> int:
    return sum(audible(fleet, tag) for tag in LIVE)


@dataclass
class County:
    db: Database
    url: str
    fleet: Any
    schedules: Path

    def run_due(self) -> Any:
        """One run-due on the fleet's manual clock (starts 5 s after the due time)."""
        from sirenctl.scheduling.rundue import run_due

        clock = self.fleet.test_clock
        return run_due(self.db, clock=clock, worker="w1", schedules_dir=self.schedules, timeout=0.3)

    def order(self, tag: str) -> Any:
        from sirenctl.models import Asset
        from sirenctl.models.scheduling import WorkOrder

        with self.db.session() as s:
            return s.scalar(
                select(WorkOrder)
                .join(Asset, WorkOrder.asset_id == Asset.id)
                .where(Asset.tag == tag, WorkOrder.due_at == DUE)
            )

    def plan_signed(self) -> None:
        from tests.authority import sign_plans_as

        ids = [self.order(tag).id for tag in LIVE]
        sign_plans_as(self.db, PLANNER, ids, schedules_dir=self.schedules)

    def alarms(self) -> list[Any]:
        from sirenctl.models import AuditEvent

        with self.db.session() as s:
            return list(s.scalars(select(AuditEvent).where(AuditEvent.outcome == "alarm")))


def make_county(url: str, schedules: Path, fleet: Any) -> County:
    from sirenctl.registry.assets import add_asset
    from sirenctl.registry.sites import add_site
    from sirenctl.scheduling.library import load_library
    from sirenctl.scheduling.plan_service import plan_campaigns
    from sirenctl.simulators.controller import default_serial

    (schedules / "programmes").mkdir(parents=True, exist_ok=True)
    (schedules / "campaigns").mkdir(parents=True, exist_ok=True)
    (schedules / "programmes" / "test-prog.toml").write_text(GROWL, "utf-8")
    (schedules / "campaigns" / "test.toml").write_text(CAMPAIGN, "utf-8")
    db = Database(url)
    ensure_accounts(db, PLANNER, roles={Role.PLANNER, Role.TECHNICIAN})
    ensure_accounts(db, APPROVER, roles={Role.APPROVER})
    ensure_accounts(db, TECH, roles={Role.TECHNICIAN})
    ensure_accounts(db, BOTH, roles={Role.PLANNER, Role.APPROVER})
    with db.transaction() as s:
        add_site(s, {"code": "C01", "name": "东风社区"}, operator="seed")
        for tag in (*LIVE, BENCH):
            add_asset(
                s,
                {
                    "tag": tag,
                    "site": "C01",
                    "kind": "electronic",
                    "controller_transport": "modbus_tcp",
                    "controller_host": "127.0.0.1",
                    "controller_port": fleet.endpoints[tag].port,
                    "is_bench": tag == BENCH,
                    "serial_no": default_serial(tag),  # what the simulator's identity block says
                },
                operator="seed",
            )
    certify_bench(db, BENCH)
    with db.transaction() as s:
        start = datetime(2027, 1, 1, tzinfo=UTC)
        plan_campaigns(
            s,
            load_library(schedules),
            start,
            datetime(2028, 1, 1, tzinfo=UTC),
            operator=PLANNER,
            now=start,
        )
    return County(db, url, fleet, schedules)


@pytest.fixture
def fleet() -> Iterator[Any]:
    from sirenctl.drivers.clock import ManualClock
    from sirenctl.simulators.fleet import SimSpec

    specs = [SimSpec(tag, kind="electronic") for tag in (*LIVE, BENCH)]
    clock = ManualClock(start=DUE.timestamp() + 5)
    with fleet_in_thread(specs, clock=clock, timeout=0.3) as running:
        running.test_clock = clock
        yield running


@pytest.fixture
def county(sqlite_url: str, tmp_path: Path, fleet: Any) -> Iterator[County]:
    c = make_county(sqlite_url, tmp_path / "schedules", fleet)
    yield c
    c.db.dispose()
