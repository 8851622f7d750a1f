"""TUI fixtures: a seeded demo database with fixed audit times, and an app on it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

# 2026-09-17 16:00 Asia/Shanghai: the day before the 9·18 trial sounding
FIXED_NOW = datetime(2026, 9, 17, 8, 0, tzinfo=UTC)
SEEDED_AT = datetime(2026, 9, 1, 1, 30, tzinfo=UTC)

# the serial number the demo registers for its bench unit (its controller must report it)
DEMO_BENCH_SERIAL = "AN-BENCH-01"


def fixed_clock() -> datetime:
    return FIXED_NOW


def seed_demo_db(url: str, monkeypatch: pytest.MonkeyPatch, data_dir: Path) -> None:
    """The demo county, every audit event stamped SEEDED_AT (deterministic snapshots)."""
    import sirenctl.audit
    from sirenctl.db import Database
    from sirenctl.registry.demo import seed_demo

    db = Database(url)
    with monkeypatch.context() as patch:
        patch.setattr(sirenctl.audit, "utcnow", lambda: SEEDED_AT)
        with db.transaction() as session:
            seed_demo(session, operator="seeder", data_dir=data_dir)
    from tests.authority import certify_bench_quietly

    certify_bench_quietly(db, "BENCH-01")  # bench flags count only when signed (issue 9)
    db.dispose()


@pytest.fixture
def demo_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, _sqlite_template: Path) -> str:
    """The demo seeded into a copy of the session's migrated template (tests/conftest.py): the
    seed is per test (it stores this test's data directory), the migrations are not."""
    from tests.conftest import _copy_template

    path = tmp_path / "demo.db"
    _copy_template(_sqlite_template, path)
    url = f"sqlite:///{path}"
    seed_demo_db(url, monkeypatch, tmp_path / "data")
    return url


@pytest.fixture
def demo_db(demo_url: str) -> Iterator[object]:
    from sirenctl.db import Database

    db = Database(demo_url)
    yield db
    db.dispose()


@pytest.fixture
def services(demo_db: object) -> object:
    from sirenctl.tui.agenda_data import AgendaService
    from sirenctl.tui.services import Services

    services = Services(demo_db, "tech-li", clock=fixed_clock)  # type: ignore[arg-type]
    services.agenda = AgendaService.create(demo_db)  # type: ignore[arg-type]
    return services


@pytest.fixture(autouse=True)
def _steady_cursors(monkeypatch: pytest.MonkeyPatch) -> None:
    """Text cursors do not blink in tests: a blink is a 0.5 s wall-clock timer, so on a busy
    machine a snapshot caught the cursor cell on or off ("differs only in colour")."""
    from textual.widgets import Input, TextArea

    for widget in (Input, TextArea):
        monkeypatch.setattr(widget.cursor_blink, "_default", False)


def make_app(services: object, **kwargs: object) -> object:
    """The app, recording every notification it shows in ``app.notified`` (a toast on screen
    expires after wall-clock seconds, which a busy machine can spend before the assertion)."""
    from sirenctl.tui.app import SirenApp

    app = SirenApp(services, **kwargs)  # type: ignore[arg-type]
    notified: list[tuple[str, str]] = []
    show = app.notify

    def notify(message: str, *args: object, **kwargs: object) -> None:
        notified.append((str(message), str(kwargs.get("severity", "information"))))
        show(message, *args, **kwargs)  # type: ignore[arg-type]

    app.notify = notify  # type: ignore[method-assign]
    app.notified = notified  # type: ignore[attr-defined]
    return app


async def settle(pilot: object) -> None:
    """Let every worker finish and the screen refresh (no fixed sleeps)."""
    app = pilot.app  # type: ignore[attr-defined]
    for _ in range(3):
        await app.workers.wait_for_complete([w for w in app.workers if w.group != "poll"])
        await pilot.pause()  # type: ignore[attr-defined]


def text_of(widget: object, width: int = 200) -> str:
    """What a Static shows, as plain text (rendered by Rich at ``width`` columns)."""
    import io

    from rich.console import Console

    content = widget.content  # type: ignore[attr-defined]
    if isinstance(content, str):
        return content
    console = Console(width=width, file=io.StringIO(), record=True, color_system=None)
    console.print(content)
    return console.export_text()


async def wait_until(pilot: object, condition: object, timeout: float = 60.0) -> None:
    """Pause until ``condition()`` holds (real I/O with simulators takes real time)."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "condition not met in time"
        await pilot.pause(0.02)  # type: ignore[attr-defined]
