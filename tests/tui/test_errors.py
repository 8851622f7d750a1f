"""Errors become notifications that say what to do; the app keeps running."""

from __future__ import annotations

from pathlib import Path

from sirenctl.db import Database
from sirenctl.tui.services import Services
from tests.tui.conftest import fixed_clock, make_app, settle


async def test_database_error_is_a_notification_not_a_traceback(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'empty.db'}", migrate=False)  # no tables at all
    app = make_app(Services(db, "tech-li", clock=fixed_clock), mode="assets")
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        messages = [message for message, _severity in app.notified]
        assert any(
            "database error" in m and "no such table" in m and "retry" in m for m in messages
        ), messages
        await pilot.press("d")  # still usable
        await settle(pilot)
        assert app.current_mode == "dashboard" and app.is_running
    db.dispose()
