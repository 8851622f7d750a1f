"""A simulated siren controller: a state machine driven by an injectable (speed-up) clock.

Programmes play out signal by signal with the national timings (docs/scheduling.md, Signals),
the battery drains on mains failure and recharges, faults and door openings can be
injected, and the last-function echo updates on every executed command (unless the
``stale_echo`` fault is set, which is how failed-to-sound is simulated).
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass, field
from typing import Any

from sirenctl.drivers.clock import Clock
from sirenctl.drivers.signals import SILENT_TEST, STOP, SignalTable

from .faults import Faults

FLOAT_V = 27.2  # float-charge voltage of a 24 V lead-acid battery
LOW_V = 23.0
EMPTY_V = 20.0
IDLE_DRAIN = 0.0005  # V/s on battery, idle (~1.8 V/h)
SOUND_DRAIN = 0.004  # extra V/s while sounding on battery
CHARGE = 0.002  # V/s recharge on mains


@dataclass
class Activation:
    at: float
    code: int
    cycles: int
    token: int | None


@dataclass
class SimStats:
    requests: int = 0
    write_frames: int = 0
    commands: list[Activation] = field(default_factory=list)
    ignored_commands: int = 0


class SimController:
    """State of one controller. Times are the shared clock's epoch seconds."""

    def __init__(
        self,
        name: str,
        signals: SignalTable,
        clock: Clock,
        *,
        kind: str = "motor",
        unit_id: int = 1,
        firmware: str = "2.3",
        serial: str | None = None,
        model: str = "sirenctl-generic",
        faults: Faults | None = None,
        clock_drift: float = 0.0,
    ) -> None:
        self.name = name
        self.signals = signals
        self.clock = clock
        self.kind = kind
        self.unit_id = unit_id
        self.firmware = firmware
        self.serial = serial or default_serial(name)
        self.model = model
        self.faults = faults or Faults()
        self.clock_drift = clock_drift
        self.stats = SimStats()
        now = clock.now()
        self.mains = not self.faults.mains_fail
        self.battery = self.faults.battery if self.faults.battery is not None else FLOAT_V
        self.door_open = self.faults.door_open
        self.rotation_fault = self.faults.rotation_fault
        self.amplifier_fault = self.faults.amplifier_fault
        self.signal_code = 0
        self.signal_cycles = 0
        self.signal_start = now
        self.last_function = 0
        self.last_function_time = 0.0
        self.last_token = 0
        self.self_test = "none"
        self._self_test_until: float | None = None
        self.command_regs: dict[str, int] = {"function": 0, "cycles": 0, "token": 0}
        self._t = now

    # ---- time ---------------------------------------------------------------------------
    def _sound_seconds(self, t0: float, t1: float) -> float:
        if not self.signal_code:
            return 0.0
        sig = self.signals.get(self.signal_code)
        total = 0.0
        for a, b in sig.on_intervals(self.signal_cycles, self.signal_start):
            total += max(0.0, min(b, t1) - max(a, t0))
        return total

    def update(self, now: float | None = None) -> None:
        """Advance the state machine to ``now``."""
        now = self.clock.now() if now is None else now
        dt = now - self._t
        if dt <= 0:
            return
        if self.mains:
            self.battery = min(FLOAT_V, self.battery + CHARGE * dt)
        else:
            drain = IDLE_DRAIN * dt + SOUND_DRAIN * self._sound_seconds(self._t, now)
            self.battery = max(EMPTY_V, self.battery - drain)
        if self.signal_code:
            end = self.signal_start + self.signals.get(self.signal_code).duration(
                self.signal_cycles
            )
            if now >= end:
                self.signal_code = 0
                self.signal_cycles = 0
        if self._self_test_until is not None and now >= self._self_test_until:
            self._self_test_until = None
            self.self_test = "fail" if self.self_test_problems() else "pass"
        self._t = now

    def self_test_problems(self) -> list[str]:
        out = []
        if not self.mains:
            out.append("mains")
        if self.battery < LOW_V:
            out.append("battery")
        if self.rotation_fault:
            out.append("rotation")
        if self.amplifier_fault:
            out.append("amplifier")
        return out

    def sounding(self, now: float | None = None) -> bool:
        now = self.clock.now() if now is None else now
        if not self.signal_code or self.rotation_fault or self.amplifier_fault:
            return False
        if self.battery <= EMPTY_V and not self.mains:
            return False
        sig = self.signals.get(self.signal_code)
        return sig.sounding_at(now - self.signal_start, self.signal_cycles)

    def cycles_remaining(self, now: float) -> int:
        if not self.signal_code:
            return 0
        cyc = self.signals.get(self.signal_code).cycle_seconds or 1.0
        done = int((now - self.signal_start) // cyc)
        return max(0, self.signal_cycles - done)

    # ---- commands -----------------------------------------------------------------------
    def execute(self, code: int, cycles: int, token: int | None) -> bool:
        """Run a command (canonical code). Returns False when the controller ignored it."""
        now = self.clock.now()
        self.update(now)
        if self.faults.stale_echo or (code != STOP and code not in self.signals):
            self.stats.ignored_commands += 1
            return False
        self.stats.commands.append(Activation(now, code, cycles, token))
        if code == STOP:
            self.signal_code = 0
            self.signal_cycles = 0
        elif code == SILENT_TEST:
            self.self_test = "none"
            self._self_test_until = now + self.signals.get(SILENT_TEST).duration(1)
        else:
            self.signal_code, self.signal_cycles, self.signal_start = code, max(1, cycles), now
        self.last_function = code
        self.last_function_time = now
        self.last_token = token or 0
        return True

    # ---- reporting -----------------------------------------------------------------------
    def snapshot(self, now: float | None = None) -> dict[str, Any]:
        """Canonical status values (the register map encodes them for the wire)."""
        now = self.clock.now() if now is None else now
        self.update(now)
        motor = self.kind == "motor"
        return {
            "mains_present": self.mains,
            "battery_volts": round(self.battery, 2),
            "battery_low": self.battery < LOW_V,
            "door_open": self.door_open,
            "rotation_fault": self.rotation_fault if motor else False,
            "amplifier_fault": self.amplifier_fault if not motor else False,
            "sounding": self.sounding(now),
            "current_signal": self.signal_code,
            "cycles_remaining": self.cycles_remaining(now),
            "last_function": self.last_function,
            "last_function_time": int(self.last_function_time),
            "device_clock": int(now + self.clock_drift),
            "last_token": self.last_token,
            "firmware": self.firmware,
            "self_test": self.self_test,
            "kind": self.kind,
        }

    def identity(self) -> dict[str, Any]:
        """Model (the full register-map name) and serial number, as the identity block serves."""
        return {"model": self.model, "serial": self.serial}


def default_serial(name: str) -> str:
    """A stable serial number for a simulated controller (the same in every process)."""
    return f"SIM{zlib.crc32(name.encode()) % 10**6:06d}"
