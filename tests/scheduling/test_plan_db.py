"""Planning into the database: the 9·18 plan, idempotent re-plans, holidays, dry runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from sirenctl.models.scheduling import HolidayYear, WorkOrder
from tests.scheduling.conftest import (
    NINE_EIGHTEEN,
    SILENT,
    SOUNDING,
    plan,
    seed_county,
    work_orders,
    write_campaign,
)

YEAR_2026 = (datetime(2026, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC))


def test_918_plan_for_the_demo_county(sdb, tmp_path):
    from sirenctl.registry.demo import seed_demo

    with sdb.transaction() as s:
        seed_demo(s, operator="seed", data_dir=tmp_path)
    diff = plan(sdb, None, *YEAR_2026)
    orders = work_orders(sdb, campaign="cn-918-trial-sounding")
    with sdb.session() as s:
        from sirenctl.models import Asset

        assets = s.scalar(select(func.count()).select_from(Asset))
    assert len(orders) == assets == 20  # 14 hand-crank sirens and 6 terminals
    assert len({o.asset_id for o in orders}) == assets
    local = {o.due_at.astimezone(ZoneInfo("Asia/Shanghai")).isoformat() for o in orders}
    assert local == {"2026-09-18T10:00:00+08:00"}  # the cited default (cn-918-jiangsu)
    ten = NINE_EIGHTEEN - timedelta(hours=2)
    assert all(o.due_at == ten and o.window_end_at == ten + timedelta(minutes=2) for o in orders)
    assert all(
        o.audible and o.programme == "cn-918-jiangsu" and o.status == "planned" for o in orders
    )
    manual = [o for o in orders if o.act_at < o.due_at]
    assert len(manual) == 14  # hand-crank soundings are issued to technicians a week ahead
    # monthly hand-crank checks: 12 per siren; quarterly self-test: 4 per terminal
    assert len(work_orders(sdb, campaign="cn-handcrank-monthly-check")) == 14 * 12
    assert len(work_orders(sdb, campaign="cn-terminal-quarterly-selftest")) == 5 * 4 + 4  # + bench
    assert diff.summary()["added"] == len(work_orders(sdb))


def test_replan_is_idempotent_and_changes_only_future_unstarted(sdb, tmp_path):
    seed_county(sdb, {"T01": {}, "T02": {}})
    write_campaign(tmp_path, "silent", SILENT)
    first = plan(sdb, tmp_path, *YEAR_2026)
    assert first.added_count == 2
    again = plan(sdb, tmp_path, *YEAR_2026)
    assert again.empty and again.unchanged == 2
    assert len(work_orders(sdb)) == 2
    # one work order has started; then the campaign moves to 14:00
    started = work_orders(sdb)[0]
    with sdb.transaction() as s:
        s.get(WorkOrder, started.id).status = "done"
    write_campaign(tmp_path, "silent", SILENT.replace('"12:00"', '"14:00"'))
    changed = plan(sdb, tmp_path, *YEAR_2026)
    assert [c[0] for c in changed.changed] == [work_orders(sdb)[1].id] and changed.kept == 1
    by_id = {o.id: o for o in work_orders(sdb)}
    assert by_id[started.id].due_at == NINE_EIGHTEEN  # done: left alone
    assert by_id[started.id + 1].due_at == NINE_EIGHTEEN + timedelta(hours=2)
    assert by_id[started.id + 1].planned_by == "planner"
    # after its due time nothing changes any more
    late = plan(sdb, tmp_path, *YEAR_2026, now=NINE_EIGHTEEN + timedelta(days=1))
    assert late.empty


def test_removed_campaign_or_retired_asset_cancels_future_orders(sdb, tmp_path):
    from sirenctl.registry.assets import retire_asset

    seed_county(sdb, {"T01": {}, "T02": {}})
    write_campaign(tmp_path, "silent", SILENT)
    plan(sdb, tmp_path, *YEAR_2026)
    with sdb.transaction() as s:
        retire_asset(s, "T02", operator="seed", reason="replaced")
    diff = plan(sdb, tmp_path, *YEAR_2026)
    assert len(diff.cancelled) == 1
    assert sorted(o.status for o in work_orders(sdb)) == ["cancelled", "planned"]
    (tmp_path / "campaigns" / "silent.toml").unlink()
    diff = plan(sdb, tmp_path, *YEAR_2026)
    assert len(diff.cancelled) == 1
    assert {o.status for o in work_orders(sdb)} == {"cancelled"}


def test_provisional_year_flagged_then_replanned_when_official(sdb, tmp_path):
    from sirenctl.scheduling.holidays_db import mark_year, set_day

    seed_county(sdb)
    write_campaign(
        tmp_path,
        "check",
        """title = "check"
