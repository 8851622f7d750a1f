"""`sirenctl demo` seeds 2025 as the office lived it and the current year so far; the 2025
report shows each figure of the office's own report (issue 14), traceable to its records."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from sirenctl.db import Database
from sirenctl.timeutil import utcnow
from tests.works.conftest import run_cli

_run = run_cli


@pytest.fixture(scope="module")
def report_2025(demo: tuple[dict[str, str], Path]) -> dict[str, Any]:
    env, db = demo
    out = _run(env, "--db", str(db), "report", "--year", "2025", "--lang", "zh", "--format", "json")
    assert out.returncode == 0, out.stderr
    figures: dict[str, Any] = json.loads(out.stdout)["figures"]
    return figures


# (figure key, value in the office's 2025 report, the Chinese label the report prints)
OFFICE_2025 = [
    ("communities.with_hand_crank", 14, "配备手摇警报器的社区"),
    ("outreach.drills.communities", 9, "开展培训和疏散演练的社区（个）"),
    ("outreach.drills.certificates", 37, "取得初级救护员证（人）"),
    ("outreach.publicity.communities", 9, "深入社区宣传（个）"),
    ("outreach.materials.civil_defence_handbook", 700, "人防手册"),
    ("works.under_construction", 10, "全年在建人防工程（家）"),
    ("works.accepted.main_structure", 4, "主体验收（家）"),
    ("works.accepted.completion", 2, "竣工验收（家）"),
    ("works.inspections.stage", 28, "节点验收（次）"),
    ("works.activity.flood_meeting", 1, "防汛专题会"),
    ("works.activity.fire_meeting", 1, "消防专题会"),
    ("works.activity.fire_drill", 1, "消防演练"),
    ("works.activity.full_inspection", 1, "人防工程全覆盖检查"),
    ("works.problems", 8, "检查发现问题（个）"),
    ("works.notices", 8, "下发整改通知书（份）"),
    ("works.rectified", 8, "已完成整改（个）"),
]
# "400 余名", "700 余本", "1000 余本", "近百名": at least, and not wildly more
AT_LEAST_2025 = [
    ("outreach.drills.participants", 400, 450),
    ("outreach.drills.handbooks", 700, 750),
    ("outreach.materials.knowledge_handbook", 1000, 1100),
    ("outreach.lectures.people", 90, 100),
]


@pytest.mark.parametrize(("key", "value", "label"), OFFICE_2025)
def test_2025_report_states_the_office_figure(
    report_2025: dict[str, Any], key: str, value: int, label: str
) -> None:
    figure = report_2025[key]
    assert (figure["value"], figure["label"]) == (value, label)
    assert figure["rows"] or value == 0  # traceable to its records


@pytest.mark.parametrize(("key", "low", "high"), AT_LEAST_2025)
def test_2025_report_states_the_approximate_figures(
    report_2025: dict[str, Any], key: str, low: int, high: int
) -> None:
    assert low <= report_2025[key]["value"] <= high and report_2025[key]["rows"]


def test_2025_history_has_the_918_sounding_and_the_monthly_checks(
    report_2025: dict[str, Any],
) -> None:
    trial = [k for k in report_2025 if k.startswith("trials.cn-918") and k.endswith(".planned")]
    assert len(trial) == 1 and "2025-09-18" in trial[0]
    assert report_2025["trials.planned"]["value"] == 19  # 14 hand-crank + 5 terminals
    assert report_2025["trials.failed"]["value"] == 1  # T05's rotor, with its notice closed
    assert report_2025["checks.planned"]["value"] == 14 * 12
    assert report_2025["checks.missed"]["value"] == 0
    assert report_2025["findings.total"]["value"] == 12  # 3 checks + T05 + 8 works problems
    assert report_2025["notices.issued"]["value"] == 12
    assert report_2025["notices.open"]["value"] == 0


def test_2025_markdown_report_in_chinese_shows_the_sections(
    demo: tuple[dict[str, str], Path],
) -> None:
    env, db = demo
    out = _run(env, "--db", str(db), "report", "--year", "2025", "--lang", "zh")
    assert out.returncode == 0, out.stderr
    for text in ("九、人防工程建设和安全管理", "| 节点验收（次） | 28 |", "十、宣传教育和培训"):
        assert text in out.stdout
    assert "| 防空防灾知识手册 | 1050 | 1050 | 0 |" in out.stdout


def test_current_year_is_in_progress(demo: tuple[dict[str, str], Path]) -> None:
    from sirenctl.findings.notice_queries import is_overdue
    from sirenctl.models import Asset
    from sirenctl.models.findings import RectificationNotice
    from sirenctl.models.scheduling import WorkOrder

    env, path = demo
    now = utcnow()
    db = Database(f"sqlite:///{path}")
    try:
        with db.session() as s:
            notices = list(s.scalars(select(RectificationNotice)))
            still_open = [n for n in notices if n.closed_at is None]
            assert len(still_open) == 2
            assert sum(is_overdue(n, now) for n in still_open) == 1
            assert s.scalar(select(Asset.status).where(Asset.tag == "T03")) == "faulty"
            missed = s.scalars(
                select(WorkOrder).where(
                    WorkOrder.status == "missed", WorkOrder.task == "manual_check"
                )
            ).all()
            assert len(missed) == 1
            due_soon = s.scalar(
                select(func.count())
                .select_from(WorkOrder)
                .where(
                    WorkOrder.status == "issued",
                    WorkOrder.due_at >= now,
                    WorkOrder.due_at < now + timedelta(days=7),
                )
            )
            assert due_soon and due_soon >= 1
    finally:
        db.dispose()
    agenda = _run(env, "--db", str(path), "agenda", "--days", "7", "--json")
    assert "HC-C07" in agenda.stdout
