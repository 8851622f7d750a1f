"""Findings as the TUI lists them: filtered and paged in SQL (no Textual).

The workflow (adding findings, notices, re-checks) goes through ``notices_data.WorkflowService``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, inspect, or_, select
from sqlalchemy.orm import joinedload

from sirenctl.db import Database
from sirenctl.tui.data import Page


@dataclass(frozen=True)
class FindingRow:
    id: int
    found_at: datetime
    status: str
    severity: str
    category: str
    site: str
    asset: str
    description: str
    notice: str
    resolution: str
    found_by: str


@dataclass(frozen=True)
class FindingQuery:
    status: str | None = None
    severity: str | None = None
    category: str | None = None
    text: str | None = None  # description, asset tag or site code substring


def findings_available(db: Database) -> bool:
    return inspect(db.engine).has_table("finding")


def findings_page(db: Database, query: FindingQuery, offset: int = 0, limit: int = 100) -> Page:
    from sirenctl.findings.finding_queries import FindingFilter
    from sirenctl.models import Asset, Site
    from sirenctl.models.findings import Finding

    flt = FindingFilter(status=query.status, severity=query.severity, category=query.category)

    def narrowed(stmt: Any) -> Any:
        stmt = flt.apply(stmt)
        if query.text:
            pattern = f"%{query.text}%"
            stmt = stmt.where(
                or_(
                    Finding.description.ilike(pattern),
                    Finding.asset_id.in_(select(Asset.id).where(Asset.tag.ilike(pattern))),
                    Finding.site_id.in_(
                        select(Site.id).where(Site.code.ilike(pattern) | Site.name.ilike(pattern))
                    ),
                )
            )
        return stmt

    with db.session() as session:
        total = session.scalar(narrowed(select(func.count()).select_from(Finding))) or 0
        findings = session.scalars(
            narrowed(
                select(Finding).options(
                    joinedload(Finding.site), joinedload(Finding.asset), joinedload(Finding.notice)
                )
            )
            .order_by(Finding.found_at.desc(), Finding.id.desc())
            .offset(offset)
            .limit(limit)
        )
        rows = [
            FindingRow(
                f.id,
                f.found_at,
                f.status,
                f.severity,
                f.category,
                f.site.code,
                f.asset.tag if f.asset else "",
                f.description,
                f.notice.number if f.notice else "",
                f.resolution or "",
                f.found_by,
            )
            for f in findings
        ]
    return Page(rows, total, offset, limit)
