"""Signal catalogue: sirenctl's canonical function codes and their sound patterns.

Canonical codes (what callers put in a :class:`~sirenctl.drivers.status.SoundRequest`;
each register map translates them to the device's own codes):

====  ==================  ==============================================
code  signal              one cycle (docs/scheduling.md, Signals)
====  ==================  ==============================================
0     stop / cancel       silence now
1     pre-alert 预先警报   36 s on, 24 s off, x3 = 180 s
2     air raid 空袭警报    6 s on, 6 s off, x15 = 180 s
3     all clear 解除警报   180 s continuous
4     growl test          5 s on (cycles 1..5 give a 5..25 s growl)
5     silent test         10 s electronics self-test, no sound
10+   disaster signals    configurable per controller (register-map data)
====  ==================  ==============================================
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

STOP = 0
PRE_ALERT = 1
AIR_RAID = 2
ALL_CLEAR = 3
GROWL = 4
SILENT_TEST = 5
FIRST_DISASTER = 10
MAX_CODE = 99
MAX_CYCLES = 10


@dataclass(frozen=True)
class Signal:
    code: int
    name: str
    segments: tuple[tuple[float, float], ...]  # (on seconds, off seconds) ...
    repeat: int = 1
    audible: bool = True

    @property
    def cycle_seconds(self) -> float:
        return sum(on + off for on, off in self.segments) * self.repeat

    def duration(self, cycles: int) -> float:
        return self.cycle_seconds * cycles

    def on_intervals(self, cycles: int, start: float = 0.0) -> list[tuple[float, float]]:
        """Absolute (on_from, on_until) intervals of sound for ``cycles`` cycles from ``start``."""
        out: list[tuple[float, float]] = []
        if not self.audible:
            return out
        t = start
        for _ in range(cycles * self.repeat):
            for on, off in self.segments:
                if on > 0:
                    if out and abs(out[-1][1] - t) < 1e-9:  # merge continuous tone
                        out[-1] = (out[-1][0], t + on)
                    else:
                        out.append((t, t + on))
                t += on + off
        return out

    def sounding_at(self, elapsed: float, cycles: int) -> bool:
        """Whether the siren sounds ``elapsed`` seconds after the signal started."""
        if not self.audible or elapsed < 0 or elapsed >= self.duration(cycles):
            return False
        t = elapsed % (sum(on + off for on, off in self.segments) or 1.0)
        for on, off in self.segments:
            if t < on:
                return True
            t -= on + off
            if t < 0:
                return False
        return False


BUILTIN: dict[int, Signal] = {
    PRE_ALERT: Signal(PRE_ALERT, "pre-alert", ((36.0, 24.0),), repeat=3),
    AIR_RAID: Signal(AIR_RAID, "air-raid", ((6.0, 6.0),), repeat=15),
    ALL_CLEAR: Signal(ALL_CLEAR, "all-clear", ((180.0, 0.0),), repeat=1),
    GROWL: Signal(GROWL, "growl", ((5.0, 0.0),), repeat=1),
    SILENT_TEST: Signal(SILENT_TEST, "silent-test", ((10.0, 0.0),), repeat=1, audible=False),
}

NAMES = {s.name: s.code for s in BUILTIN.values()} | {"stop": STOP}


class SignalTable:
    """Built-in signals plus a controller's configured disaster signals."""

    def __init__(self, extra: Iterable[Signal] = ()) -> None:
        self._by_code = dict(BUILTIN)
        for sig in extra:
            if sig.code < FIRST_DISASTER or sig.code > MAX_CODE:
                raise ValueError(
                    f"signal {sig.name!r}: disaster signal codes must be {FIRST_DISASTER}..{MAX_CODE}"
                )
            self._by_code[sig.code] = sig

    def get(self, code: int) -> Signal:
        try:
            return self._by_code[code]
        except KeyError:
            raise KeyError(f"unknown signal code {code}") from None

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def codes(self) -> list[int]:
        return sorted(self._by_code)


def parse_signal(entry: dict[str, Any], where: str) -> Signal:
    """Build a disaster :class:`Signal` from a TOML table; errors name ``where``."""
    try:
        code = int(entry["code"])
        name = str(entry["name"])
        segs = tuple((float(a), float(b)) for a, b in entry["segments"])
        repeat = int(entry.get("repeat", 1))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(
            f"{where}: needs code, name, segments=[[on, off], ...], repeat ({exc})"
        ) from exc
    if not segs or any(a < 0 or b < 0 for a, b in segs) or repeat < 1:
        raise ValueError(f"{where}: segments must be non-negative and repeat >= 1")
    return Signal(code, name, segs, repeat)
