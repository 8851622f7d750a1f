"""Each injected fault gives the right typed error, over real loopback TCP and real ptys."""

from __future__ import annotations

import pytest

from sirenctl.drivers import errors as E
from sirenctl.drivers.diagnostics import modbus_read
from sirenctl.drivers.permit import Permit
from sirenctl.drivers.pool import Fleet
from sirenctl.drivers.status import SoundRequest

from .conftest import spec

CASES = [
    ("silent", E.RequestTimeout),
    ("slow:0.6", E.RequestTimeout),
    ("crc", E.BadFrame),
    ("garble", E.BadFrame),
    ("wrong_unit", E.BadFrame),
]


@pytest.mark.parametrize(("fault", "error"), CASES + [("drop", E.NoResponse)])
async def test_tcp_fault_is_typed(make_sim, clock, fault: str, error: type) -> None:
    sim = await make_sim([spec("OK1"), spec("BAD", faults=fault)])
    async with Fleet(sim.endpoints, clock=clock) as fleet:
        res = await fleet.poll_all()
    assert res["OK1"].ok and res["OK1"].status is not None
    assert isinstance(res["BAD"].error, error), res["BAD"].error
    assert res["BAD"].error.comm_fault and res["BAD"].error.target == "BAD"


@pytest.mark.parametrize(("fault", "error"), CASES + [("drop", E.RequestTimeout)])
async def test_rtu_fault_is_typed(make_sim, clock, fault: str, error: type) -> None:
    sim = await make_sim(
        [
            spec("R1", transport="modbus_rtu", unit_id=1),
            spec("R2", transport="modbus_rtu", unit_id=2, faults=fault),
        ],
        # the healthy unit shares the pty line: room for a loaded machine (a slow reply must
        # still be slower than the timeout)
        timeout=0.3 if fault.startswith("slow") else 1.0,
    )
    async with Fleet(sim.endpoints, clock=clock) as fleet:
        res = await fleet.poll_all()
        again = await fleet.poll_all(["R1"])  # the line recovers for the healthy unit
    assert res["R1"].ok and again["R1"].ok
    assert isinstance(res["R2"].error, error), res["R2"].error


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("silent", E.RequestTimeout),
        ("slow:0.6", E.RequestTimeout),
        ("crc", E.BadFrame),
        ("garble", E.BadFrame),
    ],
)
async def test_bench_fault_is_typed(make_sim, clock, fault: str, error: type) -> None:
    sim = await make_sim([spec("B1", "bench-v1", "bench_serial", faults=fault)])
    async with Fleet(sim.endpoints, clock=clock) as fleet:
        res = await fleet.poll_all()
    assert isinstance(res["B1"].error, error), res["B1"].error


async def test_exception_response_is_a_device_answer(make_sim) -> None:
    sim = await make_sim([spec("T1")])
    with pytest.raises(E.ExceptionResponse) as info:
        await modbus_read(sim.endpoints["T1"], 500, 2, "holding")  # unmapped address
    assert info.value.code == 2 and not info.value.comm_fault


async def test_unknown_rtu_unit_is_silent(make_sim, clock) -> None:
    sim = await make_sim([spec("R1", transport="modbus_rtu", unit_id=1)])
    ghost = sim.endpoints["R1"].with_(unit_id=9)
    async with Fleet({"R1": sim.endpoints["R1"], "GHOST": ghost}, clock=clock) as fleet:
        res = await fleet.poll_all()
    assert res["R1"].ok and isinstance(res["GHOST"].error, E.RequestTimeout)


async def test_stale_echo_is_failed_to_sound(make_sim, clock, audit) -> None:
    sim = await make_sim([spec("T1", faults="stale_echo")])
    async with Fleet(sim.endpoints, clock=clock, audit=audit) as fleet:
        with pytest.raises(E.FailedToSound) as info:
            await fleet.driver("T1").sound(
                SoundRequest(2, 1), Permit.for_bench("T1", now=clock.now())
            )
    assert info.value.echo["echo_function"] == 0  # the controller still reports nothing
    assert sim.controller("T1").stats.write_frames == 1  # sent once, never retried
    (rec,) = audit.records
    assert (rec.what, rec.outcome, rec.error_kind) == ("sound", "error", "failed_to_sound")
