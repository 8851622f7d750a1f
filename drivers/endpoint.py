"""Where and how to reach one controller."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from .problems import DriverProblem as P
from .problems import DriverText

if TYPE_CHECKING:
    from .tls import TlsConfig

Transport = Literal["modbus_tcp", "modbus_rtu", "bench_serial"]
TRANSPORTS: tuple[str, ...] = ("modbus_tcp", "modbus_rtu", "bench_serial")
SERIAL_TRANSPORTS = ("modbus_rtu", "bench_serial")

_SERIAL_RE = re.compile(r"^\s*(\d+)\s*[,/ ]?\s*([5-8])([NEOMS])([12])\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Endpoint:
    """One controller's address. Validated on construction (ValueError names the field)."""

    transport: Transport
    model: str = "sirenctl-generic"
    host: str | None = None
    port: int | None = None
    device: str | None = None
    baudrate: int = 9600
    parity: str = "N"
    bytesize: int = 8
    stopbits: int = 1
    unit_id: int = 1
    timeout: float = 1.0
    tls: TlsConfig | None = None  # Modbus/TCP Security (drivers/tls.py); modbus_tcp only

    def __post_init__(self) -> None:
        if self.transport not in TRANSPORTS:
            raise ValueError(
                DriverText(P.TRANSPORT, transport=self.transport, known=", ".join(TRANSPORTS))
            )
        if not self.model or not isinstance(self.model, str):
            raise ValueError(DriverText(P.MODEL_REQUIRED))
        if self.transport == "modbus_tcp":
            if not self.host:
                raise ValueError(DriverText(P.HOST_REQUIRED))
            if self.port is None or not 1 <= int(self.port) <= 65535:
                raise ValueError(DriverText(P.PORT_RANGE, port=self.port))
            if self.device:
                raise ValueError(DriverText(P.DEVICE_ON_TCP))
        else:
            if not self.device:
                raise ValueError(DriverText(P.DEVICE_REQUIRED, transport=self.transport))
            if self.host or self.port:
                raise ValueError(DriverText(P.HOST_ON_SERIAL, transport=self.transport))
            if self.baudrate not in _BAUDRATES:
                raise ValueError(DriverText(P.BAUDRATE, baudrate=self.baudrate))
            if self.parity.upper() not in ("N", "E", "O", "M", "S"):
                raise ValueError(DriverText(P.PARITY, parity=self.parity))
            if self.bytesize not in (5, 6, 7, 8):
                raise ValueError(DriverText(P.BYTESIZE, bytesize=self.bytesize))
            if self.stopbits not in (1, 2):
                raise ValueError(DriverText(P.STOPBITS, stopbits=self.stopbits))
        if self.tls is not None and self.transport != "modbus_tcp":
            raise ValueError(DriverText(P.TLS_NOT_TCP, transport=self.transport))
        # unit 0 is broadcast (never answered); 248..255 are reserved
        if not isinstance(self.unit_id, int) or not 1 <= self.unit_id <= 247:
            raise ValueError(DriverText(P.UNIT_ID, unit_id=self.unit_id))
        if not isinstance(self.timeout, (int, float)) or not 0.01 <= self.timeout <= 60:
            raise ValueError(DriverText(P.TIMEOUT_RANGE, timeout=self.timeout))

    @property
    def is_serial(self) -> bool:
        return self.transport in SERIAL_TRANSPORTS

    @property
    def channel_key(self) -> str:
        """The physical channel one Link owns: ``tcp:host:port`` or ``serial:/dev/...``."""
        if self.transport == "modbus_tcp":
            return f"tcp:{self.host}:{self.port}"
        return f"serial:{self.device}"

    @property
    def serial_settings(self) -> str:
        return f"{self.baudrate} {self.bytesize}{self.parity.upper()}{self.stopbits}"

    @property
    def char_bits(self) -> int:
        """Bits on the wire per character: start + data + parity + stop."""
        return 1 + self.bytesize + (0 if self.parity.upper() == "N" else 1) + self.stopbits

    def describe(self) -> str:
        if self.transport == "modbus_tcp":
            tls = " (TLS)" if self.tls is not None else ""
            return f"modbus_tcp {self.host}:{self.port} unit {self.unit_id}{tls}"
        if self.transport == "modbus_rtu":
            return f"modbus_rtu {self.device} {self.serial_settings} unit {self.unit_id}"
        return f"bench_serial {self.device} {self.serial_settings}"

    def with_(self, **changes: Any) -> Endpoint:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        return {
            "transport": self.transport,
            "model": self.model,
            "host": self.host,
            "port": self.port,
            "device": self.device,
            "baudrate": self.baudrate,
            "parity": self.parity,
            "bytesize": self.bytesize,
            "stopbits": self.stopbits,
            "unit_id": self.unit_id,
            "timeout": self.timeout,
            "tls": self.tls is not None,
        }

    @staticmethod
    def parse_serial_settings(text: str) -> dict[str, Any]:
        """Parse ``"9600 8N1"`` (also ``9600,8E1``, ``19200/8n2``) into Endpoint keyword args."""
        m = _SERIAL_RE.match(text or "")
        if not m:
            raise ValueError(DriverText(P.SERIAL_SETTINGS, text=text))
        baud = int(m.group(1))
        if baud not in _BAUDRATES:
            raise ValueError(DriverText(P.SERIAL_BAUD, baud=baud))
        return {
            "baudrate": baud,
            "bytesize": int(m.group(2)),
            "parity": m.group(3).upper(),
            "stopbits": int(m.group(4)),
        }


_BAUDRATES = frozenset(
    (300, 600, 1200, 2400, 4800, 9600, 14400, 19200, 38400, 57600, 115200, 230400)
)
