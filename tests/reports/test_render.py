"""The report rendered in every format and both languages, as the office would read it."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest

from sirenctl.reports.annual import compute_report
from sirenctl.reports.render import render_report
from tests.reports import dataset


@pytest.fixture
def report(rdb):
    ids = dataset.build(rdb)
    with rdb.session() as s:
        return compute_report(s, 2025, now=dataset.NOW, orders=dataset.order_facts(ids))


def test_markdown_in_chinese_and_english(report) -> None:
    zh = render_report(report, "md", "zh")
    assert zh.startswith("# 2025年度人防警报工作报告")
    assert "| 2025-09-18 12:00 cn-918-trial-sounding | 4 | 2 | 2 | 50.0% |" in zh
    assert "| 按期整改关闭 | 1 |" in zh and "| 其中已逾期 | 1 |" in zh
    assert "| 疏散演练 | 2 | 500 | 25 | 50 |" in zh
    assert "| 人口覆盖率 | 86.7% |" in zh
    assert "| notices.closed_late | 1 | rectification_notice:2 |" in zh
    en = render_report(report, "md", "en")
    assert en.startswith("# Air-defence warning annual report 2025")
    assert "| Sounding rate | 66.7% |" in en
    assert "| hand-crank siren | 2 | 1 | 0 | 1 | 0 |" in en
    assert "| Serviceability over the year (asset-days) | 96.9% |" in en
    # only the community names stay Chinese in the English report
    assert not re.search(r"[\u4e00-\u9fff]", re.sub("(东风|向阳|新城)社区", "", en))
    assert "<svg" not in zh


def test_html_has_both_charts_inline_and_escapes_text(report) -> None:
    page = render_report(report, "html", "zh")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="zh">' in page
    assert page.count("<svg") == 3  # two charts and the map (sirenctl/reports/map_svg.py)
    assert page.count('class="sirenctl-map"') == 1
    assert "每月巡检完成情况" in page and "问题类别分布" in page
    # December: 3 planned, 1 done, 1 missed, each bar has its value in its tooltip
    assert "<title>12 计划: 3</title>" in page and "<title>12 漏检: 1</title>" in page
    assert "<title>锈蚀 数量: 1</title>" in page
    english = render_report(report, "html", "en")
    assert "Monthly check completion" in english and "<title>12 Planned: 3</title>" in english


def test_csv_and_json_carry_every_figure_with_its_rows(report) -> None:
    rows = list(csv.DictReader(io.StringIO(render_report(report, "csv", "en"))))
    by_key = {r["key"]: r for r in rows}
    assert by_key["notices.issued"]["value"] == "4"
    assert by_key["notices.issued"]["label"] == "Issued"
    assert by_key["trials.rate"]["value"] == str(round(4 / 6, 6))
    assert by_key["drills.total.participants"]["rows"].split() == [
        f"outreach_event:{i}" for i in range(1, 5)
    ]
    assert {r["section"] for r in rows} == {
        "assets",
        "communities",
        "trials",
        "serviceability",
        "checks",
        "findings",
        "notices",
        "drills",
        "works",
        "outreach",
    }
    data = json.loads(render_report(report, "json", "zh"))
    assert data["year"] == 2025 and data["target_dbc"] == 70.0
    assert data["figures"]["findings.category.power"] == {
        "label": "供电",
        "value": 1,
        "rows": ["finding:4"],
    }
    assert len(data["figures"]) == len(rows)


def test_report_command_writes_a_file(rdb, cli, tmp_path) -> None:
    dataset.build(rdb)
    out = tmp_path / "2025.html"
    result = cli("report", "--year", "2025", "--format", "html", "--out", str(out), "--lang", "en")
    assert result.exit_code == 0, result.stderr
    page = out.read_text(encoding="utf-8")
    assert "Air-defence warning annual report 2025" in page and "<svg" in page
    result = cli("report", "--year", "2025", "--format", "json")
    figures = json.loads(result.stdout)["figures"]
    assert figures["notices.issued"]["value"] == 4
    assert figures["drills.total.certificates"]["value"] == 65
    assert cli("report", "--year", "1999").exit_code == 2
    result = cli("report", "--year", "2025", "--out", str(tmp_path / "missing" / "x.md"))
    assert result.exit_code == 1 and "cannot write" in result.stderr


def test_report_and_notice_commands_import_neither_textual_nor_pymodbus(tmp_path) -> None:
    import subprocess
    import sys

    db = str(tmp_path / "x.db")
    code = (
        "import sys\n"
        "from sirenctl.cli.main import main\n"
        f"for argv in (['report', '--year', '2025'], ['notice', 'list'], ['finding', 'list']):\n"
        f"    try:\n        main(['--db', {db!r}, *argv])\n    except SystemExit:\n        pass\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'pymodbus'))\n"
        "print('IMPORTED', bad)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60
    )
    assert "IMPORTED []" in result.stdout, result.stdout + result.stderr
