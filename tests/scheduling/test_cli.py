"""The scheduling commands end to end through the real ``sirenctl`` entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from sirenctl.models import Asset
from sirenctl.models.scheduling import WorkOrder
from tests.scheduling.conftest import PLANNER, SOUNDING, seed_county, write_campaign


def test_programme_show_and_list(sqlite_cli):
    result = sqlite_cli("programme", "show", "cn-918-noon", "--at", "2026-09-18 12:00")
    assert result.exit_code == 0
    for text in (
        "12:00:00",
        "12:03:00",
        "12:06:00",
        "12:09:00",
        "12:12:00",
        "12:15:00",
        "total length: 15m = 900 s (ends 12:15:00)",
    ):
        assert text in result.stdout
    data = sqlite_cli.json("programme", "show", "cn-918-double")
    # 鹤壁 2020 / 济源 2017: 10:00, 10:14, 10:28, 31 minutes in all
    assert data["total_s"] == 31 * 60 and [s["start_s"] for s in data["steps"]] == [0, 840, 1680]
    assert "鹤壁" in data["source"]
    names = [p["name"] for p in sqlite_cli.json("programme", "list")]
    assert "cn-918-single" in names and "at-zivilschutz" in names
    assert sqlite_cli("programme", "show", "nope").exit_code == 4


def test_schedule_validate_reports_file_line_field(sqlite_cli, tmp_path):
    assert sqlite_cli("schedule", "validate").exit_code == 0
    write_campaign(
        tmp_path,
        "bad",
        SOUNDING.format(programme="cn-918-noon", assets="all = true").replace(
            "day = 18", "day = 31"
        ),
    )
    result = sqlite_cli("schedule", "validate", str(tmp_path))
    assert result.exit_code == 3
    assert (
        f"{tmp_path / 'campaigns' / 'bad.toml'}:10: when.day: month 9 has no day 31"
        in result.stderr
    )
    listed = sqlite_cli.json("schedule", "list")
    assert {r["name"] for r in listed} == {
        "cn-918-trial-sounding",
        "cn-handcrank-monthly-check",
        "cn-terminal-quarterly-selftest",
        "cn-community-drill-monthly",
    }


def test_plan_agenda_ics_approve_checkin(sqlite_cli, sqlite_url, tmp_path):
    from sirenctl.db import Database

    db = Database(sqlite_url)
    seed_county(db, {"T01": {}})
    next_year = datetime.now(UTC).year + 1
    write_campaign(tmp_path, "s", SOUNDING.format(programme="cn-918-noon", assets="all = true"))
    write_campaign(
        tmp_path,
        "check",
        """title = "check"
