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
from .signals import NAMES, SignalTable
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
                raise ValueError(f"{where}: unknown signal {sig!r}; known: {', '.join(NAMES)}")
            sig = NAMES[key]
        if not isinstance(sig, int):
            raise ValueError(f"{where}: signal must be a name or a code")
        try:
            return cls(sig, int(d.get("cycles", 1)), float(d.get("at", d.get("start_offset", 0))))
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{where}: {exc}") from exc


@dataclass
class StepOutcome:
    index: int
    step: ProgrammeStep
    outcome: str  # ok | failed_to_sound | error | refused | skipped_late | not_run | cancelled
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
    cancelled: bool = False  # stopped before its end (signal, F9); see stop_status/stop_error
    stop_status: Status | None = None  # status read right after the stop command
    stop_error: DriverError | None = None  # the stop could not be sent or verified

    @property
    def stop_verified(self) -> bool:
        return self.cancelled and self.stop_error is None and self.stop_status is not None

    @property
    def ok(self) -> bool:
        return (
            not self.cancelled
            and all(s.outcome == "ok" for s in self.steps)
            and self.final_error is None
            and (self.final_status is None or not self.final_status.sounding)
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
        raise ValueError("programme: no steps")
    prev_end, prev_name = 0.0, ""
    for i, s in enumerate(out, 1):
        if s.signal_code not in signals:
            raise ValueError(f"programme step {i}: signal code {s.signal_code} is not configured")
        SoundRequest(s.signal_code, s.cycles)  # validates cycles
        if s.start_offset < 0:
            raise ValueError(f"programme step {i}: start offset {s.start_offset} s is negative")
        if s.start_offset < prev_end:
            raise ValueError(
                f"programme step {i}: starts at {s.start_offset:g} s but step {i - 1} "
                f"({prev_name}) lasts until {prev_end:g} s"
            )
        sig = signals.get(s.signal_code)
        prev_end, prev_name = s.start_offset + sig.duration(s.cycles), f"{sig.name} x{s.cycles}"
    return out


def programme_duration(steps: Iterable[ProgrammeStep], signals: SignalTable) -> float:
    return max(s.start_offset + signals.get(s.signal_code).duration(s.cycles) for s in steps)


async def play_programme(
    driver: SirenDriver,
    steps: Iterable[ProgrammeStep],
    permit: Permit | None,
    clock: Clock | None = None,
    *,
    late_allowance: float = 120.0,
    stop_on_failure: bool = False,
    wait_to_end: bool = True,
    stop_on_cancel: bool = False,
    on_step: Callable[[StepOutcome], None] | None = None,
) -> ProgrammeResult:
    """Play ``steps`` on ``driver``; returns per-step outcomes (never raises DriverError).

    With ``stop_on_cancel``, cancelling the task (SIGINT/SIGTERM handlers, a TUI stop key)
    sends the stop command, verifies it, and returns the result marked ``cancelled`` instead of
    raising; further cancellations while the stop is under way do not skip it. ``on_step``
    sees each step when it starts and when its outcome is known (progress output).
    """
    clock = clock or driver.clock
    plan = validate_steps(steps, driver.signals)
    t0 = clock.now()
    result = ProgrammeResult(driver.tag, t0, [])
    try:
        await _play(driver, plan, permit, clock, result, late_allowance, stop_on_failure,
                    wait_to_end, on_step)  # fmt: skip
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


async def _play(
    driver: SirenDriver,
    plan: list[ProgrammeStep],
    permit: Permit | None,
    clock: Clock,
    result: ProgrammeResult,
    late_allowance: float,
    stop_on_failure: bool,
    wait_to_end: bool,
    on_step: Callable[[StepOutcome], None] | None,
) -> None:
    t0 = result.started_at
    abort = False
    for i, step in enumerate(plan, 1):
        result.steps.append(StepOutcome(i, step, "not_run", t0 + step.start_offset))
    for oc in result.steps:
        step, planned = oc.step, oc.planned_at
        if abort:
            continue
        wait = planned - clock.now()
        if wait > 0:
            await clock.sleep(wait)
        late = clock.now() - planned
        if late > late_allowance:  # an unannounced late siren causes panic: skip, report
            oc.outcome = "skipped_late"
            continue
        oc.started_at = clock.now()
        if on_step is not None:
            on_step(oc)
        try:
            oc.result = await driver.sound(SoundRequest(step.signal_code, step.cycles), permit)
            oc.outcome = "ok"
            oc.echo = {
                "function": oc.result.echo_function,
                "time": oc.result.echo_time,
                "token": oc.result.echo_token,
            }
        except FailedToSound as exc:
            oc.outcome, oc.error, oc.echo = "failed_to_sound", exc, exc.echo
        except RefusedForSafety as exc:
            oc.outcome, oc.error = "refused", exc
            abort = True  # a permit problem applies to every later step too
        except DriverError as exc:
            oc.outcome, oc.error = "error", exc
        if on_step is not None:
            on_step(oc)
        if oc.outcome != "ok" and stop_on_failure:
            abort = True
    if wait_to_end and not abort:
        end = t0 + programme_duration(plan, driver.signals)
        if (wait := end - clock.now()) > 0:
            await clock.sleep(wait + 1.0)
        try:
            result.final_status = await driver.read_status()
        except DriverError as exc:
            result.final_error = exc
