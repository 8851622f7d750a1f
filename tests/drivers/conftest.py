"""Fixtures for driver tests: simulated fleets on real loopback TCP and real ptys."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest

from sirenctl.drivers.audit import ListSink
from sirenctl.drivers.clock import ManualClock
from sirenctl.simulators.faults import parse_one
from sirenctl.simulators.fleet import SimFleet, SimSpec

logging.getLogger("pymodbus").setLevel(logging.CRITICAL)

MakeSim = Callable[..., Awaitable[SimFleet]]


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def audit() -> ListSink:
    return ListSink()


@pytest.fixture
async def make_sim(clock: ManualClock) -> AsyncIterator[MakeSim]:
    """Start SimFleets (stopped at teardown); defaults: manual clock, 0.3 s timeouts."""
    started: list[SimFleet] = []

    async def make(specs: list[SimSpec], **kw: object) -> SimFleet:
        kw.setdefault("clock", clock)
        kw.setdefault("timeout", 0.3)
        fleet = SimFleet(specs, **kw)  # type: ignore[arg-type]
        await fleet.start()
        started.append(fleet)
        return fleet

    yield make
    for f in started:
        await f.stop()


def spec(
    name: str,
    model: str = "sirenctl-generic",
    transport: str = "modbus_tcp",
    faults: str = "",
    **kw: object,
) -> SimSpec:
    return SimSpec(name, model, transport, faults=parse_one(faults), **kw)  # type: ignore[arg-type]
