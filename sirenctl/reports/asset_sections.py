"""Report sections about the assets themselves: kind/status, communities and coverage, 完好率."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.findings.finding_queries import effective_status
from sirenctl.models import Asset, AssetKind, AssetStatus, Site
from sirenctl.models.findings import Finding, Severity
from sirenctl.reports.coverage import Place, Source, covering, radius_m, rated_l100
from sirenctl.reports.figures import Figure, rate, refs
from sirenctl.reports.model import Period, Section
from sirenctl.timeutil import ensure_utc

SIREN_KINDS = (AssetKind.HAND_CRANK, AssetKind.MOTOR, AssetKind.ELECTRONIC, AssetKind.MULTIMEDIA)


def assets_section(assets: list[Asset], faulty: set[int]) -> Section:
    section = Section("assets")
    by: dict[tuple[str, str], list[int]] = defaultdict(list)
    for asset in assets:
        by[(asset.kind, effective_status(asset, faulty))].append(asset.id)
    statuses = [s.value for s in AssetStatus]
    rows = []
    for kind in [k.value for k in AssetKind]:
        ids = [a.id for a in assets if a.kind == kind]
        if not ids:
            continue
        row = [Figure(f"assets.{kind}", len(ids), refs("asset", ids), term_value=kind)]
        row += [
            Figure(
                f"assets.{kind}.{status}",
                len(by[(kind, status)]),
                refs("asset", by[(kind, status)]),
                term_value=status,
            )
            for status in statuses
        ]
        rows.append(row)
    section.tables["by_kind"] = rows
    section.add(
        Figure(
            "assets.total",
            len(assets),
            refs("asset", [a.id for a in assets]),
            label_key="col.total",
        )
    )
    return section


def _working_sirens(assets: list[Asset], faulty: set[int]) -> list[Asset]:
    return [
        a
        for a in assets
        if a.kind in SIREN_KINDS and effective_status(a, faulty) == AssetStatus.IN_SERVICE
    ]


def communities_section(
    session: Session, assets: list[Asset], faulty: set[int], target_dbc: float
) -> Section:
    section = Section("communities")
    sites = list(session.scalars(select(Site).order_by(Site.code)))
    working = _working_sirens(assets, faulty)
    with_siren = sorted({a.site_id for a in working})
    section.add(
        Figure(
            "communities.total",
            len(sites),
            refs("site", [s.id for s in sites]),
            label_key="report.communities.total",
        ),
        Figure(
            "communities.with_working_siren",
            len(with_siren),
            refs("site", with_siren) + refs("asset", [a.id for a in working]),
            label_key="report.communities.with_siren",
        ),
    )
    sources = []
    for asset in working:
        lat = asset.latitude if asset.latitude is not None else asset.site.latitude
        lon = asset.longitude if asset.longitude is not None else asset.site.longitude
        l100 = rated_l100(asset.rated_dbc, asset.measured_db, asset.measured_distance_m)
        if lat is not None and lon is not None and l100 is not None:
            sources.append(Source(asset.id, asset.tag, lat, lon, l100))
    names = {s.id: f"{s.code} {s.name}" for s in sites}
    places = [
        Place(s.id, s.code, s.latitude, s.longitude, s.population)
        for s in sites
        if s.latitude is not None and s.longitude is not None and s.population is not None
    ]
    assessed = sum(p.population for p in places)
    covered_rows: list[str] = []
    covered_pop = 0
    per_site = []
    for place in places:
        reach = covering(place, sources, target_dbc)
        site_refs = refs("site", [place.site_id]) + refs("asset", [s.asset_id for s in reach])
        if reach:
            covered_pop += place.population
            covered_rows += site_refs
        per_site.append(
            [
                Figure(
                    f"communities.site.{place.code}",
                    place.population,
                    site_refs,
                    params={"name": names[place.site_id]},
                ),
                Figure(f"communities.site.{place.code}.covered", int(bool(reach)), site_refs),
                Figure(
                    f"communities.site.{place.code}.radius",
                    max((radius_m(s.l100, target_dbc) for s in reach), default=None),
                    site_refs,
                ),
            ]
        )
    section.tables["coverage"] = per_site
    section.add(
        Figure(
            "communities.population_assessed",
            assessed,
            refs("site", [p.site_id for p in places]),
            label_key="report.coverage.assessed",
        ),
        Figure(
            "communities.population_covered",
            covered_pop,
            tuple(covered_rows),
            label_key="report.coverage.population",
            params={"target": f"{target_dbc:g}"},
        ),
        Figure(
            "communities.coverage_rate",
            rate(covered_pop, assessed),
            tuple(covered_rows),
            label_key="report.coverage.rate",
            ratio=True,
        ),
    )
    return section


def _merge(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for lo, hi in sorted(intervals):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def serviceability_section(
    session: Session, assets: list[Asset], faulty: set[int], period: Period, zone: ZoneInfo
) -> Section:
    """完好率 over the year: asset-days without an open critical finding / all asset-days."""
    section = Section("serviceability")
    sirens = [a for a in assets if a.kind in SIREN_KINDS]
    critical = defaultdict(list)
    for finding in session.scalars(
        select(Finding).where(Finding.severity == Severity.CRITICAL, Finding.asset_id.is_not(None))
    ):
        critical[finding.asset_id].append(finding)
    total = down = 0.0
    down_rows: list[str] = []
    for asset in sirens:
        lo = period.start
        if asset.install_date is not None:
            lo = max(lo, ensure_utc(datetime.combine(asset.install_date, time(), zone)))
        hi = period.until if asset.retired_at is None else min(period.until, asset.retired_at)
        if hi <= lo:
            continue
        total += (hi - lo) / timedelta(days=1)
        spans = []
        for finding in critical[asset.id]:
            start = max(lo, finding.found_at)
            stop = min(hi, finding.resolved_at or hi)
            if stop > start:
                spans.append((start, stop))
                down_rows.append(f"finding:{finding.id}")
        down += sum((b - a) / timedelta(days=1) for a, b in _merge(spans))
    asset_rows = refs("asset", [a.id for a in sirens])
    current = [a for a in sirens if a.status != AssetStatus.RETIRED]
    working_now = [a for a in current if effective_status(a, faulty) == AssetStatus.IN_SERVICE]
    section.add(
        Figure("serviceability.asset_days", round(total, 1), asset_rows),
        Figure("serviceability.down_days", round(down, 1), tuple(sorted(set(down_rows)))),
        Figure(
            "serviceability.rate_year",
            rate(total - down, total),
            asset_rows + tuple(sorted(set(down_rows))),
            label_key="report.serviceability.year",
            ratio=True,
        ),
        Figure(
            "serviceability.rate_now",
            rate(len(working_now), len(current)),
            refs("asset", [a.id for a in current]),
            label_key="report.serviceability.now",
            ratio=True,
        ),
    )
    return section
