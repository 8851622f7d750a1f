"""Esc leaves a search box: the screen's keys work again and are not typed into the box."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from tests.tui.conftest import make_app, settle


@pytest.mark.parametrize(
    ("mode", "search_id"),
    [("assets", "search"), ("agenda", "agenda-search"), ("findings", None), ("audit", None)],
)
async def test_escape_leaves_the_search_box(services, mode: str, search_id: str | None) -> None:  # type: ignore[no-untyped-def]
    app = make_app(services, mode=mode)
    async with app.run_test(size=(120, 40)) as pilot:  # type: ignore[attr-defined]
        await settle(pilot)
        await pilot.press("slash")
        box = app.focused  # type: ignore[attr-defined]
        assert isinstance(box, Input)
        await pilot.press("x", "y", "escape")
        assert app.focused is not box  # type: ignore[attr-defined]
        await pilot.press("d")  # a screen key again, not typed into the box
        await settle(pilot)
        assert app.current_mode == "dashboard"  # type: ignore[attr-defined]
        assert box.value == "xy"
