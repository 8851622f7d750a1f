"""Typed driver errors.

Callers must be able to tell a *communication* fault (the link or the wire) from a
*device* fault (the controller answered but refused or did not do what was asked)
and from a *safety* refusal (nothing was sent at all).
"""

from __future__ import annotations

from .problems import DriverText


class DriverError(Exception):
    """Base of every error raised by the driver layer."""

    #: short machine-readable kind, stable for JSON output and audit records
    kind = "driver_error"
    #: True when the fault is in the communication path, not in the siren itself
    comm_fault = False
    #: True once the command's write had left for the wire (set by the driver's activation);
    #: a fault before that means nothing was sent (see sirenctl/scheduling/outcomes.py)
    sent = False

    def __init__(self, message: str, *, target: str | None = None) -> None:
        super().__init__(message)  # a DriverText keeps its code for the core's translation
        self.target = target

    @property
    def problem(self) -> str | None:
        """The stable code of the message (:class:`DriverProblem` value), if it has one."""
        message = self.args[0] if self.args else None
        return message.problem.value if isinstance(message, DriverText) else None

    def __str__(self) -> str:
        base = super().__str__()
        return f"{self.target}: {base}" if self.target else base

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "comm_fault": self.comm_fault,
            "sent": self.sent,
            "problem": self.problem,
            "message": str(self),
        }


class CommError(DriverError):
    """The request could not be completed on the wire."""

    kind = "comm_error"
    comm_fault = True


class RequestTimeout(CommError):
    """The request was sent but no valid reply arrived within the request budget."""

    kind = "timeout"


class NoResponse(CommError):
    """The device is unreachable: connect failed, the connection dropped, or the link is in back-off."""

    kind = "no_response"


class BadFrame(CommError):
    """Bytes arrived but did not form a valid reply (CRC error, garbage, wrong unit id, bad checksum)."""

    kind = "bad_frame"


class WrongTransactionId(BadFrame):
    """A Modbus/TCP reply carried another request's transaction id (a late or stray reply)."""

    kind = "wrong_transaction_id"


class ExceptionResponse(DriverError):
    """The device answered with a Modbus exception (or a bench-protocol error reply)."""

    kind = "exception_response"

    def __init__(self, message: str, *, code: int, target: str | None = None) -> None:
        super().__init__(message, target=target)
        self.code = code

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "code": self.code}


class VerificationFailed(DriverError):
    """A write was acknowledged but the read-back does not show the value written."""

    kind = "verification_failed"


class FailedToSound(VerificationFailed):
    """After an activation the controller's last-function echo/time does not match what was sent."""

    kind = "failed_to_sound"

    def __init__(
        self, message: str, *, echo: dict[str, object] | None = None, target: str | None = None
    ) -> None:
        super().__init__(message, target=target)
        self.echo = echo or {}

    def to_dict(self) -> dict[str, object]:
        return {**super().to_dict(), "echo": self.echo}


class RefusedForSafety(DriverError):
    """The driver refused to send: no permit, expired permit, permit for another target, bad request."""

    kind = "refused_for_safety"


class ConfigError(DriverError, ValueError):
    """Bad endpoint, register map or request parameters (raised before anything is sent)."""

    kind = "config_error"
