"""Closed vocabularies of the registry. Stored as their string values."""

from __future__ import annotations

from enum import StrEnum


class AssetKind(StrEnum):
    HAND_CRANK = "hand_crank"
    MOTOR = "motor"
    ELECTRONIC = "electronic"
    MULTIMEDIA = "multimedia"
    CONTROLLER = "controller"
    OTHER = "other"


class AssetStatus(StrEnum):
    IN_SERVICE = "in_service"
    FAULTY = "faulty"
    UNDER_REPAIR = "under_repair"
    RETIRED = "retired"


class Transport(StrEnum):
    MODBUS_TCP = "modbus_tcp"
    MODBUS_RTU = "modbus_rtu"
    BENCH_SERIAL = "bench_serial"


NETWORKED_KINDS = frozenset(
    {AssetKind.MOTOR, AssetKind.ELECTRONIC, AssetKind.MULTIMEDIA, AssetKind.CONTROLLER}
)


def sql_in(values: type[StrEnum]) -> str:
    """Body of a CHECK constraint allowing exactly the enum's values."""
    return ", ".join(f"'{v.value}'" for v in values)
