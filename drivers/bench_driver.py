"""Driver for bench controllers speaking the plain serial bench protocol (no Modbus)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from .audit import SinkLike
from .base import SirenDriver
from .bench_link import BenchLink
from .bench_protocol import Reply
from .clock import Clock
from .endpoint import Endpoint
from .errors import BadFrame, DriverError, VerificationFailed
from .link import DIAGNOSTIC
from .problems import DriverProblem as P
from .problems import DriverText
from .signals import SignalTable
from .status import Identity, Status

T = TypeVar("T")


def _b(v: str | None) -> bool:
    return v == "1"


def _f(v: str | None) -> float | None:
    return float(v) if v not in (None, "", "0") else None


class BenchDriver(SirenDriver):
    driver_name = "bench"

    def __init__(
        self,
        tag: str,
        endpoint: Endpoint,
        link: BenchLink,
        *,
        audit: SinkLike | None = None,
        clock: Clock | None = None,
        signals: SignalTable | None = None,
    ) -> None:
        super().__init__(tag, endpoint, signals=signals or SignalTable(), audit=audit, clock=clock)
        self.link = link

    async def _in_link(self, priority: int, fn: Callable[[], Awaitable[T]], label: str) -> T:
        try:
            return await self.link.submit(priority, fn, label=label)
        except DriverError as exc:
            exc.target = exc.target or self.tag
            raise

    async def _status_now(self) -> Status:
        return self.status_from_reply(await self.link.exchange("ST"), self.clock.now())

    def status_from_reply(self, r: Reply, read_at: float) -> Status:
        f = r.fields
        try:
            kind = f.get("kind") or None
            return Status(
                mains_present=_b(f["mains"]),
                battery_volts=float(f["batt"]),
                door_open=_b(f["door"]),
                sounding=_b(f["snd"]),
                current_signal=int(f["sig"]),
                last_function=int(f["lf"]),
                last_function_time=_f(f.get("lft")),
                device_clock=_f(f.get("clk")),
                firmware=f.get("fw", ""),
                rotation_fault=_b(f["rot"]) if kind != "electronic" else None,
                amplifier_fault=_b(f["amp"]) if kind != "motor" else None,
                cycles_remaining=int(f.get("cyc", 0)),
                last_token=int(f.get("tok", 0)),
                self_test=f.get("test"),
                battery_low=_b(f.get("low")),
                kind=kind,
                read_at=read_at,
            )
        except (KeyError, ValueError) as exc:
            raise BadFrame(
                DriverText(P.BAD_STATUS_FIELD, field=str(exc)), target=self.tag
            ) from None

    async def _identify(self) -> Identity:
        r = await self._in_link(
            DIAGNOSTIC, lambda: self.link.exchange("ID"), f"identify:{self.tag}"
        )
        return Identity(
            model=r.fields.get("model", ""),
            serial=r.fields.get("serial", ""),
            firmware=r.fields.get("fw", ""),
            driver="bench_serial",
        )

    async def _write_command_now(self, code: int, cycles: int, token: int | None) -> None:
        want = {"sig": str(code), "cyc": str(cycles), "tok": str(token or 0)}
        ack = await self.link.exchange("SND", code, cycles, token or 0)
        back = await self.link.exchange("CMD")
        for problem, reply in ((P.BENCH_ACK_MISMATCH, ack), (P.BENCH_READBACK, back)):
            got = {k: reply.fields.get(k) for k in want}
            if got != want:
                raise VerificationFailed(DriverText(problem, got=got, sent=want), target=self.tag)
