"""The annual report's figures, computed from the records; every figure keeps its rows.

Year boundaries are local (office time zone). Asset status is as of the end of the year for a
finished year (rebuilt from the audit log, see :mod:`.as_of`), as of generation for the current
one; bench units, assets installed after the year and assets retired before it are left out.
Rates are fractions.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from sirenctl.config import DEFAULT_TIMEZONE
from sirenctl.findings.finding_queries import faulty_asset_ids
from sirenctl.i18n import N_
from sirenctl.models import Asset
from sirenctl.progress import Progress, no_progress
from sirenctl.reports.activity_sections import (
    checks_section,
    drills_section,
    findings_section,
    notices_section,
    trials_section,
)
from sirenctl.reports.asset_sections import (
    assets_section,
    communities_section,
    serviceability_section,
)
from sirenctl.reports.coverage import DENSE_TARGET_DBC
from sirenctl.reports.facts import OrderFact
from sirenctl.reports.model import AnnualReport, AuditHead, Period, Section, year_period
from sirenctl.reports.scheduling_source import order_facts
from sirenctl.reports.works_sections import (
    hand_crank_communities,
    outreach_section,
    works_section,
)

__all__ = ["AnnualReport", "Section", "compute_report"]


def _active_in_year(asset: Asset, period: Period, zone: ZoneInfo) -> bool:
    """In the field during the year: bench units, later installs and earlier retirements are not."""
    if asset.is_bench:
        return False
    if asset.install_date is not None and (
        datetime.combine(asset.install_date, time(), zone) >= period.end
    ):
        return False
    return asset.retired_at is None or asset.retired_at >= period.start


def compute_report(
    session: Session,
    year: int,
    *,
    now: datetime,
    timezone: str = DEFAULT_TIMEZONE,
    target_dbc: float = DENSE_TARGET_DBC,
    orders: list[OrderFact] | None = None,
    progress: Progress = no_progress,
) -> AnnualReport:
    period = year_period(year, timezone, now)
    if orders is None:
        orders = order_facts(session, period.start, period.end, period.now)
    zone = ZoneInfo(timezone)
    assets = [
        a
        for a in session.scalars(select(Asset).options(joinedload(Asset.site)).order_by(Asset.id))
        if _active_in_year(a, period, zone)
    ]
    faulty = faulty_asset_ids(session)
    as_of: dict[int, str] | None = None  # statuses at the end of a finished year (the map)
    if period.end < period.now:  # a finished year: the fleet as it stood at its end
        from sirenctl.reports.as_of import AssetAsOf, statuses_at

        status = as_of = statuses_at(session, assets, period.end)
        assets = [AssetAsOf(a, status[a.id]) for a in assets]  # type: ignore[misc]
        faulty = faulty_asset_ids(session, at=period.end)
    report = AnnualReport(year, period.now, timezone, target_dbc)

    def communities() -> Section:
        section = communities_section(session, assets, faulty, target_dbc)
        section.add(hand_crank_communities(assets))
        return section

    steps: list[Callable[[], Section]] = [
        lambda: assets_section(assets, faulty),
        communities,
        lambda: trials_section(orders, period, timezone),
        lambda: serviceability_section(session, assets, faulty, period, zone),
        lambda: checks_section(orders, timezone),
        lambda: findings_section(session, period),
        lambda: notices_section(session, year, period),
        lambda: drills_section(session, year),
        lambda: works_section(session, year, period),
        lambda: outreach_section(session, year),
    ]
    total = len(steps) + 1  # and the map
    for done, step in enumerate(steps):
        progress(N_("computing the report"), done, total)
        section = step()
        report.sections[section.key] = section
    progress(N_("computing the report"), len(steps), total)
    report.audit_head = _audit_head(session, period.until)
    from sirenctl.reports.map_data import collect_map

    report.map = collect_map(session, target_dbc=target_dbc, faulty=faulty, statuses=as_of)
    progress(N_("computing the report"), total, total)
    return report


def _audit_head(session: Session, until: datetime) -> AuditHead:
    from sirenctl.audit_chain import head_as_of

    head = head_as_of(session.connection(), until)
    return AuditHead(until, head.seq, head.hash, head.database_id)
