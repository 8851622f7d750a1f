"""Fixtures for report tests."""

from __future__ import annotations

import pytest

from sirenctl.db import Database


@pytest.fixture
def rdb(db: Database) -> Database:
    """The suite's database (SQLite file, and PostgreSQL when configured), for report data."""
    return db
