"""Snapshot tests of the main screens at 80x24 and 120x40 (fixed clock, seeded database).

Regenerate after an intended change: pytest tests/tui/test_snapshots.py --snapshot-update
"""

from __future__ import annotations

import pytest

from tests.tui.conftest import make_app, settle

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(
    "mode", ["dashboard", "assets", "agenda", "live", "bench", "findings", "audit", "activate"]
)
def test_main_screens(snap_compare, services, mode: str, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    assert snap_compare(make_app(services, mode=mode), terminal_size=size, run_before=settle)


@pytest.mark.parametrize("size", SIZES)
def test_asset_detail_open(snap_compare, services, size: tuple[int, int]) -> None:  # type: ignore[no-untyped-def]
    async def open_detail(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)

    assert snap_compare(
        make_app(services, mode="assets"), terminal_size=size, run_before=open_detail
    )


def test_light_theme_dashboard(snap_compare, services) -> None:  # type: ignore[no-untyped-def]
    app = make_app(services, theme="textual-light")
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)
