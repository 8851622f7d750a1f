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
