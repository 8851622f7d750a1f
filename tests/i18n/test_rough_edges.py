"""Rough edges of issue 13: impossible dates in words, out-of-range years and numbers give a
message and an exit code (never a traceback), nothing written."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from sirenctl.cli.main import cli
from sirenctl.dates import impossible_date


def test_impossible_dates_are_explained() -> None:
    assert impossible_date("2027-02-30") == "February 2027 has no day 30"
    assert impossible_date("2028-02-29") is None  # a leap year
    assert impossible_date("2027-13-01") == "there is no month 13"
    assert impossible_date("2027-04-31 10:00") == "April 2027 has no day 31"
    assert impossible_date("2027-04-30 25:00") == "25:00 is not a time of day"
    assert impossible_date("next tuesday") is None


def test_impossible_date_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    from sirenctl.i18n import Language, set_language

    set_language(Language.ZH)
    try:
        assert impossible_date("2027-02-30") == "2027年2月没有30日"
    finally:
        set_language(Language.EN)


@pytest.fixture
def demo(tmp_path: Path) -> tuple[CliRunner, str]:
    runner = CliRunner()
    db = str(tmp_path / "demo.db")
    assert runner.invoke(cli, ["--db", db, "demo"]).exit_code == 0
    return runner, db


@pytest.mark.real_prompt  # the demo makes its own accounts (tests/conftest.py)
@pytest.mark.parametrize(
    "args",
    [
        ["agenda", "--at", "2027-02-30"],
        [
            "drill",
            "add",
            "--site",
            "C01",
            "--date",
            "2027-02-30",
            "--participants",
            "3",
            "--title",
            "x",
        ],
        [
            "finding",
            "add",
            "--asset",
            "HC-C01",
            "--category",
            "corrosion",
            "--severity",
            "minor",
            "--description",
            "x",
            "--found-at",
            "2027-02-30 10:00",
        ],
        ["asset", "edit", "HC-C01", "--install-date", "2027-02-30"],
    ],
    ids=["agenda", "drill", "finding", "asset-field"],
)
def test_every_command_says_which_day_does_not_exist(
    demo: tuple[CliRunner, str], args: list[str]
) -> None:
    runner, db = demo
    result = runner.invoke(cli, ["--db", db, *args])
    assert result.exit_code in (2, 3), result.output
    assert "February 2027 has no day 30" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.real_prompt
def test_plan_year_zero_is_a_usage_error(demo: tuple[CliRunner, str]) -> None:
    runner, db = demo
    result = runner.invoke(cli, ["--db", db, "plan", "--year", "0"])
    assert result.exit_code == 2
    assert "--year 0 is out of range" in result.output
    assert isinstance(result.exception, SystemExit)


@pytest.mark.real_prompt
def test_overflowing_numbers_are_refused_and_nothing_is_written(
    demo: tuple[CliRunner, str],
) -> None:
    runner, db = demo
    huge = "99999999999999999999"
    site = runner.invoke(
        cli, ["--db", db, "site", "add", "--code", "C99", "--name", "测试", "--population", huge]
    )
    assert site.exit_code == 3 and "population: must be at most 2147483647" in site.output
    drill = runner.invoke(
        cli,
        [
            "--db",
            db,
            "drill",
            "add",
            "--site",
            "C01",
            "--date",
            "2027-02-03",
            "--participants",
            huge,
            "--title",
            "溢出",
        ],
    )
    assert drill.exit_code == 3 and "participants: must be at most 10000000" in drill.output
    assert isinstance(drill.exception, SystemExit)
    listed = runner.invoke(cli, ["--db", db, "drill", "list", "--json"])
    assert "溢出" not in listed.output
    assert "C99" not in runner.invoke(cli, ["--db", db, "site", "list"]).output


def _run(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result.exit_code, result.output


def test_database_path_problems_get_a_message_and_an_exit_code(tmp_path: Path) -> None:
    import sqlite3

    runner = CliRunner()
    typo = tmp_path / "countyy.db"
    code, out = _run(runner, "--db", str(typo), "site", "list")
    assert code == 4 and "no database at" in out
    assert not typo.exists()  # a read command never creates one
    code, out = _run(
        runner,
        "--db",
        str(tmp_path / "nope" / "x.db"),
        "site",
        "add",
        "--code",
        "C1",
        "--name",
        "x",
    )
    assert code == 4 and "does not exist" in out and not (tmp_path / "nope").exists()
    text_file = tmp_path / "notes.txt"
    text_file.write_text("hello", encoding="utf-8")
    code, out = _run(runner, "--db", str(text_file), "asset", "list")
    assert code == 6 and "not a sirenctl database" in out
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    code, out = _run(runner, "--db", str(other), "site", "add", "--code", "C1", "--name", "x")
    assert code == 6 and "another program" in out
    with sqlite3.connect(other) as conn:  # nothing of ours was added to it
        assert {r[0] for r in conn.execute("SELECT name FROM sqlite_master")} == {"t"}
    code, out = _run(runner, "--db", "foo://host/db", "site", "list")
    assert code == 2 and "unknown database URL" in out and "sirenctl[postgres]" in out
    fresh = tmp_path / "new.db"
    code, _out = _run(runner, "--db", str(fresh), "site", "add", "--code", "C1", "--name", "东风")
    assert code == 0 and fresh.exists()  # a first write with an explicit path may create it
