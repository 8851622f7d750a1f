"""The ``sirenctl`` command. Subcommands are imported on first use so that ``--help`` and the
commands cron runs stay fast and never import Textual or pymodbus."""

from __future__ import annotations

import importlib
from typing import Any

import click

from sirenctl import __version__
from sirenctl.cli.common import AppContext, CLIError, ExitCode, exit_code_help
from sirenctl.cli.completion_values import attach_completions
from sirenctl.cli.localize import localize_command
from sirenctl.i18n import N_, Language, _, parse_language, resolve_language, set_language

# name -> (module:attribute, one-line help shown by `sirenctl --help`)
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("sirenctl.cli.cmd_db:init", N_("Create or upgrade the database.")),
    "db": (
        "sirenctl.cli.cmd_db:db_group",
        N_("PostgreSQL roles: setup-roles, add-login (the database enforces authority)."),
    ),
    "demo": ("sirenctl.cli.cmd_demo:demo", N_("Seed and show the demo county (14 communities).")),
    "site": ("sirenctl.cli.cmd_site:site", N_("Sites (communities): add, list, show, edit.")),
    "asset": (
        "sirenctl.cli.cmd_asset:asset",
        N_("Assets: add, list, show, edit, retire, import, export."),
    ),
    "audit": ("sirenctl.cli.cmd_audit:audit", N_("The append-only audit log.")),
    "completion": (
        "sirenctl.cli.cmd_completion:completion",
        N_("Print a shell completion script."),
    ),
    "tui": ("sirenctl.cli.cmd_tui:tui", N_("Open the technician terminal UI (Textual).")),
    "finding": (
        "sirenctl.cli.cmd_findings:finding",
        N_("Findings (问题): add, list, show, resolve."),
    ),
    "notice": (
        "sirenctl.cli.cmd_notice:notice",
        N_("Rectification notices (整改通知书): issue, update, recheck, close, list, print."),
    ),
    "drill": ("sirenctl.cli.cmd_drill:drill", N_("Drills and outreach events: add, list.")),
    "report": ("sirenctl.cli.cmd_report:report", N_("Annual report (md, html, csv, json; zh/en).")),
    "map": (
        "sirenctl.cli.cmd_map:map_command",
        N_("Map of sirens, works and coverage (geojson, kml, html)."),
    ),
    "works": (
        "sirenctl.cli.cmd_works:works",
        N_("Civil air-defence works (人防工程): add, list, inspect, problem, activity."),
    ),
    "outreach": ("sirenctl.cli.cmd_outreach:outreach", N_("Outreach events (宣传活动): add.")),
    "ledger": (
        "sirenctl.cli.cmd_ledger:ledger",
        N_("Asset and inspection ledgers (台账) as Excel: export, import."),
    ),
    "poll": ("sirenctl.cli.cmd_poll:poll", N_("Read the status of networked terminals (silent).")),
    "bench": (
        "sirenctl.cli.cmd_bench:bench",
        N_("Sound a programme on a bench unit (never a live siren)."),
    ),
    "cancel": ("sirenctl.cli.cmd_bench:cancel", N_("Stop any sounding now (no permit needed).")),
    "activate": (
        "sirenctl.cli.cmd_activate:activate",
        N_("LIVE activation of sirens: exercise (two people) or emergency (one, with a reason)."),
    ),
    "modbus": (
        "sirenctl.cli.cmd_modbus:modbus",
        N_("Read/write controller registers (diagnostics)."),
    ),
    "sim": ("sirenctl.cli.cmd_sim:sim", N_("Run simulated controllers on loopback (demo fleet).")),
    "programme": (
        "sirenctl.cli.cmd_scheduling:programme",
        N_("Signal programmes: list, show timeline."),
    ),
    "schedule": ("sirenctl.cli.cmd_scheduling:schedule", N_("Campaign files: validate, list.")),
    "plan": (
        "sirenctl.cli.cmd_scheduling_plan:plan",
        N_("Plan work orders from the campaigns (shown as a diff)."),
    ),
    "agenda": (
        "sirenctl.cli.cmd_scheduling_plan:agenda",
        N_("Due, overdue, done, missed work orders; --ics."),
    ),
    "holidays": (
        "sirenctl.cli.cmd_scheduling_holidays:holidays",
        N_("Holiday table: status, list, seed, set, remove, mark official."),
    ),
    "run-due": (
        "sirenctl.cli.cmd_scheduling_run:run_due",
        N_("Execute due work orders (cron: every minute)."),
    ),
    "daemon": (
        "sirenctl.cli.cmd_scheduling_run:daemon",
        N_("Long-running scheduler, one per database."),
    ),
    "account": (
        "sirenctl.cli.cmd_account:account",
        N_("Accounts: add, list, show, passwd, roles, lock, unlock, disable, anchor."),
    ),
    "approve": (
        "sirenctl.cli.cmd_scheduling_run:approve",
        N_("Approve live audible work orders (not their planner)."),
    ),
    "checkin": ("sirenctl.cli.cmd_scheduling_run:checkin", N_("Record a manual check at a siren.")),
}


