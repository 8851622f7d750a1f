"""audit chain: hash-chained, gap-free audit log; PostgreSQL records the session user

Revision ID: 0006
Revises: 0004
Frozen copy of the schema: never import sirenctl.models here. The chain format is imported
from sirenctl/audit_chain.py on purpose: it is versioned and never changes (every stored chain
is verified with it).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

from sirenctl.audit_chain import (
    PG_CHAIN_LOCK,
    canonical_time,
    genesis_hash,
    new_database_id,
    record_hash,
)

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")

_SQLITE_UP = [
    # An insert must continue the chain: the next seq, the head's hash as prev_hash.
    """CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event
       BEGIN
         SELECT RAISE(ABORT, 'audit_event: seq does not continue the chain')
         WHERE NEW.seq IS NULL
            OR NEW.seq <> COALESCE((SELECT MAX(seq) FROM audit_event), 0) + 1;
         SELECT RAISE(ABORT, 'audit_event: prev_hash is not the hash of the chain head')
         WHERE NEW.prev_hash IS NOT COALESCE(
             (SELECT hash FROM audit_event WHERE seq = NEW.seq - 1),
             (SELECT genesis FROM audit_chain WHERE id = 1));
         SELECT RAISE(ABORT, 'audit_event: hash must be 64 hex digits')
         WHERE NEW.hash IS NULL OR length(NEW.hash) <> 64;
       END""",
    """CREATE TRIGGER audit_chain_no_update BEFORE UPDATE ON audit_chain
       BEGIN SELECT RAISE(ABORT, 'audit_chain is append-only'); END""",
    """CREATE TRIGGER audit_chain_no_delete BEFORE DELETE ON audit_chain
       BEGIN SELECT RAISE(ABORT, 'audit_chain is append-only'); END""",
]
_SQLITE_DOWN = ["audit_event_chain", "audit_chain_no_update", "audit_chain_no_delete"]

# SECURITY DEFINER so that application roles need no privilege on audit_chain; session_user
# is still the person who logged in (a definer function changes only current_user).
_PG_UP = [
    f"""CREATE FUNCTION audit_event_chain() RETURNS trigger LANGUAGE plpgsql
       SECURITY DEFINER SET search_path FROM CURRENT AS $$
       DECLARE head_seq bigint; head_hash text;
       BEGIN
         PERFORM pg_advisory_xact_lock({PG_CHAIN_LOCK});
         NEW.db_user := session_user;
         SELECT seq, hash INTO head_seq, head_hash FROM audit_event
           WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1;
         IF head_seq IS NULL THEN
           head_seq := 0;
           SELECT genesis INTO head_hash FROM audit_chain WHERE id = 1;
         END IF;
         IF NEW.seq IS DISTINCT FROM head_seq + 1 THEN
           RAISE EXCEPTION 'audit_event: seq % does not continue the chain (head %)',
             NEW.seq, head_seq;
         END IF;
         IF NEW.prev_hash IS DISTINCT FROM head_hash THEN
           RAISE EXCEPTION 'audit_event: prev_hash is not the hash of the chain head';
         END IF;
         IF NEW.hash IS NULL OR NEW.hash !~ '^[0-9a-f]{{64}}$' THEN
           RAISE EXCEPTION 'audit_event: hash must be 64 hex digits';
         END IF;
         RETURN NEW;
       END $$""",
    """CREATE TRIGGER audit_event_chain BEFORE INSERT ON audit_event
       FOR EACH ROW EXECUTE FUNCTION audit_event_chain()""",
    # The stored row, after every BEFORE trigger (even one someone added later), must name
    # the session user.
    """CREATE FUNCTION audit_event_check_user() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF NEW.db_user IS DISTINCT FROM session_user THEN
           RAISE EXCEPTION 'audit_event: db_user must be the session user';
         END IF;
         RETURN NULL;
       END $$""",
    """CREATE TRIGGER audit_event_check_user AFTER INSERT ON audit_event
       FOR EACH ROW EXECUTE FUNCTION audit_event_check_user()""",
    """CREATE FUNCTION audit_chain_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit_chain is append-only'; END $$""",
    """CREATE TRIGGER audit_chain_no_change BEFORE UPDATE OR DELETE ON audit_chain
       FOR EACH ROW EXECUTE FUNCTION audit_chain_append_only()""",
    """CREATE TRIGGER audit_chain_no_truncate BEFORE TRUNCATE ON audit_chain
       FOR EACH STATEMENT EXECUTE FUNCTION audit_chain_append_only()""",
]
_PG_DOWN = [
    "DROP TRIGGER audit_event_chain ON audit_event",
    "DROP FUNCTION audit_event_chain()",
    "DROP TRIGGER audit_event_check_user ON audit_event",
    "DROP FUNCTION audit_event_check_user()",
    "DROP TRIGGER audit_chain_no_change ON audit_chain",
    "DROP TRIGGER audit_chain_no_truncate ON audit_chain",
    "DROP FUNCTION audit_chain_append_only()",
]

