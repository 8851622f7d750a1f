"""The ``sirenctl`` command. Subcommands are imported on first use so that ``--help`` and the
commands cron runs stay fast and never import Textual or pymodbus."""

from __future__ import annotations

import importlib
from typing import Any

import click

from sirenctl import __version__
from sirenctl.cli.common import EXIT_CODE_HELP, AppContext, CLIError, ExitCode

# name -> (module:attribute, one-line help shown by `sirenctl --help`)
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("sirenctl.cli.cmd_db:init", "Create or upgrade the database."),
    "db": (
        "sirenctl.cli.cmd_db:db_group",
        "PostgreSQL roles: setup-roles, add-login (the database enforces authority).",
    ),
    "demo": ("sirenctl.cli.cmd_demo:demo", "Seed and show the demo county (14 communities)."),
    "site": ("sirenctl.cli.cmd_site:site", "Sites (communities): add, list, show, edit."),
    "asset": (
        "sirenctl.cli.cmd_asset:asset",
        "Assets: add, list, show, edit, retire, import, export.",
    ),
    "audit": ("sirenctl.cli.cmd_audit:audit", "The append-only audit log."),
    "completion": ("sirenctl.cli.cmd_completion:completion", "Print a shell completion script."),
    "tui": ("sirenctl.cli.cmd_tui:tui", "Open the technician terminal UI (Textual)."),
    "finding": ("sirenctl.cli.cmd_findings:finding", "Findings (问题): add, list, show, resolve."),
    "notice": (
        "sirenctl.cli.cmd_notice:notice",
        "Rectification notices (整改通知书): issue, update, recheck, close, list, print.",
    ),
    "drill": ("sirenctl.cli.cmd_drill:drill", "Drills and outreach events: add, list."),
    "report": ("sirenctl.cli.cmd_report:report", "Annual report (md, html, csv, json; zh/en)."),
    "map": (
        "sirenctl.cli.cmd_map:map_command",
        "Map of sirens, works and coverage (geojson, kml, html).",
    ),
    "works": (
        "sirenctl.cli.cmd_works:works",
        "Civil air-defence works (人防工程): add, list, inspect, problem, activity.",
    ),
    "outreach": ("sirenctl.cli.cmd_outreach:outreach", "Outreach events (宣传活动): add."),
    "ledger": (
        "sirenctl.cli.cmd_ledger:ledger",
        "Asset and inspection ledgers (台账) as Excel: export, import.",
    ),
    "poll": ("sirenctl.cli.cmd_poll:poll", "Read the status of networked terminals (silent)."),
    "bench": (
        "sirenctl.cli.cmd_bench:bench",
        "Sound a programme on a bench unit (never a live siren).",
    ),
    "cancel": ("sirenctl.cli.cmd_bench:cancel", "Stop any sounding now (no permit needed)."),
    "activate": (
        "sirenctl.cli.cmd_activate:activate",
        "LIVE activation of sirens: exercise (two people) or emergency (one, with a reason).",
    ),
    "modbus": ("sirenctl.cli.cmd_modbus:modbus", "Read/write controller registers (diagnostics)."),
    "sim": ("sirenctl.cli.cmd_sim:sim", "Run simulated controllers on loopback (demo fleet)."),
    "programme": (
        "sirenctl.cli.cmd_scheduling:programme",
        "Signal programmes: list, show timeline.",
    ),
    "schedule": ("sirenctl.cli.cmd_scheduling:schedule", "Campaign files: validate, list."),
    "plan": (
        "sirenctl.cli.cmd_scheduling_plan:plan",
        "Plan work orders from the campaigns (shown as a diff).",
    ),
    "agenda": (
        "sirenctl.cli.cmd_scheduling_plan:agenda",
        "Due, overdue, done, missed work orders; --ics.",
    ),
    "holidays": (
        "sirenctl.cli.cmd_scheduling_holidays:holidays",
        "Holiday table: status, list, seed, set, remove, mark official.",
    ),
    "run-due": (
        "sirenctl.cli.cmd_scheduling_run:run_due",
        "Execute due work orders (cron: every minute).",
    ),
    "daemon": (
        "sirenctl.cli.cmd_scheduling_run:daemon",
        "Long-running scheduler, one per database.",
    ),
    "account": (
        "sirenctl.cli.cmd_account:account",
        "Accounts: add, list, show, passwd, roles, lock, unlock, disable, anchor.",
    ),
    "approve": (
        "sirenctl.cli.cmd_scheduling_run:approve",
        "Approve live audible work orders (not their planner).",
    ),
    "checkin": ("sirenctl.cli.cmd_scheduling_run:checkin", "Record a manual check at a siren."),
}


class LazyGroup(click.Group):
    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module_name, _, attr = self.lazy[cmd_name][0].partition(":")
            command = getattr(importlib.import_module(module_name), attr)
            assert isinstance(command, click.Command), self.lazy[cmd_name][0]
            return command
        return super().get_command(ctx, cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, self.lazy[name][1]) for name in sorted(self.lazy)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def invoke(self, ctx: click.Context) -> Any:
        from sirenctl.cli.errors import translate_errors

        with translate_errors():
            return super().invoke(ctx)


@click.group(
    cls=LazyGroup,
    lazy=LAZY_COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=f"\b\nExit codes:\n{EXIT_CODE_HELP}\n\n\b\nExample:\n  sirenctl --db county.db asset list --kind hand_crank",
)
@click.option(
    "--db",
    "db_option",
    metavar="URL|FILE",
    envvar="SIRENCTL_DB",
    help="Database: SQLAlchemy URL or SQLite file path [env SIRENCTL_DB; default: a "
    "SQLite file in the per-user data directory].",
)
@click.option(
    "--user",
    "-u",
    "user_option",
    metavar="LOGIN",
    envvar="SIRENCTL_USER",
    help="Your login name [env SIRENCTL_USER; default: OS user]. Privileged actions ask for "
    "its passphrase (SQLite); on PostgreSQL you are the database login.",
)
@click.option(
    "--operator",
    "operator_option",
    envvar="SIRENCTL_OPERATOR",
    hidden=True,
    help="Deprecated alias of --user.",
)
@click.version_option(__version__, prog_name="sirenctl")
@click.pass_context
def cli(
    ctx: click.Context, db_option: str | None, user_option: str | None, operator_option: str | None
) -> None:
    """sirenctl: registry, test scheduling and control of a community warning-siren network.

    Data goes to stdout (tables, or JSON with --json); messages go to stderr.
    """
    app = AppContext(db_option=db_option, operator_option=operator_option, user_option=user_option)
    ctx.obj = app
    ctx.call_on_close(app.close)


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="sirenctl")


__all__ = ["CLIError", "ExitCode", "cli", "main"]