task = "manual_check"
checklist = ["crank turns freely", "no rust"]
window = "7d"
[assets]
kinds = ["hand_crank"]
[when]
cron = "0 9 1 9 *"
""",
    )
    dry = sqlite_cli(
        "--operator",
        PLANNER,
        "plan",
        "--year",
        str(next_year),
        "--schedules",
        str(tmp_path),
        "--dry-run",
    )
    assert dry.exit_code == 0 and "would add 7" in dry.stderr
    with db.session() as s:
        assert s.scalar(select(WorkOrder.id)) is None
    real = sqlite_cli(
        "--operator",
        PLANNER,
        "plan",
        "--year",
        str(next_year),
        "--schedules",
        str(tmp_path),
        "--json",
    )
    assert real.exit_code == 0 and json.loads(real.stdout)["added"] == 7
    again = json.loads(
        sqlite_cli("plan", "--year", str(next_year), "--schedules", str(tmp_path), "--json").stdout
    )
    assert again["added"] == 0 and again["unchanged"] == 7
    # agenda as of the last days of August: the check is issued, the sounding comes
    at = f"{next_year}-08-30 08:00"
    ics = tmp_path / "a.ics"
    result = sqlite_cli(
        "agenda",
        "--at",
        at,
        "--days",
        "30",
        "--ics",
        str(ics),
        "--schedules",
        str(tmp_path),
        "--json",
    )
    rows = json.loads(result.stdout)
    assert result.exit_code == 0 and len(rows) == 7
    text = ics.read_text(encoding="utf-8")
    assert text.count("BEGIN:VEVENT") == 7 and f"DTSTART:{next_year}0918T040000Z" in text
    site_rows = json.loads(
        sqlite_cli("agenda", "--at", at, "--days", "30", "--site", "C02", "--json").stdout
    )
    assert {r["tag"] for r in site_rows} == {"HC-C02"}
    # approvals: the planner may not approve; another person may
    t01 = next(r["id"] for r in rows if r["tag"] == "T01")
    refused = sqlite_cli("--operator", PLANNER, "approve", str(t01), "--reason", "x")
    assert refused.exit_code == 7 and "different person" in refused.stderr
    ok = sqlite_cli(
        "--operator",
        "李主任",
        "approve",
        "--campaign",
        "s",
        "--on",
        f"{next_year}-09-18",
        "--site",
        "C01",
        "--reason",
        "notice 12",
    )
    assert ok.exit_code == 0 and "2 work order(s) approved" in ok.stderr  # HC-C01 and T01
    again = sqlite_cli("--operator", "李主任", "approve", str(t01), "--reason", "notice 12")
    assert again.exit_code == 0 and "already approved by you" in again.stderr
    with db.session() as s:
        assert len(s.get(WorkOrder, t01).approvals) == 1
    # a technician checks in at HC-C01 (the manual check due 1 September)
    check = str(next(r["id"] for r in rows if r["tag"] == "HC-C01" and r["task"] == "manual_check"))
    bad = sqlite_cli(
        "--operator", "tech", "checkin", "HC-C01", "--work-order", check, "--check", "1=ok"
    )
    assert bad.exit_code == 3 and "unanswered: 2. no rust" in bad.stderr
    done = sqlite_cli(
        "--operator",
        "tech",
        "checkin",
        "HC-C01",
        "--work-order",
        check,
        "--check",
        "1=ok",
        "--check",
        "no rust=fail",
        "--heard",
        "--level-db",
        "92",
        "--distance",
        "100",
        "--notes",
        "rust on rotor",
        "--json",
    )
    assert done.exit_code == 8
    out = json.loads(done.stdout)
    assert out["outcome"] == "fail" and out["status"] == "failed"
    db.dispose()


def test_run_due_cli_exit_codes(sqlite_cli, sqlite_url, tmp_path):
    from sirenctl.db import Database

    db = Database(sqlite_url)
    seed_county(db, {"T01": {}})
    now = datetime.now(UTC)
    with db.transaction() as s:
        for tag, due in (
            ("HC-C01", now - timedelta(days=30)),
            ("T01", now - timedelta(seconds=10)),
        ):
            asset_id = s.scalar(select(Asset.id).where(Asset.tag == tag))
            s.add(
                WorkOrder(
                    campaign="c",
                    task="trial_sounding",
                    asset_id=asset_id,
                    nominal_at=due,
                    due_at=due,
                    act_at=due,
                    window_end_at=due + timedelta(minutes=2),
                    timezone="Asia/Shanghai",
                    programme="cn-growl",
                    audible=True,
                    provisional=False,
                    status="planned",
                    planned_by=PLANNER,
                    planned_at=due,
                    attempts=0,
                )
            )
    dry = sqlite_cli("run-due", "--dry-run", "--json")
    assert dry.exit_code == 10
    assert {d["tag"]: d["action"] for d in json.loads(dry.stdout)["decisions"]} == {
        "HC-C01": "miss",
        "T01": "refuse",
    }
    assert sqlite_cli("run-due", "--at", "2026-09-18 12:00").exit_code == 2
    real = sqlite_cli("run-due")
    assert real.exit_code == 10 and "ALARM" in real.stderr
    idle = sqlite_cli("run-due")
    assert idle.exit_code == 0 and idle.stdout == "" and idle.stderr == ""
    db.dispose()


def test_holidays_commands(sqlite_cli):
    listed = sqlite_cli.json("holidays", "list", "--year", "2026")
    assert listed["status"] == "official"
    assert {"day": "2026-10-10", "kind": "workday", "name": "National Day"} in listed["days"]
    status = sqlite_cli.json("holidays", "status")
    assert [(r["year"], r["status"]) for r in status] == [(2026, "official")]
    assert sqlite_cli("holidays", "seed", "--year", "2027").exit_code == 0
    assert (
        sqlite_cli(
            "holidays", "set", "2027-10-09", "--kind", "workday", "--name", "国庆节调休"
        ).exit_code
        == 0
    )
    result = sqlite_cli("holidays", "mark", "2027", "official", "--no-replan")
    assert result.exit_code == 0
    status = {r["year"]: r for r in sqlite_cli.json("holidays", "status")}
    assert status[2027]["status"] == "official" and status[2027]["workdays"] >= 1
    days = sqlite_cli.json("holidays", "list", "--year", "2027")["days"]
    assert {"day": "2027-10-09", "kind": "workday", "name": "国庆节调休"} in days
    assert sqlite_cli("holidays", "remove", "2027-12-25").exit_code == 4


def test_daemon_refused_while_another_holds_the_lease(sqlite_cli, sqlite_url):
    from sirenctl.db import Database
    from sirenctl.scheduling.leases import acquire

    db = Database(sqlite_url)
    assert acquire(db, "daemon", "other-host:1", datetime.now(UTC), timedelta(minutes=5)) is None
    result = sqlite_cli("daemon", "--poll-every", "0")
    assert result.exit_code == 5 and "other-host:1" in result.stderr
    db.dispose()


def test_idle_run_due_imports_neither_pymodbus_textual_nor_apscheduler(tmp_path):
    code = (
        "import sys; from sirenctl.cli.main import main\n"
        "try:\n    main(['--db', sys.argv[1], 'run-due'])\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
        "bad = [m for m in ('pymodbus', 'textual', 'apscheduler', 'sirenctl.drivers', 'sirenctl.scheduling.library')"
        " if m in sys.modules]\nprint(bad)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "idle.db")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_approving_a_campaign_day_leaves_bench_units_out(sqlite_cli, sqlite_url, tmp_path):
    """The README tour: a planner plans, an approver approves the 9·18 of every community;
    the office's bench unit in the same campaign needs no approval and must not fail it."""
    from sirenctl.db import Database

    db = Database(sqlite_url)
    seed_county(db, {"T01": {}, "BENCH-01": {"is_bench": True}})
    next_year = datetime.now(UTC).year + 1
    write_campaign(tmp_path, "s", SOUNDING.format(programme="cn-918-noon", assets="all = true"))
    planned = sqlite_cli(
        "--operator", PLANNER, "plan", "--year", str(next_year), "--schedules", str(tmp_path)
    )
    assert planned.exit_code == 0, planned.stderr
    day = f"{next_year}-09-18"
    ok = sqlite_cli(
        "--operator", "李主任", "approve", "--campaign", "s", "--on", day, "--reason", "notice 12"
    )  # fmt: skip
    assert ok.exit_code == 0, ok.stderr
    assert "4 work order(s) approved" in ok.stderr  # T01 and the three hand cranks
    with db.session() as s:
        bench = s.scalar(
            select(WorkOrder).join(Asset).where(Asset.tag == "BENCH-01", WorkOrder.campaign == "s")
        )
        assert bench is not None and bench.approvals == []
        bench_id = bench.id
    named = sqlite_cli("--operator", "李主任", "approve", str(bench_id), "--reason", "x")
    assert named.exit_code != 0 and "bench unit BENCH-01" in named.stderr
    assert "needs no approval" in named.stderr


def test_agenda_json_times_are_iso_8601_with_their_offset(sqlite_cli, sqlite_url, tmp_path):
    import re

    from sirenctl.db import Database

    seed_county(Database(sqlite_url), {"T01": {}})
    next_year = datetime.now(UTC).year + 1
    write_campaign(tmp_path, "s", SOUNDING.format(programme="cn-918-noon", assets="all = true"))
    planned = sqlite_cli(
        "--operator", PLANNER, "plan", "--year", str(next_year), "--schedules", str(tmp_path)
    )
    assert planned.exit_code == 0, planned.stderr
    rows = sqlite_cli.json("agenda", "--at", f"{next_year}-09-01 08:00", "--days", "30")
    assert rows
    iso = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+00:00$")
    for row in rows:
        for key in ("due_at", "window_end_at"):
            assert iso.match(row[key]), row[key]
            assert datetime.fromisoformat(row[key]).utcoffset() == timedelta(0)
