"""Engine, sessions and schema upgrades.

SQLite is the embedded default: WAL, ``synchronous=FULL`` (records must survive power loss),
``busy_timeout`` 10 s, foreign keys on, and writes in ``BEGIN IMMEDIATE`` so a read-then-write
transaction never fails half way under WAL. Any other SQLAlchemy URL (PostgreSQL) uses the same code.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from sirenctl.i18n import L_
from sirenctl.migrations import SCHEMA_HEAD

BUSY_TIMEOUT_MS = 10_000
_BEGIN_OPTION = "sirenctl_begin"
_PG_MIGRATION_LOCK = 0x5172_0001


class SchemaError(RuntimeError):
    """The database schema cannot be used by this version of sirenctl."""


def _install_sqlite_pragmas(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves (see _on_begin)
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        mode = conn.get_execution_options().get(_BEGIN_OPTION, "DEFERRED")
        conn.exec_driver_sql(f"BEGIN {mode}")


def make_engine(url: str, **kwargs: Any) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **kwargs)
        _install_sqlite_pragmas(engine)
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


class Database:
    """One database: a read session factory and a write (BEGIN IMMEDIATE) transaction factory."""

    def __init__(self, url: str, *, migrate: bool = True, **engine_kwargs: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_kwargs)
        self._write_engine = self.engine.execution_options(**{_BEGIN_OPTION: "IMMEDIATE"})
        self._read = sessionmaker(self.engine, expire_on_commit=False)
        self._write = sessionmaker(self._write_engine, expire_on_commit=False)
        if migrate:
            upgrade_schema(self)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session for reading (rolled back at the end)."""
        with self._read() as session:
            yield session

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write transaction: committed on success, rolled back on any error."""
        with self._write() as session, session.begin():
            yield session

    def write_connection(self) -> Any:
        """Core connection context beginning a write transaction (``with db.write_connection()``)."""
        return self._write_engine.begin()

    def dispose(self) -> None:
        self.engine.dispose()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        try:
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        except DBAPIError:
            return None


MIGRATIONS_DIR = str(Path(__file__).with_name("migrations"))


def script_directory() -> Any:
    from alembic.script import ScriptDirectory

    return ScriptDirectory(MIGRATIONS_DIR)


def known_revisions() -> set[str]:
    return {rev.revision for rev in script_directory().walk_revisions()}


def _alembic_config(connection: Connection) -> Any:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", MIGRATIONS_DIR)
    config.attributes["connection"] = connection
    return config


def upgrade_schema(db: Database, target: str = "head") -> None:
    """Bring the schema to ``target``; refuse a database made by a newer sirenctl.

    Safe when several processes open a new database at once: the upgrade runs in one write
    transaction (SQLite ``BEGIN IMMEDIATE``, PostgreSQL advisory lock) and Alembic re-reads the
    version inside it.
    """
    current = current_revision(db.engine)
    if target == "head" and current == SCHEMA_HEAD:
        return
    if current is not None and current not in known_revisions():
        raise SchemaError(
            L_(
                (
                    "database schema revision {current!r} is newer than this sirenctl "
                    "understands (newest known: {SCHEMA_HEAD!r}); upgrade sirenctl before "
                    "using this database"
                ),
                current=current,
                SCHEMA_HEAD=SCHEMA_HEAD,
            )
        )
    from alembic import command

    with db.write_connection() as conn:
        if db.dialect == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PG_MIGRATION_LOCK})
            # tables belong to the NOLOGIN owner role once `sirenctl db setup-roles` ran
            # (sirenctl/security/pg_roles.sql)
            owner = conn.execute(
                text(
                    "SELECT pg_has_role(current_user, oid, 'MEMBER') "
                    "AND has_schema_privilege(oid, current_schema(), 'CREATE') "
                    "FROM pg_roles WHERE rolname = 'sirenctl_owner'"
                )
            ).scalar()
            if owner:
                conn.execute(text("SET LOCAL ROLE sirenctl_owner"))
        command.upgrade(_alembic_config(conn), target)


def downgrade_schema(db: Database, target: str) -> None:
    """Only for tests of migrations."""
    from alembic import command

    with db.write_connection() as conn:
        command.downgrade(_alembic_config(conn), target)