class LazyGroup(click.Group):
    def __init__(self, *args: Any, lazy: dict[str, tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy = lazy

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy:
            module_name, _sep, attr = self.lazy[cmd_name][0].partition(":")
            command = getattr(importlib.import_module(module_name), attr)
            return localize_command(attach_completions(command))
        return super().get_command(ctx, cmd_name)

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        # The language is chosen before click parses anything, so that its own messages
        # (usage errors of the root options included) are already in that language.
        set_language(resolve_language(_lang_argument(args)))
        localize_command(self)
        return super().make_context(info_name, args, parent, **extra)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, _(self.lazy[name][1])) for name in sorted(self.lazy)]
        if rows:
            with formatter.section(_("Commands")):
                formatter.write_dl(rows)

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(
                _("\b\nExit codes:\n{codes}").format(codes=exit_code_help())
                + "\n\n"
                + _("\b\nExample:\n  sirenctl --db county.db asset list --kind hand_crank")
            )

    def invoke(self, ctx: click.Context) -> Any:
        from sirenctl.cli.errors import translate_errors

        with translate_errors():
            return super().invoke(ctx)


@click.group(
    cls=LazyGroup,
    lazy=LAZY_COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
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
@click.option(
    "--lang",
    "lang_option",
    type=click.Choice([language.value for language in Language]),
    help="Interface language: zh (中文) or en [env SIRENCTL_LANG; then lang in "
    "~/.config/sirenctl/config.toml; then the locale].",
)
@click.version_option(__version__, prog_name="sirenctl")
@click.pass_context
def cli(
    ctx: click.Context,
    db_option: str | None,
    user_option: str | None,
    operator_option: str | None,
    lang_option: str | None,
) -> None:
    """sirenctl: registry, test scheduling and control of a community warning-siren network.

    Data goes to stdout (tables, or JSON with --json); messages go to stderr.
    """
    from sirenctl.cli.db_open import check_sqlite_path

    app = AppContext(
        db_option=db_option,
        operator_option=operator_option,
        user_option=user_option,
        check_path=check_sqlite_path,
    )
    ctx.obj = app
    ctx.call_on_close(app.close)


def _lang_argument(args: list[str]) -> str | None:
    """The value of the root ``--lang`` option, looked up before click parses the line (only
    before the subcommand: ``report --lang`` is the report's language)."""
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "--lang" and index + 1 < len(args):
            return args[index + 1] if parse_language(args[index + 1]) else None
        if arg.startswith("--lang="):
            value = arg.partition("=")[2]
            return value if parse_language(value) else None
        if arg in ("--db", "--operator", "--user", "-u"):
            index += 2
            continue
        if not arg.startswith("-") or arg == "--":
            break
        index += 1
    return None


def main(argv: list[str] | None = None) -> None:
    cli.main(args=argv, prog_name="sirenctl")


__all__ = ["CLIError", "ExitCode", "cli", "main"]
