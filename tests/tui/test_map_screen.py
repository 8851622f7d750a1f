"""Map screen: the demo county as a text map (T03 faulty marked), and `h` writes the HTML map
and hands it to the browser."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from sqlalchemy import select

from sirenctl.models import Asset
from tests.tui.conftest import make_app, settle, text_of


async def test_map_screen_shows_every_unit_and_marks_the_faulty(
    services, demo_db, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    with demo_db.transaction() as session:
        session.scalar(select(Asset).where(Asset.tag == "T03")).status = "faulty"
    monkeypatch.setenv("BROWSER", "true")  # a browser command that accepts the page and exits
    app = make_app(services, mode="map")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        info = str(app.screen.query_one("#map-info").content)
        assert "14 communities, 14 hand-crank sirens, 5 terminals" in info
        assert "faulty: T03" in info
        shown = text_of(app.screen.query_one("#map"))
        grid, legend = shown.split("─", 1)
        assert grid.count("X") == 1 and grid.count("H") >= 8 and "1 km" in legend
        page = Path(tempfile.gettempdir()) / "sirenctl-map.html"
        page.unlink(missing_ok=True)
        await pilot.press("h")
        await settle(pilot)
        assert page.exists() and page.read_text(encoding="utf-8").count('class="marker"') == 33
