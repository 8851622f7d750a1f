"""Register-map-driven Modbus driver: one class serves every model whose map is a TOML file."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from .audit import SinkLike
from .base import POLL_PRIORITY, SirenDriver
from .clock import Clock
from .endpoint import Endpoint
from .errors import BadFrame, DriverError, VerificationFailed
from .link import DIAGNOSTIC
from .modbus_link import ModbusLink
from .problems import DriverProblem as P
from .problems import DriverText
from .regmap import RegisterMap
from .status import Identity, Status
from .status_reader import StatusReader, compile_status_reader

T = TypeVar("T")

#: one generated status reader per register map (drivers/status_reader.py)
_READERS: dict[int, tuple[RegisterMap, StatusReader | None]] = {}


def _status_reader(regmap: RegisterMap) -> StatusReader | None:
    known = _READERS.get(id(regmap))
    if known is None or known[0] is not regmap:
        known = _READERS[id(regmap)] = (regmap, compile_status_reader(regmap))
    return known[1]


class ModbusSirenDriver(SirenDriver):
    driver_name = "modbus"

    def __init__(
        self,
        tag: str,
        endpoint: Endpoint,
        link: ModbusLink,
        regmap: RegisterMap,
        *,
        audit: SinkLike | None = None,
        clock: Clock | None = None,
    ) -> None:
        super().__init__(tag, endpoint, signals=regmap.signals, audit=audit, clock=clock)
        self.link = link
        self.map = regmap
        self.echo_tolerance = regmap.echo_tolerance
        self.echo_delay = regmap.echo_delay
        self._status_reader = _status_reader(regmap)

    @property
    def uses_token(self) -> bool:
        return self.map.has_token

    async def _in_link(self, priority: int, fn: Callable[[], Awaitable[T]], label: str) -> T:
        try:
            return await self.link.submit(priority, fn, label=label)
        except DriverError as exc:
            exc.target = exc.target or self.tag
            raise

    def read_status(self) -> Coroutine[Any, Any, Status]:
        """Poll the status (queued behind commands): the base class's, without a coroutine of
        its own (a sweep of 1,000 controllers makes 1,000); errors name the tag in
        :meth:`_status_now`."""
        return self.link.submit(POLL_PRIORITY, self._status_now, self._poll_label)

    async def _status_now(self) -> Status:
        ep, b = self.endpoint, self.map.status
        call = "read_input_registers" if b.function == 4 else "read_holding_registers"
        try:
            resp = await self.link.request(ep.unit_id, ep.timeout, call, b.address, count=b.count)
        except DriverError as exc:
            exc.target = exc.target or self.tag
            raise
        regs = resp.registers
        if len(regs) < b.count:
            raise BadFrame(
                DriverText(P.REGISTER_COUNT, unit=ep.unit_id, got=len(regs), count=b.count),
                target=self.tag,
            )
        if self._status_reader is not None:
            return self._status_reader(regs, self.clock.now())
        return self.status_from_registers(regs, self.clock.now())

    def status_from_registers(self, regs: list[int], read_at: float) -> Status:
        if self._status_reader is not None and len(regs) >= self.map.status.count:
            return self._status_reader(regs, read_at)
        return self.status_from_fields(self.map.decode_block(self.map.status, regs), read_at)

    def status_from_fields(self, v: dict[str, Any], read_at: float) -> Status:
        """The Status of a decoded status block (the reference the generated reader matches)."""
        kind = v.get("kind")
        if kind in (None, "unknown"):
            kind = self.map.kind if self.map.kind != "any" else None
        return Status(
            mains_present=bool(v["mains_present"]),
            battery_volts=float(v["battery_volts"]),
            door_open=bool(v["door_open"]),
            sounding=bool(v["sounding"]),
            current_signal=int(v["current_signal"]),
            last_function=int(v["last_function"]),
            last_function_time=float(v["last_function_time"]) or None,
            device_clock=float(v["device_clock"]) or None,
            firmware=str(v["firmware"]),
            rotation_fault=v.get("rotation_fault"),
            amplifier_fault=v.get("amplifier_fault"),
            cycles_remaining=v.get("cycles_remaining"),
            last_token=v.get("last_token"),
            self_test=v.get("self_test"),
            battery_low=bool(v.get("battery_low", False)),
            kind=kind,
            read_at=read_at,
        )

    async def _identify(self) -> Identity:
        ep, b = self.endpoint, self.map.identity

        async def job() -> tuple[dict[str, Any], Status]:
            ident: dict[str, Any] = {}
            if b is not None:
                regs = await self.link.read_registers(
                    ep.unit_id, b.function, b.address, b.count, ep.timeout
                )
                ident = self.map.decode_block(b, regs)
            return ident, await self._status_now()

        ident, st = await self._in_link(DIAGNOSTIC, job, f"identify:{self.tag}")
        return Identity(
            model=str(ident.get("model") or self.map.name),
            serial=str(ident.get("serial", "")),
            firmware=st.firmware,
            driver=f"modbus/{self.map.name}",
            extra={"vendor": self.map.vendor, "unit_id": self.endpoint.unit_id},
        )

    async def _write_command_now(self, code: int, cycles: int, token: int | None) -> None:
        ep, m = self.endpoint, self.map
        values = m.encode_command(code, cycles, token)
        await self.link.write_registers(ep.unit_id, m.command_address, values, ep.timeout)
        if self.after_write is not None:
            await self.after_write()
        back = await self.link.read_registers(
            ep.unit_id, 3, m.command_address, len(values), ep.timeout
        )
        if back != values:
            raise VerificationFailed(
                DriverText(P.COMMAND_READBACK, back=back, values=values), target=self.tag
            )
