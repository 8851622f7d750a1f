"""Map domain errors to messages on stderr and documented exit codes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sirenctl.cli.common import CLIError, ExitCode


@contextmanager
def translate_errors() -> Iterator[None]:
    from sqlalchemy.exc import OperationalError

    from sirenctl.db import SchemaError
    from sirenctl.registry.errors import Conflict, NotFound, ValidationFailed

    try:
        yield
    except ValidationFailed as exc:
        count = len(exc.problems)
        raise CLIError(f"{count} problem{'s' if count != 1 else ''} found; nothing was changed",
                       ExitCode.INVALID_INPUT, [str(p) for p in exc.problems]) from None
    except NotFound as exc:
        raise CLIError(str(exc), ExitCode.NOT_FOUND) from None
    except Conflict as exc:
        raise CLIError(str(exc), ExitCode.CONFLICT) from None
    except SchemaError as exc:
        raise CLIError(str(exc), ExitCode.SCHEMA) from None
    except OperationalError as exc:
        raise CLIError(f"database error: {exc.orig}", ExitCode.FAILURE) from None
