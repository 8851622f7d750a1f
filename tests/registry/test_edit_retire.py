"""A no-op edit says so and records nothing; a retired asset's open work leaves the agenda;
``sim run --help`` names every fault the simulator can inject (issue 13 §2)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select

from sirenctl.db import Database
from sirenctl.models import AuditEvent
from sirenctl.models.scheduling import WorkOrder
from tests.scheduling.conftest import PLANNER, SOUNDING, seed_county, write_campaign

# serves simulators on the demo's loopback ports: one xdist worker for all such tests
pytestmark = pytest.mark.xdist_group("demo-ports")


def _audit_count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count(AuditEvent.id))) or 0)


def test_noop_asset_and_site_edit_say_nothing_changed(sqlite_cli, sqlite_url):
    db = Database(sqlite_url)
    seed_county(db)
    before = _audit_count(db)
    same = sqlite_cli("asset", "edit", "HC-C01", "--kind", "hand_crank")
    assert same.exit_code == 0, same.stderr
    assert "HC-C01: nothing changed" in same.stderr
    site = sqlite_cli("site", "edit", "C01", "--name", "东风社区")
    assert site.exit_code == 0 and "C01: nothing changed" in site.stderr
    assert _audit_count(db) == before
    zh = sqlite_cli("--lang", "zh", "asset", "edit", "HC-C01", "--kind", "hand_crank")
    assert zh.exit_code == 0 and "没有变化" in zh.stderr
    real = sqlite_cli("asset", "edit", "HC-C01", "--notes", "crank handle loose")
    assert real.exit_code == 0 and "updated asset HC-C01" in real.stderr
    assert _audit_count(db) == before + 1


def test_retired_asset_leaves_the_agenda(sqlite_cli, sqlite_url, tmp_path):
    db = Database(sqlite_url)
    seed_county(db, {"T01": {}})
    next_year = datetime.now(UTC).year + 1
    write_campaign(tmp_path, "s", SOUNDING.format(programme="cn-918-noon", assets="all = true"))
    planned = sqlite_cli(
        "--operator", PLANNER, "plan", "--year", str(next_year), "--schedules", str(tmp_path)
    )
    assert planned.exit_code == 0, planned.stderr
    at = f"{next_year}-09-01 08:00"

    def agenda_tags() -> set[str]:
        out = sqlite_cli("agenda", "--at", at, "--days", "30", "--json")
        assert out.exit_code == 0, out.stderr
        return {row["tag"] for row in json.loads(out.stdout)}

    assert "HC-C02" in agenda_tags()
    retired = sqlite_cli("asset", "retire", "HC-C02", "--reason", "replaced")
    assert retired.exit_code == 0, retired.stderr
    assert "cancelled 1 open work order of HC-C02" in retired.stderr
    assert "HC-C02" not in agenda_tags()
    with db.session() as s:
        notes = set(
            s.scalars(select(WorkOrder.outcome_note).where(WorkOrder.status == "cancelled"))
        )
        actions = set(s.scalars(select(AuditEvent.action).where(AuditEvent.object_ref == "HC-C02")))
    assert notes == {"asset retired"} and "workorder.cancel" in actions
    # what was planned for others is untouched
    assert {"HC-C01", "T01"} <= agenda_tags()


def test_sim_run_help_lists_every_fault(sqlite_cli):
    from sirenctl.simulators.faults import COMM_FAULTS, STATE_FAULTS

    for lang in ("en", "zh"):
        result = sqlite_cli("--lang", lang, "sim", "run", "--help")
        assert result.exit_code == 0
        text = " ".join(result.stdout.split())
        missing = [f for f in (*COMM_FAULTS, *STATE_FAULTS) if f not in text]
        assert not missing, f"{lang}: sim run --help does not name {missing}"
