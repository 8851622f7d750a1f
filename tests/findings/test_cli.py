"""The finding, notice and drill commands end to end, as a technician would use them."""

from __future__ import annotations

import json
from datetime import date

import pytest


def test_finding_notice_workflow_through_the_cli(fdb, cli, tmp_path) -> None:
    result = cli(
        "finding",
        "add",
        "--asset",
        "HC-C01",
        "--category",
        "corrosion",
        "--severity",
        "critical",
        "--description",
        "转轴锈蚀，无法摇动",
        "--attach",
        "photos/hc-c01.jpg",
        "--found-at",
        "2025-03-10 09:30",
        "--json",
    )
    assert result.exit_code == 0, result.stderr
    added = json.loads(result.stdout)
    assert added["found_at"] == "2025-03-10T01:30:00+00:00"  # 09:30 Shanghai
    assert added["attachments"] == ["photos/hc-c01.jpg"]
    asset = cli.json("asset", "show", "HC-C01")
    assert asset["status"] == "faulty"

    result = cli(
        "notice",
        "issue",
        "--finding",
        str(added["id"]),
        "--deadline",
        "2099-04-30",
        "--unit",
        "东风社区居委会",
        "--person",
        "王建国",
        "--action",
        "更换转轴",
        "--prefix",
        "安人防",
    )
    assert result.exit_code == 0, result.stderr
    number = result.stdout.strip()
    assert number.startswith("安人防-") and number.endswith("-001")

    result = cli("notice", "close", number)
    assert result.exit_code == 5
    assert "is open" in result.stderr and "nothing was changed" in result.stderr
    assert cli("notice", "update", number, "--status", "in_progress").exit_code == 0
    assert (
        cli(
            "notice", "update", number, "--status", "awaiting_recheck", "--note", "已更换"
        ).exit_code
        == 0
    )
    assert cli("notice", "recheck", number, "--fail", "--note", "仍有异响").exit_code == 0
    assert cli.json("notice", "show", number)["status"] == "reopened"
    assert cli("notice", "update", number, "--status", "awaiting_recheck").exit_code == 0
    assert cli("notice", "recheck", number, "--pass", operator="复查员").exit_code == 0
    result = cli("notice", "close", number, operator="主任")
    assert result.exit_code == 0 and "on time" in result.stderr

    shown = cli.json("notice", "show", number)
    assert [h["event"] for h in shown["history"]] == [
        "issue",
        "start",
        "submit",
        "recheck_fail",
        "submit",
        "recheck_pass",
        "close",
    ]
    assert shown["history"][-1]["by"] == cli.recorded("主任")
    assert cli.json("finding", "show", str(added["id"]))["status"] == "resolved"
    assert cli.json("asset", "show", "HC-C01")["status"] == "in_service"

    out = tmp_path / "notice.html"
    result = cli("notice", "print", number, "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "整改通知书" in page and number in page and "转轴锈蚀" in page and "复查通过" in page
    result = cli("notice", "print", number, "--lang", "en")
    assert result.stdout.startswith(f"# Rectification notice {number}")
    assert "| #1 | HC-C01 | corrosion | critical |" in result.stdout


def test_bad_input_names_the_field_and_writes_nothing(fdb, cli) -> None:
    result = cli(
        "finding",
        "add",
        "--asset",
        "NOPE",
        "--category",
        "power",
        "--severity",
        "minor",
        "--description",
        "x",
    )
    assert result.exit_code == 4 and "NOPE" in result.stderr
    result = cli(
        "finding", "add", "--category", "power", "--severity", "minor", "--description", "x"
    )
    assert result.exit_code == 3 and "asset" in result.stderr
    result = cli(
        "finding",
        "add",
        "--asset",
        "HC-C01",
        "--category",
        "rust",
        "--severity",
        "minor",
        "--description",
        "x",
    )
    assert result.exit_code == 2 and "category" in result.stderr
    result = cli(
        "finding",
        "add",
        "--asset",
        "HC-C01",
        "--category",
        "power",
        "--severity",
        "minor",
        "--description",
        "x",
        "--found-at",
        "yesterday",
    )
    assert result.exit_code == 2 and "found-at" in result.stderr
    assert cli.json("finding", "list") == []
    result = cli(
        "notice",
        "issue",
        "--finding",
        "1",
        "--deadline",
        "2025-04-31",
        "--unit",
        "u",
        "--person",
        "p",
        "--action",
        "a",
    )
    assert result.exit_code == 2 and "deadline" in result.stderr
    assert cli("notice", "print", "ZG-2025-999").exit_code == 4
    assert cli.json("notice", "list") == []


def test_lists_filter_and_flag_overdue(fdb, cli) -> None:
    for asset, category in (("HC-C01", "signage"), ("HC-C02", "power"), ("EL-C01", "power")):
        assert (
            cli(
                "finding",
                "add",
                "--asset",
                asset,
                "--category",
                category,
                "--severity",
                "minor",
                "--description",
                "x",
            ).exit_code
            == 0
        )
    assert [f["asset"] for f in cli.json("finding", "list", "--category", "power")] == [
        "EL-C01",
        "HC-C02",
    ]
    assert [f["id"] for f in cli.json("finding", "list", "--site", "C01")] == [3, 1]
    assert (
        cli(
            "notice",
            "issue",
            "--finding",
            "1",
            "--deadline",
            "2020-01-31",
            "--issued-on",
            "2020-01-02",
            "--unit",
            "u",
            "--person",
            "p",
            "--action",
            "a",
        ).exit_code
        == 0
    )
    assert (
        cli(
            "notice",
            "issue",
            "--finding",
            "2",
            "--deadline",
            "2999-01-01",
            "--unit",
            "u",
            "--person",
            "p",
            "--action",
            "a",
        ).exit_code
        == 0
    )
    overdue = cli.json("notice", "list", "--overdue")
    assert [n["number"] for n in overdue] == ["ZG-2020-001"]
    assert overdue[0]["days_overdue"] > 365
    table = cli("notice", "list").stdout
    assert "ZG-2020-001" in table and " d" in table
    assert cli("finding", "resolve", "1", "--resolution", "x").exit_code == 5
    assert cli("finding", "resolve", "3", "--resolution", "重新张贴标识").exit_code == 0
    assert [f["id"] for f in cli.json("finding", "list", "--status", "open")] == [2, 1]


def test_drills_add_and_list(fdb, cli) -> None:
    assert (
        cli(
            "drill",
            "add",
            "--site",
            "C01",
            "--date",
            "2025-03-28",
            "--participants",
            "320",
            "--certificates",
            "25",
            "--certificate-type",
            "急救基础",
        ).exit_code
        == 0
    )
    assert (
        cli(
            "drill",
            "add",
            "--site",
            "C02",
            "--date",
            "2025-05-12",
            "--kind",
            "publicity",
            "--participants",
            "150",
            "--materials",
            "400",
        ).exit_code
        == 0
    )
    result = cli(
        "drill",
        "add",
        "--site",
        "C02",
        "--date",
        "2025-05-12",
        "--participants",
        "5",
        "--certificates",
        "6",
    )
    assert result.exit_code == 3 and "certificates" in result.stderr
    rows = cli.json("drill", "list", "--year", "2025")
    assert [(r["site"], r["kind"], r["participants"]) for r in rows] == [
        ("C02", "publicity", 150),
        ("C01", "evacuation_drill", 320),
    ]
    result = cli("drill", "list", "--kind", "evacuation_drill")
    assert "1 events, 320 participants, 25 certificates" in result.stderr
    assert cli.json("drill", "list", "--year", "2024") == []


def test_a_count_with_extra_digits_is_refused_by_name_and_nothing_is_stored(fdb, cli) -> None:
    from sirenctl.findings.drills import add_drill
    from sirenctl.registry.errors import ValidationFailed

    typed = cli("drill", "add", "--site", "C01", "--date", "2025-03-28",
                "--participants", "99999999999999999999")  # fmt: skip
    assert typed.exit_code == 3 and "participants: must be at most 10000000" in typed.stderr
    assert "Traceback" not in typed.output + typed.stderr
    with pytest.raises(ValidationFailed) as refused, fdb.transaction() as session:  # the TUI's path
        add_drill(
            session, operator="tech", site="C01", held_on=date(2025, 3, 28), participants=10**12
        )
    assert [p.field for p in refused.value.problems] == ["participants"]
    assert cli.json("drill", "list") == []
