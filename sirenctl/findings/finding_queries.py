"""Reading findings: the list filter, the dashboard count and which assets show as faulty
(writes: sirenctl/findings/findings.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session, joinedload

from sirenctl.models import Asset, AssetStatus
from sirenctl.models.findings import Finding, FindingStatus, Severity


@dataclass(frozen=True)
class FindingFilter:
    site: str | None = None
    asset: str | None = None
    category: str | None = None
    severity: str | None = None
    status: str | None = None
    source: str | None = None
    since: date | None = None
    until: date | None = None  # inclusive, as UTC dates

    def apply(self, query: Select[Any]) -> Select[Any]:
        from sirenctl.models import Site

        if self.site:
            query = query.where(
                Finding.site_id == select(Site.id).where(Site.code == self.site).scalar_subquery()
            )
        if self.asset:
            query = query.where(
                Finding.asset_id
                == select(Asset.id).where(Asset.tag == self.asset).scalar_subquery()
            )
        for column, value in (
            (Finding.category, self.category),
            (Finding.severity, self.severity),
            (Finding.status, self.status),
            (Finding.source, self.source),
        ):
            if value:
                query = query.where(column == value)
        if self.since:
            query = query.where(
                Finding.found_at >= datetime.combine(self.since, datetime.min.time())
            )
        if self.until:
            query = query.where(
                Finding.found_at
                < datetime.combine(
                    date.fromordinal(self.until.toordinal() + 1), datetime.min.time()
                )
            )
        return query


def list_findings(
    session: Session,
    flt: FindingFilter = FindingFilter(),
    *,
    limit: int | None = None,
    offset: int = 0,
) -> list[Finding]:
    query = flt.apply(
        select(Finding).options(
            joinedload(Finding.site), joinedload(Finding.asset), joinedload(Finding.notice)
        )
    )
    query = query.order_by(Finding.found_at.desc(), Finding.id.desc()).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return list(session.scalars(query))


def open_finding_count(session: Session, severity: str | None = None) -> int:
    """Open findings (of one severity if given): the dashboard's number."""
    query = select(func.count()).select_from(Finding).where(Finding.status == FindingStatus.OPEN)
    if severity is not None:
        query = query.where(Finding.severity == severity)
    return session.scalar(query) or 0


def faulty_asset_ids(session: Session, at: datetime | None = None) -> set[int]:
    """Assets with at least one open critical finding (they show as faulty); with ``at``, the
    ones that had one open at that past moment."""
    query = select(Finding.asset_id).where(
        Finding.asset_id.is_not(None), Finding.severity == Severity.CRITICAL
    )
    if at is None:
        query = query.where(Finding.status == FindingStatus.OPEN)
    else:
        query = query.where(
            Finding.found_at <= at,
            or_(Finding.status == FindingStatus.OPEN, Finding.resolved_at > at),
        )
    return set(session.scalars(query.distinct()))


def effective_status(asset: Asset, faulty_ids: set[int]) -> str:
    """The status to show: ``faulty`` while an open critical finding exists."""
    if asset.id in faulty_ids and asset.status == AssetStatus.IN_SERVICE:
        return AssetStatus.FAULTY.value
    return asset.status
