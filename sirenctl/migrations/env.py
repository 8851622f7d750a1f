"""Alembic environment: always driven programmatically with a live connection (see sirenctl.db)."""

from __future__ import annotations

from alembic import context

from sirenctl.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - guarded by sirenctl.db
    raise RuntimeError("sirenctl migrations run through sirenctl.db.upgrade_schema()")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
