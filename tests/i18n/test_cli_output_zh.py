"""Issue 13: a representative set of commands, run under ``--lang zh`` against the demo database
(`sirenctl demo`), prints no English sentence of the catalogue: no output line contains an
English fragment of a translated msgid (the words between its placeholders), and no line is a
plain English msgid. Data stay as entered (programme titles from the shipped files, notes).

The demo's terminals are not simulated here, so `poll`, `cancel` and `modbus read` meet real
refused connections on loopback: their driver errors must be Chinese too."""

from __future__ import annotations

import json
import re

from click.testing import CliRunner

from sirenctl.cli.main import cli
from sirenctl.i18n_catalog import PLACEHOLDER, read_po

WORD = re.compile(r"[A-Za-z][a-z'-]+")  # an English word (codes like T01, RS-485, hash digits: no)

COMMANDS = [
    ["asset", "list"],
    ["asset", "show", "HC-C01"],
    ["asset", "show", "T01"],
    ["site", "list"],
    ["site", "show", "C01"],
    ["agenda", "--days", "30"],
    ["finding", "list"],
    ["finding", "show", "1"],
    ["notice", "list"],
    ["programme", "list"],
    ["schedule", "list"],
    ["holidays", "status"],
    ["holidays", "show", "2027"],
    ["audit", "list", "--limit", "20"],
    ["audit", "verify"],
    ["poll", "--cached"],
    ["poll", "--timeout", "0.2"],
    ["modbus", "read", "T01", "--address", "0", "--count", "2", "--input", "--timeout", "0.2"],
    ["cancel", "T01", "T02", "--timeout", "0.2"],
    ["drill", "list"],
    ["works", "list"],
    ["account", "list"],
    ["plan", "--year", "2027", "--dry-run"],
    ["run-due", "--dry-run"],
]


def english_fragments() -> tuple[set[str], set[str]]:
    """(fragments of three or more English words, whole msgids) of every message the Chinese
    catalogue translates."""
    fragments: set[str] = set()
    whole: set[str] = set()
    for message in read_po("zh"):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        if not message.id or not all(strings) or strings[0] == ids[0]:
            continue
        for text in ids:
            if len(WORD.findall(text)) >= 2 and not PLACEHOLDER.search(text):
                whole.add(text.strip())
            for chunk in re.split(PLACEHOLDER.pattern + r"|\n|`[^`]*`", text):
                chunk = (chunk or "").strip(" .,:;()[]'\"·—-")
                if len(WORD.findall(chunk)) >= 3:
                    fragments.add(chunk)
    return fragments, whole


def run_zh(db: str, args: list[str]) -> str:
    result = CliRunner().invoke(cli, ["--lang", "zh", "--db", db, *args], input="")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result.stdout + result.stderr


def english_in(lines: list[str], fragments: set[str], whole: set[str]) -> list[str]:
    found = []
    for line in lines:
        bare = line.strip(" │┃|")
        if bare in whole:
            found.append(f"{line!r}: is the msgid itself")
            continue
        hits = [f for f in fragments if f in line]
        if hits:
            found.append(f"{line!r}: {hits[0]!r}")
    return found


def test_commands_print_no_english_sentence_of_the_catalogue(demo_db: str) -> None:
    fragments, whole = english_fragments()
    assert len(fragments) > 500 and "nothing was contacted" in " ".join(fragments)
    notices = json.loads(
        CliRunner().invoke(cli, ["--db", demo_db, "notice", "list", "--json"]).stdout
    )
    commands = [*COMMANDS, ["notice", "show", notices[0]["number"]]]
    found = []
    for args in commands:
        output = run_zh(demo_db, args)
        found += [
            f"{' '.join(args)}: {hit}" for hit in english_in(output.splitlines(), fragments, whole)
        ]
    assert not found, "\n".join(found)


def test_the_check_finds_english(demo_db: str) -> None:
    """The same check on the English output: it must be able to fail."""
    fragments, whole = english_fragments()
    result = CliRunner().invoke(cli, ["--lang", "en", "--db", demo_db, "poll", "--cached"])
    hits = english_in((result.stdout + result.stderr).splitlines(), fragments, whole)
    assert any("nothing was contacted" in hit for hit in hits), hits


