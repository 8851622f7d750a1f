"""works and outreach: civil air-defence works, their inspections, safety activities, outreach
occasions and materials by kind, and findings on a work

Revision ID: 0009
Revises: 0007
Frozen copy of the schema: never import sirenctl.models here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0007"
branch_labels = None
depends_on = None

UTC_TIME = sa.DateTime(timezone=True)


def _in(*values: str) -> str:
    return ", ".join(f"'{v}'" for v in values)


def upgrade() -> None:
    op.create_table(
        "works",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("site_id", sa.Integer(), nullable=False),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("works_type", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("responsible_unit", sa.String(length=200), nullable=False),
        sa.Column("responsible_person", sa.String(length=200), nullable=False),
        sa.Column("responsible_phone", sa.String(length=64), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("area_m2", sa.Float(), nullable=True),
        sa.Column("started_on", sa.Date(), nullable=True),
        sa.Column("completed_on", sa.Date(), nullable=True),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.Column("updated_at", UTC_TIME, nullable=False),
        sa.CheckConstraint(
            f"works_type IN ({_in('built_with_building', 'standalone', 'other')})",
            name=op.f("ck_works_works_type"),
        ),
        sa.CheckConstraint(
            f"status IN ({_in('under_construction', 'in_use')})", name=op.f("ck_works_status")
        ),
        sa.CheckConstraint(
            "latitude IS NULL OR (latitude BETWEEN -90 AND 90)", name=op.f("ck_works_latitude")
        ),
        sa.CheckConstraint(
            "longitude IS NULL OR (longitude BETWEEN -180 AND 180)",
            name=op.f("ck_works_longitude"),
        ),
        sa.CheckConstraint("area_m2 IS NULL OR area_m2 > 0", name=op.f("ck_works_area")),
        sa.ForeignKeyConstraint(
            ["site_id"], ["site.id"], ondelete="RESTRICT", name=op.f("fk_works_site_id_site")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_works")),
        sa.UniqueConstraint("code", name=op.f("uq_works_code")),
    )
    op.create_index(op.f("ix_works_site_id"), "works", ["site_id"])
    op.create_index(op.f("ix_works_status"), "works", ["status"])
    op.create_table(
        "safety_activity",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("venue", sa.String(length=200), nullable=True),
        sa.Column("participants", sa.Integer(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.CheckConstraint(
            "kind IN ("
            + _in("flood_meeting", "fire_meeting", "fire_drill", "full_inspection", "other")
            + ")",
            name=op.f("ck_safety_activity_kind"),
        ),
        sa.CheckConstraint("participants >= 0", name=op.f("ck_safety_activity_participants")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_safety_activity")),
    )
    op.create_index(op.f("ix_safety_activity_kind"), "safety_activity", ["kind"])
    op.create_index(op.f("ix_safety_activity_held_on"), "safety_activity", ["held_on"])
    op.create_table(
        "works_inspection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("works_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("inspected_at", UTC_TIME, nullable=False),
        sa.Column("inspector", sa.String(length=200), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", UTC_TIME, nullable=False),
        sa.CheckConstraint(
            f"kind IN ({_in('stage', 'main_structure', 'completion', 'safety')})",
            name=op.f("ck_works_inspection_kind"),
        ),
        sa.ForeignKeyConstraint(
            ["works_id"],
            ["works.id"],
            ondelete="RESTRICT",
            name=op.f("fk_works_inspection_works_id_works"),
        ),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["safety_activity.id"],
            ondelete="RESTRICT",
            name=op.f("fk_works_inspection_activity_id_safety_activity"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_works_inspection")),
    )
    for column in ("works_id", "kind", "inspected_at", "activity_id"):
        op.create_index(op.f(f"ix_works_inspection_{column}"), "works_inspection", [column])
    op.create_table(
        "outreach_material",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.CheckConstraint(
            "kind IN ("
            + _in(
                "civil_defence_handbook",
                "air_defence_handbook",
                "knowledge_handbook",
                "leaflet",
                "other",
            )
            + ")",
            name=op.f("ck_outreach_material_kind"),
        ),
        sa.CheckConstraint("count > 0", name=op.f("ck_outreach_material_count")),
        sa.ForeignKeyConstraint(
            ["event_id"],
            ["outreach_event.id"],
            ondelete="CASCADE",
            name=op.f("fk_outreach_material_event_id_outreach_event"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outreach_material")),
        sa.UniqueConstraint("event_id", "kind", name="uq_outreach_material_kind"),
    )
    op.create_index(op.f("ix_outreach_material_event_id"), "outreach_material", ["event_id"])
    with op.batch_alter_table("outreach_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("occasion", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("venue", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("form", sa.String(length=200), nullable=True))
        batch_op.create_index(batch_op.f("ix_outreach_event_occasion"), ["occasion"])
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("works_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_finding_works_id_works"),
            "works",
            ["works_id"],
            ["id"],
            ondelete="RESTRICT",
        )
        batch_op.create_index(batch_op.f("ix_finding_works_id"), ["works_id"])


def downgrade() -> None:
    with op.batch_alter_table("finding", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_finding_works_id"))
        batch_op.drop_constraint(batch_op.f("fk_finding_works_id_works"), type_="foreignkey")
        batch_op.drop_column("works_id")
    with op.batch_alter_table("outreach_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outreach_event_occasion"))
        batch_op.drop_column("form")
        batch_op.drop_column("venue")
        batch_op.drop_column("occasion")
    op.drop_table("outreach_material")
    op.drop_table("works_inspection")
    op.drop_table("safety_activity")
    op.drop_table("works")
