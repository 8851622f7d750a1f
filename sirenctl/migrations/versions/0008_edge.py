"""edge: cancelled test results; the last GOOD status of each networked asset

Revision ID: 0008
Revises: 0009
Frozen copy of the schema: never import sirenctl.models here.

- test_result.outcome may be ``cancelled`` (a bench test stopped by Ctrl-C, SIGTERM or F9).
- asset.controller_tls: the controller requires Modbus/TCP Security (TLS, port 802).
- asset_status keeps the last reading that answered (``good_at``, ``good_status``) next to the
  latest attempt, so ``poll --cached`` can show it and its age when the latest attempt failed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0008"
down_revision = "0009"
branch_labels = None
depends_on = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_TIME = sa.DateTime(timezone=True)
OLD = "'pass', 'fail', 'failed_to_sound', 'unreachable', 'unknown', 'error'"
NEW = OLD + ", 'cancelled'"


def upgrade() -> None:
    with op.batch_alter_table("asset") as batch_op:
        batch_op.add_column(
            sa.Column("controller_tls", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("test_result") as batch_op:
        batch_op.drop_constraint(op.f("ck_test_result_outcome"), type_="check")
        batch_op.create_check_constraint(op.f("ck_test_result_outcome"), f"outcome IN ({NEW})")
    with op.batch_alter_table("asset_status") as batch_op:
        batch_op.add_column(sa.Column("good_at", UTC_TIME, nullable=True))
        batch_op.add_column(sa.Column("good_status", JSON_DOC, nullable=True))
    op.execute("UPDATE asset_status SET good_at = polled_at, good_status = status WHERE reachable")


def downgrade() -> None:
    with op.batch_alter_table("asset") as batch_op:
        batch_op.drop_column("controller_tls")
    with op.batch_alter_table("asset_status") as batch_op:
        batch_op.drop_column("good_status")
        batch_op.drop_column("good_at")
    op.execute("DELETE FROM test_result WHERE outcome = 'cancelled'")
    with op.batch_alter_table("test_result") as batch_op:
        batch_op.drop_constraint(op.f("ck_test_result_outcome"), type_="check")
        batch_op.create_check_constraint(op.f("ck_test_result_outcome"), f"outcome IN ({OLD})")
