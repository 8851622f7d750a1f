"""Audible coverage by the CPG 1-17 planning rule (docs/findings-and-reports.md).

A siren's level falls 10 dB per doubling of distance from its rated level L100 at 100 ft:
``r = 30.48 m * 2 ** ((L100 - Lt) / 10)``. A hand-crank siren has no rating: its level Lm
measured at distance d gives ``L100 = Lm + 10 * log2(d / 30.48)``, so ``r = d * 2 ** ((Lm - Lt)/10)``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

REFERENCE_M = 30.48  # 100 ft
DENSE_TARGET_DBC = 70.0  # > 2,000 people per square mile
SPARSE_TARGET_DBC = 60.0
EARTH_RADIUS_M = 6_371_008.8


def l100_from_measurement(level_db: float, distance_m: float) -> float:
    return level_db + 10 * math.log2(distance_m / REFERENCE_M)


def level_at(l100: float, distance_m: float) -> float:
    return l100 - 10 * math.log2(distance_m / REFERENCE_M)


def radius_m(l100: float, target_dbc: float) -> float:
    return REFERENCE_M * 2 ** ((l100 - target_dbc) / 10)


def rated_l100(
    rated_dbc: float | None, measured_db: float | None, measured_distance_m: float | None
) -> float | None:
    """The L100 to plan with: the rating, else one derived from a measurement, else None."""
    if rated_dbc is not None:
        return rated_dbc
    if measured_db is not None and measured_distance_m:
        return l100_from_measurement(measured_db, measured_distance_m)
    return None


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class Source:
    """A working siren with a position and a planning level."""

    asset_id: int
    tag: str
    lat: float
    lon: float
    l100: float


@dataclass(frozen=True)
class Place:
    site_id: int
    code: str
    lat: float
    lon: float
    population: int


def covering(place: Place, sources: list[Source], target_dbc: float) -> list[Source]:
    """Sirens whose radius at ``target_dbc`` reaches the place."""
    return [
        s
        for s in sources
        if distance_m(place.lat, place.lon, s.lat, s.lon) <= radius_m(s.l100, target_dbc)
    ]
