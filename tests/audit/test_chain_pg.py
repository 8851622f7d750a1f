"""PostgreSQL: the audit log is append-only for an application role (one that owns nothing),
the database records who wrote each row, and forged rows are found by ``audit verify``.

Real logins: the test makes a NOLOGIN owner role (as the accounts work does) and an
application login role with every privilege on the table; the triggers still hold.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from datetime import datetime

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from sirenctl.audit import record
from sirenctl.audit_chain import canonical_time, record_hash
from sirenctl.audit_verify import Problem, verify_chain
from sirenctl.db import Database

pytestmark = pytest.mark.postgres


@pytest.fixture
def app_url(pg_url: str) -> Iterator[str]:
    """A fresh database owned (audit tables) by a NOLOGIN role, and an application login."""
    suffix = uuid.uuid4().hex[:8]
    owner, app = f"owner_{suffix}", f"app_{suffix}"
    Database(pg_url).dispose()  # schema at head, made by the admin
    admin = create_engine(pg_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE ROLE {owner} NOLOGIN"))
        conn.execute(text(f"CREATE ROLE {app} LOGIN"))
        for table in ("audit_event", "audit_chain"):
            conn.execute(text(f"ALTER TABLE {table} OWNER TO {owner}"))
        conn.execute(  # even UPDATE, DELETE and TRUNCATE: the triggers refuse them
            text(
                f"GRANT SELECT, INSERT, UPDATE, DELETE, TRUNCATE ON audit_event, audit_chain TO {app}"
            )
        )
        conn.execute(text(f"GRANT SELECT ON alembic_version TO {app}"))
        conn.execute(text(f"GRANT USAGE ON SEQUENCE audit_event_id_seq TO {app}"))
    try:
        yield make_url(pg_url).set(username=app).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"REASSIGN OWNED BY {owner}, {app} TO postgres"))
            conn.execute(text(f"DROP OWNED BY {owner}, {app}"))
        # the database is dropped by pg_url's fixture; the roles are cluster-wide
        with admin.connect() as conn:
            conn.execute(text(f"DROP ROLE {owner}"))
            conn.execute(text(f"DROP ROLE {app}"))
        admin.dispose()


def _write(db: Database, n: int, who: str = "李工") -> None:
    for i in range(n):
        with db.transaction() as session:
            record(session, operator=who, action="test.event", object_type="x", object_ref=str(i))


def _head(db: Database) -> tuple[int, str]:
    with db.session() as session:
        row = session.execute(text("SELECT seq, hash FROM audit_event ORDER BY seq DESC")).first()
    assert row is not None
    return int(row.seq), str(row.hash)


def test_app_role_cannot_change_delete_or_disable(app_url: str) -> None:
    db = Database(app_url)
    try:
        _write(db, 2)
        login = make_url(app_url).username
        with db.session() as session:
            users = session.execute(text("SELECT DISTINCT db_user FROM audit_event")).scalars()
            assert list(users) == [login]  # the database says who wrote it
        attempts = [
            "UPDATE audit_event SET operator = 'mallory'",
            "DELETE FROM audit_event",
            "TRUNCATE audit_event",
            "ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change",
            "ALTER TABLE audit_event DISABLE TRIGGER ALL",
            "DROP TRIGGER audit_event_chain ON audit_event",
            "SET session_replication_role = replica",
            "UPDATE audit_chain SET database_id = 'x'",
            "CREATE TRIGGER zz BEFORE INSERT ON audit_event FOR EACH ROW"
            " EXECUTE FUNCTION audit_event_chain()",
        ]
        for statement in attempts:
            with pytest.raises(DBAPIError), db.transaction() as session:
                session.execute(text(statement))
        assert verify_chain(db).ok and verify_chain(db).records == 2
    finally:
        db.dispose()


def test_rows_forged_with_raw_sql_are_found(app_url: str) -> None:
    db = Database(app_url)
    try:
        _write(db, 2)
        seq, prev = _head(db)
        insert = text(
            "INSERT INTO audit_event (at, operator, action, object_type, object_ref, outcome,"
            " seq, prev_hash, hash, db_user)"
            " VALUES (:at, :op, 'approval.add', 'order', '7', 'ok', :seq, :prev, :hash, :user)"
        )
        at = "2026-09-18T04:00:00+00:00"
        # a row claiming to be written by the planner's login, hashed honestly for that claim
        claimed = {
            "seq": seq + 1,
            "prev_hash": prev,
            "at": canonical_time(datetime.fromisoformat(at)),
            "operator": "planner",
            "action": "approval.add",
            "object_type": "order",
            "object_ref": "7",
            "before": None,
            "after": None,
            "outcome": "ok",
            "message": None,
            "db_user": "planner",
        }
        with db.transaction() as session:
            session.execute(
                insert,
                {
                    "at": at,
                    "op": "planner",
                    "seq": seq + 1,
                    "prev": prev,
                    "hash": record_hash(claimed),
                    "user": "planner",
                },
            )
        with db.session() as session:
            who = session.execute(
                text("SELECT db_user FROM audit_event WHERE seq = :s"), {"s": seq + 1}
            )
            assert who.scalar() == make_url(app_url).username  # the trigger overrode the claim
        fault = verify_chain(db).fault
        assert fault is not None and (fault.problem, fault.seq) == (Problem.EDITED, seq + 1)

        with pytest.raises(DBAPIError, match="does not continue the chain"), db.transaction() as s:
            s.execute(
                insert,
                {"at": at, "op": "x", "seq": seq + 5, "prev": prev, "hash": "a" * 64, "user": None},
            )
    finally:
        db.dispose()


def test_concurrent_writers_keep_one_gap_free_chain(app_url: str) -> None:
    writers, each = 4, 8
    barrier = threading.Barrier(writers)
    errors: list[BaseException] = []

    def work(n: int) -> None:
        db = Database(app_url)
        try:
            barrier.wait()
            _write(db, each, who=f"w{n}")
        except BaseException as exc:  # reported below
            errors.append(exc)
        finally:
            db.dispose()

    threads = [threading.Thread(target=work, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    db = Database(app_url)
    try:
        report = verify_chain(db)
        assert report.ok and report.records == report.head_seq == writers * each
    finally:
        db.dispose()
