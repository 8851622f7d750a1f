"""Safety rules on the command path: permits, no retries, read-back, echo, cancel, audit."""

from __future__ import annotations

import pytest

from sirenctl.drivers import errors as E
from sirenctl.drivers.diagnostics import modbus_read, modbus_write
from sirenctl.drivers.permit import Permit
from sirenctl.drivers.pool import Fleet
from sirenctl.drivers.signals import AIR_RAID, GROWL
from sirenctl.drivers.status import SoundRequest

from .conftest import spec


@pytest.mark.parametrize("model", ["sirenctl-generic", "hs-ms400"])
async def test_sound_echo_and_cancel(make_sim, clock, audit, model: str) -> None:
    sim = await make_sim([spec("T1", model)])
    async with Fleet(sim.endpoints, clock=clock, audit=audit) as fleet:
        drv = fleet.driver("T1")
        res = await drv.sound(SoundRequest(AIR_RAID, 1), Permit.for_bench("T1", now=clock.now()))
        assert res.echo_function == AIR_RAID and res.sounding
        clock.advance(7)  # air raid: 6 s on, 6 s off
        st = await drv.read_status()
        assert not st.sounding and st.current_signal == AIR_RAID
        clock.advance(6)
        assert (await drv.read_status()).sounding
        st = await drv.cancel()
        assert not st.sounding and st.current_signal == 0
    ctrl = sim.controller("T1")
    assert [a.code for a in ctrl.stats.commands] == [AIR_RAID, 0]
    assert [(r.what, r.outcome) for r in audit.records] == [("sound", "ok"), ("cancel", "ok")]
    assert audit.records[0].permit["mode"] == "bench"


@pytest.mark.parametrize(
    "permit",
    [
        None,
        Permit.for_bench("OTHER", now=1_758_168_000.0),
        Permit.for_bench("T1", valid_for=10, now=1_758_168_000.0 - 60),
    ],
)
async def test_no_valid_permit_nothing_sent(make_sim, clock, audit, permit) -> None:
    sim = await make_sim([spec("T1")])
    async with Fleet(sim.endpoints, clock=clock, audit=audit) as fleet:
        with pytest.raises(E.RefusedForSafety):
            await fleet.driver("T1").sound(SoundRequest(GROWL, 1), permit)
    assert sim.controller("T1").stats.requests == 0  # not even a status read
    (rec,) = audit.records
    assert rec.outcome == "refused" and rec.error_kind == "refused_for_safety"


@pytest.mark.parametrize(
    ("tag", "model", "transport"),
    [
        ("T1", "sirenctl-generic", "modbus_tcp"),
        ("R1", "hs-ms400", "modbus_rtu"),
        ("B1", "bench-v1", "bench_serial"),
    ],
)
async def test_write_is_not_retried_when_reply_is_lost(
    make_sim, clock, audit, tag, model, transport
) -> None:
    sim = await make_sim([spec(tag, model, transport, faults="lose_ack")])
    async with Fleet(sim.endpoints, clock=clock, audit=audit) as fleet:
        result = await fleet.driver(tag).sound(
            SoundRequest(AIR_RAID, 1), Permit.for_bench(tag, now=clock.now())
        )
    ctrl = sim.controller(tag)
    assert ctrl.stats.write_frames == 1  # exactly one write frame: never resent
    assert ctrl.sounding()  # the controller executed it although its reply was lost
    # the lost acknowledgement is settled by reading the last-function echo (a read)
    assert result.settled is not None and "acknowledgement lost" in result.settled
    assert result.echo_function == AIR_RAID
    (rec,) = audit.records
    assert rec.outcome == "ok" and rec.details["settled"] == result.settled


async def test_read_back_mismatch_is_verification_failed(make_sim, clock) -> None:
    sim = await make_sim(
        [
            spec("T1", faults="ignore_write"),
            spec("B1", "bench-v1", "bench_serial", faults="ignore_write"),
        ]
    )
    async with Fleet(sim.endpoints, clock=clock) as fleet:
        for tag in ("T1", "B1"):
            with pytest.raises(E.VerificationFailed) as info:
                await fleet.driver(tag).sound(
                    SoundRequest(AIR_RAID, 1), Permit.for_bench(tag, now=clock.now())
                )
            assert not isinstance(info.value, E.FailedToSound)
            assert sim.controller(tag).stats.write_frames == 1


async def test_silent_test_needs_no_permit_and_reports(make_sim, clock) -> None:
    sim = await make_sim(
        [spec("T1"), spec("T2", faults="rotation_fault"), spec("B1", "bench-v1", "bench_serial")]
    )
    async with Fleet(sim.endpoints, clock=clock) as fleet:
        assert (await fleet.driver("T1").silent_test()).passed
        assert (await fleet.driver("B1").silent_test()).passed
        bad = await fleet.driver("T2").silent_test()
    assert bad.result == "fail" and bad.status.rotation_fault
    assert not any(sim.controller(t).sounding() for t in ("T1", "T2", "B1"))


async def test_diagnostic_write_guards_audible_registers(make_sim, clock, audit) -> None:
    sim = await make_sim([spec("T1")])
    ep = sim.endpoints["T1"]
    with pytest.raises(E.RefusedForSafety, match="command block"):
        await modbus_write(ep, 100, [2, 1, 5], tag="T1", audit=audit)
    assert sim.controller("T1").stats.write_frames == 0
    back = await modbus_write(ep, 100, [2, 1, 5], Permit.for_bench("T1"), tag="T1", audit=audit)
    assert back == [2, 1, 5] and sim.controller("T1").last_function == AIR_RAID
    with pytest.raises(E.ExceptionResponse):  # status registers are read-only
        await modbus_write(ep, 1, 0, Permit.for_bench("T1"), tag="T1", audit=audit)
    assert [r.outcome for r in audit.records] == ["refused", "ok", "error"]
    regs = await modbus_read(ep, 0, 14, "input")
    assert regs[2] == AIR_RAID and regs[4] == AIR_RAID
