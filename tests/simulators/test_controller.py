"""The simulated controller's state machine on a manual clock (no I/O)."""

from __future__ import annotations

import pytest

from sirenctl.drivers.clock import ManualClock
from sirenctl.drivers.signals import AIR_RAID, ALL_CLEAR, PRE_ALERT, SILENT_TEST, STOP, SignalTable
from sirenctl.simulators.controller import FLOAT_V, LOW_V, SimController
from sirenctl.simulators.faults import Faults, parse_fault_spec, parse_one


def make(**kw: object) -> tuple[SimController, ManualClock]:
    clock = ManualClock()
    return SimController("S", SignalTable(), clock, **kw), clock  # type: ignore[arg-type]


def test_air_raid_pattern_and_end() -> None:
    c, clock = make()
    t0 = clock.now()
    c.execute(AIR_RAID, 1, 1)
    pattern = [c.sounding(t0 + t) for t in (0.5, 5.5, 6.5, 11.5, 12.5)]
    assert pattern == [True, True, False, False, True]
    clock.advance(180)
    c.update()
    assert c.signal_code == 0 and not c.sounding()
    assert (c.last_function, c.last_function_time) == (AIR_RAID, t0)


def test_all_clear_is_continuous_for_each_cycle() -> None:
    c, clock = make()
    t0 = clock.now()
    c.execute(ALL_CLEAR, 2, 1)
    assert all(c.sounding(t0 + t) for t in range(0, 360, 10))
    assert not c.sounding(t0 + 360)


def test_battery_drains_on_mains_failure_and_recharges() -> None:
    c, clock = make()
    c.mains = False
    clock.advance(3600)
    idle = c.snapshot()["battery_volts"]
    assert FLOAT_V - 2.0 < idle < FLOAT_V - 1.5  # ~1.8 V per hour idle
    c.execute(PRE_ALERT, 10, 1)  # sounding on battery drains faster
    clock.advance(1800)
    sounding = c.snapshot()
    assert idle - sounding["battery_volts"] > 0.9 + 0.004 * 1080 * 0.99
    assert sounding["battery_low"] is (sounding["battery_volts"] < LOW_V)
    c.mains = True
    clock.advance(600)
    assert c.snapshot()["battery_volts"] > sounding["battery_volts"] + 1.0


def test_silent_test_result_and_faults() -> None:
    c, clock = make(faults=parse_one("rotation_fault"))
    c.execute(SILENT_TEST, 1, 1)
    assert c.snapshot()["self_test"] == "none" and not c.sounding()
    clock.advance(11)
    assert c.snapshot()["self_test"] == "fail"
    c.rotation_fault = False
    c.execute(SILENT_TEST, 1, 2)
    clock.advance(11)
    assert c.snapshot()["self_test"] == "pass"


def test_stale_echo_ignores_commands_and_stop_silences() -> None:
    c, _ = make(faults=Faults(stale_echo=True))
    assert not c.execute(AIR_RAID, 1, 1) and c.last_function == 0
    c.faults.stale_echo = False
    c.execute(AIR_RAID, 1, 2)
    c.execute(STOP, 0, 3)
    assert not c.sounding() and c.last_function == STOP


def test_fault_spec_parser() -> None:
    got = parse_fault_spec("T03=silent, T04=slow:2.5 ,T05=crc+door_open,T06=battery:22.1")
    assert got["T03"].silent and got["T04"].slow == 2.5
    assert got["T05"].crc and got["T05"].door_open and got["T06"].battery == 22.1
    assert str(got["T05"]) == "crc+door_open"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("T03", r"item 1 .'T03'.: expected TAG=FAULT"),
        ("T03=loud", "unknown fault 'loud'"),
        ("T03=slow:fast", "slow:fast is not a number"),
        ("T03=silent:1", "silent takes no value"),
        ("T03=battery", "battery needs a value"),
        ("T01=crc,T01=silent", "T01 given twice"),
        ("X9=crc", "unknown tag 'X9'"),
    ],
)
def test_fault_spec_errors_name_the_item(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_fault_spec(text, known_tags=["T01", "T03"])
