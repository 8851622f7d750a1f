"""Programmes: an ordered list of (signal, cycles, gap before the next step), and their timeline.

A programme file (``schedules/programmes/NAME.toml``)::

    title = "9·18 (Jiangsu): 10:00 pre-alert, 10:08 air raid, 10:16 all clear"
    source = "issuing body, year, title of the notice"
    [[step]]
    signal = "pre-alert"
    cycles = 1          # default 1
    cycle_gap = "0s"    # pause between cycles of this step (default none)
    gap = "5m"          # pause after this step, before the next one
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sirenctl.i18n import L_, _, in_language
from sirenctl.scheduling.durations import format_duration
from sirenctl.scheduling.signals import Signal, SignalLibrary
from sirenctl.scheduling.spec import Fields, SpecFile, load_keyed


@dataclass(frozen=True)
class Step:
    signal: Signal
    cycles: int = 1
    gap: int = 0
    cycle_gap: int = 0

    @property
    def seconds(self) -> int:
        return self.signal.cycle_seconds * self.cycles + self.cycle_gap * (self.cycles - 1)


@dataclass(frozen=True)
class Phase:
    """One step placed on the programme's clock (seconds from its start)."""

    index: int
    step: Step
    start: int
    stop: int

    @property
    def signal(self) -> Signal:
        return self.step.signal

    def sound_spans(self) -> list[tuple[int, int]]:
        """Absolute (start, stop) seconds in which the siren sounds during this phase."""
        return [
            (self.start + a, self.start + b)
            for a, b in self.signal.sound_offsets(self.step.cycles, self.step.cycle_gap)
        ]


@dataclass(frozen=True)
class Cue:
    """What a person at a hand-crank siren must do ``elapsed`` seconds into the programme."""

    action: str  # "crank", "stop" or "done"
    seconds_left: int  # until the action changes (0 when done)
    phase: Phase | None


@dataclass(frozen=True)
class Programme:
    key: str
    title: str
    steps: tuple[Step, ...]
    description: str = ""
    source: str = ""  # the file it was loaded from
    citation: str = ""  # the ``source`` field: issuing body, year, title of the notice
    verified: bool = True  # false: the citation does not confirm every detail (see ``note``)
    note: str = ""
    title_zh: str = ""  # the title in Chinese (``title_zh`` in the file), shown in Chinese

    @property
    def shown_title(self) -> str:
        return in_language(self.title, self.title_zh)

    @property
    def audible(self) -> bool:
        return any(step.signal.audible for step in self.steps)

    def phases(self) -> list[Phase]:
        out, clock = [], 0
        for index, step in enumerate(self.steps):
            out.append(Phase(index, step, clock, clock + step.seconds))
            clock += step.seconds + step.gap
        return out

    @property
    def total_seconds(self) -> int:
        """From the first sound to the end of the last step (a trailing gap is not counted)."""
        phases = self.phases()
        return phases[-1].stop if phases else 0

    def sound_spans(self) -> list[tuple[int, int]]:
        return [span for phase in self.phases() for span in phase.sound_spans()]

    def timeline(self, start: datetime) -> list[tuple[Phase, datetime, datetime]]:
        """Each phase with its wall-clock start and stop for a programme starting at ``start``."""
        return [
            (p, start + timedelta(seconds=p.start), start + timedelta(seconds=p.stop))
            for p in self.phases()
        ]

    def cue(self, elapsed: float) -> Cue:
        """Crank or stop now, and for how many more seconds (the hand-crank timing guide)."""
        spans = self.sound_spans()
        phases = self.phases()
        current = next((p for p in phases if p.start <= elapsed < p.stop), None)
        for start, stop in spans:
            if start <= elapsed < stop:
                return Cue("crank", int(stop - elapsed + 0.999), current)
            if elapsed < start:
                return Cue("stop", int(start - elapsed + 0.999), current)
        return Cue("done", 0, None)

    def describe(self) -> list[str]:
        lines = []
        for phase in self.phases():
            step = phase.step
            cycles = f" x{step.cycles}" if step.cycles > 1 else ""
            lines.append(
                _("+{start:>7}  {signal}{cycles} until +{stop}").format(
                    start=format_duration(phase.start),
                    signal=in_language(step.signal.key, step.signal.title_zh),
                    cycles=cycles,
                    stop=format_duration(phase.stop),
                )
            )
        return lines


def load_programme(path: Path | str, signals: SignalLibrary, text: str | None = None) -> Programme:
    """One programme file; the key is the file name without ``.toml``. Raises :class:`SpecError`."""
    spec = SpecFile(path, text)
    steps: list[Step] = []
    title = description = None
    citation = note = title_zh = ""
    verified = True
    if spec.ok:
        top = Fields(spec, spec.data)
        title = top.text("title", required=True)
        title_zh = top.text("title_zh", default="") or ""
        description = top.text("description", default="")
        citation = top.text("source", default="") or ""
        note = top.text("note", default="") or ""
        verified = top.get("verified", bool, default=True) is not False
        entries = list(top.tables("step", required=True))
        if not entries and "step" in spec.data:
            top.problem("step", L_("needs at least one [[step]]"))
        for entry in entries:
            step = _parse_step(entry, signals)
            if step:
                steps.append(step)
            if entry is entries[-1] and "gap" in entry.table and step and step.gap:
                entry.problem("gap", L_("the last step cannot have a gap (nothing follows it)"))
        top.reject_unknown()
    spec.raise_if_problems()
    assert title is not None
    return Programme(
        Path(path).stem,
        title,
        tuple(steps),
        description or "",
        str(path),
        citation,
        verified,
        note,
        title_zh,
    )


def _parse_step(entry: Fields, signals: SignalLibrary) -> Step | None:
    key = entry.text("signal", required=True)
    signal = None
    if key is not None:
        if key in signals:
            signal = signals.get(key)
        else:
            entry.problem(
                "signal",
                L_(
                    "unknown signal {key!r}; known: {value}",
                    key=key,
                    value=", ".join(s.key for s in signals),
                ),
            )
    cycles = entry.integer("cycles", default=1, low=1, high=signal.max_cycles if signal else 100)
    gap = entry.duration("gap", default=0)
    cycle_gap = entry.duration("cycle_gap", default=0)
    entry.reject_unknown()
    if signal is None or cycles is None or gap is None or cycle_gap is None:
        return None
    return Step(signal, cycles, gap, cycle_gap)


def load_programmes(paths: Iterable[Path], signals: SignalLibrary) -> dict[str, Programme]:
    """Programmes by key; every problem of every file is reported together."""
    return load_keyed(paths, lambda path: load_programme(path, signals), "programme")
