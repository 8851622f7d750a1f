"""Glue between a :class:`SimController` and a pymodbus ``SimDevice`` (built from the register map).

pymodbus 3.16 runs a ``SimDevice`` action on every read and twice for a single-register
write (once with the values, once for the echo read). The action refreshes the status
registers from the controller's state machine, counts write frames, applies the ``slow``
fault, and turns writes to the command block into controller commands.
"""

from __future__ import annotations

import asyncio
from typing import Any

from sirenctl.drivers.regmap import RegisterMap

from .controller import SimController

READONLY_FUNCS = (3, 4)


def build_simdevice(ctrl: SimController, regmap: RegisterMap) -> Any:
    from pymodbus.simulator import DataType, SimData, SimDevice

    blocks = [
        SimData(
            address=regmap.status.address,
            count=regmap.status.count,
            values=0,
            datatype=DataType.REGISTERS,
            readonly=True,
        )
    ]
    if regmap.identity is not None:
        blocks.append(
            SimData(
                address=regmap.identity.address,
                count=regmap.identity.count,
                values=0,
                datatype=DataType.REGISTERS,
                readonly=True,
            )
        )
    blocks.append(
        SimData(
            address=regmap.command_address,
            count=len(regmap.command_layout),
            values=0,
            datatype=DataType.REGISTERS,
        )
    )
    blocks.sort(key=lambda b: b.address)
    return SimDevice(id=ctrl.unit_id, simdata=blocks, action=DeviceAction(ctrl, regmap).run)


class DeviceAction:
    """The ``SimDevice`` action for one controller (``run`` is passed to pymodbus)."""

    def __init__(self, ctrl: SimController, regmap: RegisterMap) -> None:
        self.ctrl = ctrl
        self.map = regmap

    async def run(
        self,
        func_code: int,
        start_address: int,
        address: int,
        count: int,
        registers: list[int],
        set_values: Any,
    ) -> None:
        ctrl, m = self.ctrl, self.map
        first_call = set_values is not None or func_code in READONLY_FUNCS
        if first_call:
            ctrl.stats.requests += 1
            if ctrl.faults.slow:
                await asyncio.sleep(ctrl.faults.slow)
        now = ctrl.clock.now()
        if set_values is None:
            self._refresh(registers, start_address, now)
            return None
        ctrl.stats.write_frames += 1
        if ctrl.faults.ignore_write:
            off = address - start_address
            set_values[:] = registers[off : off + len(set_values)]  # store what was there
            return None
        cmd = m.command_range()
        end = address + len(set_values)
        if address < cmd.stop and end > cmd.start:
            current = [ctrl.command_regs[p] for p in m.command_layout]
            for i, v in enumerate(set_values):
                if cmd.start <= address + i < cmd.stop:
                    current[address + i - cmd.start] = int(v)
            ctrl.command_regs = dict(zip(m.command_layout, current, strict=True))
            trigger_addr = cmd.start + m.command_layout.index(m.trigger)
            if address <= trigger_addr < end:
                view = m.decode_command(current)
                ctrl.execute(
                    view["function"], view["cycles"], view["token"] if m.has_token else None
                )
        return None

    def _refresh(self, registers: list[int], start: int, now: float) -> None:
        m, ctrl = self.map, self.ctrl
        st = m.encode_block(m.status, ctrl.snapshot(now))
        i = m.status.address - start
        registers[i : i + len(st)] = st
        if m.identity is not None:
            ident = m.encode_block(m.identity, ctrl.identity())
            j = m.identity.address - start
            registers[j : j + len(ident)] = ident
