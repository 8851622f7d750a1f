"""CLI tables with Chinese text: no character cut in half, columns aligned (80 columns)."""

from __future__ import annotations

import re

import pytest
from rich.cells import cell_len

from sirenctl.cli.common import echo_table


def test_cjk_table_at_80_columns_keeps_whole_characters_and_aligned_columns(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("COLUMNS", "80")
    monkeypatch.setattr("sys.stdout.isatty", lambda: True)
    long_name = "东风街道幸福里社区居民委员会第三网格" * 2
    rows = [["C01", long_name, "安宁县", "手摇警报器"], ["C02", "新城社区", "安宁县", "电声警报器"]]
    echo_table(["code", "name", "district", "kind"], rows)
    out = re.sub(r"\x1b\[[0-9;]*m", "", capsys.readouterr().out)
    lines = [line for line in out.splitlines() if line.strip()]
    assert all(cell_len(line) <= 80 for line in lines), out
    # the wrapped name column, read top to bottom, is the whole name: no character was cut
    name_cells = [line.split("│")[2].strip() for line in lines if line.count("│") == 5]
    assert "".join(name_cells[:2]) == long_name, out
    assert "手摇警报器" in out and "电声警报器" in out

    def bars(line: str) -> list[int]:
        at, offsets = 0, []
        for ch in line:
            if ch in "│┃┡┩┏┓┗┛━╇╈┳┻":
                offsets.append(at)
            at += cell_len(ch)
        return offsets

    body = [bars(line) for line in lines if "│" in line]
    assert body and all(b == body[0] for b in body), out


def test_status_words_are_coloured_on_a_terminal_but_not_with_no_color(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [["T01", "FAULT"], ["T02", "ok"], ["T03", "UNREACHABLE"]]
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    echo_table(["tag", "state"], rows)
    coloured = capsys.readouterr().out
    assert "\x1b[1;31mFAULT" in coloured and "\x1b[1;31mUNREACHABLE" in coloured
    monkeypatch.setenv("NO_COLOR", "1")
    echo_table(["tag", "state"], rows)
    plain = capsys.readouterr().out
    assert "31m" not in plain and "FAULT" in plain
    monkeypatch.delenv("FORCE_COLOR")
    monkeypatch.delenv("NO_COLOR")
    echo_table(["tag", "state"], rows)  # captured, i.e. not a terminal
    assert "\x1b[" not in capsys.readouterr().out
