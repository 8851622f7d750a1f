"""Simulator tests reuse the driver-test fixtures (sim fleets, manual clock, audit sink)."""

from tests.drivers.conftest import audit, clock, make_sim  # noqa: F401
