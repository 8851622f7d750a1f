"""The fault table: each fault, over TCP and RTU, maps to the right outcome with a precise message.

Real simulators on loopback / a pty line; the mapping is the one run-due and bench use
(sirenctl/scheduling/outcomes.py).
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from sirenctl.drivers import errors as E
from sirenctl.drivers.permit import Permit
from sirenctl.drivers.pool import Fleet
from sirenctl.drivers.signals import AIR_RAID
from sirenctl.drivers.status import SoundRequest
from sirenctl.scheduling.outcomes import Outcome, classify

from .conftest import spec

TCP, RTU = ("T1", "sirenctl-generic", "modbus_tcp"), ("R1", "hs-ms400", "modbus_rtu")


async def _sound(make_sim, clock, unit: tuple[str, str, str], faults: str, **ep_changes):
    tag, model, transport = unit
    sim = await make_sim([spec(tag, model, transport, faults=faults)])
    endpoints = {t: replace(ep, **ep_changes) for t, ep in sim.endpoints.items()}
    async with Fleet(endpoints, clock=clock) as fleet:
        try:
            res = await fleet.driver(tag).sound(
                SoundRequest(AIR_RAID, 1), Permit.for_bench(tag, now=clock.now())
            )
        except E.DriverError as exc:
            return sim.controller(tag), None, classify(exc, sent=exc.sent)
    return sim.controller(tag), res, None


@pytest.mark.parametrize("unit", [TCP, RTU], ids=["tcp", "rtu"])
async def test_lost_ack_is_settled_by_the_echo_as_done(make_sim, clock, unit) -> None:
    ctrl, res, verdict = await _sound(make_sim, clock, unit, "lose_ack")
    assert verdict is None and res is not None and "settled by the echo" in (res.settled or "")
    assert ctrl.stats.write_frames == 1 and ctrl.sounding()  # played once, never resent


@pytest.mark.parametrize("unit", [TCP, RTU], ids=["tcp", "rtu"])
@pytest.mark.parametrize(
    ("fault", "words"),
    [("silent", "no reply in time"), ("drop", "no connection"), ("garble", "garbled")],
)
async def test_faults_before_the_command_are_not_sent(make_sim, clock, unit, fault, words) -> None:
    if fault == "drop" and unit is RTU:
        words = "no reply in time"  # an RS-485 line cannot drop: the unit goes quiet
    ctrl, res, verdict = await _sound(make_sim, clock, unit, fault)
    assert res is None and verdict is not None
    assert verdict.outcome is Outcome.NOT_SENT and verdict.retryable
    assert words in verdict.message and "nothing sent" in verdict.message
    assert ctrl.stats.write_frames == 0 and not ctrl.sounding()


async def test_wrong_transaction_id_is_a_mismatched_reply_not_taken(make_sim, clock) -> None:
    ctrl, res, verdict = await _sound(make_sim, clock, TCP, "wrong_tid")
    assert verdict is not None and verdict.outcome is Outcome.NOT_SENT
    assert "transaction id" in verdict.message and "not taken as the answer" in verdict.message
    assert ctrl.stats.write_frames == 0


async def test_exception_reply_is_a_refusal_by_the_controller(make_sim, clock) -> None:
    # a unit id the TCP gateway does not host answers with a Modbus exception
    ctrl, res, verdict = await _sound(make_sim, clock, TCP, "", unit_id=7)
    assert verdict is not None and verdict.outcome is Outcome.FAILED and not verdict.retryable
    assert "exception reply" in verdict.message and "nothing sent" in verdict.message
    assert ctrl.stats.write_frames == 0


@pytest.mark.parametrize("unit", [TCP, RTU], ids=["tcp", "rtu"])
async def test_stale_echo_is_failed_to_sound(make_sim, clock, unit) -> None:
    ctrl, res, verdict = await _sound(make_sim, clock, unit, "stale_echo")
    assert verdict is not None and verdict.outcome is Outcome.FAILED
    assert verdict.result == "failed_to_sound" and "last function" in verdict.message


def test_a_comm_fault_after_the_write_is_unknown_never_retried() -> None:
    exc = E.RequestTimeout("no reply from unit 1 within 0.3 s", target="T1")
    exc.sent = True  # what the driver sets once the write had left (base.py _activate)
    verdict = classify(exc, sent=exc.sent)
    assert verdict.outcome is Outcome.UNKNOWN and not verdict.retryable
    assert "unknown" in verdict.message and "not retried" in verdict.message
