"""scheduling: holidays, work orders, approvals, test results, scheduler leases

Revision ID: 0002
Revises: 0001
Frozen copy of the schema: never import sirenctl.models here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_TIME = sa.DateTime(timezone=True)
WORK_ORDER_STATUSES = (
    "'planned', 'running', 'issued', 'done', 'failed', 'unknown', 'refused', 'missed', 'cancelled'"
)
OUTCOMES = "'pass', 'fail', 'failed_to_sound', 'unreachable', 'unknown', 'error'"


def upgrade() -> None:
    op.create_table(
        "holiday_day",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.CheckConstraint("kind IN ('holiday', 'workday')", name=op.f("ck_holiday_day_kind")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_holiday_day")),
        sa.UniqueConstraint("country", "day", name="uq_holiday_day_country_day"),
    )
    op.create_table(
        "holiday_year",
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.CheckConstraint(
            "status IN ('official', 'provisional')", name=op.f("ck_holiday_year_status")
        ),
        sa.PrimaryKeyConstraint("country", "year", name=op.f("pk_holiday_year")),
    )
    op.create_table(
        "scheduler_lease",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("holder", sa.String(length=200), nullable=False),
        sa.Column("acquired_at", UTC_TIME, nullable=False),
        sa.Column("expires_at", UTC_TIME, nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_scheduler_lease")),
    )
    op.create_table(
        "work_order",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("campaign", sa.String(length=100), nullable=False),
        sa.Column("task", sa.String(length=32), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("nominal_at", UTC_TIME, nullable=False),
        sa.Column("due_at", UTC_TIME, nullable=False),
        sa.Column("act_at", UTC_TIME, nullable=False),
        sa.Column("window_end_at", UTC_TIME, nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("programme", sa.String(length=100), nullable=True),
        sa.Column("checklist", JSON_DOC, nullable=True),
        sa.Column("audible", sa.Boolean(), nullable=False),
        sa.Column("provisional", sa.Boolean(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("planned_by", sa.String(length=200), nullable=False),
        sa.Column("planned_at", UTC_TIME, nullable=False),
        sa.Column("claimed_by", sa.String(length=200), nullable=True),
        sa.Column("lease_until", UTC_TIME, nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTC_TIME, nullable=True),
        sa.Column("committed_at", UTC_TIME, nullable=True),
        sa.Column("started_at", UTC_TIME, nullable=True),
        sa.Column("finished_at", UTC_TIME, nullable=True),
        sa.Column("outcome_note", sa.Text(), nullable=True),
        sa.CheckConstraint(f"status IN ({WORK_ORDER_STATUSES})", name=op.f("ck_work_order_status")),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["asset.id"],
            name=op.f("fk_work_order_asset_id_asset"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_order")),
        sa.UniqueConstraint("campaign", "nominal_at", "asset_id", name="uq_work_order_occurrence"),
    )
    with op.batch_alter_table("work_order", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_work_order_asset_id"), ["asset_id"], unique=False)
        batch_op.create_index("ix_work_order_due", ["due_at"], unique=False)
        batch_op.create_index("ix_work_order_status_act", ["status", "act_at"], unique=False)
        batch_op.create_index(
            "ix_work_order_status_window", ["status", "window_end_at"], unique=False
        )

    op.create_table(
        "test_result",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=True),
        sa.Column("asset_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("outcome", sa.String(length=32), nullable=False),
        sa.Column("started_at", UTC_TIME, nullable=False),
        sa.Column("finished_at", UTC_TIME, nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=False),
        sa.Column("operator", sa.String(length=200), nullable=False),
        sa.Column("measurements", JSON_DOC, nullable=True),
        sa.Column("echo", JSON_DOC, nullable=True),
        sa.Column("checklist", JSON_DOC, nullable=True),
        sa.Column("sound_heard", sa.Boolean(), nullable=True),
        sa.Column("measured_db", sa.Float(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.CheckConstraint(f"outcome IN ({OUTCOMES})", name=op.f("ck_test_result_outcome")),
        sa.ForeignKeyConstraint(
            ["asset_id"],
            ["asset.id"],
            name=op.f("fk_test_result_asset_id_asset"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_order.id"],
            name=op.f("fk_test_result_work_order_id_work_order"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_test_result")),
    )
    with op.batch_alter_table("test_result", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_test_result_asset_id"), ["asset_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_test_result_started_at"), ["started_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_test_result_work_order_id"), ["work_order_id"], unique=False
        )

    op.create_table(
        "work_order_approval",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("work_order_id", sa.Integer(), nullable=False),
        sa.Column("approved_by", sa.String(length=200), nullable=False),
        sa.Column("approved_at", UTC_TIME, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["work_order_id"],
            ["work_order.id"],
            name=op.f("fk_work_order_approval_work_order_id_work_order"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_work_order_approval")),
        sa.UniqueConstraint("work_order_id", "approved_by", name="uq_approval_person"),
    )
    with op.batch_alter_table("work_order_approval", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_work_order_approval_work_order_id"), ["work_order_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("work_order_approval", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_work_order_approval_work_order_id"))
    op.drop_table("work_order_approval")
    with op.batch_alter_table("test_result", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_test_result_work_order_id"))
        batch_op.drop_index(batch_op.f("ix_test_result_started_at"))
        batch_op.drop_index(batch_op.f("ix_test_result_asset_id"))
    op.drop_table("test_result")
    with op.batch_alter_table("work_order", schema=None) as batch_op:
        batch_op.drop_index("ix_work_order_status_window")
        batch_op.drop_index("ix_work_order_status_act")
        batch_op.drop_index("ix_work_order_due")
        batch_op.drop_index(batch_op.f("ix_work_order_asset_id"))
    op.drop_table("work_order")
    op.drop_table("scheduler_lease")
    op.drop_table("holiday_year")
    op.drop_table("holiday_day")
