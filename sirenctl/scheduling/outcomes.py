"""One outcome vocabulary for run-due, the daemon, bench tests, the TUI and reports.

:class:`Outcome` is what happened to one order (or one bench command) as a person reads it;
:func:`classify` is the ONE mapping from a driver error (``sirenctl.drivers.errors``) and
whether the command had left for the wire to an outcome with a precise message. Both
``run-due`` and ``bench`` use it, so they cannot disagree again.

The stored ``test_result.outcome`` keeps its finer :class:`ResultOutcome` (pass,
failed_to_sound, ...); :attr:`Verdict.result` gives it for every verdict.

Kept free of heavy imports (no pymodbus): the driver errors module is plain Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from sirenctl.models.scheduling import ResultOutcome

if TYPE_CHECKING:
    from sirenctl.drivers.programme import ProgrammeResult


class Outcome(StrEnum):
    """What happened, in the words an operator on call uses."""

    NOT_SENT = "not_sent"  # nothing left for the controller: may be tried again in its window
    REFUSED = "refused"  # not sent for safety (no approval, no permit, claim lost)
    DONE = "done"  # sent, executed and verified by the controller's echo
    FAILED = "failed"  # with a reason: the controller refused, did not sound, or is faulty
    UNKNOWN = "unknown"  # sent, result unknown: never retried, an alarm
    CANCELLED = "cancelled"  # stopped by a person (Ctrl-C, cancel) or dropped by a re-plan
    MISSED = "missed"  # its window passed without a start (an alarm)

    @property
    def alarm(self) -> bool:
        return self in (Outcome.UNKNOWN, Outcome.MISSED)

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Outcome.NOT_SENT: "not sent",
    Outcome.REFUSED: "refused",
    Outcome.DONE: "done",
    Outcome.FAILED: "failed",
    Outcome.UNKNOWN: "unknown",
    Outcome.CANCELLED: "cancelled",
    Outcome.MISSED: "missed",
}


@dataclass(frozen=True)
class Verdict:
    """An outcome, the stored result outcome and a precise message."""

    outcome: Outcome
    result: ResultOutcome
    message: str

    @property
    def retryable(self) -> bool:
        """True only when nothing was sent (the order may run again within its window)."""
        return self.outcome is Outcome.NOT_SENT


def done(message: str) -> Verdict:
    return Verdict(Outcome.DONE, ResultOutcome.PASS, message)


def classify(error: BaseException, *, sent: bool) -> Verdict:
    """Map a driver error to its verdict.

    ``sent`` is True once the command's write request had left for the wire (the driver
    sets :attr:`DriverError.sent`; an error of a read *before* the write has ``sent`` False).
    A lost acknowledgement is settled by the driver reading the last-function echo: when
    that read confirms the command, the driver does not raise at all; when it shows the
    command was not executed it raises :class:`FailedToSound`; when the settling read fails
    too, the error reaches here as a communication fault with ``sent`` True: unknown.
    """
    from sirenctl.drivers.errors import (
        ConfigError,
        DriverError,
        ExceptionResponse,
        FailedToSound,
        RefusedForSafety,
        VerificationFailed,
    )

    if isinstance(error, RefusedForSafety):
        return Verdict(Outcome.REFUSED, ResultOutcome.ERROR, f"refused, nothing sent: {error}")
    if isinstance(error, ConfigError):
        return Verdict(
            Outcome.FAILED, ResultOutcome.ERROR, f"bad controller settings, nothing sent: {error}"
        )
    if isinstance(error, FailedToSound):
        return Verdict(Outcome.FAILED, ResultOutcome.FAILED_TO_SOUND, str(error))
    if isinstance(error, VerificationFailed):
        return Verdict(
            Outcome.FAILED if not sent else Outcome.UNKNOWN,
            ResultOutcome.FAIL if not sent else ResultOutcome.UNKNOWN,
            f"command read-back does not match what was written: {error}",
        )
    if isinstance(error, ExceptionResponse):
        # A Modbus exception reply means the controller did not perform the request.
        what = "the command" if sent else "a status read before the command (nothing sent)"
        return Verdict(
            Outcome.FAILED,
            ResultOutcome.ERROR,
            f"the controller refused {what} with an exception reply: {error}",
        )
    if not isinstance(error, DriverError) or not error.comm_fault:
        return Verdict(Outcome.FAILED, ResultOutcome.ERROR, str(error))
    kind = _comm_kind(error)
    if not sent:
        return Verdict(
            Outcome.NOT_SENT,
            ResultOutcome.UNREACHABLE,
            f"{kind} before the command was sent (nothing sent; may be tried again in its "
            f"window): {error}",
        )
    return Verdict(
        Outcome.UNKNOWN,
        ResultOutcome.UNKNOWN,
        f"{kind} after the command was sent and the controller's echo could not be read, so "
        f"whether it sounded is unknown (not retried): {error}",
    )


def _comm_kind(error: BaseException) -> str:
    from sirenctl.drivers.errors import BadFrame, NoResponse, RequestTimeout

    if isinstance(error, RequestTimeout):
        return "no reply in time"
    if isinstance(error, NoResponse):
        return "no connection"
    if isinstance(error, BadFrame):
        return "garbled or mismatched reply"
    return "communication failed"


def error_sent(error: BaseException) -> bool:
    """Whether the command had left for the wire when ``error`` was raised (see DriverError)."""
    return bool(getattr(error, "sent", False))


def programme_verdict(result: ProgrammeResult) -> Verdict:
    """The verdict of a played programme (run-due and bench sound use the same)."""
    steps = result.steps
    sent = [s for s in steps if s.started_at is not None and (s.error is None or s.error.sent)]
    if result.stopped_by is not None:
        played = sum(1 for s in steps if s.outcome == "ok")
        return Verdict(
            Outcome.CANCELLED,
            ResultOutcome.ERROR,
            f"stopped after {played} of {len(steps)} step(s): {result.stopped_by or 'stop'}",
        )
    for s in steps:
        if s.error is None:
            continue
        verdict = classify(s.error, sent=s.error.sent)
        if verdict.outcome is Outcome.NOT_SENT and sent:
            # an earlier step sounded: the programme is incomplete, never re-run
            return Verdict(
                Outcome.FAILED,
                ResultOutcome.FAIL,
                f"step {s.index} not sent after {len(sent)} step(s) played: {s.error}",
            )
        if verdict.outcome is not Outcome.DONE:
            return Verdict(verdict.outcome, verdict.result, f"step {s.index}: {verdict.message}")
    if any(s.outcome == "skipped_late" for s in steps):
        if not sent:
            return Verdict(
                Outcome.MISSED,
                ResultOutcome.FAIL,
                "not started: later than the late allowance (nothing sent)",
            )
        late = [str(s.index) for s in steps if s.outcome == "skipped_late"]
        return Verdict(
            Outcome.FAILED,
            ResultOutcome.FAIL,
            f"step(s) {', '.join(late)} skipped: later than the late allowance",
        )
    settled = [s for s in steps if s.result is not None and s.result.settled]
    note = f"{len(steps)} step(s) played and echoed by the controller"
    if settled:
        note += f" ({len(settled)} acknowledgement(s) lost, settled by the echo)"
    if result.final_error is not None:
        return done(f"{note}; the final status could not be read: {result.final_error}")
    final = result.final_status
    if final is not None and final.sounding:
        return Verdict(
            Outcome.FAILED,
            ResultOutcome.FAIL,
            f"all {len(steps)} step(s) played, but the controller was still sounding signal "
            f"{final.current_signal} after the programme's end (read {result.final_margin:g} s "
            "after the last command's planned end, timed from when it was actually sent)",
        )
    return done(note)