_EVENTS = sa.table(
    "audit_event",
    sa.column("id", sa.Integer()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("operator", sa.String()),
    sa.column("action", sa.String()),
    sa.column("object_type", sa.String()),
    sa.column("object_ref", sa.String()),
    sa.column("before", JSON_DOC),
    sa.column("after", JSON_DOC),
    sa.column("outcome", sa.String()),
    sa.column("message", sa.Text()),
    sa.column("seq", sa.Integer()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def upgrade() -> None:
    sqlite = op.get_context().dialect.name == "sqlite"
    chain = op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("database_id", sa.String(length=36), nullable=False),
        sa.Column("genesis", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_chain")),
    )
    database_id = new_database_id()
    genesis = genesis_hash(database_id)
    now = datetime.now(UTC)
    op.bulk_insert(
        chain,
        [
            {
                "id": 1,
                "database_id": database_id,
                "genesis": genesis,
                "created_at": now.replace(tzinfo=None) if sqlite else now,
            }
        ],
    )
    # ADD COLUMN keeps the table (and its append-only triggers); SQLite cannot add NOT NULL.
    for column in (
        sa.Column("seq", sa.Integer(), nullable=True),
        sa.Column("prev_hash", sa.String(length=64), nullable=True),
        sa.Column("hash", sa.String(length=64), nullable=True),
        sa.Column("db_user", sa.String(length=200), nullable=True),
    ):
        op.execute(
            sa.text(
                f"ALTER TABLE audit_event ADD COLUMN {column.name} "
                f"{column.type.compile(op.get_context().dialect)}"
            )
        )
    _chain_existing_rows(genesis, sqlite=sqlite)
    op.create_index(op.f("ix_audit_event_seq"), "audit_event", ["seq"], unique=True)
    for statement in _SQLITE_UP if sqlite else _PG_UP:
        op.execute(statement)


def _chain_existing_rows(genesis: str, *, sqlite: bool) -> None:
    """Chain the rows of a database upgraded from 0004, once, in id order."""
    bind = op.get_bind()
    rows = bind.execute(sa.select(_EVENTS).order_by(_EVENTS.c.id)).mappings().all()
    if not rows:
        return
    updates: list[dict[str, Any]] = []
    prev = genesis
    for seq, row in enumerate(rows, start=1):
        fields = {
            "seq": seq,
            "prev_hash": prev,
            "at": canonical_time(row["at"]),
            "operator": row["operator"],
            "action": row["action"],
            "object_type": row["object_type"],
            "object_ref": row["object_ref"],
            "before": row["before"],
            "after": row["after"],
            "outcome": row["outcome"],
            "message": row["message"],
            "db_user": None,
        }
        digest = record_hash(fields)
        updates.append({"row_id": row["id"], "s": seq, "p": prev, "h": digest})
        prev = digest
    # lift the trigger that refuses UPDATE (migration 0001) for this one rewrite
    if sqlite:
        op.execute("DROP TRIGGER audit_event_no_update")
    else:
        op.execute("ALTER TABLE audit_event DISABLE TRIGGER audit_event_no_change")
    bind.execute(
        sa.update(_EVENTS)
        .where(_EVENTS.c.id == sa.bindparam("row_id"))
        .values(seq=sa.bindparam("s"), prev_hash=sa.bindparam("p"), hash=sa.bindparam("h")),
        updates,
    )
    if sqlite:
        op.execute(
            """CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_event
               BEGIN SELECT RAISE(ABORT, 'audit_event is append-only'); END"""
        )
    else:
        op.execute("ALTER TABLE audit_event ENABLE TRIGGER audit_event_no_change")


def downgrade() -> None:
    sqlite = op.get_context().dialect.name == "sqlite"
    if sqlite:
        for name in _SQLITE_DOWN:
            op.execute(f"DROP TRIGGER {name}")
    else:
        for statement in _PG_DOWN:
            op.execute(statement)
    op.drop_index(op.f("ix_audit_event_seq"), table_name="audit_event")
    for name in ("db_user", "hash", "prev_hash", "seq"):
        op.execute(f"ALTER TABLE audit_event DROP COLUMN {name}")
    op.drop_table("audit_chain")