SNAKE = re.compile(r"^[│┃ ]*([a-z]+_[a-z_]+)\s")  # a field column that reads ``serial_no``


def test_asset_show_names_fields_and_codes_in_words(demo_db: str) -> None:
    output = run_zh(demo_db, ["asset", "show", "HC-C01"])
    rows = {
        line.split("│")[1].strip(): line.split("│")[2].strip()
        for line in output.splitlines()
        if line.count("│") == 3
    }
    assert rows["类型"] == "手摇警报器" and rows["状态"] == "在用", rows
    assert {"出厂编号", "通信方式", "报废时间", "测试台签署人"} <= set(rows), rows
    assert not [line for line in output.splitlines() if SNAKE.match(line)], output
    assert "hand_crank" not in output and "in_service" not in output
    english = CliRunner().invoke(cli, ["--lang", "en", "--db", demo_db, "asset", "show", "HC-C01"])
    assert "Serial no" in english.stdout and "hand-crank" in english.stdout
    assert "in service" in english.stdout and "serial_no" not in english.stdout
    data = json.loads(run_zh(demo_db, ["asset", "show", "HC-C01", "--json"]))
    assert data["kind"] == "hand_crank" and "serial_no" in data  # JSON keeps the stored codes


def test_lists_show_stored_codes_as_chinese_words(demo_db: str) -> None:
    findings = run_zh(demo_db, ["finding", "list"])
    assert "严重" in findings and "critical" not in findings and "待整改" in findings
    assets = run_zh(demo_db, ["asset", "list"])
    assert "手摇警报器" in assets and "hand_crank" not in assets and "in_service" not in assets
    assert "疏散演练" in run_zh(demo_db, ["drill", "list"])
    assert "已竣工在用" in run_zh(demo_db, ["works", "list"])
    accounts = run_zh(demo_db, ["account", "list"])
    assert "管理员" in accounts and "启用" in accounts and "active" not in accounts
    years = run_zh(demo_db, ["holidays", "status"])
    assert "正式" in years and "official" not in years
    schedules = run_zh(demo_db, ["schedule", "list"])
    assert "trial_sounding" not in schedules and "试鸣" in schedules and "照常" in schedules
    plan = run_zh(demo_db, ["plan", "--year", "2027", "--dry-run"])
    assert "新增" in plan and "│ add " not in plan
    typed = run_zh(demo_db, ["asset", "list", "--kind", "hand_crank", "--json"])
    assert {row["kind"] for row in json.loads(typed)} == {"hand_crank"}  # typed back as the code


def _detail(output: str) -> dict[str, str]:
    return {
        line.split("│")[1].strip(): line.split("│")[2].strip()
        for line in output.splitlines()
        if line.count("│") == 3
    }


def test_finding_and_notice_show_use_words_labels_and_site_time(demo_db: str) -> None:
    finding = json.loads(run_zh(demo_db, ["finding", "show", "14", "--json"]))
    rows = _detail(run_zh(demo_db, ["finding", "show", "14"]))
    assert rows["严重程度"] == "严重" and rows["状态"] == "待整改", rows
    assert "found_at" not in rows and "severity" not in rows
    from datetime import datetime
    from zoneinfo import ZoneInfo

    found = datetime.fromisoformat(finding["found_at"]).astimezone(ZoneInfo("Asia/Shanghai"))
    assert rows["发现时间"] == found.strftime("%Y-%m-%d %H:%M")  # site time, not UTC ISO
    assert finding["severity"] == "critical"  # JSON keeps codes and UTC ISO
    notice = run_zh(demo_db, ["notice", "show", finding["notice"]])
    shown = _detail(notice)
    assert shown["整改期限"] and shown["状态"] == "整改中" and "deadline" not in shown, shown
    assert "签发" in notice and "+00:00" not in notice
    english = CliRunner().invoke(cli, ["--lang", "en", "--db", demo_db, "finding", "show", "14"])
    assert "Severity" in english.stdout and "critical" in english.stdout.lower()
