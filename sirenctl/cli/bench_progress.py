"""Progress of a programme on a unit: unit, step, time left (issue 11 item 6).

On a terminal one status line is redrawn in place; otherwise (cron mail, a log file) one line
is printed per change (a step starts, a step's outcome is known, a stop is requested).
"""

from __future__ import annotations

import asyncio
import sys
from typing import TYPE_CHECKING, TextIO

from sirenctl.i18n import _
from sirenctl.labels import RESULT_OUTCOME, SIGNAL

if TYPE_CHECKING:
    from sirenctl.drivers.clock import Clock
    from sirenctl.drivers.programme import ProgrammeStep, StepOutcome


def signal_name(code: int) -> str:
    from sirenctl.drivers.signals import NAMES

    names: dict[int, str] = {int(c): str(n) for n, c in NAMES.items()}
    name = names.get(code)
    return SIGNAL.show(name) if name else _("signal {code}").format(code=code)


def mmss(seconds: float) -> str:
    seconds = max(0, int(round(seconds)))
    return f"{seconds // 60}:{seconds % 60:02d}"


class ProgrammeProgress:
    def __init__(
        self,
        tag: str,
        steps: list[ProgrammeStep],
        total_seconds: float,
        clock: Clock,
        *,
        stream: TextIO | None = None,
        tty: bool | None = None,
    ) -> None:
        self.tag = tag
        self.steps = steps
        self.total = float(total_seconds)
        self.clock = clock
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.t0: float | None = None
        self.current: StepOutcome | None = None
        self._drawn = False

    def time_left(self) -> float:
        if self.t0 is None:
            return self.total
        now: float = self.clock.now()
        return max(0.0, self.t0 + self.total - now)

    def _describe(self, oc: StepOutcome) -> str:
        return _("step {index}/{steps} {signal} x{cycles}").format(
            index=oc.index,
            steps=len(self.steps),
            signal=signal_name(oc.step.signal_code),
            cycles=oc.step.cycles,
        )

    def line(self, text: str) -> None:
        if self.tty and self._drawn:
            self.stream.write("\r\x1b[2K")
        self.stream.write(text + "\n")
        self.stream.flush()
        self._drawn = False

    def on_step(self, oc: StepOutcome) -> None:
        if self.t0 is None and oc.started_at is not None:
            self.t0 = oc.started_at - oc.step.start_offset
        self.current = oc
        if oc.outcome == "not_run":
            self.line(
                _("{tag}: {step} playing; programme time left {left}").format(
                    tag=self.tag, step=self._describe(oc), left=mmss(self.time_left())
                )
            )
        else:
            self.line(
                _("{tag}: {step}: {outcome}").format(
                    tag=self.tag, step=self._describe(oc), outcome=RESULT_OUTCOME.show(oc.outcome)
                )
            )

    def stopping(self, signame: str, first: bool) -> None:
        if first:
            self.line(
                _("{tag}: {signal}: stopping, sending the stop command and verifying it").format(
                    tag=self.tag, signal=signame
                )
            )
        else:
            self.line(
                _("{tag}: {signal} again: still stopping, please wait (not skipped)").format(
                    tag=self.tag, signal=signame
                )
            )

    def draw(self) -> None:
        if not self.tty or self.current is None:
            return
        text = _("{tag}  {step}  time left {left}").format(
            tag=self.tag, step=self._describe(self.current), left=mmss(self.time_left())
        )
        self.stream.write("\r\x1b[2K" + text)
        self.stream.flush()
        self._drawn = True

    async def ticker(self, every: float = 0.5) -> None:
        """Redraw the status line on a terminal until cancelled (does nothing otherwise)."""
        if not self.tty:
            return
        while True:
            self.draw()
            await asyncio.sleep(every)

    def close(self) -> None:
        if self.tty and self._drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self._drawn = False
