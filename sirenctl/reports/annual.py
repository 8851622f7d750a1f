"""The annual report's figures, computed from the records; every figure keeps its rows.

Year boundaries are local (office time zone). Asset kind/status is as of generation ("now");
bench units, assets installed after the year and assets retired before it are left out. Rates
are fractions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from sirenctl.config import DEFAULT_TIMEZONE
from sirenctl.findings.findings import effective_status, faulty_asset_ids
from sirenctl.findings.notices import closed_on_time, is_overdue
from sirenctl.models import Asset, AssetKind, AssetStatus, Site
from sirenctl.models.findings import (
    Finding,
    FindingCategory,
    OutreachEvent,
    OutreachKind,
    RectificationNotice,
    Severity,
)
from sirenctl.reports.coverage import (
    DENSE_TARGET_DBC,
    Place,
    Source,
    covering,
    radius_m,
    rated_l100,
)
from sirenctl.reports.facts import CHECK_TASKS, TRIAL_TASKS, OrderFact, load_order_facts
from sirenctl.reports.figures import Figure, rate, refs
from sirenctl.timeutil import ensure_utc

SIREN_KINDS = (AssetKind.HAND_CRANK, AssetKind.MOTOR, AssetKind.ELECTRONIC, AssetKind.MULTIMEDIA)


@dataclass
class Section:
    key: str
    figures: list[Figure] = field(default_factory=list)
    # named tables of figures, e.g. "by_kind": [[fig, fig], ...] for rendering
    tables: dict[str, list[list[Figure]]] = field(default_factory=dict)

    def add(self, *figures: Figure) -> None:
        self.figures.extend(figures)

    def get(self, key: str) -> Figure:
        for fig in self.all_figures():
            if fig.key == key:
                return fig
        raise KeyError(key)

    def all_figures(self) -> list[Figure]:
        seen = {id(f): f for f in self.figures}
        for rows in self.tables.values():
            for row in rows:
                seen.update({id(f): f for f in row})
        return list(seen.values())


@dataclass
class AnnualReport:
    year: int
    generated_at: datetime
    timezone: str
    target_dbc: float
    sections: dict[str, Section] = field(default_factory=dict)

    def figure(self, key: str) -> Figure:
        section = self.sections[key.split(".", 1)[0]]
        return section.get(key)

    def figures(self) -> list[Figure]:
        return [f for s in self.sections.values() for f in s.all_figures()]


@dataclass(frozen=True)
class Period:
    start: datetime  # UTC, inclusive
    end: datetime  # UTC, exclusive
    now: datetime

    @property
    def until(self) -> datetime:
        return min(self.end, self.now)


def year_period(year: int, timezone: str, now: datetime) -> Period:
    zone = ZoneInfo(timezone)
    start = datetime.combine(date(year, 1, 1), time(), zone)
    end = datetime.combine(date(year + 1, 1, 1), time(), zone)
    return Period(ensure_utc(start), ensure_utc(end), ensure_utc(now))


def _active_in_year(asset: Asset, period: Period, zone: ZoneInfo) -> bool:
    """In the field during the year: bench units, later installs and earlier retirements are not."""
    if asset.is_bench:
        return False
    if asset.install_date is not None and (
            datetime.combine(asset.install_date, time(), zone) >= period.end):
        return False
    return asset.retired_at is None or asset.retired_at >= period.start


def compute_report(session: Session, year: int, *, now: datetime,
                   timezone: str = DEFAULT_TIMEZONE, target_dbc: float = DENSE_TARGET_DBC,
                   orders: list[OrderFact] | None = None) -> AnnualReport:
    period = year_period(year, timezone, now)
    if orders is None:
        orders = load_order_facts(session, period.start, period.end, period.now)
    zone = ZoneInfo(timezone)
    assets = [a for a in session.scalars(select(Asset).options(joinedload(Asset.site))
                                         .order_by(Asset.id))
              if _active_in_year(a, period, zone)]
    faulty = faulty_asset_ids(session)
    report = AnnualReport(year, period.now, timezone, target_dbc)
    for section in (
        assets_section(assets, faulty),
        communities_section(session, assets, faulty, target_dbc),
        trials_section(orders, period, timezone),
        serviceability_section(session, assets, faulty, period, zone),
        checks_section(orders, timezone),
        findings_section(session, period),
        notices_section(session, year, period),
        drills_section(session, year),
    ):
        report.sections[section.key] = section
    return report


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
        row += [Figure(f"assets.{kind}.{status}", len(by[(kind, status)]),
                       refs("asset", by[(kind, status)]), term_value=status) for status in statuses]
        rows.append(row)
    section.tables["by_kind"] = rows
    section.add(Figure("assets.total", len(assets), refs("asset", [a.id for a in assets]),
                       label_key="col.total"))
    return section


def _working_sirens(assets: list[Asset], faulty: set[int]) -> list[Asset]:
    return [a for a in assets if a.kind in SIREN_KINDS
            and effective_status(a, faulty) == AssetStatus.IN_SERVICE]


def communities_section(session: Session, assets: list[Asset], faulty: set[int],
                        target_dbc: float) -> Section:
    section = Section("communities")
    sites = list(session.scalars(select(Site).order_by(Site.code)))
    working = _working_sirens(assets, faulty)
    with_siren = sorted({a.site_id for a in working})
    section.add(
        Figure("communities.total", len(sites), refs("site", [s.id for s in sites]),
               label_key="report.communities.total"),
        Figure("communities.with_working_siren", len(with_siren),
               refs("site", with_siren) + refs("asset", [a.id for a in working]),
               label_key="report.communities.with_siren"))
    sources = []
    for asset in working:
        lat = asset.latitude if asset.latitude is not None else asset.site.latitude
        lon = asset.longitude if asset.longitude is not None else asset.site.longitude
        l100 = rated_l100(asset.rated_dbc, asset.measured_db, asset.measured_distance_m)
        if lat is not None and lon is not None and l100 is not None:
            sources.append(Source(asset.id, asset.tag, lat, lon, l100))
    names = {s.id: f"{s.code} {s.name}" for s in sites}
    places = [Place(s.id, s.code, s.latitude, s.longitude, s.population) for s in sites
              if s.latitude is not None and s.longitude is not None and s.population is not None]
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
        per_site.append([
            Figure(f"communities.site.{place.code}", place.population, site_refs,
                   params={"name": names[place.site_id]}),
            Figure(f"communities.site.{place.code}.covered", int(bool(reach)), site_refs),
            Figure(f"communities.site.{place.code}.radius",
                   max((radius_m(s.l100, target_dbc) for s in reach), default=None), site_refs),
        ])
    section.tables["coverage"] = per_site
    section.add(
        Figure("communities.population_assessed", assessed,
               refs("site", [p.site_id for p in places]), label_key="report.coverage.assessed"),
        Figure("communities.population_covered", covered_pop, tuple(covered_rows),
               label_key="report.coverage.population", params={"target": f"{target_dbc:g}"}),
        Figure("communities.coverage_rate", rate(covered_pop, assessed), tuple(covered_rows),
               label_key="report.coverage.rate", ratio=True))
    return section


def trials_section(orders: list[OrderFact], period: Period, timezone: str) -> Section:
    section = Section("trials")
    groups: dict[tuple[str, datetime], list[OrderFact]] = defaultdict(list)
    for order in orders:
        if order.task in TRIAL_TASKS:
            groups[(order.campaign, order.due_at)].append(order)
    rows = []
    totals: dict[str, list[OrderFact]] = {"planned": [], "sounded": []}
    zone = ZoneInfo(timezone)
    for (campaign, due), group in sorted(groups.items(), key=lambda kv: kv[0][1]):
        key = f"trials.{campaign}.{due.astimezone(zone):%Y-%m-%dT%H%M}"
        sounded = [o for o in group if o.state == "done" and o.passed]
        due_yet = due <= period.now
        failed = [o for o in group if o not in sounded] if due_yet else []
        name = f"{due.astimezone(zone):%Y-%m-%d %H:%M} {group[0].title}"
        rows.append([
            Figure(f"{key}.planned", len(group), _rows(group), params={"name": name}),
            Figure(f"{key}.sounded", len(sounded), _rows(sounded)),
            Figure(f"{key}.failed", len(failed) if due_yet else None, _rows(failed)),
            Figure(f"{key}.rate", rate(len(sounded), len(group)) if due_yet else None,
                   _rows(group), ratio=True),
        ])
        if due_yet:
            totals["planned"] += group
            totals["sounded"] += sounded
    section.tables["by_sounding"] = rows
    planned, sounded = totals["planned"], totals["sounded"]
    section.add(
        Figure("trials.planned", len(planned), _rows(planned), label_key="col.planned"),
        Figure("trials.sounded", len(sounded), _rows(sounded), label_key="col.sounded"),
        Figure("trials.failed", len(planned) - len(sounded),
               _rows([o for o in planned if o not in sounded]), label_key="col.failed"),
        Figure("trials.rate", rate(len(sounded), len(planned)), _rows(planned),
               label_key="col.sound_rate", ratio=True))
    return section


def _rows(orders: list[OrderFact]) -> tuple[str, ...]:
    return tuple(r for o in orders for r in o.rows)


def _merge(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    merged: list[tuple[datetime, datetime]] = []
    for lo, hi in sorted(intervals):
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def serviceability_section(session: Session, assets: list[Asset], faulty: set[int],
                           period: Period, zone: ZoneInfo) -> Section:
    """完好率 over the year: asset-days without an open critical finding / all asset-days."""
    section = Section("serviceability")
    sirens = [a for a in assets if a.kind in SIREN_KINDS]
    critical = defaultdict(list)
    for finding in session.scalars(select(Finding).where(
            Finding.severity == Severity.CRITICAL, Finding.asset_id.is_not(None))):
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
        Figure("serviceability.rate_year", rate(total - down, total), asset_rows + tuple(
            sorted(set(down_rows))), label_key="report.serviceability.year", ratio=True),
        Figure("serviceability.rate_now", rate(len(working_now), len(current)),
               refs("asset", [a.id for a in current]), label_key="report.serviceability.now",
               ratio=True))
    return section


def checks_section(orders: list[OrderFact], timezone: str) -> Section:
    section = Section("checks")
    checks = [o for o in orders if o.task in CHECK_TASKS]
    zone = ZoneInfo(timezone)
    by_state: dict[str, list[OrderFact]] = {s: [o for o in checks if o.state == s]
                                            for s in ("done", "missed", "pending")}
    section.add(
        Figure("checks.planned", len(checks), _rows(checks), label_key="col.planned"),
        Figure("checks.done", len(by_state["done"]), _rows(by_state["done"]),
               label_key="col.done"),
        Figure("checks.missed", len(by_state["missed"]), _rows(by_state["missed"]),
               label_key="col.missed"),
        Figure("checks.pending", len(by_state["pending"]), _rows(by_state["pending"]),
               label_key="col.pending"),
        Figure("checks.rate", rate(len(by_state["done"]), len(checks) - len(by_state["pending"])),
               _rows(checks), label_key="col.done_rate", ratio=True))
    months = []
    for month in range(1, 13):
        planned = [o for o in checks if o.due_at.astimezone(zone).month == month]
        done = [o for o in planned if o.state == "done"]
        missed = [o for o in planned if o.state == "missed"]
        months.append([Figure(f"checks.month.{month:02d}.planned", len(planned), _rows(planned),
                              params={"month": month}),
                       Figure(f"checks.month.{month:02d}.done", len(done), _rows(done)),
                       Figure(f"checks.month.{month:02d}.missed", len(missed), _rows(missed))])
    section.tables["by_month"] = months
    return section


def findings_section(session: Session, period: Period) -> Section:
    section = Section("findings")
    found = list(session.scalars(select(Finding).where(
        Finding.found_at >= period.start, Finding.found_at < period.end).order_by(Finding.id)))
    section.add(Figure("findings.total", len(found), refs("finding", [f.id for f in found]),
                       label_key="col.total"))
    rows = []
    for category in FindingCategory:
        ids = [f.id for f in found if f.category == category]
        row = [Figure(f"findings.category.{category.value}", len(ids), refs("finding", ids),
                      term_value=category.value)]
        for severity in Severity:
            sev_ids = [f.id for f in found if f.category == category and f.severity == severity]
            row.append(Figure(f"findings.category.{category.value}.{severity.value}",
                              len(sev_ids), refs("finding", sev_ids), term_value=severity.value))
        rows.append(row)
    section.tables["by_category"] = rows
    severities = Counter(f.severity for f in found)
    section.add(*[Figure(f"findings.severity.{s.value}", severities[s.value],
                         refs("finding", [f.id for f in found if f.severity == s]),
                         term_value=s.value) for s in Severity])
    return section


def notices_section(session: Session, year: int, period: Period) -> Section:
    section = Section("notices")
    notices = list(session.scalars(
        select(RectificationNotice).options(joinedload(RectificationNotice.site),
                                            selectinload(RectificationNotice.findings))
        .order_by(RectificationNotice.id)))
    issued = [n for n in notices if n.issued_on.year == year]
    on_time = [n.id for n in issued if closed_on_time(n) is True]
    late = [n.id for n in issued if closed_on_time(n) is False]
    still_open = [n.id for n in issued if n.closed_at is None]
    overdue = [n.id for n in issued if is_overdue(n, period.now)]
    section.add(
        Figure("notices.issued", len(issued), refs("rectification_notice", [n.id for n in issued]),
               label_key="report.notices.issued"),
        Figure("notices.closed_on_time", len(on_time), refs("rectification_notice", on_time),
               label_key="report.notices.on_time"),
        Figure("notices.closed_late", len(late), refs("rectification_notice", late),
               label_key="report.notices.late"),
        Figure("notices.open", len(still_open), refs("rectification_notice", still_open),
               label_key="report.notices.open"),
        Figure("notices.overdue", len(overdue), refs("rectification_notice", overdue),
               label_key="report.notices.overdue"))
    return section


def drills_section(session: Session, year: int) -> Section:
    section = Section("drills")
    events = list(session.scalars(select(OutreachEvent).where(
        OutreachEvent.held_on >= date(year, 1, 1), OutreachEvent.held_on <= date(year, 12, 31))
        .order_by(OutreachEvent.id)))
    rows = []
    for kind in [k.value for k in OutreachKind] + ["total"]:
        chosen = [e for e in events if kind in ("total", e.kind)]
        ids = refs("outreach_event", [e.id for e in chosen])
        rows.append([
            Figure(f"drills.{kind}.held", len(chosen), ids,
                   **({"label_key": "col.total"} if kind == "total" else {"term_value": kind})),
            Figure(f"drills.{kind}.participants", sum(e.participants for e in chosen), ids),
            Figure(f"drills.{kind}.certificates", sum(e.certificates for e in chosen), ids),
            Figure(f"drills.{kind}.materials", sum(e.materials for e in chosen), ids),
        ])
    section.tables["by_kind"] = rows
    return section

