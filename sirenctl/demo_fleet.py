"""The simulated controllers behind the demo county's terminals.

``sirenctl sim run`` (and ``sirenctl demo`` in a terminal) serve exactly the endpoints that
``sirenctl demo`` registers: TCP terminals on fixed loopback ports and one RS-485 line whose pty
is linked at a stable path in the data directory.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from sirenctl.registry.demo import (
    DEMO_SIM_BASE_PORT,
    DEMO_TERMINALS,
    demo_rtu_device,
    load_demo_base_port,
)

if TYPE_CHECKING:
    from sirenctl.simulators.fleet import SimSpec

DEMO_RTU_LINE = "rtu-line1"


def demo_sim_specs(data_dir: Path | None = None) -> list[SimSpec]:
    """The demo's terminals on the ports ``sirenctl demo`` recorded for this user (see
    sirenctl/registry/demo.py pick_demo_base_port), else the default block."""
    from sirenctl.simulators.fleet import SimSpec

    base = load_demo_base_port(data_dir) if data_dir is not None else DEMO_SIM_BASE_PORT
    specs = []
    for term in DEMO_TERMINALS:
        specs.append(
            SimSpec(
                term.tag,
                term.controller_model,
                term.transport,
                unit_id=term.unit_id,
                line=DEMO_RTU_LINE,
                kind="motor" if term.kind == "motor" else "electronic",
                port=base + term.port_offset if term.port_offset is not None else 0,
                serial=term.serial_no,
            )
        )
    return specs


def demo_fleet_kwargs(data_dir: Path) -> dict[str, Any]:
    """SimFleet keyword arguments that make the RTU line appear where the demo expects it."""
    return {"line_links": {DEMO_RTU_LINE: str(demo_rtu_device(data_dir))}}
