"""What the map shows: sites, sirens and terminals, works, and each working siren's coverage
radius by CPG 1-17 (sirenctl/reports/coverage.py), with faulty units marked.

One collection feeds every map format: GeoJSON and KML (sirenctl/reports/map_formats.py), the
SVG in the HTML report and the map page (sirenctl/reports/map_svg.py) and the TUI's text map.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from sirenctl.models import Asset, AssetKind, AssetStatus, Site
from sirenctl.reports.coverage import DENSE_TARGET_DBC, EARTH_RADIUS_M, radius_m, rated_l100


class PointKind:
    SITE = "site"
    SIREN = "siren"  # hand-crank
    TERMINAL = "terminal"  # networked
    WORKS = "works"


@dataclass(frozen=True)
class MapPoint:
    kind: str
    ref: str  # "asset:3", "site:1", "works:2"
    code: str
    name: str
    lat: float
    lon: float
    status: str
    faulty: bool = False
    radius_m: float | None = None  # coverage radius of a working siren


@dataclass
class MapData:
    target_dbc: float
    points: list[MapPoint] = field(default_factory=list)

    def of(self, kind: str) -> list[MapPoint]:
        return [p for p in self.points if p.kind == kind]

    @property
    def circles(self) -> list[MapPoint]:
        return [p for p in self.points if p.radius_m is not None]


def collect_map(
    session: Session,
    *,
    target_dbc: float = DENSE_TARGET_DBC,
    faulty: set[int] | None = None,
    statuses: dict[int, str] | None = None,
) -> MapData:
    """Sites, field assets (not bench, not retired) and works with a position. ``statuses``
    overrides asset statuses (the annual report of a finished year: as at its end)."""
    if faulty is None:
        from sirenctl.findings.finding_queries import faulty_asset_ids

        faulty = faulty_asset_ids(session)
    data = MapData(target_dbc)
    sites = list(session.scalars(select(Site).order_by(Site.code)))
    for s in sites:
        if s.latitude is not None and s.longitude is not None:
            data.points.append(
                MapPoint(
                    PointKind.SITE, f"site:{s.id}", s.code, s.name, s.latitude, s.longitude, ""
                )
            )
    assets = session.scalars(
        select(Asset).options(joinedload(Asset.site)).order_by(Asset.tag)
    ).all()
    for a in assets:
        current = (statuses or {}).get(a.id, a.status)
        if a.is_bench or current == AssetStatus.RETIRED:
            continue
        lat = a.latitude if a.latitude is not None else a.site.latitude
        lon = a.longitude if a.longitude is not None else a.site.longitude
        if lat is None or lon is None:
            continue
        bad = current != AssetStatus.IN_SERVICE or a.id in faulty
        l100 = rated_l100(a.rated_dbc, a.measured_db, a.measured_distance_m)
        radius = None if bad or l100 is None else radius_m(l100, target_dbc)
        kind = PointKind.SIREN if a.kind == AssetKind.HAND_CRANK else PointKind.TERMINAL
        status = AssetStatus.FAULTY.value if a.id in faulty else current
        data.points.append(
            MapPoint(kind, f"asset:{a.id}", a.tag, a.name or a.tag, lat, lon, status, bad, radius)
        )
    try:
        from sirenctl.models.works import Works
    except ImportError:  # pragma: no cover
        return data
    for w in session.scalars(select(Works).options(joinedload(Works.site)).order_by(Works.code)):
        lat = w.latitude if w.latitude is not None else w.site.latitude
        lon = w.longitude if w.longitude is not None else w.site.longitude
        if lat is not None and lon is not None:
            data.points.append(
                MapPoint(PointKind.WORKS, f"works:{w.id}", w.code, w.name, lat, lon, w.status)
            )
    return data


def circle_ring(
    lat: float, lon: float, radius: float, steps: int = 48
) -> list[tuple[float, float]]:
    """A closed ring of (lon, lat) around a point, for formats without circles (GeoJSON, KML)."""
    ring = []
    dlat = math.degrees(radius / EARTH_RADIUS_M)
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    for i in range(steps):
        a = 2 * math.pi * i / steps
        ring.append((round(lon + dlon * math.cos(a), 7), round(lat + dlat * math.sin(a), 7)))
    ring.append(ring[0])
    return ring
