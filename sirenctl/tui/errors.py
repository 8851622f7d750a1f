"""Turn any exception into one line a technician can act on (never a traceback)."""

from __future__ import annotations


def describe_error(exc: BaseException) -> str:
    """What went wrong and what to do about it: the one translation of domain errors
    (sirenctl/services/errors.py), with its hint appended."""
    from sirenctl.services.errors import describe

    problem = describe(exc)
    if problem is not None:
        message = problem.message
        if problem.details:
            message += ": " + "; ".join(problem.details)
        return f"{message}; {problem.hint}" if problem.hint else message
    from sirenctl.security.approvals import ApprovalRefused
    from sirenctl.security.errors import AuthError, NotPermitted, TrustProblem

    if isinstance(exc, AuthError | NotPermitted | ApprovalRefused | TrustProblem):
        return str(exc)  # who may do what: the message says it (sirenctl/cli/errors.py)
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}; check the path or device and retry"
    return f"unexpected error ({type(exc).__name__}: {exc}); please report it"
