"""The driver's side of the audit-sink contract (drivers/audit.py): intent before send."""

from __future__ import annotations

import asyncio

import pytest

from sirenctl.drivers import errors as E
from sirenctl.drivers.audit import INTENT, CommandRecord, ListSink
from sirenctl.drivers.diagnostics import modbus_write
from sirenctl.drivers.permit import Permit
from sirenctl.drivers.pool import Fleet
from sirenctl.drivers.signals import GROWL
from sirenctl.drivers.status import SoundRequest
from tests.drivers.conftest import spec


class GatedSink(ListSink):
    """An intent that completes only when the test opens the gate (a slow group commit)."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = asyncio.Event()
        self.waiting = asyncio.Event()

    async def _wait(self) -> None:
        self.waiting.set()
        await self.gate.wait()

    def intent(self, rec: CommandRecord) -> asyncio.Future[None]:  # type: ignore[override]
        super().intent(rec)
        return asyncio.ensure_future(self._wait())


class FailingSink(ListSink):
    def intent(self, rec: CommandRecord) -> None:
        raise OSError("disk full")


async def test_intent_then_result_with_one_command_id(make_sim, clock, audit) -> None:
    sim = await make_sim([spec("T1")])
    async with Fleet(sim.endpoints, clock=clock, audit=audit) as fleet:
        await fleet.driver("T1").sound(
            SoundRequest(GROWL, 1), Permit.for_bench("T1", now=clock.now())
        )
        await fleet.driver("T1").cancel()
    assert [(r.what, r.outcome) for r in audit.intents] == [("sound", INTENT), ("cancel", INTENT)]
    assert [r.command_id for r in audit.intents] == [r.command_id for r in audit.records]
    assert audit.intents[0].permit == audit.records[0].permit


async def test_nothing_is_sent_until_the_intent_is_durable(make_sim, clock) -> None:
    sim = await make_sim([spec("T1")])
    sink = GatedSink()
    async with Fleet(sim.endpoints, clock=clock, audit=sink) as fleet:
        task = asyncio.ensure_future(
            fleet.driver("T1").sound(
                SoundRequest(GROWL, 1), Permit.for_bench("T1", now=clock.now())
            )
        )
        await sink.waiting.wait()
        assert sim.controller("T1").stats.requests == 0  # the intent is not committed yet
        sink.gate.set()
        await task
    assert [a.code for a in sim.controller("T1").stats.commands] == [GROWL]


async def test_an_intent_that_cannot_be_recorded_stops_the_command(make_sim, clock) -> None:
    sim = await make_sim([spec("T1")])
    sink = FailingSink()
    async with Fleet(sim.endpoints, clock=clock, audit=sink) as fleet:
        with pytest.raises(E.RefusedForSafety, match="could not be recorded first"):
            await fleet.driver("T1").sound(
                SoundRequest(GROWL, 1), Permit.for_bench("T1", now=clock.now())
            )
        with pytest.raises(E.RefusedForSafety, match="could not be recorded first"):
            await modbus_write(
                sim.endpoints["T1"],
                100,
                [GROWL, 1, 1],
                Permit.for_bench("T1"),
                tag="T1",
                audit=sink,
            )
        await fleet.driver("T1").cancel()  # a cancel goes out even so, and says so
    assert sim.controller("T1").stats.commands[-1].code == 0
    assert [a.code for a in sim.controller("T1").stats.commands] == [0]
    assert [(r.what, r.outcome, r.error_kind) for r in sink.records] == [
        ("sound", "refused", "audit_unavailable"),
        ("modbus_write", "refused", "audit_unavailable"),
        ("cancel", "ok", None),
    ]
    assert "disk full" in sink.records[2].details["intent_not_recorded"]


async def test_a_plain_callable_still_works_as_a_sink(make_sim, clock) -> None:
    sim = await make_sim([spec("T1")])
    seen: list[CommandRecord] = []
    async with Fleet(sim.endpoints, clock=clock, audit=seen.append) as fleet:
        await fleet.driver("T1").cancel()
    assert [r.outcome for r in seen] == [INTENT, "ok"]
