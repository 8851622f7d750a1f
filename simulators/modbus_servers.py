"""pymodbus servers for simulated controllers, with per-device fault injection.

Built on ``SimDevice`` (``ModbusServerContext``/``ModbusDeviceContext`` are deprecated in
pymodbus 3.16). Two things ``SimDevice`` cannot do are done here instead:

- silence, corrupt CRC, garbled bytes, wrong unit id: rewriting the outgoing frame in
  the connection's ``trace_packet`` hook (an unknown unit id would otherwise answer
  exception 4; on an RS-485 line we stay silent like real hardware);
- dropping the TCP connection: the hook closes that connection's transport.

The request handler is subclassed for one reason: pymodbus 3.16's handler reads
``self.last_pdu`` again *after* awaiting the datastore, so with a slow device a later
request's id/transaction id is put on the earlier reply. Ours captures the request first.
"""

from __future__ import annotations

import asyncio
import traceback
from typing import Any

from pymodbus.constants import ExcCodes
from pymodbus.exceptions import NoSuchIdException
from pymodbus.logging import Log
from pymodbus.pdu import ExceptionResponse, ModbusPDU
from pymodbus.server import ModbusSerialServer, ModbusTcpServer, ModbusTlsServer
from pymodbus.server.requesthandler import ServerRequestHandler

from sirenctl.drivers.modbus_frames import rtu_crc

from .controller import SimController

WRITES = (6, 16)  # write single / multiple registers: how commands reach a controller


class _SimHandler(ServerRequestHandler):
    async def handle_request(self) -> None:
        pdu, addr = self.last_pdu, self.last_addr
        if not pdu:
            return
        if (
            self.server.injector.silent_unknown
            and pdu.dev_id not in self.server.injector.controllers
        ):
            return  # another unit's frame on the shared line: not ours to answer
        ctrl = self.server.injector.controllers.get(pdu.dev_id)
        response: ModbusPDU
        try:
            if ctrl is not None and ctrl.faults.exception and pdu.function_code in WRITES:
                response = ExceptionResponse(pdu.function_code, ExcCodes.DEVICE_FAILURE)
            else:
                response = await pdu.datastore_update(self.server.context, pdu.dev_id)
        except NoSuchIdException:
            response = ExceptionResponse(pdu.function_code, ExcCodes.GATEWAY_NO_RESPONSE)
        except Exception as exc:  # noqa: BLE001 - mirror pymodbus: answer device failure
            Log.error("Datastore unable to fulfill request: {}; {}", exc, traceback.format_exc())
            response = ExceptionResponse(pdu.function_code, ExcCodes.DEVICE_FAILURE)
        response.transaction_id = pdu.transaction_id
        response.dev_id = pdu.dev_id
        if self.transport:
            self.server_send(response, addr)


