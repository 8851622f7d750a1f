"""The wide list tables on a real 80-column terminal (a pty), with long Chinese names: every
line fits, columns stay aligned, no word or character is cut, and ``--wide`` shows everything
unwrapped (issue 13)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.conftest import CLI
from tests.terminal import make_demo, run_on_terminal, sirenctl_env

LONG_NAME = "东风街道幸福里社区居民委员会第三网格"  # 18 CJK characters: 36 cells
LONG_TEXT = "转轴锈蚀严重，摇动费力，防护罩脱落，需要更换轴承并重新固定底座"
BARS = "│┃"


def bar_offsets(line: str) -> list[int]:
    at, offsets = 0, []
    for ch in line:
        if ch in BARS:
            offsets.append(at)
        at += cell_len(ch)
    return offsets


def column_text(lines: list[str], column: int) -> str:
    """One column of the table body read top to bottom, as one string (wrapping undone)."""
    return "".join(
        line.split("│")[column + 1].strip() for line in lines if line.startswith("│")
    ).replace(" ", "")


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What ``sirenctl demo`` seeds (with its history: findings, notices, work orders), once."""
    return make_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture
def county(tmp_path: Path, demo_file: Path) -> dict[str, str]:
    """The demo county, plus a community whose name is long, its siren and a finding there;
    the environment to run ``sirenctl`` on it."""
    shutil.copyfile(demo_file, tmp_path / "county.db")
    url = f"sqlite:///{tmp_path / 'county.db'}"
    cli = CLI(url)
    assert cli("site", "add", "--code", "C15", "--name", LONG_NAME).exit_code == 0
    added = cli("asset", "add", "--tag", "HC-C15", "--site", "C15", "--kind", "hand_crank",
                "--name", LONG_NAME + "手摇警报器")  # fmt: skip
    assert added.exit_code == 0, added.output
    found = cli("finding", "add", "--asset", "HC-C15", "--category", "corrosion",
                "--severity", "major", "--description", LONG_TEXT)  # fmt: skip
    assert found.exit_code == 0, found.output
    return sirenctl_env(tmp_path / "county.db", tmp_path / "data")


CASES = {
    # command: (header of a column holding long Chinese text, the text it must show whole)
    "asset list": ("name", LONG_NAME + "手摇警报器"),
    "finding list": ("description", LONG_TEXT[:20]),  # the list shortens descriptions itself
    "agenda --days 60 --site C01": ("notes", "checkedinby刘师傅"),
    "notice list": ("responsible", "建设路社区居委会刘洋"),
    "audit list --limit 10": ("operator", "tester"),
}


@pytest.mark.parametrize("command", list(CASES))
def test_list_fits_80_columns_aligned_and_whole(command: str, county: dict[str, str]) -> None:
    env = county
    code, out = run_on_terminal(command.split(), env)
    assert code in (0, 10), out  # agenda: 10 when the demo has missed work orders
    lines = [line for line in out.splitlines() if line.strip()]
    table = [line for line in lines if line[:1] in "┏┃┡│└"]
    assert table, out
    assert all(cell_len(line) <= 80 for line in lines), out
    assert len({tuple(bar_offsets(line)) for line in table if line[:1] in "┃│"}) == 1, out
    header = next(line for line in table if line.startswith("┃") and line.strip("┃ "))
    names = [cell.strip() for cell in header.split("┃")[1:-1]]
    column, whole = CASES[command]
    # header words may wrap too ("change /" over "message"), so find the column by its word
    index = next(i for i, name in enumerate(names) if column in name)
    assert whole in column_text(table, index), out
    # no short word was folded: every id/tag/date cell in the first column is whole
    first = [line.split("│")[1].strip() for line in table if line.startswith("│")]
    assert all(cell == "" or re.fullmatch(r"[\w.:-]+", cell) for cell in first), out


@pytest.mark.parametrize("command", list(CASES))
def test_wide_shows_every_column_on_one_line(command: str, county: dict[str, str]) -> None:
    code, out = run_on_terminal([*command.split(), "--wide"], county)
    assert code in (0, 10), out
    assert "--wide shows every column" not in out
    lines = out.splitlines()
    assert max(cell_len(line) for line in lines) > 80, out  # the terminal wraps it, not we
    rows = [line for line in lines if line.startswith("│")]
    assert len(rows) == len({line.split("│")[1] for line in rows}), out  # a line per record
    assert any(CASES[command][1] in line.replace(" ", "") for line in rows), out


def test_a_column_left_out_at_80_columns_is_named(county: dict[str, str]) -> None:
    code, narrow = run_on_terminal(["finding", "list"], county)
    assert code == 0, narrow
    header = next(line for line in narrow.splitlines() if line.startswith("┃"))
    assert "category" not in header and "description" in header
    assert "not shown at 80 columns: category, notice (--wide shows every column)" in narrow
    _code, wide = run_on_terminal(["finding", "list", "--wide"], county)
    assert "category" in next(line for line in wide.splitlines() if line.startswith("┃"))
