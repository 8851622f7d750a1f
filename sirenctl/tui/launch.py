"""Build a ready-to-run app for ``sirenctl tui`` and ``sirenctl demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sirenctl.db import Database
from sirenctl.i18n import _
from sirenctl.tui.app import THEMES, SirenApp
from sirenctl.tui.keymap import load_keymap
from sirenctl.tui.services import Services


def build_services(
    db: Database, operator: str, *, poll_interval: float = 5.0, **extras: Any
) -> Services:
    from sirenctl.services import wiring
    from sirenctl.tui.devices import DeviceService

    wiring.install()  # failed check-ins raise findings (sirenctl/services/wiring.py)
    services = Services(db, operator, poll_interval=poll_interval, extras=dict(extras))
    # Even without polling the terminals are listed, with their stored last known status
    # (from the daemon, `sirenctl poll` or an earlier session) and its age; p polls now.
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


def build_app(
    db: Database,
    operator: str,
    *,
    mode: str = "dashboard",
    light: bool = False,
    poll: bool = True,
    poll_interval: float = 5.0,
    title: str | None = None,
) -> tuple[SirenApp, list[str]]:
    keymap, problems = load_keymap()
    services = build_services(db, operator, poll_interval=poll_interval)
    app = SirenApp(
        services, mode=mode, theme=THEMES[1] if light else THEMES[0], keymap=keymap, poll=poll
    )
    if title:
        app.title = title
    return app, problems


def run_demo(db: Database, operator: str, data_dir: Path) -> None:
    """The TUI on the demo county, its terminals simulated in the background until exit."""
    from sirenctl.tui.demo_sim import demo_simulators
    from sirenctl.tui.errors import describe_error

    simulators = demo_simulators(data_dir).start()
    app, problems = build_app(db, operator, poll=True, poll_interval=2.0, title=_("sirenctl demo"))
    if simulators.error is not None:
        problems.append(
            f"the simulated terminals did not start ({describe_error(simulators.error)});"
            " if `sirenctl sim run` is already running they answer from there"
        )
    else:
        problems.append(
            "demo: the terminals are simulated on 127.0.0.1; press l for live status,"
            " b for a bench test"
        )
    app.notices = problems
    try:
        app.run()
    finally:
        simulators.stop()
