"""The device-driver interface and the safety/audit logic shared by every driver.

Subclasses implement the wire side (``_read_status``, ``_identify``, ``_activate``);
this base class owns the rules: permit check before anything audible, no automatic
retry, failed-to-sound detection from the last-function echo, and for every command an
intent recorded (durably) before anything is sent plus one result record, whatever its
outcome (the sink contract is in drivers/audit.py).
"""

from __future__ import annotations

import random
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from .audit import (
    INTENT,
    AuditSink,
    AuditUnavailable,
    CommandRecord,
    SinkLike,
    as_sink,
    record_intent,
)
from .clock import Clock, RealClock
from .endpoint import Endpoint
from .errors import DriverError, FailedToSound, RefusedForSafety, VerificationFailed
from .permit import Permit, require_permit
from .problems import DriverProblem as P
from .problems import DriverText
from .signals import SILENT_TEST, STOP, SignalTable
from .status import Identity, SoundRequest, SoundResult, Status

T = TypeVar("T")
COMMAND_PRIORITY = 0
POLL_PRIORITY = 10
PREFETCH_MAX_AGE = 60.0  # seconds a prefetched status may stand in for the pre-command read


@dataclass(frozen=True)
class SilentTestResult:
    result: str  # "pass" | "fail" | "none" (controller reported no result)
    status: Status
    activation: SoundResult

    @property
    def passed(self) -> bool:
        return self.result == "pass"

    def to_dict(self) -> dict[str, Any]:
        return {
            "result": self.result,
            "status": self.status.to_dict(),
            "activation": self.activation.to_dict(),
        }


