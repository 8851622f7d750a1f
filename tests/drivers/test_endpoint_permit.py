"""Endpoint validation and permits: the values the registry hands to the driver layer."""

from __future__ import annotations

import pytest

from sirenctl.drivers.endpoint import Endpoint
from sirenctl.drivers.errors import RefusedForSafety
from sirenctl.drivers.permit import Permit, require_permit


def test_tcp_and_serial_channel_keys() -> None:
    tcp = Endpoint("modbus_tcp", host="10.0.0.5", port=502, unit_id=3)
    assert tcp.channel_key == "tcp:10.0.0.5:502"
    a = Endpoint("modbus_rtu", device="/dev/ttyUSB0", unit_id=1)
    b = Endpoint("modbus_rtu", device="/dev/ttyUSB0", unit_id=2)
    assert a.channel_key == b.channel_key == "serial:/dev/ttyUSB0"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"transport": "modbus_udp", "host": "h", "port": 1}, "transport"),
        ({"transport": "modbus_tcp", "port": 502}, "host"),
        ({"transport": "modbus_tcp", "host": "h", "port": 70000}, "port"),
        ({"transport": "modbus_rtu"}, "device"),
        ({"transport": "modbus_rtu", "device": "/dev/x", "baudrate": 1234}, "baudrate"),
        ({"transport": "modbus_rtu", "device": "/dev/x", "unit_id": 0}, "unit_id"),
        ({"transport": "modbus_rtu", "device": "/dev/x", "unit_id": 248}, "unit_id"),
        ({"transport": "modbus_tcp", "host": "h", "port": 1, "timeout": 0}, "timeout"),
        ({"transport": "bench_serial", "device": "/dev/x", "host": "h"}, "host"),
    ],
)
def test_endpoint_errors_name_the_field(kwargs: dict, field: str) -> None:
    with pytest.raises(ValueError, match=rf"^{field}"):
        Endpoint(**kwargs)


def test_parse_serial_settings() -> None:
    assert Endpoint.parse_serial_settings("9600 8N1") == {
        "baudrate": 9600,
        "bytesize": 8,
        "parity": "N",
        "stopbits": 1,
    }
    assert Endpoint.parse_serial_settings("19200,8e2")["parity"] == "E"
    for bad in ("9600", "9600 9N1", "fast 8N1", "1234 8N1"):
        with pytest.raises(ValueError, match="serial settings"):
            Endpoint.parse_serial_settings(bad)


def test_permit_only_from_constructors() -> None:
    with pytest.raises(TypeError, match="cannot be constructed directly"):
        Permit("bench", frozenset({"T1"}), 0.0, 1e12)


def test_authorised_permit_needs_two_people_and_reason() -> None:
    with pytest.raises(ValueError, match="different person"):
        Permit.authorised("S1", approved_by="Li", planner="li ", reason="9.18")
    with pytest.raises(ValueError, match="reason"):
        Permit.authorised("S1", approved_by="Li", planner="Wang", reason=" ")
    p = Permit.authorised(["S1", "S2"], approved_by="Li", planner="Wang", reason="9.18", now=100)
    p.check("S2", now=200)


def test_permit_check_target_and_expiry() -> None:
    p = Permit.for_bench("B1", valid_for=60, now=1000)
    p.check("B1", now=1030)
    with pytest.raises(RefusedForSafety, match="not B2"):
        p.check("B2", now=1030)
    with pytest.raises(RefusedForSafety, match="expired"):
        p.check("B1", now=1061)
    with pytest.raises(RefusedForSafety, match="needs a permit"):
        require_permit(None, "B1", "sound")
