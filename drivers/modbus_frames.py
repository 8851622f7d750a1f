"""Modbus frames as the link sees them: RTU CRC, exception codes, and the screening of a TCP
reply before pymodbus parses it (drivers/modbus_link.py uses these; the simulators build RTU
frames with :func:`rtu_crc`)."""

from __future__ import annotations

from .problems import DriverProblem as P
from .problems import DriverText

EXCEPTION_NAMES = {
    1: P.ILLEGAL_FUNCTION,
    2: P.ILLEGAL_DATA_ADDRESS,
    3: P.ILLEGAL_DATA_VALUE,
    4: P.DEVICE_FAILURE,
    5: P.ACKNOWLEDGE,
    6: P.DEVICE_BUSY,
    8: P.MEMORY_PARITY,
    10: P.GATEWAY_PATH,
    11: P.GATEWAY_TARGET,
}


class Dropped(Exception):
    """Set on the pending pymodbus future when the connection is lost mid-request."""


class WrongTid(Exception):
    """Set on the pending pymodbus future when a TCP reply has another transaction id."""


class Garbled(Exception):
    """Set on the pending pymodbus future when a TCP reply cannot be ours (fail fast)."""


def rtu_crc(data: bytes) -> int:
    """Modbus RTU CRC-16 (returned as the on-wire little-endian integer value)."""
    crc = 0xFFFF
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc


def rtu_crc_ok(frame: bytes) -> bool:
    return len(frame) >= 4 and rtu_crc(frame[:-2]) == int.from_bytes(frame[-2:], "little")


_ERRORS: tuple[type[Exception], type[Exception]] | None = None


def pymodbus_errors() -> tuple[type[Exception], type[Exception]]:
    global _ERRORS
    if _ERRORS is None:
        from pymodbus.exceptions import ConnectionException, ModbusIOException

        _ERRORS = (ConnectionException, ModbusIOException)
    return _ERRORS


FUNCTION_CODES = {
    "read_holding_registers": 3,
    "read_input_registers": 4,
    "write_register": 6,
    "write_registers": 16,
}


def screen_tcp_reply(data: bytes, sent_tid: bytes, unit: int, fc: int) -> Exception | None:
    """Why a received TCP buffer cannot be the answer to the request in flight (None: it can).

    MBAP: tid(2) pid(2) len(2) unit(1) fc(1). pymodbus would skip a frame from the wrong unit
    (then time out) and raises inside data_received on an unknown function code; both are a
    bad frame: the request fails now and the stream is dropped.
    """
    if len(data) < 8:
        return None
    if sent_tid and data[:2] != sent_tid:
        return WrongTid(
            DriverText(
                P.STRAY_TRANSACTION,
                got=int.from_bytes(data[:2], "big"),
                sent=int.from_bytes(sent_tid, "big"),
            )
        )
    if data[6] != unit or data[7] not in (fc, fc | 0x80):
        return Garbled(
            DriverText(
                P.UNEXPECTED_FRAME,
                got=data[6],
                got_function=data[7],
                unit=unit,
                function=fc,
                frame=data[:16].hex(" "),
            )
        )
    return None
