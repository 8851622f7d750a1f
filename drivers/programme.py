"""Programme runner: play an ordered list of signals on one controller, on a clock.

Each step is sent once (never retried) at its start offset; its outcome records the
controller's last-function echo, so a step that was accepted but not executed shows as
``failed_to_sound``. The clock is injectable: with a :class:`~.clock.ScaledClock` or
:class:`~.clock.ManualClock` a 15-minute 9·18 programme plays in about a second.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .base import SirenDriver
from .clock import Clock
from .errors import DriverError, FailedToSound, RefusedForSafety
from .permit import Permit
from .problems import DriverProblem as P
from .problems import DriverText, text_of
from .signals import NAMES, SignalTable
from .started import SoundingRegistry
from .status import SoundRequest, SoundResult, Status


@dataclass(frozen=True)
class ProgrammeStep:
    signal_code: int
    cycles: int = 1
    start_offset: float = 0.0  # seconds from programme start

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], where: str = "step") -> ProgrammeStep:
        """``{"signal": "pre-alert" | 1, "cycles": 1, "at": 0}`` (``at`` in seconds)."""
        sig = d.get("signal", d.get("signal_code"))
        if isinstance(sig, str):
            key = sig.strip().lower().replace("_", "-")
            if key not in NAMES:
                raise ValueError(
                    DriverText(P.UNKNOWN_SIGNAL, where=where, signal=sig, known=", ".join(NAMES))
                )
            sig = NAMES[key]
        if not isinstance(sig, int):
            raise ValueError(DriverText(P.SIGNAL_NAME_OR_CODE, where=where))
        try:
            return cls(sig, int(d.get("cycles", 1)), float(d.get("at", d.get("start_offset", 0))))
        except (TypeError, ValueError) as exc:
            raise ValueError(DriverText(P.STEP_INVALID, where=where, error=text_of(exc))) from exc


@dataclass
class StepOutcome:
    index: int
    step: ProgrammeStep
    outcome: str  # ok | failed_to_sound | error | refused | skipped_late | cancelled | not_run
    planned_at: float
    started_at: float | None = None
    result: SoundResult | None = None
    error: DriverError | None = None
    echo: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index,
            "signal_code": self.step.signal_code,
            "cycles": self.step.cycles,
            "start_offset": self.step.start_offset,
            "outcome": self.outcome,
            "planned_at": self.planned_at,
            "started_at": self.started_at,
            "result": self.result.to_dict() if self.result else None,
            "error": self.error.to_dict() if self.error else None,
            "echo": self.echo,
        }


@dataclass
class ProgrammeResult:
    target: str
    started_at: float
    steps: list[StepOutcome]
    finished_at: float = 0.0
    final_status: Status | None = None
    final_error: DriverError | None = None
    stopped_by: str | None = None  # the reason given to the registry's stop
    final_margin: float = 0.0  # seconds after the planned end that the final status was read
    cancelled: bool = False  # the playing task was cancelled (signal, F9); see stop_status
    stop_status: Status | None = None  # status read right after the stop command
    stop_error: DriverError | None = None  # the stop could not be sent or verified

    @property
    def stop_verified(self) -> bool:
        return self.cancelled and self.stop_error is None and self.stop_status is not None

    @property
    def ok(self) -> bool:
        return (
            all(s.outcome == "ok" for s in self.steps)
            and self.final_error is None
            and (self.final_status is None or not self.final_status.sounding)
            and self.stopped_by is None
            and not self.cancelled
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "ok": self.ok,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "steps": [s.to_dict() for s in self.steps],
            "final_status": self.final_status.to_dict() if self.final_status else None,
            "final_error": self.final_error.to_dict() if self.final_error else None,
            "stopped_by": self.stopped_by,
            "cancelled": self.cancelled,
            "stop": (
                {
                    "verified": self.stop_verified,
                    "status": self.stop_status.to_dict() if self.stop_status else None,
                    "error": self.stop_error.to_dict() if self.stop_error else None,
                }
                if self.cancelled
                else None
            ),
        }


def validate_steps(steps: Iterable[ProgrammeStep], signals: SignalTable) -> list[ProgrammeStep]:
    """Check codes are known and no step starts before the previous one has finished."""
    out = list(steps)
    if not out:
        raise ValueError(DriverText(P.NO_STEPS))
    prev_end, prev_name = 0.0, ""
    for i, s in enumerate(out, 1):
        if s.signal_code not in signals:
            raise ValueError(DriverText(P.STEP_SIGNAL, step=i, code=s.signal_code))
        SoundRequest(s.signal_code, s.cycles)  # validates cycles
        if s.start_offset < 0:
            raise ValueError(DriverText(P.STEP_NEGATIVE, step=i, offset=s.start_offset))
        if s.start_offset < prev_end:
            raise ValueError(
                DriverText(
                    P.STEP_OVERLAP,
                    step=i,
                    offset=s.start_offset,
                    previous=i - 1,
                    name=prev_name,
                    end=prev_end,
                )
            )
        sig = signals.get(s.signal_code)
        prev_end, prev_name = s.start_offset + sig.duration(s.cycles), f"{sig.name} x{s.cycles}"
    return out


def programme_duration(steps: Iterable[ProgrammeStep], signals: SignalTable) -> float:
    return max(s.start_offset + signals.get(s.signal_code).duration(s.cycles) for s in steps)


async def _wait(clock: Clock, seconds: float, stop: asyncio.Event | None) -> bool:
    """Sleep ``seconds`` of clock time; False if a stop came first."""
    if stop is None:
        await clock.sleep(seconds)
        return True
    if stop.is_set():
        return False
    sleeper = asyncio.ensure_future(clock.sleep(seconds))
    stopper = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({sleeper, stopper}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (sleeper, stopper):
            task.cancel()
        await asyncio.gather(sleeper, stopper, return_exceptions=True)
    return not stop.is_set()


FINAL_MARGIN = 1.0  # seconds after the last signal's end before the final status read


#: A step more than this many seconds behind its planned start is skipped ("skipped_late"), not
#: sounded: an unannounced late siren causes panic. The default for hand-run plays (bench tests,
#: ``sirenctl bench``), where the operator is watching; run-due passes the scheduler's own,
#: tighter SOUNDING_LATE_ALLOWANCE_S (sirenctl/scheduling/policy.py). docs/scheduling.md lists
#: all three late allowances.
DEFAULT_LATE_ALLOWANCE_S = 120.0


async def play_programme(
    driver: SirenDriver,
    steps: Iterable[ProgrammeStep],
    permit: Permit | None,
    clock: Clock | None = None,
    *,
    late_allowance: float = DEFAULT_LATE_ALLOWANCE_S,
    stop_on_failure: bool = False,
    wait_to_end: bool = True,
    registry: SoundingRegistry | None = None,
    start_at: float | None = None,
    on_step: Callable[[str, int, int, str, float], None] | None = None,
    stop_on_cancel: bool = False,
    on_outcome: Callable[[StepOutcome], None] | None = None,
) -> ProgrammeResult:
    """Play ``steps`` on ``driver``; returns per-step outcomes (never raises DriverError).

    Step offsets count from ``start_at`` (default: now), and the late allowance is checked
    against each step's planned moment right before sending. With a ``registry`` the unit is
    registered before its first audible command and a stop request ends the programme (the
    registry's ``stop_all`` sends the stop). The final status read waits for the end of the
    last signal timed from when its command was actually sent (a late send is not a fault).
    ``on_step(tag, index, total, signal name, seconds left)`` reports progress.

    With ``stop_on_cancel``, cancelling the playing task (the SIGINT/SIGTERM handlers of
    drivers/stopping.py, a TUI stop key) sends the stop command, verifies it and returns the
    result marked ``cancelled`` instead of raising; further cancellations while the stop is
    under way do not skip it. ``on_outcome`` sees each step when it starts and when its
    outcome is known (progress output).
    """
    clock = clock or driver.clock
    plan = validate_steps(steps, driver.signals)
    t0 = clock.now() if start_at is None else start_at
    result = ProgrammeResult(driver.tag, t0, [])
    for i, step in enumerate(plan, 1):
        result.steps.append(StepOutcome(i, step, "not_run", t0 + step.start_offset))
    stop = registry.unit_event(driver.tag) if registry is not None else None
    play = _Play(driver, permit, clock, result, stop, registry, on_step, on_outcome)
    try:
        await play.run(late_allowance, stop_on_failure, wait_to_end)
    except asyncio.CancelledError:
        if not stop_on_cancel:
            raise
        result.cancelled = True
        for oc in result.steps:
            if oc.outcome == "not_run":
                oc.outcome = "cancelled"
        result.stop_status, result.stop_error = await stop_verified(driver)
        task = asyncio.current_task()
        if task is not None:
            while task.uncancel():  # handled here: the caller gets the result
                pass
    if registry is not None and play.registered:
        registry.end(driver)
    result.finished_at = clock.now()
    return result


async def stop_verified(driver: SirenDriver) -> tuple[Status | None, DriverError | None]:
    """Send stop and see its verification through, even if the caller is cancelled again
    meanwhile (bounded by the unit's timeout): a unit must not be left sounding."""
    fut = asyncio.ensure_future(driver.cancel())
    while not fut.done():
        try:
            await asyncio.shield(fut)
        except asyncio.CancelledError:
            continue
        except DriverError:
            break
    exc = fut.exception()
    if exc is None:
        return fut.result(), None
    if isinstance(exc, DriverError):
        return None, exc
    raise exc


@dataclass
class _Play:
    """One play of a programme on one unit (state shared with :func:`play_programme`)."""

    driver: SirenDriver
    permit: Permit | None
    clock: Clock
    result: ProgrammeResult
    stop: asyncio.Event | None
    registry: SoundingRegistry | None
    on_step: Callable[[str, int, int, str, float], None] | None
    on_outcome: Callable[[StepOutcome], None] | None
    registered: bool = False

    async def run(self, late_allowance: float, stop_on_failure: bool, wait_to_end: bool) -> None:
        driver, clock, result, stop = self.driver, self.clock, self.result, self.stop
        abort = False
        total = len(result.steps)
        for oc in result.steps:
            if abort:
                continue
            step, planned = oc.step, oc.planned_at
            wait = planned - clock.now()
            if wait > 0 and not await _wait(clock, wait, stop):
                oc.outcome, abort = "cancelled", True
                continue
            late = clock.now() - planned
            if late > late_allowance:  # an unannounced late siren causes panic: skip, report
                oc.outcome = "skipped_late"
                continue
            if self.registry is not None and not self.registered:
                if not self.registry.begin(driver):  # stopping: never start
                    oc.outcome, abort = "cancelled", True
                    continue
                self.registered = True
            elif stop is not None and stop.is_set():
                oc.outcome, abort = "cancelled", True
                continue
            oc.started_at = clock.now()
            if self.on_outcome is not None:
                self.on_outcome(oc)
            await self._sound(oc)
            if oc.outcome == "refused":
                abort = True  # a permit problem applies to every later step too
            if self.on_outcome is not None:
                self.on_outcome(oc)
            if self.on_step is not None and oc.outcome == "ok":
                left = _actual_end(result, driver.signals) - clock.now()
                name = driver.signals.get(step.signal_code).name
                self.on_step(driver.tag, oc.index, total, name, left)
            if oc.outcome != "ok" and stop_on_failure:
                abort = True
        stopped = stop is not None and stop.is_set()
        if wait_to_end and not abort and not stopped:
            end = _actual_end(result, driver.signals)
            wait = end + FINAL_MARGIN - clock.now()
            if wait > 0 and not await _wait(clock, wait, stop):
                stopped = True
            else:
                result.final_margin = round(clock.now() - end, 3)
                try:
                    result.final_status = await driver.read_status()
                except DriverError as exc:
                    result.final_error = exc
        if stopped and self.registry is not None:
            why = self.registry.halted.get(driver.tag) or self.registry.reason
            result.stopped_by = why or "stop"
        elif stopped:
            result.stopped_by = "stop"

    async def _sound(self, oc: StepOutcome) -> None:
        step = oc.step
        try:
            oc.result = await self.driver.sound(
                SoundRequest(step.signal_code, step.cycles), self.permit
            )
            oc.outcome = "ok"
            oc.started_at = oc.result.sent_at
            oc.echo = {
                "function": oc.result.echo_function,
                "time": oc.result.echo_time,
                "token": oc.result.echo_token,
            }
        except FailedToSound as exc:
            oc.outcome, oc.error, oc.echo = "failed_to_sound", exc, exc.echo
        except RefusedForSafety as exc:
            oc.outcome, oc.error = "refused", exc
        except DriverError as exc:
            oc.outcome, oc.error = "error", exc


def _actual_end(result: ProgrammeResult, signals: SignalTable) -> float:
    """When the last signal ends, counted from the moment each command was actually sent
    (steps still to come count as planned)."""
    end = result.started_at
    for s in result.steps:
        if s.outcome in ("skipped_late", "cancelled"):
            continue
        begun = s.started_at if s.started_at is not None else s.planned_at
        end = max(end, begun + signals.get(s.step.signal_code).duration(s.step.cycles))
    return end
