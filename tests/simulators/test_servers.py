"""The simulators are real Modbus servers: many on loopback, RTU on ptys, mbpoll interop."""

from __future__ import annotations

import asyncio
import re
import shutil

import pytest

from sirenctl.drivers.pool import Fleet
from sirenctl.drivers.signals import AIR_RAID
from sirenctl.simulators.cli_support import default_specs, describe_endpoints, with_faults
from tests.drivers.conftest import spec


async def test_thousand_controllers_in_one_process(make_sim, clock) -> None:
    specs = [spec(f"S{i:04d}", "hs-ms400" if i % 2 else "sirenctl-generic") for i in range(1000)]
    sim = await make_sim(specs, timeout=2.0)
    assert len({ep.port for ep in sim.endpoints.values()}) == 1000
    sample = [f"S{i:04d}" for i in range(0, 1000, 37)]
    async with Fleet(sim.endpoints, clock=clock, concurrency=50) as fleet:
        res = await fleet.poll_all(sample)
    assert all(r.ok for r in res.values())
    assert {r.status.kind for r in res.values()} == {"motor"}


async def test_rtu_wire_time_and_frame_sizes(make_sim, clock) -> None:
    sim = await make_sim(
        [spec(f"R{u}", transport="modbus_rtu", unit_id=u) for u in (1, 2, 3)],
        wire_time=True,
        serial_format="8N2",
    )  # 11 bits per character
    line = sim.lines["rtu1"]
    assert line.char_time == pytest.approx(11 / 9600)
    async with Fleet(sim.endpoints, clock=clock) as fleet:
        res = await fleet.poll_all()
    assert all(r.ok for r in res.values())
    # 3 requests of 8 bytes, 3 replies of 5 + 2*14 bytes went over the emulated line
    assert line.bytes_b_to_a == 3 * 8 and line.bytes_a_to_b == 3 * (5 + 2 * 14)


def test_default_fleet_listing_and_faults() -> None:
    specs = with_faults(default_specs(), "T03=silent,R02=slow:1")
    assert {s.transport for s in specs} == {"modbus_tcp", "modbus_rtu", "bench_serial"}
    with pytest.raises(ValueError, match="unknown tag 'T99'"):
        with_faults(default_specs(), "T99=silent")


async def test_sim_fleet_prints_endpoints(make_sim) -> None:
    sim = await make_sim(with_faults(default_specs(), "T03=silent"))
    text = describe_endpoints(sim)
    assert re.search(r"T03\s+modbus_tcp\s+hs-ms400\s+127\.0\.0\.1:\d+ unit 1\s+silent", text)
    assert re.search(r"R02\s+modbus_rtu\s+hs-ms400\s+/dev/pts/\d+ unit 2", text)


async def _mbpoll(*args: str) -> list[int]:
    proc = await asyncio.create_subprocess_exec(
        "mbpoll", *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    out, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 0, err.decode()
    return [int(v) for v in re.findall(r"^\[\d+\]:\s+(-?\d+)", out.decode(), re.M)]


needs_mbpoll = pytest.mark.skipif(
    shutil.which("mbpoll") is None, reason="mbpoll not installed (apt-get install mbpoll)"
)


@needs_mbpoll
@pytest.mark.parametrize("transport", ["modbus_tcp", "modbus_rtu"])
async def test_mbpoll_reads_what_sirenctl_reports(make_sim, clock, transport: str) -> None:
    sim = await make_sim([spec("S1", transport=transport, unit_id=3)], timeout=2.0)
    ctrl = sim.controller("S1")
    ctrl.execute(AIR_RAID, 1, 7)
    ctrl.mains = False
    ep = sim.endpoints["S1"]
    # -t 3: input registers; -r 1 is mbpoll's 1-based reference for protocol address 0
    common = ["-a", "3", "-t", "3", "-r", "1", "-c", "14", "-1"]
    if transport == "modbus_tcp":
        regs = await _mbpoll("-m", "tcp", "-p", str(ep.port), *common, ep.host)
    else:
        regs = await _mbpoll(
            "-m", "rtu", "-b", "9600", "-P", "none", "-d", "8", "-s", "1", *common, ep.device
        )
    async with Fleet(sim.endpoints, clock=clock) as fleet:
        drv = fleet.driver("S1")
        st = await drv.read_status()
        assert drv.status_from_registers([v & 0xFFFF for v in regs], st.read_at) == st
    assert st.current_signal == AIR_RAID and st.mains_present is False and st.last_token == 7