class SirenDriver(ABC):
    """One controller. Drivers know nothing of the registry: ``tag`` is only a name."""

    driver_name = "abstract"
    echo_tolerance = 5.0
    echo_delay = 0.0

    def __init__(
        self,
        tag: str,
        endpoint: Endpoint,
        *,
        signals: SignalTable,
        audit: SinkLike | None = None,
        clock: Clock | None = None,
    ) -> None:
        self.tag = tag
        self.endpoint = endpoint
        self.signals = signals
        self.audit: AuditSink = as_sink(audit)
        self.clock: Clock = clock or RealClock()
        self._token = random.randint(1, 60000)
        self._poll_label = f"poll:{tag}"
        self._prefetched: Status | None = None
        #: awaited right after a command's write was acknowledged, before its verification
        #: reads (drivers that can, e.g. modbus_driver.py): the executor uses it to let every
        #: write of an instant go out before the read-backs compete with them
        self.after_write: Callable[[], Awaitable[None]] | None = None

    # ---- wire side (subclasses) ----------------------------------------------------------
    # The ``_..._now`` methods talk to the wire directly and must run inside a link job;
    # ``_in_link`` runs a job on the driver's link at a priority.
    @abstractmethod
    async def _in_link(self, priority: int, fn: Callable[[], Awaitable[T]], label: str) -> T: ...

    @abstractmethod
    async def _status_now(self) -> Status: ...

    @abstractmethod
    async def _identify(self) -> Identity: ...

    @abstractmethod
    async def _write_command_now(self, code: int, cycles: int, token: int | None) -> None:
        """Write the command once (absolute values) and verify it by read-back."""

    async def _read_status(self, *, priority: int) -> Status:
        label = self._poll_label if priority else f"status:{self.tag}"
        return await self._in_link(priority, self._status_now, label)

    @property
    def uses_token(self) -> bool:
        return True

    # ---- public interface ----------------------------------------------------------------
    async def read_status(self) -> Status:
        """Poll the status (queued behind commands)."""
        return await self._in_link(POLL_PRIORITY, self._status_now, self._poll_label)

    async def prefetch_status(self) -> Status:
        """Read the status ahead of a timed command (silent); the next activation uses it.

        Lets a command due at an instant go out with one round trip instead of two (the
        9·18 start): the activation's "before" status is this reading if it is at most
        PREFETCH_MAX_AGE seconds old, else it reads again.
        """
        st = await self._in_link(COMMAND_PRIORITY, self._status_now, f"status:{self.tag}")
        self._prefetched = st
        return st

    async def identify(self) -> Identity:
        return await self._identify()

    async def sound(self, request: SoundRequest, permit: Permit | None) -> SoundResult:
        """Play ``request`` once. Audible: needs a permit for this target. Never retried."""
        params = {"signal_code": request.signal_code, "cycles": request.cycles}
        what = "sound"
        intent: CommandRecord | None = None
        try:
            if request.signal_code == SILENT_TEST:
                what = "silent_test"
            else:
                require_permit(
                    permit, self.tag, f"sound signal {request.signal_code}", now=self.clock.now()
                )
            if request.signal_code not in self.signals:
                raise RefusedForSafety(
                    DriverText(
                        P.SIGNAL_NOT_CONFIGURED, code=request.signal_code, model=self.endpoint.model
                    ),
                    target=self.tag,
                )
            intent = await self._intent(what, params, permit)
            result = await self._activate(request.signal_code, request.cycles)
        except DriverError as exc:
            self._audit(what, params, exc, permit, intent=intent)
            raise
        self._audit(what, params, None, permit, details=result.to_dict(), intent=intent)
        return result

    async def silent_test(self) -> SilentTestResult:
        """Run the controller's silent self-test and wait (clock time) for its result."""
        params = {"signal_code": SILENT_TEST, "cycles": 1}
        intent: CommandRecord | None = None
        try:
            intent = await self._intent("silent_test", params, None)
            act = await self._activate(SILENT_TEST, 1)
            await self.clock.sleep(self.signals.get(SILENT_TEST).duration(1) + 0.5)
            st = await self._read_status(priority=COMMAND_PRIORITY)
        except DriverError as exc:
            self._audit("silent_test", params, exc, None, intent=intent)
            raise
        res = SilentTestResult(st.self_test or "none", st, act)
        self._audit(
            "silent_test", params, None, None, details={"result": res.result}, intent=intent
        )
        return res

    async def cancel(self) -> Status:
        """Stop any sounding now. Needs no permit (cancel must always be one step away).

        The intent is recorded first like every command, but a cancel is sent even when that
        record fails (stopping a siren must never wait for the audit log); the result record
        then says so.
        """
        params: dict[str, Any] = {"signal_code": STOP}
        intent: CommandRecord | None = None
        details: dict[str, Any] = {}
        try:
            intent = await self._intent("cancel", params, None)
        except AuditUnavailable as exc:
            details = {"intent_not_recorded": str(exc)}

        async def txn() -> Status:
            await self._write_command_now(STOP, 0, self._next_token())
            return await self._status_now()

        try:
            st = await self._in_link(COMMAND_PRIORITY, txn, f"cancel:{self.tag}")
            if st.sounding or st.current_signal not in (0, STOP):
                raise VerificationFailed(
                    DriverText(P.STILL_SOUNDING, signal=st.current_signal), target=self.tag
                )
        except DriverError as exc:
            exc.target = exc.target or self.tag
            self._audit("cancel", params, exc, None, details=details, intent=intent)
            raise
        self._audit("cancel", params, None, None, details=details, intent=intent)
        return st

    # ---- shared logic ----------------------------------------------------------------------
    def _next_token(self) -> int:
        self._token = self._token % 65535 + 1
        return self._token

    async def _activate(self, code: int, cycles: int) -> SoundResult:
        """Status, write, read-back, echo status: one link job, so no poll gets in between."""

        settled: list[str] = []

        async def txn() -> tuple[Status, int | None, float, Status]:
            before, self._prefetched = self._prefetched, None
            if before is None or self.clock.now() - before.read_at > PREFETCH_MAX_AGE:
                before = await self._status_now()  # a fault here: nothing was sent
            token = self._next_token() if self.uses_token else None
            if token is not None and token == before.last_token:
                token = self._next_token()
            sent_at = self.clock.now()
            try:
                await self._write_command_now(code, cycles, token)
            except DriverError as exc:
                exc.sent = True
                if not exc.comm_fault:
                    raise
                # The acknowledgement (or the read-back) was lost: the controller may have
                # executed the command. Settle it by reading its last-function echo once
                # (a read, never a resend); if that fails too the outcome stays unknown.
                try:
                    after = await self._status_now()
                except DriverError:
                    raise exc from None
                settled.append(DriverText(P.SETTLED_BY_ECHO, kind=exc.kind))
                return before, token, sent_at, after
            if self.echo_delay:
                await self.clock.sleep(self.echo_delay)
            try:
                return before, token, sent_at, await self._status_now()
            except DriverError as exc:
                exc.sent = True
                raise

        try:
            before, token, sent_at, after = await self._in_link(
                COMMAND_PRIORITY, txn, f"command:{self.tag}"
            )
        except DriverError as exc:
            exc.target = exc.target or self.tag
            raise
        result = SoundResult(
            signal_code=code,
            cycles=cycles,
            token=token,
            sent_at=sent_at,
            device_clock_before=before.device_clock,
            echo_function=after.last_function,
            echo_time=after.last_function_time,
            echo_token=after.last_token,
            sounding=after.sounding,
            settled=settled[0] if settled else None,
        )
        self._check_echo(result)
        return result

    def _check_echo(self, r: SoundResult) -> None:
        problems: list[DriverText] = []
        if r.echo_function != r.signal_code:
            problems.append(DriverText(P.ECHO_FUNCTION, echo=r.echo_function, sent=r.signal_code))
        if r.token is not None and r.echo_token != r.token:
            problems.append(DriverText(P.ECHO_TOKEN, echo=r.echo_token, sent=r.token))
        if r.device_clock_before is not None and (
            r.echo_time is None or r.echo_time < r.device_clock_before - self.echo_tolerance
        ):
            problems.append(DriverText(P.ECHO_TIME, echo=r.echo_time, clock=r.device_clock_before))
        if problems:
            message = (
                DriverText(P.FAILED_TO_SOUND_SETTLED, settled=r.settled, problems=problems)
                if r.settled
                else DriverText(P.FAILED_TO_SOUND, problems=problems)
            )
            exc = FailedToSound(message, echo=r.to_dict(), target=self.tag)
            exc.sent = True
            raise exc

    async def _intent(
        self, what: str, params: dict[str, Any], permit: Permit | None
    ) -> CommandRecord:
        """Record that a command is about to be sent; AuditUnavailable if it cannot be."""
        rec = CommandRecord(
            what=what,
            target=self.tag,
            params=params,
            outcome=INTENT,
            endpoint=self.endpoint.describe(),
            permit=permit.to_dict() if isinstance(permit, Permit) else None,
            at=self.clock.now(),
        )
        try:
            await record_intent(self.audit, rec)
        except Exception as exc:
            raise AuditUnavailable(
                DriverText(P.AUDIT_UNAVAILABLE, what=what, error=exc), target=self.tag
            ) from exc
        return rec

    def _audit(
        self,
        what: str,
        params: dict[str, Any],
        exc: DriverError | None,
        permit: Permit | None,
        details: dict[str, Any] | None = None,
        *,
        intent: CommandRecord | None = None,
    ) -> None:
        """The result record of a command (of its ``intent`` when one was recorded)."""
        if exc is None:
            outcome, err, kind = "ok", None, None
        else:
            outcome = "refused" if isinstance(exc, RefusedForSafety) else "error"
            err, kind = str(exc), exc.kind
        if intent is not None:
            rec = intent.completed(
                outcome, at=self.clock.now(), error=err, error_kind=kind, details=details
            )
        else:
            rec = CommandRecord(
                what=what,
                target=self.tag,
                params=params,
                outcome=outcome,
                error=err,
                error_kind=kind,
                endpoint=self.endpoint.describe(),
                permit=permit.to_dict() if isinstance(permit, Permit) else None,
                at=self.clock.now(),
                details=details or {},
            )
        self.audit.result(rec)
