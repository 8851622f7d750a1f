"""Word and Excel as the office works: the report as .docx, the asset and inspection ledgers
as .xlsx with Chinese headers, imported all-or-nothing with the CSV import's line/field errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from sirenctl.db import Database
from tests.works.conftest import run_cli


@pytest.fixture
def copy(demo: tuple[dict[str, str], Path], tmp_path: Path) -> tuple[dict[str, str], list[str]]:
    """A private copy of the seeded demo database, for tests that write."""
    env, db = demo
    for suffix in ("", "-wal", "-shm", ".anchor"):  # .anchor: its pinned trust anchor
        if Path(f"{db}{suffix}").exists():
            shutil.copy(f"{db}{suffix}", tmp_path / f"demo.db{suffix}")
    return env, ["--db", str(tmp_path / "demo.db")]


def _count(db_args: list[str], model: object) -> int:
    db = Database(f"sqlite:///{db_args[1]}")
    try:
        with db.session() as s:
            return int(s.scalar(select(func.count()).select_from(model)) or 0)  # type: ignore[arg-type]
    finally:
        db.dispose()


def test_report_as_word_has_chinese_headings_tables_and_charts(
    demo: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, db = demo
    out = tmp_path / "2025年度报告.docx"
    result = run_cli(
        env, "--lang", "zh", "--db", str(db), "report", "--year", "2025", "--format", "docx",
        "--out", str(out),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    document = docx.Document(str(out))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings[:2] == ["一、警报器和终端", "二、社区覆盖"]
    assert "九、人防工程建设和安全管理" in headings and "十、宣传教育和培训" in headings
    cells = {
        (row.cells[0].text, row.cells[1].text)
        for table in document.tables
        for row in table.rows
        if len(row.cells) >= 2
    }
    assert ("节点验收（次）", "28") in cells and ("取得初级救护员证（人）", "37") in cells
    assert len(document.inline_shapes) == 3  # two charts and the map, as PNG images
    no_out = run_cli(env, "--db", str(db), "report", "--year", "2025", "--format", "docx")
    assert no_out.returncode == 2 and "--out" in no_out.stderr


def test_asset_ledger_round_trips_through_excel(
    copy: tuple[dict[str, str], list[str]], tmp_path: Path
) -> None:
    from sirenctl.models import Asset

    env, db = copy
    sheet = tmp_path / "设备台账.xlsx"
    assert run_cli(env, *db, "ledger", "export", "assets", "--out", str(sheet)).returncode == 0
    wb = load_workbook(sheet)
    ws = wb.active
    assert [c.value for c in ws[1]][:3] == ["标签", "社区编码", "类型"]
    # edit in Excel: the terminals become new assets with new tags; one name looks like a formula
    for row in ws.iter_rows(min_row=2):
        row[0].value = f"{row[0].value}-NEW"
    ws["D2"].value = "=1+1"
    ws["D2"].data_type = "s"
    wb.save(sheet)
    before = _count(db, Asset)
    # the ledger has the bench unit and controller settings: an administrator's import
    refused = run_cli(
        env, "--user", "demo-tech", *db, "ledger", "import", "assets", str(sheet),
        input="demo-tech-passphrase\n",
    )  # fmt: skip
    assert refused.returncode == 7 and "administrator" in refused.stderr
    assert _count(db, Asset) == before
    imported = run_cli(
        env, "--user", "demo-admin", *db, "ledger", "import", "assets", str(sheet),
        input="demo-admin-passphrase\n",
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    assert _count(db, Asset) == 2 * before
    again = tmp_path / "again.xlsx"
    assert run_cli(env, *db, "ledger", "export", "assets", "--out", str(again)).returncode == 0
    names = [c for c in load_workbook(again).active.iter_rows(min_row=2) if c[3].value == "=1+1"]
    assert names and names[0][3].data_type == "s"  # stored verbatim, as text, not a formula


def test_bad_asset_ledger_names_rows_and_imports_nothing(
    copy: tuple[dict[str, str], list[str]], tmp_path: Path
) -> None:
    from sirenctl.models import Asset

    env, db = copy
    wb = Workbook()
    ws = wb.active
    ws.append(["标签", "社区编码", "类型", "名称"])
    ws.append(["HC-NEW1", "C01", "hand_crank", "好的一行"])
    ws.append(["HC-NEW2", "C01", "rocket", "坏类型"])
    ws.append(["HC-NEW3", "C99", "hand_crank", "坏社区"])
    sheet = tmp_path / "bad.xlsx"
    wb.save(sheet)
    before = _count(db, Asset)
    result = run_cli(env, *db, "ledger", "import", "assets", str(sheet))
    assert result.returncode == 3, result.stderr
    assert "line 3: kind" in result.stderr and "line 4: site" in result.stderr
    assert "Traceback" not in result.stderr
    assert _count(db, Asset) == before
    junk = tmp_path / "not.xlsx"
    junk.write_text("tag,site\n", encoding="utf-8")
    result = run_cli(env, *db, "ledger", "import", "assets", str(junk))
    assert result.returncode == 3 and "not an Excel" in result.stderr


def test_inspection_ledger_exports_the_year_and_imports_a_paper_ledger(
    copy: tuple[dict[str, str], list[str]], tmp_path: Path
) -> None:
    from sirenctl.models.scheduling import TestResult

    env, db = copy
    sheet = tmp_path / "2025巡检台账.xlsx"
    out = run_cli(
        env, *db, "ledger", "export", "inspections", "--year", "2025", "--out", str(sheet)
    )
    assert out.returncode == 0, out.stderr
    ws = load_workbook(sheet).active
    assert [c.value for c in ws[1]][:6] == [
        "检查时间",
        "设备编号",
        "社区",
        "检查类型",
        "结果",
        "检查人",
    ]
    results = [r[4].value for r in ws.iter_rows(min_row=2)]
    assert len(results) == 14 * 12 + 14  # monthly checks and the hand-crank 9·18 sounding
    assert results.count("不合格") == 3
    paper = Workbook()
    pws = paper.active
    pws.append(
        ["检查时间", "设备编号", "结果", "检查人", "听到声音", "实测声级(dB)", "测量距离(m)"]
    )
    pws.append(["2026-03-10 10:00", "HC-C01", "合格", "王建国", "是", 95, 30])
    pws.append(["2026-03-10 11:00", "HC-C99", "合格", "王建国", "是", None, None])
    pws.append(["2026-03-10 12:00", "HC-C02", "好", "王建国", "是", 95, None])
    bad = tmp_path / "paper-bad.xlsx"
    paper.save(bad)
    before = _count(db, TestResult)
    result = run_cli(env, *db, "ledger", "import", "inspections", str(bad))
    assert result.returncode == 3, result.stderr
    assert "line 3: tag" in result.stderr and "line 4: result" in result.stderr
    assert _count(db, TestResult) == before
    pws.delete_rows(3, 2)
    good = tmp_path / "paper.xlsx"
    paper.save(good)
    result = run_cli(env, *db, "ledger", "import", "inspections", str(good))
    assert result.returncode == 0, result.stderr
    assert _count(db, TestResult) == before + 1


def test_report_follows_the_interface_language_unless_told(
    demo: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    """``sirenctl --lang en report`` writes English headings, ``--lang zh`` Chinese; the
    report's own ``--lang`` still wins (issue 13)."""
    env, db = demo

    def headings(*args: str) -> list[str]:
        out = tmp_path / f"report-{len(list(tmp_path.iterdir()))}.docx"
        result = run_cli(
            env, *args[:2], "--db", str(db), "report", "--year", "2025", "--format", "docx",
            "--out", str(out), *args[2:],
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        document = docx.Document(str(out))
        return [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]

    zh, en = headings("--lang", "zh"), headings("--lang", "en")
    assert zh[0] == "一、警报器和终端" and not any("警报" in h for h in en)
    assert en and all(h.isascii() for h in en[:2]), en
    assert headings("--lang", "en", "--lang", "zh") == zh  # report --lang zh overrides
    html_zh = run_cli(env, "--lang", "zh", "--db", str(db), "report", "--year", "2025",
                      "--format", "html")  # fmt: skip
    html_en = run_cli(env, "--lang", "en", "--db", str(db), "report", "--year", "2025",
                      "--format", "html")  # fmt: skip
    assert html_zh.returncode == 0 and html_en.returncode == 0
    assert "警报器和终端" in html_zh.stdout and "警报器和终端" not in html_en.stdout
