"""Where and how to reach one controller."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

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
            raise ValueError(f"transport: {self.transport!r} is not one of {', '.join(TRANSPORTS)}")
        if not self.model or not isinstance(self.model, str):
            raise ValueError("model: must be a non-empty register-map/driver name")
        if self.transport == "modbus_tcp":
            if not self.host:
                raise ValueError("host: required for modbus_tcp")
            if self.port is None or not 1 <= int(self.port) <= 65535:
                raise ValueError(f"port: {self.port!r} must be 1..65535 for modbus_tcp")
            if self.device:
                raise ValueError("device: a serial device makes no sense for modbus_tcp")
        else:
            if not self.device:
                raise ValueError(f"device: serial device path required for {self.transport}")
            if self.host or self.port:
                raise ValueError(f"host/port: not used by {self.transport}; give device only")
            if self.baudrate not in _BAUDRATES:
                raise ValueError(f"baudrate: {self.baudrate!r} is not a standard rate")
            if self.parity.upper() not in ("N", "E", "O", "M", "S"):
                raise ValueError(f"parity: {self.parity!r} must be N, E, O, M or S")
            if self.bytesize not in (5, 6, 7, 8):
                raise ValueError(f"bytesize: {self.bytesize!r} must be 5..8")
            if self.stopbits not in (1, 2):
                raise ValueError(f"stopbits: {self.stopbits!r} must be 1 or 2")
        if self.tls is not None and self.transport != "modbus_tcp":
            raise ValueError(f"tls: only for modbus_tcp, not {self.transport}")
        # unit 0 is broadcast (never answered); 248..255 are reserved
        if not isinstance(self.unit_id, int) or not 1 <= self.unit_id <= 247:
            raise ValueError(f"unit_id: {self.unit_id!r} must be 1..247")
        if not isinstance(self.timeout, (int, float)) or not 0.01 <= self.timeout <= 60:
            raise ValueError(f"timeout: {self.timeout!r} must be 0.01..60 seconds")

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
            raise ValueError(
                f"serial settings: {text!r} is not like '9600 8N1' (baud, data bits, parity, stop bits)"
            )
        baud = int(m.group(1))
        if baud not in _BAUDRATES:
            raise ValueError(f"serial settings: baud rate {baud} is not a standard rate")
        return {
            "baudrate": baud,
            "bytesize": int(m.group(2)),
            "parity": m.group(3).upper(),
            "stopbits": int(m.group(4)),
        }


_BAUDRATES = frozenset(
    (300, 600, 1200, 2400, 4800, 9600, 14400, 19200, 38400, 57600, 115200, 230400)
)
