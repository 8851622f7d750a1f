"""Where a person or a controller is in a programme at a given second (no Textual).

Shared by the bench test's progress line and the hand-crank timing guide.
"""

from __future__ import annotations

from dataclasses import dataclass

from sirenctl.i18n import _
from sirenctl.scheduling.programmes import Programme
from sirenctl.tui.format import mmss

TARGET_RPM = (50, 80)


@dataclass(frozen=True)
class Position:
    action: str  # "crank", "stop" (pause or gap) or "done"
    seconds_left: int  # until the action changes
    elapsed: float
    total: int
    phase_number: int  # 1-based; 0 when between phases or done
    phase_count: int
    signal: str  # signal title of the current (or next) phase
    cycle: int  # 1-based cycle within the phase, 0 when not in a phase
    cycles: int
    blast: int = 0  # 1-based repetition of the pattern within the cycle (e.g. 2 of 3)
    blasts: int = 0

    @property
    def done(self) -> bool:
        return self.action == "done"

    def describe(self) -> str:
        if self.done:
            return _("programme finished ({total})").format(total=mmss(self.total))
        where = (
            _("{signal}: cycle {cycle} of {cycles}").format(
                signal=self.signal, cycle=self.cycle, cycles=self.cycles
            )
            if self.cycle
            else _("gap before {signal}").format(signal=self.signal)
        )
        if self.cycle and self.blasts > 1:
            where += _(", blast {blast} of {blasts}").format(blast=self.blast, blasts=self.blasts)
        return _("step {number}/{count} · {where} · {elapsed} of {total}").format(
            number=self.phase_number,
            count=self.phase_count,
            where=where,
            elapsed=mmss(self.elapsed),
            total=mmss(self.total),
        )


def position(programme: Programme, elapsed: float) -> Position:
    cue = programme.cue(elapsed)
    phases = programme.phases()
    total = programme.total_seconds
    if cue.action == "done":
        return Position("done", 0, min(elapsed, total), total, 0, len(phases), "", 0, 0)
    current = next((p for p in phases if p.start <= elapsed < p.stop), None)
    if current is None:  # in a gap: name the coming phase
        upcoming = next(p for p in phases if p.start > elapsed)
        return Position(
            cue.action,
            cue.seconds_left,
            elapsed,
            total,
            upcoming.index + 1,
            len(phases),
            upcoming.signal.shown_title,
            0,
            upcoming.step.cycles,
        )
    step = current.step
    signal = step.signal
    period = signal.cycle_seconds + step.cycle_gap
    in_phase = elapsed - current.start
    cycle = min(step.cycles, int(in_phase // period) + 1)
    repeat_seconds = signal.cycle_seconds / signal.repeat
    blast = min(signal.repeat, int((in_phase - (cycle - 1) * period) // repeat_seconds) + 1)
    return Position(
        cue.action,
        cue.seconds_left,
        elapsed,
        total,
        current.index + 1,
        len(phases),
        signal.shown_title,
        cycle,
        step.cycles,
        blast,
        signal.repeat,
    )
