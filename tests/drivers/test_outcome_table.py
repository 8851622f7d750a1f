"""The fault table: each fault, over TCP and RTU, maps to the right outcome with a precise message.

Real simulators on loopback / a pty line; the mapping is the one run-due and bench use
(sirenctl/scheduling/outcomes.py).

| fault (simulator)            | TCP                      | RTU (pty)                      |
|------------------------------|--------------------------|--------------------------------|
| lose_ack                     | done, settled by echo    | done, settled by echo          |
| silent / drop / garble / crc | not sent, retryable      | not sent (drop: a quiet unit)  |
| wrong_tid / wrong_unit       | mismatched, not taken    | wrong_unit (no tid on RTU)     |
| exception (command)          | failed, not retried      | failed, not retried            |
| unit not hosted              | exception 4: failed      | silence: not sent              |
| die_on_write                 | unknown (no connection)  | unknown (no reply in time)     |
| stale_echo                   | failed to sound          | failed to sound                |
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
    [
        ("silent", "no reply in time"),
        ("drop", "no connection"),
        ("garble", "garbled"),
        ("crc", "garbled"),
    ],
)
async def test_faults_before_the_command_are_not_sent(make_sim, clock, unit, fault, words) -> None:
    if fault == "drop" and unit is RTU:
        words = "no reply in time"  # an RS-485 line cannot drop: the unit goes quiet
    ctrl, res, verdict = await _sound(make_sim, clock, unit, fault)
    assert res is None and verdict is not None
    assert verdict.outcome is Outcome.NOT_SENT and verdict.retryable
    assert words in verdict.message and "nothing sent" in verdict.message
    assert ctrl.stats.write_frames == 0 and not ctrl.sounding()


@pytest.mark.parametrize(
    ("unit", "fault", "words"),
    [
        (TCP, "wrong_tid", "reply with transaction id 2 to request 1 (a late or stray reply, "
         "not taken as the answer)"),
        (TCP, "wrong_unit", "reply from unit 2 function 4 to a request for unit 1 function 4"),
        # RTU frames have no transaction id: a reply from another unit is the mismatch there
        (RTU, "wrong_unit", "reply from unit 2 instead of unit 1"),
    ],
    ids=["tcp-wrong-tid", "tcp-wrong-unit", "rtu-wrong-unit"],
)  # fmt: skip
async def test_mismatched_reply_is_not_taken_as_the_answer(make_sim, clock, unit, fault, words):
    ctrl, res, verdict = await _sound(make_sim, clock, unit, fault)
    assert verdict is not None and verdict.outcome is Outcome.NOT_SENT and verdict.retryable
    assert verdict.message.startswith("garbled or mismatched reply before the command was sent")
    assert words in verdict.message
    assert ctrl.stats.write_frames == 0


async def test_the_rtu_simulator_refuses_a_wrong_transaction_id(make_sim) -> None:
    with pytest.raises(ValueError, match="wrong_tid is for Modbus TCP only"):
        await make_sim([spec("R1", "hs-ms400", "modbus_rtu", faults="wrong_tid")])


@pytest.mark.parametrize("unit", [TCP, RTU], ids=["tcp", "rtu"])
async def test_exception_reply_to_the_command_is_a_refusal_not_retried(make_sim, clock, unit):
    ctrl, res, verdict = await _sound(make_sim, clock, unit, "exception")
    assert verdict is not None and verdict.outcome is Outcome.FAILED and not verdict.retryable
    assert verdict.message.startswith(
        "the controller refused the command with an exception reply: "
    )
    assert "answered exception 4 (device failure)" in verdict.message
    assert ctrl.stats.write_frames == 0 and not ctrl.sounding()  # it did not execute it


async def test_exception_reply_to_the_status_read_means_nothing_sent(make_sim, clock) -> None:
    # a unit id the TCP gateway does not host answers with a Modbus exception
    ctrl, res, verdict = await _sound(make_sim, clock, TCP, "", unit_id=7)
    assert verdict is not None and verdict.outcome is Outcome.FAILED and not verdict.retryable
    assert "exception reply" in verdict.message and "nothing sent" in verdict.message
    assert "unit 7 answered exception 4" in verdict.message
    assert ctrl.stats.write_frames == 0


async def test_an_rs485_line_stays_silent_for_a_unit_it_does_not_have(make_sim, clock) -> None:
    ctrl, res, verdict = await _sound(make_sim, clock, RTU, "", unit_id=7)
    assert verdict is not None and verdict.outcome is Outcome.NOT_SENT
    assert "no reply from unit 7 within 0.3 s" in verdict.message
    assert ctrl.stats.write_frames == 0


@pytest.mark.parametrize(
    ("unit", "kind", "detail"),
    [
        (TCP, "no connection", "connection dropped by modbus_tcp 127.0.0.1:"),
        (RTU, "no reply in time", "no reply from unit 1 within 0.3 s"),
    ],
    ids=["tcp", "rtu"],
)
async def test_a_unit_lost_after_the_command_is_unknown_never_retried(
    make_sim, clock, unit, kind, detail
) -> None:
    """The acknowledgement is lost and the settling read of the echo fails too."""
    ctrl, res, verdict = await _sound(make_sim, clock, unit, "die_on_write")
    assert verdict is not None and verdict.outcome is Outcome.UNKNOWN and not verdict.retryable
    assert verdict.message.startswith(
        f"{kind} after the command was sent and the controller's echo could not be read, so "
        "whether it sounded is unknown (not retried)"
    )
    assert detail in verdict.message
    assert ctrl.stats.write_frames == 1 and ctrl.sounding()  # it did play, once: never resent


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
