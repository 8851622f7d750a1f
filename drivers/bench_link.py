"""Bench link: one pyserial port speaking the line-based bench protocol.

The port is opened non-blocking and watched with the event loop's reader, so a request
is an ordinary awaitable bounded by the endpoint timeout. Nothing is sent on open.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from . import bench_protocol as bp
from .endpoint import Endpoint
from .errors import BadFrame, ExceptionResponse, NoResponse, RequestTimeout
from .link import Backoff, Link
from .problems import DriverProblem as P
from .problems import DriverText


class BenchLink(Link):
    def __init__(
        self, endpoint: Endpoint, *, reconnect_min: float = 0.5, reconnect_max: float = 30.0
    ) -> None:
        super().__init__(endpoint)
        self.backoff = Backoff(reconnect_min, reconnect_max)
        self._port: Any = None
        self._buf = b""
        self._waiter: asyncio.Future[bytes] | None = None

    def _open(self) -> None:
        import serial

        ep = self.endpoint
        self.stats.connects += 1
        self._port = serial.serial_for_url(
            ep.device,
            baudrate=ep.baudrate,
            bytesize=ep.bytesize,
            parity=ep.parity,
            stopbits=ep.stopbits,
            timeout=0,
            write_timeout=0,
            exclusive=True,
        )
        self._buf = b""
        asyncio.get_running_loop().add_reader(self._port.fileno(), self._on_readable)

    def _on_readable(self) -> None:
        try:
            data = self._port.read(4096)
        except Exception:  # noqa: BLE001 - port vanished
            self._close_port()
            return
        self._buf = (self._buf + data)[-bp.MAX_LINE * 4 :]
        if self._waiter is not None and not self._waiter.done() and b"\n" in self._buf:
            line, _, self._buf = self._buf.partition(b"\n")
            self._waiter.set_result(line)

    def _close_port(self) -> None:
        if self._port is not None:
            with contextlib.suppress(Exception):
                asyncio.get_running_loop().remove_reader(self._port.fileno())
            with contextlib.suppress(Exception):
                self._port.close()
        self._port = None
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_exception(
                NoResponse(DriverText(P.PORT_CLOSED, device=self.endpoint.device))
            )

    async def _close_transport(self) -> None:
        self._close_port()

    def _ensure_open(self) -> None:
        if self._port is not None:
            return
        loop = asyncio.get_running_loop()
        if not self.backoff.ready(loop.time()):
            raise NoResponse(
                DriverText(
                    P.PORT_BACKOFF,
                    device=self.endpoint.device,
                    wait=self.backoff.wait_left(loop.time()),
                )
            )
        try:
            self._open()
        except Exception as exc:  # noqa: BLE001 - serial open errors
            self.stats.connect_failures += 1
            self.backoff.failed(loop.time())
            raise NoResponse(
                DriverText(P.CANNOT_OPEN, device=self.endpoint.device, error=exc)
            ) from None
        self.backoff.succeeded()

    async def exchange(self, command: str, *args: object) -> bp.Reply:
        """Send one request line and wait for its reply line. Call inside ``submit``."""
        self._ensure_open()
        payload = "$" + " ".join([command, *(str(a) for a in args)])
        loop = asyncio.get_running_loop()
        self._buf = b""  # discard anything stale before a new request
        self._waiter = loop.create_future()
        try:
            self._port.write(bp.encode(payload))
            async with asyncio.timeout(self.endpoint.timeout):
                line = await self._waiter
        except TimeoutError:
            got = self._buf
            self.stats.note_error("timeout" if not got else "bad_frame")
            if got:
                raise BadFrame(
                    DriverText(P.INCOMPLETE_REPLY, command=command, got=got[:40])
                ) from None
            raise RequestTimeout(
                DriverText(P.NO_REPLY_TO, command=command, timeout=self.endpoint.timeout)
            ) from None
        finally:
            self._waiter = None
        try:
            reply = bp.parse_reply(bp.decode(line))
        except bp.FrameError as exc:
            self.stats.note_error("bad_frame")
            raise BadFrame(DriverText(P.BAD_REPLY, command=command, error=exc)) from None
        if reply.command != command and reply.command != "ERR":
            self.stats.note_error("bad_frame")
            raise BadFrame(DriverText(P.REPLY_TO_OTHER, got=reply.command, command=command))
        if not reply.ok:
            self.stats.note_error("exception_response")
            raise ExceptionResponse(
                DriverText(P.COMMAND_REFUSED, command=command, reason=" ".join(reply.args)),
                code=reply.error_code,
            )
        self.stats.ok += 1
        return reply
