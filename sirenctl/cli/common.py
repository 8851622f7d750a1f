"""Shared CLI plumbing: exit codes, the per-invocation context, output and error mapping.

Data goes to stdout (a table, or JSON with ``--json``); diagnostics go to stderr.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import TYPE_CHECKING, Any, TypeVar

import click

from sirenctl.i18n import N_, _, localized, translate

if TYPE_CHECKING:
    from sirenctl.db import Database
    from sirenctl.identity import Actor, Role
    from sirenctl.security.authn import Authenticated


class ExitCode(IntEnum):
    """Documented process exit codes (README, `sirenctl --help`)."""

    OK = 0
    FAILURE = 1  # unexpected failure, database unreachable
    USAGE = 2  # bad command line
    INVALID_INPUT = 3  # bad data: field/line errors; nothing was written
    NOT_FOUND = 4  # no such site / asset / record
    CONFLICT = 5  # already exists, already retired
    SCHEMA = 6  # database made by a newer sirenctl
    REFUSED = 7  # refused for safety (no permit, not a bench unit, no approval)
    DEVICE_FAULT = 8  # a device reported a fault / a test failed
    UNREACHABLE = 9  # a device did not answer
    MISSED = 10  # work orders were missed
    AUDIT_BROKEN = 11  # the audit chain is broken, or disagrees with a checkpoint
    NOT_AUTHENTICATED = 12  # unknown account, wrong passphrase, locked or disabled account
    INTERRUPTED = 130  # stopped by SIGINT (Ctrl-C): what this run started was stopped
    TERMINATED = 143  # stopped by SIGTERM: what this run started was stopped


EXIT_CODE_TEXT: dict[ExitCode, str] = {
    ExitCode.OK: N_("ok"),
    ExitCode.FAILURE: N_("failure"),
    ExitCode.USAGE: N_("usage (bad command line)"),
    ExitCode.INVALID_INPUT: N_("invalid input (nothing written)"),
    ExitCode.NOT_FOUND: N_("not found"),
    ExitCode.CONFLICT: N_("conflict"),
    ExitCode.SCHEMA: N_("not a sirenctl database, or one from a newer sirenctl"),
    ExitCode.REFUSED: N_("refused for safety"),
    ExitCode.DEVICE_FAULT: N_("device fault / test failed"),
    ExitCode.UNREACHABLE: N_("device unreachable"),
    ExitCode.MISSED: N_("work missed"),
    ExitCode.AUDIT_BROKEN: N_("audit chain broken, or disagrees with a checkpoint"),
    ExitCode.NOT_AUTHENTICATED: N_("not authenticated (unknown account, wrong passphrase, locked)"),
    ExitCode.INTERRUPTED: N_("stopped by SIGINT (what the run started was stopped first)"),
    ExitCode.TERMINATED: N_("stopped by SIGTERM (what the run started was stopped first)"),
}


def exit_code_help() -> str:
    """The exit-code summary of ``sirenctl --help``, in the current language."""
    return "\n".join(f"  {code.value:>3}  {_(EXIT_CODE_TEXT[code])}" for code in ExitCode)


class CLIError(click.ClickException):
    """An error shown to the user on stderr, with its exit code and optional detail lines."""

    def __init__(
        self, message: str, code: ExitCode = ExitCode.FAILURE, details: Sequence[str] = ()
    ) -> None:
        super().__init__(message)
        self.exit_code = int(code)  # type: ignore[misc]  # click declares a class default
        self.details = list(details)

    def show(self, file: Any = None) -> None:
        stream = file or sys.stderr
        click.echo(_("error: {message}").format(message=localized(self.message)), file=stream)
        for line in self.details:
            click.echo(f"  {line}", file=stream)


@dataclass
class AppContext:
    db_option: str | None
    operator_option: str | None  # deprecated alias of user_option
    user_option: str | None = None
    #: checks a SQLite path before it is opened (sirenctl/cli/db_open.py; set by cli.main)
    check_path: Callable[..., None] | None = field(default=None, repr=False)
    _db: Database | None = field(default=None, repr=False)
    _login: str | None = field(default=None, repr=False)

    @property
    def db_url(self) -> str:
        from sirenctl.config import resolve_db_url

        return resolve_db_url(self.db_option)

    @property
    def operator(self) -> str:
        """The login recorded for plain writes. On PostgreSQL the database login
        (``session_user``; a different ``--user`` is refused, exit 12); on SQLite the login
        name, which privileged actions then prove with :meth:`authenticate` (docs/security.md)."""
        if self._login is None:
            from sirenctl.security.identity import resolve_login

            if self.db.dialect == "postgresql":
                import os

                from sirenctl.security.authn import database_login

                claimed = self.user_option or os.environ.get("SIRENCTL_USER")
                self._login = database_login(self.db, resolve_login(claimed) if claimed else None)
            else:
                self._login = resolve_login(self.user_option or self.operator_option)
        return self._login

    def authenticate(self, purpose: str, role: Role | None = None) -> Authenticated:
        """The acting person, proven now (passphrase on SQLite, session_user on PostgreSQL)."""
        from sirenctl.security.authn import authenticate

        return authenticate(self.db, self.operator, purpose=purpose, role=role)

    @property
    def actor(self) -> Actor:
        """The acting person the services are given (sirenctl/services/operator.py)."""
        from sirenctl.services.operator import actor_for_operator

        return actor_for_operator(self.operator, self.db)

    def open_db(self, url: str | None = None) -> Database:
        if self._db is None:
            import os

            from sirenctl.db import Database
            from sirenctl.services import wiring

            wiring.install()  # failed results raise findings (sirenctl/services/wiring.py)
            typed = self.db_option or os.environ.get("SIRENCTL_DB") or ""
            if self.check_path is not None:
                self.check_path(url or self.db_url, typed_path=bool(typed) and "://" not in typed)
            self._db = Database(url or self.db_url)
        return self._db

    @property
    def db(self) -> Database:
        return self.open_db()

    def close(self) -> None:
        if self._db is not None:
            self._db.dispose()


R = TypeVar("R")


def pass_app(f: Callable[..., R]) -> Callable[..., R]:
    """Pass the invocation's :class:`AppContext` as the first argument.

    (click's own annotation of ``make_pass_decorator`` rejects a first parameter that has a
    name, which every command here has: ``app``.)"""
    return click.make_pass_decorator(AppContext)(f)


json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")

F = TypeVar("F", bound=Callable[..., Any])


def _json_value(value: Any) -> Any:
    """Times as ISO 8601 with their offset (``2026-09-18T04:00:00+00:00``: stored UTC), dates
    as ``YYYY-MM-DD``; anything else as its text."""
    from datetime import date

    return value.isoformat() if isinstance(value, date) else str(value)  # datetime is a date


def echo_json(data: Any) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=_json_value))


def info(message: str) -> None:
    """A diagnostic line on stderr."""
    click.echo(message, err=True)


# Status words coloured in tables on a terminal (rich honours NO_COLOR; piped output is plain).
STATUS_STYLES: dict[str, str] = {
    N_("FAULT"): "bold red",
    N_("UNREACHABLE"): "bold red",
    N_("missed"): "bold red",
    N_("unknown"): "red",
    N_("overdue"): "yellow",
    N_("faulty"): "yellow",
    N_("SOUNDING"): "bold magenta",
}


def _cell(value: Any, styles: dict[str, str]) -> Any:
    from rich.text import Text

    text = "" if value is None else str(value)
    style = styles.get(text)
    return Text(text, style=style) if style else text


WIDE_KEY = "sirenctl.wide"


def _remember_wide(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[WIDE_KEY] = True


#: ``--wide`` on a list command: every column, no wrapping, however narrow the terminal
wide_option = click.option(
    "--wide",
    is_flag=True,
    expose_value=False,
    callback=_remember_wide,
    help="Show every column without wrapping, however narrow the terminal.",
)


def _wide_requested() -> bool:
    ctx = click.get_current_context(silent=True)
    return bool(ctx and ctx.meta.get(WIDE_KEY))


def echo_table(
    columns: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    title: str | None = None,
    optional: Sequence[str] = (),
) -> None:
    """A table on stdout; rich measures CJK characters as double width.

    On a terminal the table fits its width (sirenctl/cli/table_layout.py): words are never
    broken, text wraps, and the ``optional`` columns are hidden first when even that does not
    fit (a note on stderr says so). ``--wide`` and piped output keep every column unwrapped."""
    from rich.console import Console
    from rich.table import Table

    from sirenctl.cli.table_layout import TableLayout, plan_layout

    headers = [translate(column) for column in columns]  # C_("context", "word") if ambiguous
    text_rows = [["" if cell is None else str(cell) for cell in row] for row in rows]
    wide = _wide_requested()
    # Piped output is not wrapped at 80 columns: rows stay whole for grep and scripts.
    console = Console(soft_wrap=False, width=None if sys.stdout.isatty() and not wide else 1000)
    if wide or console.width >= 1000:
        layout = TableLayout(tuple(range(len(headers))), frozenset(range(len(headers))))
    else:
        wanted = [columns.index(name) for name in optional if name in columns]
        layout = plan_layout(headers, text_rows, console.width, optional=wanted)
    # Headers are English literals translated here (sirenctl/i18n_catalog.py extracts them).
    table = Table(title=translate(title) if title else None, show_lines=False, header_style="bold")
    for i in layout.shown:
        table.add_column(headers[i], overflow="fold", no_wrap=i in layout.no_wrap)
    styles = {_(word): style for word, style in STATUS_STYLES.items()}
    for row in text_rows:
        table.add_row(*[_cell(row[i], styles) for i in layout.shown])
    console.print(table)
    if layout.hidden:
        info(
            _("not shown at {width} columns: {columns} (--wide shows every column)").format(
                width=console.width, columns=", ".join(headers[i] for i in layout.hidden)
            )
        )


def yes_no(value: bool | None) -> str:
    return "" if value is None else (_("yes") if value else _("no"))
