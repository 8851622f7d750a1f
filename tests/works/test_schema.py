"""Migration 0009 creates exactly what the works and outreach models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from sirenctl.db import Database
from sirenctl.models import Base

# real migrations from an empty file, not the migrated template (tests/conftest.py)
pytestmark = pytest.mark.fresh_database

MINE = {"works", "works_inspection", "safety_activity", "outreach_material"}
COLUMNS = {("finding", "works_id"), *(("outreach_event", c) for c in ("occasion", "venue", "form"))}


def _about_mine(diff: object) -> bool:
    item = diff[0] if isinstance(diff, list) else diff
    text = repr(item)
    return any(t in text for t in MINE) or any(
        table in text and column in text for table, column in COLUMNS
    )


def test_migration_matches_models(db_url: str) -> None:
    db = Database(db_url)
    try:
        with db.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
        assert [d for d in diffs if _about_mine(d)] == []
    finally:
        db.dispose()
