"""The CLI side of issue 15: entering the official holiday arrangement, the 2028 plan of the
foreign presets, `programme show --timezone`, and what `plan` says (issue 13)."""

from __future__ import annotations

import shutil
from datetime import date

import holidays as holidays_lib
from sqlalchemy import select

from sirenctl.db import Database
from sirenctl.models.scheduling import HolidayDay, HolidayYear, WorkOrder
from sirenctl.scheduling.library import shipped_dir
from tests.scheduling.conftest import SILENT, seed_county, write_campaign

FOREIGN = (
    "cz-monthly",
    "fr-rna-monthly",
    "nl-monthly",
    "fi-monthly",
    "de-warntag",
    "ch-sirenentest",
)

NOTICE_2027 = """# 国务院办公厅关于2027年部分节假日安排的通知 (as the office would type it; illustrative)
year 2027
country CN
source State Council notice 2027 (test)
2027-01-01..2027-01-03 off 元旦
2027-02-05..2027-02-12 off 春节
2027-01-31 work 春节调休上班
2027-02-13 work 春节调休上班
2027-10-01..2027-10-07 off 国庆节
2027-09-26 work 国庆节调休上班
2027-10-09 work 国庆节调休上班
"""


def test_programme_show_reads_at_in_the_given_timezone(sqlite_cli):
    """Issue 15 item 10: `--at "2027-09-09 11:00" --timezone Europe/Berlin` starts at 11:00."""
    result = sqlite_cli(
        "programme", "show", "de-warntag", "--at", "2027-09-09 11:00", "--timezone", "Europe/Berlin"
    )
    assert result.exit_code == 0, result.output
    assert "11:00:00" in result.stdout and "11:45:00" in result.stdout
    assert "05:00:00" not in result.stdout and "source: " in result.stdout
    bad = sqlite_cli("programme", "show", "de-warntag", "--timezone", "Mars/Base")
    assert bad.exit_code == 2 and "unknown time zone" in bad.stderr


def test_plan_2028_with_foreign_presets_books_no_test_on_an_excluded_day(sqlite_cli, tmp_path):
    """Done-means of issue 15: `plan --year 2028 --dry-run` with the foreign presets enabled
    books no test on a day its country's rule excludes (Czech and Dutch holidays skipped,
    French ones postponed, Dutch 4 May never)."""
    seed_county(Database(sqlite_cli.url), {"T01": {}})
    (tmp_path / "campaigns").mkdir()
    for name in FOREIGN:
        text = (shipped_dir() / "campaigns" / f"{name}.toml").read_text(encoding="utf-8")
        (tmp_path / "campaigns" / f"{name}.toml").write_text(
            text.replace("enabled = false", "enabled = true"), encoding="utf-8"
        )
    data = sqlite_cli.json("plan", "--year", "2028", "--dry-run", "--schedules", str(tmp_path))
    booked: dict[str, set[date]] = {}
    for line in data["changes"]:
        assert line["change"] == "add"
        booked.setdefault(line["campaign"], set()).add(date.fromisoformat(line["due_local"][:10]))
    assert set(booked) == set(FOREIGN)
    for campaign, country in (("cz-monthly", "CZ"), ("fr-rna-monthly", "FR"), ("nl-monthly", "NL")):
        public = holidays_lib.country_holidays(country, years=2028)
        assert not booked[campaign] & set(public), campaign
    assert date(2028, 7, 5) not in booked["cz-monthly"]  # Cyril and Methodius, a Wednesday
    assert date(2028, 11, 1) not in booked["fr-rna-monthly"]
    assert date(2028, 11, 8) in booked["fr-rna-monthly"]  # postponed, not dropped
    assert len(booked["fr-rna-monthly"]) == 12
    assert not any(d.month == 5 and d.day == 4 for d in booked["nl-monthly"])
    with Database(sqlite_cli.url).session() as s:  # a dry run writes nothing
        assert s.scalar(select(WorkOrder.id)) is None