class FaultInjector:
    """Applies each unit's communication faults to frames on one server."""

    def __init__(
        self, framing: str, controllers: dict[int, SimController], silent_unknown: bool
    ) -> None:
        self.framing = framing  # "tcp" or "rtu"
        self.controllers = controllers
        self.silent_unknown = silent_unknown
        self.frames_out = 0

    def trace(self, handler: Any, sending: bool, data: bytes) -> bytes:
        if not data:
            return data
        if not sending:
            return self._incoming(handler, data)
        uid_pos = 6 if self.framing == "tcp" else 0
        if len(data) <= uid_pos:
            return data
        ctrl = self.controllers.get(data[uid_pos])
        if ctrl is None:
            return b"" if self.silent_unknown else data
        f = ctrl.faults
        if f.silent or (f.drop and self.framing == "rtu"):
            return b""
        if f.lose_ack and data[uid_pos + 1] in WRITES:
            return b""
        if f.die_on_write and data[uid_pos + 1] in WRITES:  # executed; the unit dies now
            if self.framing == "tcp":
                f.drop = True
                if handler.transport:
                    handler.transport.close()
            else:
                f.silent = True
            return b""
        self.frames_out += 1
        if f.wrong_tid and self.framing == "tcp":
            tid = (int.from_bytes(data[:2], "big") + 1) % 65536
            return tid.to_bytes(2, "big") + data[2:]
        if f.wrong_unit:
            wrong = ctrl.unit_id % 247 + 1
            if self.framing == "tcp":
                return data[:6] + bytes([wrong]) + data[7:]
            body = bytes([wrong]) + data[1:-2]
            return body + rtu_crc(body).to_bytes(2, "little")
        if f.wrong_tid and self.framing == "tcp":
            tid = (int.from_bytes(data[:2], "big") + 7) % 65536
            return tid.to_bytes(2, "big") + data[2:]
        if f.garble:
            if self.framing == "tcp":
                return data[:7] + bytes(len(data) - 7)  # function code 0: undecodable
            return bytes([0xFF, 0x00] * (len(data) // 2 + 1))[: len(data)]
        if f.crc:
            if self.framing == "tcp":  # no CRC on TCP: corrupt the PDU instead
                return data[:7] + bytes(len(data) - 7)
            return data[:-1] + bytes([data[-1] ^ 0xFF])
        return data

    def _incoming(self, handler: Any, data: bytes) -> bytes:
        if self.framing != "tcp" or len(data) < 7:
            return data
        ctrl = self.controllers.get(data[6])
        if ctrl is not None and ctrl.faults.drop:
            ctrl.stats.requests += 1
            if handler.transport:
                handler.transport.close()
            return b""
        return data


class _InjectingServer:
    injector: FaultInjector

    def callback_new_connection(self) -> ServerRequestHandler:
        handler = _SimHandler(self, None, None, None)
        handler.trace_packet = lambda sending, data: self.injector.trace(handler, sending, data)
        return handler


class SimTcpServer(_InjectingServer, ModbusTcpServer):
    """One listening TCP port hosting one controller (or several unit ids, like a gateway)."""

    def __init__(
        self,
        devices: list[Any],
        controllers: dict[int, SimController],
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(devices, address=(host, port))
        self.injector = FaultInjector("tcp", controllers, silent_unknown=False)
        self.host = host
        self.requested_port = port

    @property
    def port(self) -> int:
        port: int = self.transport.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return port  # (pymodbus types the listener as a BaseTransport; it is an asyncio.Server)

    async def start(self) -> None:
        try:
            await self.serve_forever(background=True)
        except RuntimeError as exc:  # pymodbus hides the bind error behind a RuntimeError
            raise OSError(
                f"cannot listen on {self.host}:{self.requested_port} (address in use?)"
            ) from exc


class SimTlsServer(_InjectingServer, ModbusTlsServer):
    """Modbus/TCP Security: one controller behind TLS (port 802 in the field), mutual auth."""

    def __init__(
        self,
        devices: list[Any],
        controllers: dict[int, SimController],
        sslctx: Any,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        super().__init__(devices, address=(host, port), sslctx=sslctx)
        self.injector = FaultInjector("tcp", controllers, silent_unknown=False)
        self.host = host
        self.requested_port = port

    port = SimTcpServer.port
    start = SimTcpServer.start


class SimRtuServer(_InjectingServer, ModbusSerialServer):
    """An RS-485 line: several unit ids on one serial port; unknown units stay silent."""

    def __init__(
        self,
        devices: list[Any],
        controllers: dict[int, SimController],
        port: str,
        baudrate: int = 9600,
        bytesize: int = 8,
        parity: str = "N",
        stopbits: int = 1,
    ) -> None:
        super().__init__(
            devices,
            port=port,
            baudrate=baudrate,
            bytesize=bytesize,
            parity=parity,
            stopbits=stopbits,
            reconnect_delay=0,
        )
        self.injector = FaultInjector("rtu", controllers, silent_unknown=True)

    async def start(self) -> None:
        await self.serve_forever(background=True)
        await asyncio.sleep(0)
