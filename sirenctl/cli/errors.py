"""Map domain errors to messages on stderr and documented exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from sirenctl.cli.common import CLIError, ExitCode
from sirenctl.i18n import _, ngettext


@contextmanager
def translate_errors() -> Iterator[None]:
    try:
        yield
    except (click.ClickException, click.exceptions.Exit, click.exceptions.Abort):
        raise
    except Exception as exc:
        mapped = _as_cli_error(exc)
        if mapped is None:
            raise
        raise mapped from None


def _as_cli_error(exc: Exception) -> CLIError | None:
    # Imported only when something failed: importing them up front would cost every command
    # (cron's idle run-due included) the ORM's import time.
    from sqlalchemy.exc import DataError, OperationalError, StatementError

    from sirenctl.db import SchemaError
    from sirenctl.devices import EndpointProblem, NotABenchUnit
    from sirenctl.registry.errors import Conflict, NotFound, ValidationFailed

    if isinstance(exc, ValidationFailed):
        count = len(exc.problems)
        return CLIError(
            ngettext(
                "{count} problem found; nothing was changed",
                "{count} problems found; nothing was changed",
                count,
            ).format(count=count),
            ExitCode.INVALID_INPUT,
            [str(p) for p in exc.problems],
        )
    if isinstance(exc, NotFound):
        return CLIError(str(exc), ExitCode.NOT_FOUND)
    if isinstance(exc, Conflict):
        return CLIError(str(exc), ExitCode.CONFLICT)
    if isinstance(exc, EndpointProblem):
        return CLIError(str(exc), ExitCode.INVALID_INPUT)
    if isinstance(exc, NotABenchUnit):
        return CLIError(str(exc), ExitCode.REFUSED)
    if isinstance(exc, SchemaError):
        return CLIError(str(exc), ExitCode.SCHEMA)
    overflow = isinstance(exc, OverflowError) or (
        isinstance(exc, StatementError) and isinstance(exc.orig, OverflowError)
    )
    if overflow:
        return CLIError(
            _("a number is too large to store; nothing was changed ({error})").format(
                error=getattr(exc, "orig", None) or exc
            ),
            ExitCode.INVALID_INPUT,
        )
    if isinstance(exc, DataError):  # PostgreSQL: text too long, NUL byte, value out of range
        return CLIError(
            _("the database refused a value; nothing was changed: {error}").format(
                error=str(exc.orig).strip().splitlines()[0]
            ),
            ExitCode.INVALID_INPUT,
        )
    if isinstance(exc, OperationalError) and "readonly" in str(exc.orig).replace("-", ""):
        return CLIError(
            _("the database is read-only here: {error}; check the file's permissions").format(
                error=exc.orig
            ),
            ExitCode.FAILURE,
        )
    from sqlalchemy.exc import ArgumentError, NoSuchModuleError

    if isinstance(exc, NoSuchModuleError | ArgumentError):
        return CLIError(
            _(
                "unknown database URL: {error}. Use a file path, sqlite:///FILE or "
                "postgresql+psycopg://USER@HOST/DB (pip install 'sirenctl[postgres]')"
            ).format(error=exc),
            ExitCode.USAGE,
        )
    if isinstance(exc, ModuleNotFoundError) and exc.name and exc.name.startswith("psycopg"):
        return CLIError(
            _("PostgreSQL needs the psycopg driver: pip install 'sirenctl[postgres]'"),
            ExitCode.USAGE,
        )
    if isinstance(exc, OperationalError):
        return CLIError(_("database error: {error}").format(error=exc.orig), ExitCode.FAILURE)
    return None
