"""Schema migrations: from empty, from every previous revision, newer databases refused."""

from __future__ import annotations

import subprocess
import sys

import pytest
from sqlalchemy import inspect, text

from sirenctl.db import (
    Database,
    SchemaError,
    current_revision,
    downgrade_schema,
    script_directory,
    upgrade_schema,
)
from sirenctl.migrations import SCHEMA_HEAD

# real migrations from an empty file, not the migrated template (tests/conftest.py)
pytestmark = pytest.mark.fresh_database


def _revisions_oldest_first() -> list[str]:
    return [r.revision for r in reversed(list(script_directory().walk_revisions()))]


def test_schema_head_constant_matches_alembic() -> None:
    assert script_directory().get_heads() == [SCHEMA_HEAD]


def test_upgrade_from_empty_creates_the_model_schema(db_url) -> None:
    from sirenctl.models import Base

    db = Database(db_url)
    try:
        assert current_revision(db.engine) == SCHEMA_HEAD
        tables = set(inspect(db.engine).get_table_names())
        assert set(Base.metadata.tables) <= tables
    finally:
        db.dispose()


@pytest.mark.parametrize("previous", [None, *_revisions_oldest_first()[:-1]])
def test_upgrade_from_each_previous_revision_keeps_data(db_url, previous) -> None:
    db = Database(db_url)
    try:
        with db.transaction() as session:  # data written at head
            session.execute(
                text(
                    "INSERT INTO site (code, name, timezone, created_at, updated_at) "
                    "VALUES ('C01', '东风社区', 'Asia/Shanghai', '2026-01-01', '2026-01-01')"
                )
            )
        if previous is None:
            return  # nothing older than the first revision to step back to with data
        downgrade_schema(db, previous)
        assert current_revision(db.engine) == previous
        upgrade_schema(db)
        assert current_revision(db.engine) == SCHEMA_HEAD
        with db.session() as session:
            assert session.execute(text("SELECT name FROM site")).scalar() == "东风社区"
    finally:
        db.dispose()


def test_downgrade_to_base_then_upgrade(db_url) -> None:
    db = Database(db_url)
    try:
        downgrade_schema(db, "base")
        assert current_revision(db.engine) is None
        upgrade_schema(db)
        assert current_revision(db.engine) == SCHEMA_HEAD
    finally:
        db.dispose()


def test_newer_database_is_refused_with_a_clear_message(db_url, cli) -> None:
    db = Database(db_url)
    with db.transaction() as session:
        session.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    db.dispose()
    with pytest.raises(SchemaError, match="newer than this sirenctl"):
        Database(db_url)
    result = cli("site", "list")
    assert result.exit_code == 6
    assert "upgrade sirenctl" in result.stderr


def test_two_processes_opening_a_new_database_at_once(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'race.db'}"
    code = f"from sirenctl.db import Database; Database({url!r}).dispose()"
    procs = [
        subprocess.Popen([sys.executable, "-c", code], stderr=subprocess.PIPE) for _ in range(3)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 0, err.decode()
    db = Database(url)
    assert current_revision(db.engine) == SCHEMA_HEAD
    db.dispose()


def test_sqlite_settings(sqlite_url) -> None:
    db = Database(sqlite_url)
    with db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000
    db.dispose()
