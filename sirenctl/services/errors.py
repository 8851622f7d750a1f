"""ONE translation of domain errors, used by the CLI (exit code + stderr) and the TUI
(a notification): :func:`describe` says what went wrong, what kind of problem it is, and
what to do. Callers add nothing but presentation (sirenctl/cli/errors.py, sirenctl/tui/errors.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sirenctl.i18n import N_, _, localized, ngettext


class ProblemKind(StrEnum):
    """What kind of problem; the CLI maps each to one documented exit code."""

    INVALID_INPUT = "invalid_input"  # bad data, named field/line; nothing was written
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"  # exists already, changed meanwhile, not allowed in this state
    SCHEMA = "schema"  # database made by a newer sirenctl
    REFUSED = "refused"  # refused for safety
    UNREACHABLE = "unreachable"  # a device did not answer
    DEVICE_FAULT = "device_fault"  # a device answered but did not do it
    DATABASE = "database"  # the database failed or is locked
    NOT_AUTHENTICATED = "not_authenticated"  # unknown account, wrong passphrase, locked


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    message: str  # one line, for stderr or a notification
    details: list[str] = field(default_factory=list)  # one line per field problem
    hint: str = ""  # what a technician can do about it (the TUI appends it)


_DEVICE_HINTS = {
    ProblemKind.UNREACHABLE: N_("check the controller's power and cable/network, then retry"),
    ProblemKind.DEVICE_FAULT: N_("the controller did not confirm the command: inspect it on site"),
}


def describe(exc: BaseException) -> Problem | None:
    """The problem ``exc`` stands for, or None for an unexpected error (a bug: report it)."""
    # Imported only when something failed: cron's idle run-due must not pay for the ORM.
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    from sirenctl.db import SchemaError
    from sirenctl.devices import EndpointProblem, NotABenchUnit
    from sirenctl.registry.errors import Conflict, NotFound, ValidationFailed
    from sirenctl.security.approvals import ApprovalRefused
    from sirenctl.security.errors import AuthError, NotPermitted, TrustProblem
    from sirenctl.security.prompt import NoPassphrase
    from sirenctl.services.activation import ActivationRefused

    if isinstance(exc, AuthError | NoPassphrase):
        return Problem(ProblemKind.NOT_AUTHENTICATED, localized(exc))
    if isinstance(exc, NotPermitted | ApprovalRefused | TrustProblem | ActivationRefused):
        return Problem(ProblemKind.REFUSED, localized(exc))  # who may do what: it says so
    if isinstance(exc, ValidationFailed):
        count = len(exc.problems)
        return Problem(
            ProblemKind.INVALID_INPUT,
            ngettext(
                "{count} problem found; nothing was changed",
                "{count} problems found; nothing was changed",
                count,
            ).format(count=count),
            [str(p) for p in exc.problems],
            _("fix the marked fields and save again"),
        )
    if isinstance(exc, NotFound):
        return Problem(
            ProblemKind.NOT_FOUND,
            localized(exc),
            hint=_("refresh the list (it may have changed)"),
        )
    if isinstance(exc, Conflict):
        return Problem(ProblemKind.CONFLICT, localized(exc))
    if isinstance(exc, EndpointProblem):
        return Problem(
            ProblemKind.INVALID_INPUT,
            localized(exc),
            hint=_("fix the asset's controller settings"),
        )
    if isinstance(exc, NotABenchUnit):
        return Problem(ProblemKind.REFUSED, _("refused: {error}").format(error=localized(exc)))
    if isinstance(exc, SchemaError):
        return Problem(ProblemKind.SCHEMA, localized(exc))
    if isinstance(exc, OperationalError):
        return Problem(
            ProblemKind.DATABASE,
            _("database error: {error}").format(error=exc.orig),
            hint=_(
                "check that the database file is reachable and not locked by another program, "
                "then retry"
            ),
        )
    if isinstance(exc, SQLAlchemyError):
        return Problem(
            ProblemKind.DATABASE,
            _("database error: {error}").format(error=exc),
            hint=_("retry, or check the database with `sirenctl init`"),
        )
    from sirenctl.drivers.errors import DriverError, RefusedForSafety

    if isinstance(exc, DriverError):
        kind = (
            ProblemKind.REFUSED
            if isinstance(exc, RefusedForSafety)
            else ProblemKind.UNREACHABLE
            if exc.comm_fault
            else ProblemKind.DEVICE_FAULT
        )
        message = (
            _("refused for safety: {error}").format(error=localized(exc))
            if kind is ProblemKind.REFUSED
            else localized(exc)
        )
        return Problem(kind, message, hint=_(_DEVICE_HINTS.get(kind, "")))
    return None
