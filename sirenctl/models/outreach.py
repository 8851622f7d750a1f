"""What an outreach event (宣传活动) is for and what it handed out, by kind.

The event itself is :class:`sirenctl.models.findings.OutreachEvent` (drills, training, publicity);
these tables add the occasion vocabulary and the materials handed out by kind and count. The
event's ``materials`` column keeps the total (the sum of its material rows when they are given).
"""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sirenctl.models.base import Base
from sirenctl.models.enums import sql_in


class OutreachOccasion(StrEnum):
    SECURITY_DAY = "security_day"  # 4·15 全民国家安全教育日
    DISASTER_DAY = "disaster_day"  # 5·12 全国防灾减灾日
    AIR_DEFENCE_DAY = "air_defence_day"  # 9·18 防空警报试鸣日
    DRILL = "drill"  # 结合社区疏散演练
    LECTURE = "lecture"  # 专题授课
    OTHER = "other"


class MaterialKind(StrEnum):
    CIVIL_DEFENCE_HANDBOOK = "civil_defence_handbook"  # 人防手册
    AIR_DEFENCE_HANDBOOK = "air_defence_handbook"  # 防空手册
    KNOWLEDGE_HANDBOOK = "knowledge_handbook"  # 防空防灾知识手册
    LEAFLET = "leaflet"  # 宣传单
    OTHER = "other"


class OutreachMaterial(Base):
    __tablename__ = "outreach_material"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(
        ForeignKey("outreach_event.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    count: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        CheckConstraint(f"kind IN ({sql_in(MaterialKind)})", name="kind"),
        CheckConstraint("count > 0", name="count"),
        UniqueConstraint("event_id", "kind", name="uq_outreach_material_kind"),
    )
