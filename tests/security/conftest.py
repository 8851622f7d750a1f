"""Fixtures of the safety suite: the county with live simulated controllers (helpers.py)."""

from tests.security.helpers import county, fleet  # noqa: F401  (fixtures)
