"""A second demo fleet (the TUI's `sirenctl demo`) never breaks a running `sirenctl sim run`:
it refuses the RS-485 line that is already linked and leaves the other's link alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sirenctl.simulators.fleet import SimFleet, SimSpec

# serves simulators on the demo's loopback ports: one xdist worker for all such tests
pytestmark = pytest.mark.xdist_group("demo-ports")


def _specs() -> list[SimSpec]:
    return [
        SimSpec("T04", "sirenctl-generic", "modbus_rtu", unit_id=4, line="rtu-line1"),
        SimSpec("T05", "sirenctl-generic", "modbus_rtu", unit_id=5, line="rtu-line1"),
    ]


async def test_second_fleet_refuses_a_live_line_and_keeps_its_link(tmp_path: Path) -> None:
    link = tmp_path / "sim" / "rtu-line1"
    links = {"rtu-line1": str(link)}
    async with SimFleet(_specs(), line_links=links):
        first = os.readlink(link)
        assert Path(first).exists()
        with pytest.raises(OSError, match="already linked"):
            async with SimFleet(_specs(), line_links=links):
                pass  # pragma: no cover
        assert os.readlink(link) == first  # the running simulator's line still works
    assert not link.exists() and not link.is_symlink()  # its owner removed it on exit


async def test_stale_link_of_a_killed_simulator_is_replaced(tmp_path: Path) -> None:
    link = tmp_path / "sim" / "rtu-line1"
    link.parent.mkdir(parents=True)
    link.symlink_to(tmp_path / "gone-pty")
    async with SimFleet(_specs(), line_links={"rtu-line1": str(link)}):
        assert Path(os.readlink(link)).exists()


async def test_link_whose_target_exists_again_but_has_no_owner_is_replaced(tmp_path: Path) -> None:
    """A killed simulator's pty number may be reused by another terminal: the link's target
    exists, yet nobody serves the line, so the next simulator takes it over."""
    link = tmp_path / "sim" / "rtu-line1"
    link.parent.mkdir(parents=True)
    reused = tmp_path / "pts-reused-by-someone-else"
    reused.write_text("")
    link.symlink_to(reused)
    async with SimFleet(_specs(), line_links={"rtu-line1": str(link)}):
        assert os.readlink(link) != str(reused)
        assert reused.exists()  # the other terminal's device is left alone


_OWNER = """
import asyncio, sys
from sirenctl.simulators.fleet import SimFleet, SimSpec
specs = [SimSpec("T04", "sirenctl-generic", "modbus_rtu", unit_id=4, line="rtu-line1")]
async def main():
    async with SimFleet(specs, line_links={"rtu-line1": sys.argv[1]}):
        print("serving", flush=True)
        await asyncio.Event().wait()
asyncio.run(main())
"""


async def test_a_sigkilled_owner_gives_the_line_up_and_a_live_one_keeps_it(tmp_path: Path) -> None:
    import signal
    import subprocess
    import sys

    link = tmp_path / "sim" / "rtu-line1"
    owner = subprocess.Popen(
        [sys.executable, "-c", _OWNER, str(link)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert owner.stdout is not None
        assert owner.stdout.readline().strip() == "serving"
        with pytest.raises(OSError, match="already linked"):
            async with SimFleet(_specs(), line_links={"rtu-line1": str(link)}):
                pass  # pragma: no cover
        owner.send_signal(signal.SIGKILL)
        owner.wait(timeout=30)
        assert link.is_symlink()  # SIGKILL left its link behind
        async with SimFleet(_specs(), line_links={"rtu-line1": str(link)}):
            assert Path(os.readlink(link)).exists()
    finally:
        owner.kill()
        owner.wait(timeout=30)
