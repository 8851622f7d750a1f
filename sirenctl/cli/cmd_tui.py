"""``sirenctl tui``: the technician terminal UI. Textual is imported only when it runs."""

from __future__ import annotations

import click

from sirenctl.cli.common import AppContext, CLIError, ExitCode, pass_app
from sirenctl.i18n import _


@click.command()
@click.option(
    "--screen",
    "mode",
    default="dashboard",
    show_default=True,
    # every mode of sirenctl/tui/app.py ALL_SCREENS (not imported: it would load Textual)
    type=click.Choice(
        [
            "dashboard",
            "assets",
            "agenda",
            "live",
            "bench",
            "findings",
            "audit",
            "notices",
            "drills",
            "map",
            "activate",
        ]
    ),
    help="Screen to open first.",
)
@click.option("--light", is_flag=True, help="Start with the light theme (t toggles).")
@click.option(
    "--poll/--no-poll",
    default=True,
    show_default=True,
    help="Poll networked terminals' status in the background (silent reads only).",
)
@click.option(
    "--poll-interval",
    type=click.FloatRange(0.5, 3600),
    default=5.0,
    show_default=True,
    help="Seconds between the end of one status sweep and the next.",
)
@pass_app
def tui(app: AppContext, mode: str, light: bool, poll: bool, poll_interval: float) -> None:
    """Open the technician terminal UI on the configured database.

    Dashboard, assets, agenda, live status, bench test, crank guide, findings and the audit log.
    Press ? for every key; ctrl+p for the command palette.

    \b
    Example:
      sirenctl --db county.db tui --screen assets
    """
    import sys

    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise CLIError(
            _("sirenctl tui needs a terminal (stdin and stdout must be a TTY)"), ExitCode.USAGE
        )
    run_tui(app, app.db_url, mode=mode, light=light, poll=poll, poll_interval=poll_interval)


def run_tui(
    app: AppContext,
    url: str,
    *,
    mode: str = "dashboard",
    light: bool = False,
    poll: bool = True,
    poll_interval: float = 5.0,
    title: str | None = None,
) -> None:
    """Build the services for ``url`` and run the app until the user quits."""
    from sirenctl.tui.launch import build_app

    tui_app, problems = build_app(
        app.open_db(url),
        app.operator,
        mode=mode,
        light=light,
        poll=poll,
        poll_interval=poll_interval,
        title=title,
    )
    tui_app.notices = problems
    tui_app.run()
