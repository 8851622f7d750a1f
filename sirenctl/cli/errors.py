"""Map domain errors to messages on stderr and documented exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click

from sirenctl.cli.common import CLIError, ExitCode


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
    from sqlalchemy.exc import OperationalError

    from sirenctl.db import SchemaError
    from sirenctl.devices import EndpointProblem, NotABenchUnit
    from sirenctl.registry.errors import Conflict, NotFound, ValidationFailed

    security = _security_error(exc)
    if security is not None:
        return security

    if isinstance(exc, ValidationFailed):
        count = len(exc.problems)
        return CLIError(
            f"{count} problem{'s' if count != 1 else ''} found; nothing was changed",
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
    if isinstance(exc, OperationalError):
        return CLIError(f"database error: {exc.orig}", ExitCode.FAILURE)
    return None


def _security_error(exc: Exception) -> CLIError | None:
    from sirenctl.security.approvals import ApprovalRefused
    from sirenctl.security.errors import AuthError, NotPermitted, TrustProblem
    from sirenctl.security.names import BadLogin
    from sirenctl.security.passphrase import WeakPassphrase
    from sirenctl.security.prompt import NoPassphrase

    if isinstance(exc, AuthError | NoPassphrase):
        return CLIError(str(exc), ExitCode.NOT_AUTHENTICATED)
    if isinstance(exc, NotPermitted | ApprovalRefused | TrustProblem):
        return CLIError(str(exc), ExitCode.REFUSED)
    if isinstance(exc, BadLogin):
        return CLIError(str(exc), ExitCode.USAGE)
    if isinstance(exc, WeakPassphrase):
        return CLIError(str(exc), ExitCode.INVALID_INPUT)
    return None
