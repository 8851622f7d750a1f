"""Migration 0002 creates exactly the tables the scheduling models describe."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData

from sirenctl.db import Database, downgrade_schema, upgrade_schema
from sirenctl.models import Base
from sirenctl.models.scheduling import HolidayDay, WorkOrder

# real migrations from an empty file, not the migrated template (tests/conftest.py)
pytestmark = pytest.mark.fresh_database

TABLES = (
    "holiday_year",
    "holiday_day",
    "work_order",
    "work_order_approval",
    "test_result",
    "scheduler_lease",
)


def _table_of(diff) -> str | None:
    """The table a compare_metadata entry is about (entries are tuples, or lists of tuples)."""
    item = diff[0] if isinstance(diff, list) else diff
    for part in item[1:]:
        if isinstance(part, str) and part in TABLES:
            return part
        table = getattr(part, "table", None)
        if table is not None:
            return table.name
        if getattr(part, "name", None) in TABLES and hasattr(part, "columns"):
            return part.name
    return None


def test_migration_matches_models(db_url):
    db = Database(db_url)
    try:
        only = MetaData(naming_convention=Base.metadata.naming_convention)
        for name in ("site", "asset", "audit_event", *TABLES):
            Base.metadata.tables[name].to_metadata(only)
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diffs = [d for d in compare_metadata(context, only) if _table_of(d) in TABLES]
        assert diffs == []
        assert {c.name for c in WorkOrder.__table__.constraints} >= {"uq_work_order_occurrence"}
        assert HolidayDay.__table__.c.day is not None
    finally:
        db.dispose()


def test_downgrade_to_registry_and_back(db_url):
    db = Database(db_url)
    try:
        downgrade_schema(db, "0001")
        from sqlalchemy import inspect

        assert not set(TABLES) & set(inspect(db.engine).get_table_names())
        upgrade_schema(db)
        assert set(TABLES) <= set(inspect(db.engine).get_table_names())
    finally:
        db.dispose()