task = "manual_check"
checklist = ["ok"]
window = "7d"
holiday_policy = "move"
[assets]
kinds = ["hand_crank"]
[when]
rule = "nth_weekday"
n = 1
weekday = "tue"
months = [10]
time = "09:00"
""",
    )
    start, end = datetime(2027, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)
    now = datetime(2026, 11, 1, tzinfo=UTC)
    plan(sdb, tmp_path, start, end, now=now)
    orders = work_orders(sdb)
    assert len(orders) == 3 and all(o.provisional for o in orders)
    assert {o.due_at.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat() for o in orders} == {
        "2027-10-08"  # National Day 1-7 October by the 2025 rules (estimate)
    }
    with sdb.session() as s:
        assert s.get(HolidayYear, ("CN", 2027)).status == "provisional"
    # the 2027 notice: 5 October is a working day after all
    with sdb.transaction() as s:
        set_day(
            s,
            "CN",
            datetime(2027, 10, 5).date(),
            "workday",
            "National Day (adjusted)",
            operator="clerk",
            now=now,
        )
        mark_year(s, "CN", 2027, "official", operator="clerk", now=now)
    diff = plan(sdb, tmp_path, start, end, now=now)
    assert len(diff.changed) == 3 and not diff.added_count
    orders = work_orders(sdb)
    assert not any(o.provisional for o in orders)
    assert {o.due_at.astimezone(ZoneInfo("Asia/Shanghai")).date().isoformat() for o in orders} == {
        "2027-10-05"
    }


def test_year_no_library_knows_does_not_crash(sdb, tmp_path):
    seed_county(sdb)
    write_campaign(
        tmp_path,
        "check",
        """title = "check"
task = "manual_check"
checklist = ["ok"]
holiday_policy = "move"
[assets]
all = true
[when]
rule = "fixed_date"
month = 10
day = 1
time = "09:00"
""",
    )
    diff = plan(
        sdb,
        tmp_path,
        datetime(2301, 1, 1, tzinfo=UTC),
        datetime(2302, 1, 1, tzinfo=UTC),
        now=datetime(2300, 1, 1, tzinfo=UTC),
    )
    assert diff.added_count == 3 and all(row["provisional"] for row in diff.added_rows())


def test_dry_run_writes_nothing(sdb, tmp_path):
    from sirenctl.scheduling.holidays_db import calendar_from_db
    from sirenctl.scheduling.library import load_library
    from sirenctl.scheduling.planner import compute_plan

    seed_county(sdb, {"T01": {}})
    write_campaign(
        tmp_path,
        "s",
        SOUNDING.format(programme="cn-growl", assets="all = true").replace(
            '"trial_sounding"', '"growl_test"'
        ),
    )
    library = load_library(tmp_path)
    with sdb.session() as s:
        diff = compute_plan(
            s,
            library.campaigns.values(),
            *YEAR_2026,
            calendar_from_db(s),
            {},
            planner="p",
            now=YEAR_2026[0],
        )
    assert diff.added_count == 4
    assert work_orders(sdb) == []
    with sdb.session() as s:
        assert s.scalar(select(func.count()).select_from(HolidayYear)) == 0


def test_grouped_diff_is_readable(sdb, tmp_path):
    seed_county(sdb, {"T01": {}})
    write_campaign(tmp_path, "s", SOUNDING.format(programme="cn-918-noon", assets="all = true"))
    diff = plan(sdb, tmp_path, *YEAR_2026)
    assert diff.grouped() == [
        {"change": "add", "campaign": "s", "assets": 4, "due_local": "2026-09-18 12:00 CST"}
    ]


def test_planning_late_in_the_year_does_not_create_work_that_is_already_over(sdb, tmp_path):
    """An office starting in November plans the rest of the year, not a year of missed work."""
    from sirenctl.registry.demo import seed_demo

    with sdb.transaction() as s:
        seed_demo(s, operator="seed", data_dir=tmp_path)
    now = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
    diff = plan(sdb, None, *YEAR_2026, now=now)
    orders = work_orders(sdb)
    assert orders and all(o.window_end_at > now for o in orders)
    assert {o.campaign for o in orders} >= {"cn-handcrank-monthly-check"}  # December's check
    assert not work_orders(sdb, campaign="cn-918-trial-sounding")  # 9·18 is over
    assert diff.summary()["past_occurrences"] > 0
