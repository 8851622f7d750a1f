"""Modbus link: owns one pymodbus async client for a TCP endpoint or one RS-485 line.

- ``retries=0`` always: pymodbus retries resend writes (docs/development.md, "Dependency pitfalls").
- Every request is bounded by the unit's own timeout; a dead unit costs only that.
- Nothing is sent on connect or reconnect; reconnect happens on the next request,
  with exponential back-off after failed connects (requests fail fast meanwhile).
- After a timeout on TCP the connection is closed (a late reply can never be taken as
  the answer to the next request); on a serial line we wait a quiet period instead.
- Serial lines keep an inter-frame gap of at least 3.5 characters.
- Replies that arrive but do not parse are reported as :class:`BadFrame` (CRC error,
  garbage, wrong unit id), not as a plain timeout.

pymodbus is imported lazily: ``sirenctl --help`` must not import it.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from .endpoint import Endpoint
from .errors import (
    BadFrame,
    CommError,
    ExceptionResponse,
    NoResponse,
    RequestTimeout,
    WrongTransactionId,
)
from .link import Backoff, Link
from .modbus_frames import (
    EXCEPTION_NAMES,
    FUNCTION_CODES,
    Dropped,
    Garbled,
    WrongTid,
    pymodbus_errors,
    rtu_crc_ok,
    screen_tcp_reply,
)
from .problems import DriverProblem as P
from .problems import DriverText, text_of


class ModbusLink(Link):
    """One pymodbus client for one channel (see module doc)."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        inter_frame_gap: float = 0.0,
        reconnect_min: float = 0.5,
        reconnect_max: float = 30.0,
        quiet_after_timeout: float | None = None,
    ) -> None:
        super().__init__(endpoint)
        self.serial = endpoint.transport == "modbus_rtu"
        char_time = endpoint.char_bits / endpoint.baudrate if self.serial else 0.0
        self.char_time = char_time
        self.gap = max(inter_frame_gap, 3.5 * char_time) if self.serial else 0.0
        self.quiet_after_timeout = (
            quiet_after_timeout if quiet_after_timeout is not None else max(0.05, 40 * char_time)
        )
        self.backoff = Backoff(reconnect_min, reconnect_max)
        self._client: Any = None
        self._rx = b""
        self._last_io = 0.0
        self._quiet_until = 0.0
        self._connected = False
        #: connections made so far: a fact read on one connection holds only while it lasts
        self.connections = 0
        self._expect_unit = 0  # unit and function code of the request in flight
        self._expect_fc = 0
        self._sslctx: Any = None
        self._sent_tid = b""

    # ---- connection -------------------------------------------------------------------
    def _make_client(self, timeout: float) -> Any:
        from pymodbus.client import AsyncModbusSerialClient, AsyncModbusTcpClient

        ep = self.endpoint
        common: dict[str, Any] = dict(
            timeout=timeout,
            retries=0,
            reconnect_delay=0,
            reconnect_delay_max=0,
            trace_packet=self._trace_packet,
            trace_connect=self._trace_connect,
            name=self.channel_key,
        )
        if self.serial:
            assert ep.device is not None  # Endpoint.__post_init__ requires it for RTU
            return AsyncModbusSerialClient(
                ep.device,
                baudrate=ep.baudrate,
                bytesize=ep.bytesize,
                parity=ep.parity,
                stopbits=ep.stopbits,
                **common,
            )
        assert ep.host is not None and ep.port is not None  # required for TCP (Endpoint)
        if ep.tls is not None:
            from pymodbus.client import AsyncModbusTlsClient

            return AsyncModbusTlsClient(ep.host, port=ep.port, sslctx=self._tls_context(), **common)
        return AsyncModbusTcpClient(ep.host, port=ep.port, **common)

    def _tls_context(self) -> Any:
        from .errors import ConfigError
        from .tls import TlsSetupError

        if self._sslctx is None:
            assert self.endpoint.tls is not None
            try:
                self._sslctx = self.endpoint.tls.client_context()
            except TlsSetupError as exc:
                raise ConfigError(text_of(exc)) from None
        return self._sslctx

    def _trace_packet(self, sending: bool, data: bytes) -> bytes:
        if sending:
            if not self.serial and len(data) >= 2:
                self._sent_tid = data[:2]
            return data
        self._rx = data  # pymodbus passes the whole receive buffer
        if self.serial:
            return data
        problem = screen_tcp_reply(data, self._sent_tid, self._expect_unit, self._expect_fc)
        if problem is None:
            return data
        fut = self._client.ctx.response_future if self._client else None
        if fut is not None and not fut.done():
            fut.set_exception(problem)
        return b""

    def _trace_connect(self, connected: bool) -> None:
        self._connected = connected
        if connected:
            self.connections += 1
        if not connected and self._client is not None:
            fut = self._client.ctx.response_future
            if not fut.done():
                fut.set_exception(Dropped())

    @property
    def connected(self) -> bool:
        return self._client is not None and self._client.connected

    async def _ensure_connected(self, timeout: float) -> None:
        if self.connected:
            return
        loop = asyncio.get_running_loop()
        now = loop.time()
        if not self.backoff.ready(now):
            raise NoResponse(
                DriverText(
                    P.LINK_BACKOFF, channel=self.channel_key, wait=self.backoff.wait_left(now)
                )
            )
        if self.endpoint.tls is not None:
            from .tls import probe

            problem = await probe(
                str(self.endpoint.host),
                int(self.endpoint.port or 802),
                self._tls_context(),
                timeout,
            )
            if problem:
                self.stats.connect_failures += 1
                self.backoff.failed(loop.time())
                raise NoResponse(
                    DriverText(
                        P.CANNOT_CONNECT_BECAUSE, endpoint=self.endpoint.describe(), error=problem
                    )
                )
        if self._client is None:
            self._client = self._make_client(timeout)
        self._client.ctx.comm_params.timeout_connect = timeout
        self.stats.connects += 1
        err: Exception | None
        try:
            ok = await self._client.connect()  # sends nothing
        except Exception as exc:  # noqa: BLE001 - serial open errors etc.
            ok = False
            err = exc
        else:
            err = None
        if not ok:
            self.stats.connect_failures += 1
            self.backoff.failed(loop.time())
            raise NoResponse(
                DriverText(P.CANNOT_CONNECT_BECAUSE, endpoint=self.endpoint.describe(), error=err)
                if err
                else DriverText(P.CANNOT_CONNECT, endpoint=self.endpoint.describe())
            )
        self.backoff.succeeded()
        if self.serial:
            await asyncio.sleep(0)  # let the serial transport finish setup

    async def warm_up(self) -> None:
        """Connect now, before the instant (sends nothing); a failure is left for the request."""
        if not self.connected and not self._closed:
            with contextlib.suppress(CommError):
                await self._ensure_connected(self.endpoint.timeout)

    def _drop_connection(self) -> None:
        if self._client is not None:
            with contextlib.suppress(Exception):
                self._client.close()

    async def _close_transport(self) -> None:
        self._drop_connection()
        self._client = None

    # ---- requests ---------------------------------------------------------------------
    async def _wait_spacing(self) -> None:
        loop = asyncio.get_running_loop()
        due = max(self._last_io + self.gap, self._quiet_until)
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)

    def _classify_silence(self, unit: int, timeout: float) -> CommError:
        rx = self._rx
        if not rx:
            return RequestTimeout(DriverText(P.NO_REPLY, unit=unit, timeout=timeout))
        if self.serial:
            if rx[0] != unit and rtu_crc_ok(rx):
                return BadFrame(
                    DriverText(P.REPLY_FROM_OTHER_UNIT, got=rx[0], unit=unit, frame=rx.hex(" "))
                )
            if rx[0] == unit and len(rx) >= 5 and not rtu_crc_ok(rx):
                return BadFrame(DriverText(P.CRC_ERROR, unit=unit, frame=rx.hex(" ")))
        return BadFrame(DriverText(P.GARBLED_REPLY, unit=unit, frame=rx[:32].hex(" ")))

    async def request(self, unit: int, timeout: float, call: str, *args: Any, **kw: Any) -> Any:
        """Run one pymodbus client call (e.g. ``read_input_registers``); map errors to types.

        Must be called from inside :meth:`Link.submit` (the link is then ours alone).
        """
        if self.serial:
            await self._wait_spacing()
        client = self._client
        if client is None or not client.connected:
            await self._ensure_connected(timeout)
            client = self._client
        client.ctx.comm_params.timeout_connect = timeout
        self._rx = b""
        self._expect_unit, self._expect_fc = unit, FUNCTION_CODES.get(call, 0)
        try:
            try:  # bounded by pymodbus' own wait_for(timeout); retries=0
                resp = await getattr(client, call)(*args, device_id=unit, **kw)
            finally:
                if self.serial:  # the inter-frame gap counts from here
                    self._last_io = asyncio.get_running_loop().time()
        except Dropped:
            self._connected = False
            err: CommError = (
                BadFrame(DriverText(P.GARBLED_CLOSED, unit=unit))
                if self._rx
                else NoResponse(DriverText(P.CONNECTION_DROPPED, endpoint=self.endpoint.describe()))
            )
            raise self._fail(err) from None
        except Garbled as exc:
            self._drop_connection()
            raise self._fail(BadFrame(text_of(exc))) from None
        except WrongTid as exc:
            self._drop_connection()
            raise self._fail(WrongTransactionId(text_of(exc))) from None
        except pymodbus_errors()[0] as exc:  # ConnectionException (looked up only on errors)
            raise self._fail(NoResponse(DriverText(P.NOT_CONNECTED, error=exc))) from None
        except pymodbus_errors()[1] as exc:  # ModbusIOException
            text = str(exc)
            if "device id" in text:
                raise self._fail(BadFrame(DriverText(P.WRONG_UNIT, error=text))) from None
            if "No response" in text:
                raise self._fail(self._after_timeout(unit, timeout)) from None
            raise self._fail(BadFrame(DriverText(P.UNDECODABLE, unit=unit, error=text))) from None
        except TimeoutError:
            raise self._fail(self._after_timeout(unit, timeout)) from None
        if resp.isError():
            code = getattr(resp, "exception_code", 0)
            self.stats.note_error("exception_response")
            name = DriverText(EXCEPTION_NAMES.get(code, P.UNKNOWN_EXCEPTION))
            raise ExceptionResponse(
                DriverText(P.EXCEPTION_REPLY, unit=unit, code=code, name=name), code=code
            )
        self.stats.ok += 1
        return resp

    def _after_timeout(self, unit: int, timeout: float) -> CommError:
        err = self._classify_silence(unit, timeout)
        if self.serial:
            # let any late reply pass before the next frame (RTU has no transaction id)
            self._quiet_until = asyncio.get_running_loop().time() + self.quiet_after_timeout
        else:
            self._drop_connection()  # a late TCP reply must not answer the next request
        return err

    def _fail(self, err: CommError) -> CommError:
        self.stats.note_error(err.kind)
        return err

    # ---- typed helpers used by drivers --------------------------------------------------
    async def read_registers(
        self, unit: int, function: int, address: int, count: int, timeout: float
    ) -> list[int]:
        call = "read_input_registers" if function == 4 else "read_holding_registers"
        resp = await self.request(unit, timeout, call, address, count=count)
        regs = list(resp.registers)
        if len(regs) < count:
            raise BadFrame(DriverText(P.REGISTER_COUNT, unit=unit, got=len(regs), count=count))
        return regs[:count]

    async def write_registers(
        self, unit: int, address: int, values: list[int], timeout: float
    ) -> None:
        """One FC16 write, never retried."""
        await self.request(unit, timeout, "write_registers", address, values=list(values))

    async def write_register(self, unit: int, address: int, value: int, timeout: float) -> None:
        """One FC6 write, never retried."""
        await self.request(unit, timeout, "write_register", address, value)


def quiet_pymodbus_logs() -> None:
    """pymodbus logs every timeout as an ERROR with frame dumps; our typed errors say it.

    Called by the CLI-facing helpers; set ``SIRENCTL_PYMODBUS_DEBUG=1`` to keep them.
    """
    import logging
    import os

    if not os.environ.get("SIRENCTL_PYMODBUS_DEBUG"):
        logging.getLogger("pymodbus").setLevel(logging.CRITICAL)
