"""Turn any exception into one line a technician can act on (never a traceback)."""

from __future__ import annotations


def describe_error(exc: BaseException) -> str:
    """What went wrong and what to do about it: the one translation of domain errors
    (sirenctl/services/errors.py), with its hint appended."""
    from sirenctl.i18n import _, localized
    from sirenctl.services.errors import describe

    problem = describe(exc)
    if problem is not None:
        message = problem.message
        if problem.details:
            message += ": " + "; ".join(problem.details)
        return (
            _("{message}; {hint}").format(message=message, hint=problem.hint)
            if problem.hint
            else message
        )
    if isinstance(exc, OSError):
        return _("{error}; check the path or device and retry").format(error=exc.strerror or exc)
    return _("unexpected error ({kind}: {error}); please report it").format(
        kind=type(exc).__name__, error=localized(exc)
    )
