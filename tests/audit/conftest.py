"""Audit tests reuse the driver-test fixtures (sim fleets on loopback, manual clock)."""

from tests.drivers.conftest import audit, clock, make_sim  # noqa: F401
