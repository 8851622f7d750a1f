"""Value objects returned by drivers: Status, Identity, SoundRequest, SoundResult."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, NamedTuple

from .problems import DriverProblem as P
from .problems import DriverText
from .signals import MAX_CODE, MAX_CYCLES, STOP


class Status(NamedTuple):
    """A controller's status as of ``read_at`` (host epoch seconds). Show its age to users.

    A NamedTuple (immutable, and cheap to build: a 1,000-controller sweep makes 1,000).
    """

    mains_present: bool
    battery_volts: float
    door_open: bool
    sounding: bool
    current_signal: int  # canonical signal code, 0 = none
    last_function: int  # canonical code of the last function the controller executed
    last_function_time: float | None  # device epoch seconds
    device_clock: float | None  # device epoch seconds
    firmware: str
    rotation_fault: bool | None = None  # motor sirens (None: not reported by this model)
    amplifier_fault: bool | None = None  # electronic sirens
    cycles_remaining: int | None = None
    last_token: int | None = None
    self_test: str | None = None  # "none" | "pass" | "fail"
    battery_low: bool = False
    kind: str | None = None  # "motor" | "electronic"
    read_at: float = 0.0

    @property
    def faulty(self) -> bool:
        """Any condition a technician must look at (comm faults are reported separately)."""
        return bool(
            not self.mains_present
            or self.door_open
            or self.rotation_fault
            or self.amplifier_fault
            or self.battery_low
            or self.self_test == "fail"
        )

    def faults(self) -> list[str]:
        """What a technician must look at, in English (each a DriverText the core translates)."""
        out: list[str] = []
        if not self.mains_present:
            out.append(DriverText(P.MAINS_FAILED))
        if self.battery_low:
            out.append(DriverText(P.BATTERY_LOW, volts=self.battery_volts))
        if self.door_open:
            out.append(DriverText(P.DOOR_OPEN))
        if self.rotation_fault:
            out.append(DriverText(P.ROTATION_FAULT))
        if self.amplifier_fault:
            out.append(DriverText(P.AMPLIFIER_FAULT))
        if self.self_test == "fail":
            out.append(DriverText(P.SELF_TEST_FAILED))
        return out

    def age(self, now: float) -> float:
        return max(0.0, now - self.read_at)

    def to_dict(self) -> dict[str, Any]:
        d = self._asdict()
        d["faulty"] = self.faulty
        d["faults"] = self.faults()
        return d


@dataclass(frozen=True)
class Identity:
    model: str
    serial: str
    firmware: str
    driver: str
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SoundRequest:
    """Play canonical signal ``signal_code`` for ``cycles`` cycles (see :mod:`.signals`)."""

    signal_code: int
    cycles: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.signal_code, int) or not 1 <= self.signal_code <= MAX_CODE:
            raise ValueError(DriverText(P.SIGNAL_CODE_RANGE, code=self.signal_code, most=MAX_CODE))
        if self.signal_code == STOP:
            raise ValueError(DriverText(P.SIGNAL_CODE_STOP))
        if not isinstance(self.cycles, int) or not 1 <= self.cycles <= MAX_CYCLES:
            raise ValueError(DriverText(P.CYCLES_RANGE, cycles=self.cycles, most=MAX_CYCLES))


@dataclass(frozen=True)
class SoundResult:
    """What was sent and what the controller echoed back."""

    signal_code: int
    cycles: int
    token: int | None
    sent_at: float  # host clock
    device_clock_before: float | None
    echo_function: int
    echo_time: float | None
    echo_token: int | None
    sounding: bool
    #: how a lost acknowledgement was settled (by reading the echo), else None
    settled: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)
