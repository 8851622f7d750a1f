"""A programme (sirenctl/scheduling/programmes.py) as the controller commands that play it.

Kept apart from sirenctl/devices.py so that the approval digest (sirenctl/security/) can
resolve the exact steps that will be sent without depending on the device bridge.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sirenctl.drivers.programme import ProgrammeStep
    from sirenctl.scheduling.programmes import Programme


def programme_steps(programme: Programme) -> list[ProgrammeStep]:
    """A programme as controller commands: one per step, at its offset from the start.

    A controller plays a step's cycles back to back; a step with a pause between cycles
    becomes one single-cycle command per cycle.
    """
    from sirenctl.drivers.programme import ProgrammeStep

    steps: list[ProgrammeStep] = []
    for phase in programme.phases():
        step = phase.step
        if step.cycle_gap == 0:
            steps.append(ProgrammeStep(step.signal.code, step.cycles, float(phase.start)))
            continue
        every = step.signal.cycle_seconds + step.cycle_gap
        steps += [
            ProgrammeStep(step.signal.code, 1, float(phase.start + n * every))
            for n in range(step.cycles)
        ]
    return steps
