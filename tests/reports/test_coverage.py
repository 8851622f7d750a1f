"""The CPG 1-17 rule: 10 dB per doubling of distance from the level at 100 ft."""

from __future__ import annotations

import math

import pytest

from sirenctl.reports.coverage import (
    Place,
    Source,
    covering,
    distance_m,
    l100_from_measurement,
    level_at,
    radius_m,
    rated_l100,
)


def test_radius_for_rated_sirens() -> None:
    assert radius_m(100, 70) == pytest.approx(243.84)  # 3 doublings of 30.48 m
    assert radius_m(120, 60) == pytest.approx(30.48 * 64)  # 6 doublings: 1,950.7 m
    assert radius_m(70, 70) == pytest.approx(30.48)
    assert level_at(120, radius_m(120, 70)) == pytest.approx(70)
    # 10 dB per doubling, not inverse-square's 6 dB: double the distance, lose 10 dB
    assert level_at(110, 60.96) == pytest.approx(100)


def test_hand_crank_from_a_measured_level() -> None:
    # 96 dB measured at 30 m: L100 = 96 + 10*log2(30/30.48); radius at 70 dBC = 30 * 2**2.6
    l100 = l100_from_measurement(96, 30)
    assert l100 == pytest.approx(96 + 10 * math.log2(30 / 30.48))
    assert radius_m(l100, 70) == pytest.approx(30 * 2**2.6)  # ~181.9 m
    assert rated_l100(None, 96, 30) == pytest.approx(l100)
    assert rated_l100(115, 96, 30) == 115  # a rating wins over a measurement
    assert rated_l100(None, 96, None) is None and rated_l100(None, None, None) is None


def test_distance_and_covering() -> None:
    assert distance_m(36.65, 117.0, 36.66, 117.0) == pytest.approx(1111.95, abs=0.5)
    place = Place(1, "C02", 36.66, 117.0, 5000)
    near = Source(1, "EL", 36.66, 117.0, 100)  # 0 m away, 244 m radius
    far_loud = Source(2, "MO", 36.65, 117.0, 125)  # 1,112 m away, 1,724 m radius
    far_weak = Source(3, "HC", 36.65, 117.0, 120)  # 1,112 m away, 975 m radius
    assert [s.tag for s in covering(place, [near, far_loud, far_weak], 70)] == ["EL", "MO"]
    assert [s.tag for s in covering(place, [far_weak], 60)] == ["HC"]  # sparse target