def test_holidays_import_marks_official_and_replans_with_a_diff(sqlite_cli, tmp_path):
    """Issue 15 item 7: the office enters the State Council's arrangement the day it is out."""
    seed_county(Database(sqlite_cli.url))
    write_campaign(
        tmp_path,
        "check",
        """title = "check"
source = "test"
task = "manual_check"
checklist = ["ok"]
holiday_policy = "move"
[assets]
kinds = ["hand_crank"]
[when]
rule = "fixed_date"
month = 10
day = 8
time = "09:00"
""",
    )
    first = sqlite_cli("plan", "--year", "2027", "--schedules", str(tmp_path))
    assert first.exit_code == 0, first.output
    assert first.stderr.count("warning: holidays of CN") == 1  # once, not once per year/order
    assert "2027" in first.stderr and "provisional" in first.stderr
    shown = sqlite_cli.json("holidays", "show", "2027")
    assert shown["status"] == "provisional" and shown["source"] == "estimate: 2025 rules"

    notice = tmp_path / "2027.txt"
    notice.write_text(NOTICE_2027, encoding="utf-8")
    result = sqlite_cli("holidays", "import", str(notice), "--schedules", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "CN 2027 is now official" in result.stderr
    assert "+ 2027-10-09 workday" not in result.stderr  # already in the estimate: no change
    assert "unchanged" in result.stderr  # the re-plan's diff summary
    shown = sqlite_cli.json("holidays", "show", "2027")
    assert shown["status"] == "official"
    assert {"day": "2027-02-13", "kind": "workday", "name": "春节调休上班"} in shown["days"]
    assert not any(d["day"] == "2027-05-05" for d in shown["days"])  # replaced, not merged
    with Database(sqlite_cli.url).session() as s:
        orders = list(s.scalars(select(WorkOrder)))
        assert orders and not any(o.provisional for o in orders)


def test_holidays_set_year_from_options_and_toml(sqlite_cli, tmp_path):
    result = sqlite_cli(
        "holidays",
        "set",
        "2028",
        "--name",
        "国庆节",
        "--off",
        "2028-10-01..2028-10-08",
        "--off",
        "2028-01-01=元旦",
        "--workday",
        "2028-09-30",
        "--source",
        "test notice",
        "--no-replan",
    )
    assert result.exit_code == 0, result.output
    assert "CN 2028 is now official (10 days" in result.stderr
    days = {d["day"]: d for d in sqlite_cli.json("holidays", "show", "2028")["days"]}
    assert days["2028-01-01"]["name"] == "元旦" and days["2028-10-03"]["name"] == "国庆节"
    assert days["2028-09-30"] == {"day": "2028-09-30", "kind": "workday", "name": "国庆节调休上班"}
    arrangement = tmp_path / "2029.toml"
    arrangement.write_text(
        """year = 2029
source = "test notice 2029"
[[holiday]]
name = "春节"
off = "2029-02-12..2029-02-19"
workdays = ["2029-02-10"]
""",
        encoding="utf-8",
    )
    result = sqlite_cli("holidays", "set", "2029", "--file", str(arrangement), "--no-replan")
    assert result.exit_code == 0, result.output
    with Database(sqlite_cli.url).session() as s:
        assert s.get(HolidayYear, ("CN", 2029)).status == "official"
        assert s.get(HolidayYear, ("CN", 2029)).source == "test notice 2029"
        assert (
            len(list(s.scalars(select(HolidayDay).where(HolidayDay.day >= date(2029, 1, 1))))) == 9
        )


def test_bad_arrangement_names_the_line_and_writes_nothing(sqlite_cli, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(
        "year 2027\n2027-02-05..2027-02-12 off 春节\n2027-02-08 work 春节调休上班\n2027-13-01 off x\n",
        encoding="utf-8",
    )
    result = sqlite_cli("holidays", "import", str(bad))
    assert result.exit_code == 3
    assert f"{bad}:3: work: 2027-02-08 is a Monday" in result.stderr
    assert f"{bad}:4: off: '2027-13-01'" in result.stderr
    assert "Traceback" not in result.output
    (tmp_path / "gbk.txt").write_bytes("year 2027\n2027-02-05 off 春节\n".encode("gbk"))
    result = sqlite_cli("holidays", "import", str(tmp_path / "gbk.txt"))
    assert result.exit_code == 3 and "not UTF-8" in result.stderr
    with Database(sqlite_cli.url).session() as s:
        assert s.scalar(select(HolidayYear.year)) is None
    usage = sqlite_cli("holidays", "set", "2027")
    assert usage.exit_code == 2 and "--off/--workday" in usage.stderr


def test_plan_names_the_assets_whose_orders_it_cancels(sqlite_cli, tmp_path):
    """Issue 13: `plan` names the assets whose orders it cancels."""
    seed_county(Database(sqlite_cli.url), {"T01": {}, "T02": {}})
    write_campaign(tmp_path, "silent", SILENT)
    assert sqlite_cli("plan", "--year", "2027", "--schedules", str(tmp_path)).exit_code == 0
    write_campaign(
        tmp_path, "silent", SILENT.replace('kinds = ["electronic", "motor"]', 'tags = ["T01"]')
    )
    result = sqlite_cli("plan", "--year", "2027", "--schedules", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "cancelled silent 2027-09-18 12:00 CST for 1 asset(s): T02" in result.stderr
    shutil.rmtree(tmp_path / "campaigns")


def test_old_library_guess_is_reseeded_but_an_edited_year_is_kept(sdb):
    """A database seeded before the estimate existed holds the holidays package's bare guess
    for 2027 (source "holidays"): planning re-seeds it with the estimate; a year someone
    edited is left alone."""
    from sirenctl.scheduling.holidays_db import ensure_years, set_day

    with sdb.transaction() as s:
        s.add(HolidayYear(country="CN", year=2027, status="provisional", source="holidays"))
        s.add(HolidayDay(country="CN", day=date(2027, 10, 5), kind="holiday", name="guess"))
        s.add(HolidayYear(country="CN", year=2028, status="provisional", source="holidays"))
    with sdb.transaction() as s:
        set_day(s, "CN", date(2028, 10, 9), "holiday", "local decision", operator="clerk")
        assert ensure_years(s, "CN", [2027, 2028], operator="planner") == [2027]
    with sdb.session() as s:
        assert s.get(HolidayYear, ("CN", 2027)).source == "estimate: 2025 rules"
        assert s.get(HolidayYear, ("CN", 2028)).source == "edited by clerk"
        oct6 = s.scalar(select(HolidayDay).where(HolidayDay.day == date(2027, 10, 6)))
        assert oct6 is not None and oct6.kind == "holiday"


def test_set_arrangement_replaces_the_year_and_reports_the_change(sdb):
    from sirenctl.scheduling.holiday_arrangement import from_text
    from sirenctl.scheduling.holidays_db import ensure_years, set_arrangement

    with sdb.transaction() as s:
        ensure_years(s, "CN", [2027], operator="planner")
        change = set_arrangement(s, from_text("notice.txt", NOTICE_2027), operator="clerk")
    assert change.before_status == "provisional" and change.year == 2027
    assert date(2027, 5, 5) in {e.day for e in change.removed}  # the estimate's Labour Day
    assert all(e.name != "春节调休上班 (estimated)" for e in change.added)
    with sdb.session() as s:
        year = s.get(HolidayYear, ("CN", 2027))
        assert (year.status, year.source) == ("official", "State Council notice 2027 (test)")
        days = list(s.scalars(select(HolidayDay).where(HolidayDay.day >= date(2027, 1, 1))))
        assert len(days) == 3 + 8 + 2 + 7 + 2
