"""Map domain errors to messages on stderr and documented exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from sirenctl.cli.common import CLIError, ExitCode
from sirenctl.i18n import _, localized


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
    """The one translation (sirenctl/services/errors.py), as a message and an exit code."""
    from sirenctl.services.errors import ProblemKind, describe

    security = _security_error(exc) or _database_error(exc)
    if security is not None:
        return security
    problem = describe(exc)
    if problem is None:
        return None
    code = {
        ProblemKind.INVALID_INPUT: ExitCode.INVALID_INPUT,
        ProblemKind.NOT_FOUND: ExitCode.NOT_FOUND,
        ProblemKind.CONFLICT: ExitCode.CONFLICT,
        ProblemKind.SCHEMA: ExitCode.SCHEMA,
        ProblemKind.REFUSED: ExitCode.REFUSED,
        ProblemKind.UNREACHABLE: ExitCode.UNREACHABLE,
        ProblemKind.DEVICE_FAULT: ExitCode.DEVICE_FAULT,
        ProblemKind.DATABASE: ExitCode.FAILURE,
        ProblemKind.NOT_AUTHENTICATED: ExitCode.NOT_AUTHENTICATED,
    }[problem.kind]
    return CLIError(problem.message, code, problem.details)


def _security_error(exc: Exception) -> CLIError | None:
    """Bad command-line input about accounts (authentication and authority failures are in
    the one translation, sirenctl/services/errors.py)."""
    from sirenctl.security.names import BadLogin
    from sirenctl.security.passphrase import WeakPassphrase

    if isinstance(exc, BadLogin):
        return CLIError(localized(exc), ExitCode.USAGE)
    if isinstance(exc, WeakPassphrase):
        return CLIError(localized(exc), ExitCode.INVALID_INPUT)
    return None


def _database_error(exc: Exception) -> CLIError | None:
    """Values the database refused, and database locations or drivers that do not work."""
    from sqlalchemy.exc import DataError, OperationalError, StatementError

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
    return None
