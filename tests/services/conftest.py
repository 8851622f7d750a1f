"""Services tests: the findings test county (two communities, a hand-crank siren each)."""

from __future__ import annotations

import pytest

from sirenctl.db import Database
from tests.findings.conftest import seed_registry


@pytest.fixture
def sdb(db: Database) -> Database:
    seed_registry(db)
    return db
