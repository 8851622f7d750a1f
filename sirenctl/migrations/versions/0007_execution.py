"""execution: the gateway that owns each controller channel, and what is sounding now

Revision ID: 0007
Revises: 0006
Frozen copy of the schema: never import sirenctl.models here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("asset") as batch:
        batch.add_column(sa.Column("gateway", sa.String(length=64), nullable=True))
        batch.create_index(op.f("ix_asset_gateway"), ["gateway"])
    op.create_table(
        "sounding",
        sa.Column("channel", sa.String(length=300), nullable=False),
        sa.Column("asset_tag", sa.String(length=64), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("gateway", sa.String(length=64), nullable=True),
        sa.Column("mode", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("lease_until", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("channel", name=op.f("pk_sounding")),
    )


def downgrade() -> None:
    op.drop_table("sounding")
    with op.batch_alter_table("asset") as batch:
        batch.drop_index(op.f("ix_asset_gateway"))
        batch.drop_column("gateway")
