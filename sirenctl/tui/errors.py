"""Turn any exception into one line a technician can act on (never a traceback)."""

from __future__ import annotations


def describe_error(exc: BaseException) -> str:
    """What went wrong and what to do about it."""
    from sqlalchemy.exc import OperationalError, SQLAlchemyError

    from sirenctl.db import SchemaError
    from sirenctl.registry.errors import Conflict, NotFound, ValidationFailed

    if isinstance(exc, ValidationFailed):
        return f"{exc}; fix the marked fields and save again"
    if isinstance(exc, NotFound):
        return f"{exc}; refresh the list (it may have changed)"
    if isinstance(exc, Conflict):
        return str(exc)
    if isinstance(exc, SchemaError):
        return str(exc)
    if isinstance(exc, OperationalError):
        return (
            f"database error: {exc.orig}; check that the database file is reachable "
            "and not locked by another program, then retry"
        )
    if isinstance(exc, SQLAlchemyError):
        return f"database error: {exc}; retry, or check the database with `sirenctl init`"
    kind = getattr(exc, "kind", None)
    if kind in ("timeout", "no_response", "bad_frame", "comm_error"):
        return f"{exc}; check the controller's power and cable/network, then retry from Live status"
    if kind == "refused_for_safety":
        return f"refused for safety: {exc}"
    if kind == "failed_to_sound":
        return f"{exc}; the controller did not confirm the command: inspect it on site"
    if kind is not None:
        return str(exc)
    if isinstance(exc, OSError):
        return f"{exc.strerror or exc}; check the path or device and retry"
    return f"unexpected error ({type(exc).__name__}: {exc}); please report it"
