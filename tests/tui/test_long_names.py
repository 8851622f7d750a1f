"""A long Chinese community name is shown whole at 120×40 (issue 13): the asset list and the
agenda fit their columns to the width, and the names give way last."""

from __future__ import annotations

from datetime import timedelta

import pytest
from rich.cells import cell_len
from sqlalchemy import select

from sirenctl.models import Asset
from sirenctl.models.scheduling import WorkOrder
from tests.conftest import CLI
from tests.tui.conftest import FIXED_NOW, make_app, settle

LONG = "东风街道幸福里社区居民委员会第三网格片区"  # 20 CJK characters, 40 cells


def screen_lines(app) -> list[str]:  # type: ignore[no-untyped-def]
    """What the terminal shows, line by line."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


@pytest.fixture
def long_named(demo_url: str, demo_db) -> None:  # type: ignore[no-untyped-def]
    cli = CLI(demo_url)
    assert cli("site", "add", "--code", "C15", "--name", LONG).exit_code == 0
    added = cli("asset", "add", "--tag", "HC-C15", "--site", "C15", "--kind", "hand_crank",
                "--name", LONG + "手摇警报器")  # fmt: skip
    assert added.exit_code == 0, added.output
    with demo_db.transaction() as session:
        asset_id = session.scalars(select(Asset.id).where(Asset.tag == "HC-C15")).one()
        due = FIXED_NOW + timedelta(days=2)
        session.add(
            WorkOrder(
                campaign="cn-handcrank-monthly-check", task="manual_check", asset_id=asset_id,
                nominal_at=due, due_at=due, act_at=due - timedelta(days=7),
                window_end_at=due + timedelta(days=7), timezone="Asia/Shanghai",
                planned_by="planner", status="issued",
            )
        )  # fmt: skip


@pytest.mark.parametrize("mode", ["assets", "agenda"])
async def test_a_20_character_community_name_is_whole_at_120_columns(
    mode: str,
    long_named: None,
    services,  # type: ignore[no-untyped-def]
) -> None:
    app = make_app(services, mode=mode)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lines = screen_lines(app)
    row = [line for line in lines if "C15" in line]
    assert row, "\n".join(lines)
    assert f"C15 {LONG}" in row[0], "\n".join(lines)
    assert all(cell_len(line) <= 120 for line in lines)


async def test_the_table_fits_again_when_the_terminal_narrows(long_named: None, services) -> None:  # type: ignore[no-untyped-def]
    from textual.widgets import DataTable

    app = make_app(services, mode="assets")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        table = app.screen.query_one("#assets", DataTable)
        wide = [column.width for column in table.ordered_columns]
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        narrow = [column.width for column in table.ordered_columns]
        row = next(r for r in table.ordered_rows if table.get_row(r.key)[0] == "HC-C15")
        lines = screen_lines(app)
    # the columns shrank to the new width (no site column pushed off the right edge) ...
    assert sum(narrow) + 2 * len(narrow) <= 80 < sum(wide) + 2 * len(wide)
    assert any("site" in line for line in lines)
    # ... and the long row wraps onto more lines instead of being cut
    assert row.height > 1
