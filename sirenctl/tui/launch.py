"""Build a ready-to-run app for ``sirenctl tui`` and ``sirenctl demo``."""

from __future__ import annotations

from typing import Any

from sirenctl.db import Database
from sirenctl.tui.app import THEMES, SirenApp
from sirenctl.tui.keymap import load_keymap
from sirenctl.tui.services import Services


def build_services(db: Database, operator: str, *, poll: bool = True,
                   poll_interval: float = 5.0, **extras: Any) -> Services:
    services = Services(db, operator, poll_interval=poll_interval, extras=dict(extras))
    if poll:
        from sirenctl.tui.devices import DeviceService

        services.devices = DeviceService()
    services.agenda = _agenda(db)
    return services


def _agenda(db: Database) -> Any:
    """The agenda service when the scheduling tables exist in this version, else None."""
    try:
        from sirenctl.tui.agenda_data import AgendaService
    except ImportError:
        return None
    return AgendaService.create(db)


def build_app(db: Database, operator: str, *, mode: str = "dashboard", light: bool = False,
              poll: bool = True, poll_interval: float = 5.0,
              title: str | None = None) -> tuple[SirenApp, list[str]]:
    keymap, problems = load_keymap()
    services = build_services(db, operator, poll=poll, poll_interval=poll_interval)
    app = SirenApp(services, mode=mode, theme=THEMES[1] if light else THEMES[0],
                   keymap=keymap, poll=poll)
    if title:
        app.title = title
    return app, problems
