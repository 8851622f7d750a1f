"""Links: one owner per channel, commands ahead of polls, budgets, reconnect."""

from __future__ import annotations

import asyncio

from sirenctl.drivers import errors as E
from sirenctl.drivers.permit import Permit
from sirenctl.drivers.pool import Fleet, LinkPool
from sirenctl.drivers.signals import AIR_RAID
from sirenctl.drivers.status import SoundRequest
from sirenctl.simulators.fleet import SimFleet

from .conftest import spec


async def test_rs485_units_share_one_link(make_sim, clock) -> None:
    sim = await make_sim(
        [spec(f"R{u}", transport="modbus_rtu", unit_id=u) for u in (1, 2, 3)] + [spec("T1")]
    )
    async with Fleet(sim.endpoints, clock=clock) as fleet:
        await fleet.poll_all()
        assert len(fleet.pool.links) == 2
        (line,) = [lk for lk in fleet.pool.links.values() if lk.channel_key.startswith("serial")]
        assert line.stats.requests == 3


async def test_command_goes_ahead_of_queued_polls(make_sim, clock) -> None:
    sim = await make_sim(
        [spec(f"R{u}", transport="modbus_rtu", unit_id=u) for u in range(1, 7)], wire_time=True
    )
    async with Fleet(sim.endpoints, clock=clock) as fleet:
        sweep = asyncio.create_task(fleet.poll_all())
        # Wait (by state, not by time) until the first poll is on the wire and five are queued.
        for _ in range(100_000):
            links = list(fleet.pool.links.values())
            if links and links[0].queued == 5:
                break
            await asyncio.sleep(0)
        assert links and links[0].queued == 5, "the sweep never queued five polls"
        await fleet.driver("R6").sound(
            SoundRequest(AIR_RAID, 1), Permit.for_bench("R6", now=clock.now())
        )
        res = await sweep
        (link,) = fleet.pool.links.values()
        order = list(link.stats.order)
    assert all(r.ok for r in res.values())
    # the command (status, write, read-back, echo as one job) ran before the waiting polls
    assert order == ["poll:R1", "command:R6"] + [f"poll:R{u}" for u in range(2, 7)]


async def test_dead_tcp_device_does_not_delay_the_others(make_sim, clock) -> None:
    sim = await make_sim(
        [spec(f"T{i:02d}") for i in range(20)] + [spec("DEAD", faults="silent")], timeout=0.5
    )
    async with Fleet(sim.endpoints, clock=clock) as fleet:
        res = await fleet.poll_all()
    dead = res.pop("DEAD")
    assert isinstance(dead.error, E.RequestTimeout)
    assert all(r.ok for r in res.values())
    # every healthy reading finished before the dead device's budget ran out
    assert max(r.elapsed for r in res.values()) < dead.elapsed


async def test_dead_rtu_unit_costs_the_line_one_timeout(make_sim, clock) -> None:
    sim = await make_sim(
        [
            spec(f"R{u}", transport="modbus_rtu", unit_id=u, faults="silent" if u == 2 else "")
            for u in range(1, 6)
        ]
    )
    async with Fleet(sim.endpoints, clock=clock) as fleet:
        res = await fleet.poll_all()
        (link,) = fleet.pool.links.values()
    assert [t for t, r in res.items() if not r.ok] == ["R2"]
    # one request per unit, no retry: the dead unit cost exactly one timeout budget
    assert link.stats.requests == 5 and link.stats.errors == {"timeout": 1}
    assert [sim.controller(f"R{u}").stats.requests for u in range(1, 6)] == [1] * 5


async def test_reconnect_after_device_restart_sends_nothing_on_connect(clock) -> None:
    sim = SimFleet([spec("T1")], clock=clock, timeout=0.3)
    await sim.start()
    ep = sim.endpoints["T1"]
    async with (
        LinkPool(reconnect_min=0.05, reconnect_max=0.2) as pool,
        Fleet({"T1": ep}, clock=clock, pool=pool) as fleet,
    ):
        assert (await fleet.poll_all())["T1"].ok
        await sim.stop()  # device goes away
        downs = [(await fleet.poll_all())["T1"].error for _ in range(3)]
        assert all(isinstance(e, E.NoResponse) for e in downs), downs
        # after a failed connect, polls within the back-off fail fast without connecting
        assert "next reconnect attempt" in str(downs[-1])
        # the device comes back on the same port
        from sirenctl.drivers.regmap import load_map
        from sirenctl.simulators.controller import SimController
        from sirenctl.simulators.modbus_device import build_simdevice
        from sirenctl.simulators.modbus_servers import SimTcpServer

        m = load_map("sirenctl-generic")
        ctrl = SimController("T1", m.signals, clock)
        srv = SimTcpServer([build_simdevice(ctrl, m)], {1: ctrl}, port=ep.port)
        await srv.start()
        try:
            await asyncio.sleep(0.3)
            up = (await fleet.poll_all())["T1"]
            assert up.ok, up.error
            assert ctrl.stats.requests == 1  # reconnecting sent nothing of its own
            assert ctrl.stats.write_frames == 0
            (link,) = pool.links.values()
            assert link.stats.connects >= 2
        finally:
            await srv.shutdown()
