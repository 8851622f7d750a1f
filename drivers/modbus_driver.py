"""Register-map-driven Modbus driver: one class serves every model whose map is a TOML file."""

from __future__ import annotations

from typing import Any

from .audit import AuditSink
from .base import SirenDriver
from .clock import Clock
from .endpoint import Endpoint
from .errors import VerificationFailed
from .link import COMMAND
from .modbus_link import ModbusLink
from .regmap import RegisterMap
from .status import Identity, Status


class ModbusSirenDriver(SirenDriver):
    driver_name = "modbus"

    def __init__(self, tag: str, endpoint: Endpoint, link: ModbusLink, regmap: RegisterMap, *,
                 audit: AuditSink | None = None, clock: Clock | None = None) -> None:
        super().__init__(tag, endpoint, signals=regmap.signals, audit=audit, clock=clock)
        self.link = link
        self.map = regmap
        self.echo_tolerance = regmap.echo_tolerance
        self.echo_delay = regmap.echo_delay

    @property
    def uses_token(self) -> bool:
        return self.map.has_token

    async def _read(self, function: int, address: int, count: int, priority: int,
                    label: str) -> list[int]:
        ep = self.endpoint
        return await self.link.submit(
            priority,
            lambda: self.link.read_registers(ep.unit_id, function, address, count, ep.timeout),
            label=f"{label}:{self.tag}",
        )

    async def _read_status(self, *, priority: int) -> Status:
        b = self.map.status
        try:
            regs = await self._read(b.function, b.address, b.count, priority,
                                    "poll" if priority else "status")
        except Exception as exc:
            if hasattr(exc, "target") and exc.target is None:
                exc.target = self.tag
            raise
        return self.status_from_registers(regs, self.clock.now())

    def status_from_registers(self, regs: list[int], read_at: float) -> Status:
        v: dict[str, Any] = self.map.decode_block(self.map.status, regs)
        kind = v.get("kind")
        if kind in (None, "unknown"):
            kind = self.map.kind if self.map.kind != "any" else None
        return Status(
            mains_present=bool(v["mains_present"]), battery_volts=float(v["battery_volts"]),
            door_open=bool(v["door_open"]), sounding=bool(v["sounding"]),
            current_signal=int(v["current_signal"]), last_function=int(v["last_function"]),
            last_function_time=float(v["last_function_time"]) or None,
            device_clock=float(v["device_clock"]) or None, firmware=str(v["firmware"]),
            rotation_fault=v.get("rotation_fault"), amplifier_fault=v.get("amplifier_fault"),
            cycles_remaining=v.get("cycles_remaining"), last_token=v.get("last_token"),
            self_test=v.get("self_test"), battery_low=bool(v.get("battery_low", False)),
            kind=kind, read_at=read_at,
        )

    async def _identify(self) -> Identity:
        ident: dict[str, Any] = {}
        if self.map.identity is not None:
            b = self.map.identity
            regs = await self._read(b.function, b.address, b.count, 5, "identify")
            ident = self.map.decode_block(b, regs)
        st = await self._read_status(priority=5)
        return Identity(model=str(ident.get("model") or self.map.name),
                        serial=str(ident.get("serial", "")), firmware=st.firmware,
                        driver=f"modbus/{self.map.name}",
                        extra={"vendor": self.map.vendor, "unit_id": self.endpoint.unit_id})

    async def _send_command(self, code: int, cycles: int, token: int | None) -> None:
        ep, m = self.endpoint, self.map
        values = m.encode_command(code, cycles, token)

        async def write_then_read_back() -> list[int]:
            await self.link.write_registers(ep.unit_id, m.command_address, values, ep.timeout)
            return await self.link.read_registers(ep.unit_id, 3, m.command_address,
                                                  len(values), ep.timeout)

        # write + read-back run back to back on the link: nothing else gets in between
        back = await self.link.submit(COMMAND, write_then_read_back, label=f"command:{self.tag}")
        if back != values:
            raise VerificationFailed(
                f"command registers read back {back}, wrote {values}", target=self.tag)
