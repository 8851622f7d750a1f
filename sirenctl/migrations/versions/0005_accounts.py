"""accounts: operator accounts, signed plans and approvals bound to their content

Revision ID: 0005
Revises: 0008
Frozen copy of the schema: never import sirenctl.models here.
The new account-id columns carry no foreign key: SQLite cannot add or drop one without
rebuilding work_order (whose rebuild would cascade into its approvals); the signatures, not
the keys, are what run-due trusts (sirenctl/security/approvals.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0005"
down_revision = "0008"
branch_labels = None
depends_on = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_TIME = sa.DateTime(timezone=True)

WORK_ORDER_COLUMNS = (
    ("planned_by_account_id", sa.Integer()),
    ("plan_digest", sa.String(length=64)),
    ("plan_signature", sa.String(length=128)),
    ("plan_key_id", sa.String(length=32)),
)
ASSET_COLUMNS = (
    ("bench_signature", sa.String(length=128)),
    ("bench_signed_by", sa.Integer()),
)
APPROVAL_COLUMNS = (
    ("approver_account_id", sa.Integer()),
    ("content_digest", sa.String(length=64)),
    ("signature", sa.String(length=128)),
    ("key_id", sa.String(length=32)),
)


def upgrade() -> None:
    op.create_table(
        "operator_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(length=64), nullable=False),
        sa.Column("login_key", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=True),
        sa.Column("roles", sa.String(length=200), nullable=False),
        sa.Column("passphrase_hash", sa.Text(), nullable=False),
        sa.Column("public_key", sa.String(length=64), nullable=False),
        sa.Column("key_id", sa.String(length=32), nullable=False),
        sa.Column("private_key", sa.Text(), nullable=False),
        sa.Column("kdf", JSON_DOC, nullable=False),
        sa.Column("certified_by", sa.Integer(), nullable=True),
        sa.Column("certified_at", UTC_TIME, nullable=True),
        sa.Column("certificate", sa.String(length=128), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked_at", UTC_TIME, nullable=True),
        sa.Column("disabled_at", UTC_TIME, nullable=True),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.ForeignKeyConstraint(
            ["certified_by"],
            ["operator_account.id"],
            name=op.f("fk_operator_account_certified_by_operator_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_operator_account")),
        sa.UniqueConstraint("login", name=op.f("uq_operator_account_login")),
        sa.UniqueConstraint("login_key", name=op.f("uq_operator_account_login_key")),
    )
    for name, type_ in WORK_ORDER_COLUMNS:
        op.add_column("work_order", sa.Column(name, type_, nullable=True))
    for name, type_ in APPROVAL_COLUMNS:
        op.add_column("work_order_approval", sa.Column(name, type_, nullable=True))
    for name, type_ in ASSET_COLUMNS:
        op.add_column("asset", sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    for name, _ in reversed(ASSET_COLUMNS):
        op.drop_column("asset", name)
    for name, _ in reversed(APPROVAL_COLUMNS):
        op.drop_column("work_order_approval", name)
    for name, _ in reversed(WORK_ORDER_COLUMNS):
        op.drop_column("work_order", name)
    op.drop_table("operator_account")
