"""findings: findings, rectification notices with their history, notice numbering, outreach

Revision ID: 0003
Revises: 0002
Frozen copy of the schema: never import sirenctl.models here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

JSON_DOC = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
UTC_TIME = sa.DateTime(timezone=True)


def _in(*values: str) -> str:
    return ", ".join(f"'{v}'" for v in values)


CATEGORIES = _in("power", "mounting", "corrosion", "sound", "communication", "signage", "other")


def upgrade() -> None:
    op.create_table(
        "notice_sequence",
        sa.Column("prefix", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", "year", name=op.f("pk_notice_sequence")),
    )
    op.create_table(
        "rectification_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("prefix", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("issued_on", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("issued_by", sa.String(length=200), nullable=False),
        sa.Column("responsible_unit", sa.String(length=200), nullable=False),
        sa.Column("responsible_person", sa.String(length=200), nullable=False),
        sa.Column("responsible_phone", sa.String(length=64), nullable=True),
        sa.Column("required_action", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("recheck_passed_at", UTC_TIME, nullable=True),
        sa.Column("recheck_passed_by", sa.String(length=200), nullable=True),
        sa.Column("closed_at", UTC_TIME, nullable=True),
        sa.Column("closed_by", sa.String(length=200), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.CheckConstraint(
            f"status IN ({_in('open', 'in_progress', 'awaiting_recheck', 'closed', 'reopened')})",
            name=op.f("ck_rectification_notice_status"),
        ),
        sa.CheckConstraint("deadline >= issued_on", name=op.f("ck_rectification_notice_deadline")),
        sa.CheckConstraint("seq > 0", name=op.f("ck_rectification_notice_seq")),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
            ondelete="RESTRICT",
            name=op.f("fk_rectification_notice_site_id_site"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rectification_notice")),
        sa.UniqueConstraint("number", name=op.f("uq_rectification_notice_number")),
        sa.UniqueConstraint("prefix", "year", "seq", name="uq_rectification_notice_seq"),
    )
    with op.batch_alter_table("rectification_notice", schema=None) as batch_op:
        for column in ("site_id", "issued_on", "deadline", "status"):
            batch_op.create_index(batch_op.f(f"ix_rectification_notice_{column}"), [column])

    op.create_table(
        "finding",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("asset_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("source_ref", sa.String(length=200), nullable=True),
        sa.Column("found_at", UTC_TIME, nullable=False),
        sa.Column("found_by", sa.String(length=200), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("severity", sa.String(length=16), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("attachments", JSON_DOC, nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("resolved_at", UTC_TIME, nullable=True),
        sa.Column("resolution", sa.Text(), nullable=True),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("marked_asset_faulty", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.CheckConstraint(
            f"source IN ({_in('test_result', 'check_in', 'inspection')})",
            name=op.f("ck_finding_source"),
        ),
        sa.CheckConstraint(f"category IN ({CATEGORIES})", name=op.f("ck_finding_category")),
        sa.CheckConstraint(
            f"severity IN ({_in('minor', 'major', 'critical')})", name=op.f("ck_finding_severity")
        ),
        sa.CheckConstraint(
            f"status IN ({_in('open', 'resolved')})", name=op.f("ck_finding_status")
        ),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], ondelete="RESTRICT", name=op.f("fk_finding_site_id_site")
        ),
        sa.ForeignKeyConstraint(
            ["asset_id"], ["asset.id"], ondelete="RESTRICT", name=op.f("fk_finding_asset_id_asset")
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["rectification_notice.id"],
            ondelete="RESTRICT",
            name=op.f("fk_finding_notice_id_rectification_notice"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_finding")),
        sa.UniqueConstraint("source", "source_ref", name="uq_finding_source_ref"),
    )
    with op.batch_alter_table("finding", schema=None) as batch_op:
        for column in ("site_id", "asset_id", "found_at", "category", "status", "notice_id"):
            batch_op.create_index(batch_op.f(f"ix_finding_{column}"), [column])

    op.create_table(
        "notice_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("at", UTC_TIME, nullable=False),
        sa.Column("by", sa.String(length=200), nullable=False),
        sa.Column("event", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=32), nullable=True),
        sa.Column("to_status", sa.String(length=32), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_id"],
            ["rectification_notice.id"],
            ondelete="RESTRICT",
            name=op.f("fk_notice_event_notice_id_rectification_notice"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_event")),
    )
    with op.batch_alter_table("notice_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notice_event_notice_id"), ["notice_id"])

    op.create_table(
        "outreach_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("certificates", sa.Integer(), nullable=False),
        sa.Column("certificate_type", sa.String(length=200), nullable=True),
        sa.Column("materials", sa.Integer(), nullable=False),
        sa.Column("materials_note", sa.Text(), nullable=True),
        sa.Column("evacuation_minutes", sa.Float(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.CheckConstraint(
            f"kind IN ({_in('evacuation_drill', 'training', 'publicity')})",
            name=op.f("ck_outreach_event_kind"),
        ),
        sa.CheckConstraint("participants >= 0", name=op.f("ck_outreach_event_participants")),
        sa.CheckConstraint("certificates >= 0", name=op.f("ck_outreach_event_certificates")),
        sa.CheckConstraint("materials >= 0", name=op.f("ck_outreach_event_materials")),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["site.id"],
            ondelete="RESTRICT",
            name=op.f("fk_outreach_event_site_id_site"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_event")),
    )
    with op.batch_alter_table("outreach_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outreach_event_held_on"), ["held_on"])
        batch_op.create_index(batch_op.f("ix_outreach_event_site_id"), ["site_id"])
        batch_op.create_index("ix_outreach_event_site_held", ["site_id", "held_on"])


def downgrade() -> None:
    op.drop_table("outreach_event")
    op.drop_table("notice_event")
    op.drop_table("finding")
    op.drop_table("rectification_notice")
    op.drop_table("notice_sequence")
