"""The map as inline SVG in a local projection: no tiles, no internet.

Equirectangular around the centre of the points (x east, y north in metres, scaled to pixels),
which is exact enough over a county (tens of kilometres). Every point is a ``<g class="marker">``
with ``data-kind``; every coverage circle a ``<circle class="coverage">`` (tests count them).
"""

from __future__ import annotations

import html
import math

from sirenctl.reports.coverage import EARTH_RADIUS_M
from sirenctl.reports.labels import term
from sirenctl.reports.map_data import MapData, MapPoint

WIDTH, HEIGHT, PAD = 800, 600, 40
COLOURS = {"site": "#7f7f7f", "siren": "#2e7d32", "terminal": "#1560c0", "works": "#8b4513"}
FAULTY = "#dd0000"


class Projection:
    def __init__(self, data: MapData) -> None:
        pts = data.points or [MapPoint("site", "", "", "", 0.0, 0.0, "")]
        self.lat0 = (min(p.lat for p in pts) + max(p.lat for p in pts)) / 2
        self.lon0 = (min(p.lon for p in pts) + max(p.lon for p in pts)) / 2
        xs, ys = [], []
        for p in pts:
            x, y = self.metres(p.lat, p.lon)
            r = p.radius_m or 0.0
            xs += [x - r, x + r]
            ys += [y - r, y + r]
        span_x = max(max(xs) - min(xs), 200.0)
        span_y = max(max(ys) - min(ys), 200.0)
        self.scale = min((WIDTH - 2 * PAD) / span_x, (HEIGHT - 2 * PAD) / span_y)  # px per metre
        self.cx, self.cy = (max(xs) + min(xs)) / 2, (max(ys) + min(ys)) / 2

    def metres(self, lat: float, lon: float) -> tuple[float, float]:
        x = math.radians(lon - self.lon0) * EARTH_RADIUS_M * math.cos(math.radians(self.lat0))
        y = math.radians(lat - self.lat0) * EARTH_RADIUS_M
        return x, y

    def px(self, lat: float, lon: float) -> tuple[float, float]:
        x, y = self.metres(lat, lon)
        return (
            WIDTH / 2 + (x - self.cx) * self.scale,
            HEIGHT / 2 - (y - self.cy) * self.scale,
        )


def _nice_length(max_m: float) -> float:
    """The largest 1/2/5 x 10^n metres not longer than ``max_m``."""
    exp = 10 ** math.floor(math.log10(max_m))
    for step in (5, 2, 1):
        if step * exp <= max_m:
            return float(step * exp)
    return float(exp)


def _marker(p: MapPoint, x: float, y: float, lang: str) -> str:
    colour = FAULTY if p.faulty else COLOURS[p.kind]
    what = term("hand_crank" if p.kind == "siren" else p.kind, lang)
    label = html.escape(f"{p.code} {p.name} {what} {term(p.status, lang)}".strip())
    if p.kind == "site":
        shape = f'<rect x="{x - 3:.1f}" y="{y - 3:.1f}" width="6" height="6" fill="{colour}"/>'
    elif p.kind == "works":
        shape = (
            f'<polygon points="{x:.1f},{y - 6:.1f} {x + 6:.1f},{y + 5:.1f} {x - 6:.1f},{y + 5:.1f}"'
            f' fill="{colour}"/>'
        )
    else:
        shape = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}" stroke="#fff"/>'
    cross = ""
    if p.faulty:
        cross = (
            f'<path d="M{x - 7:.1f},{y - 7:.1f}L{x + 7:.1f},{y + 7:.1f}'
            f'M{x + 7:.1f},{y - 7:.1f}L{x - 7:.1f},{y + 7:.1f}" stroke="{FAULTY}" stroke-width="2"/>'
        )
    faulty = ' data-faulty="true"' if p.faulty else ""
    return (
        f'<g class="marker" data-kind="{p.kind}" data-ref="{p.ref}" data-label="{label}"{faulty}>'
        f"<title>{label}</title>{shape}{cross}</g>"
    )


def map_svg(data: MapData, lang: str = "zh") -> str:
    proj = Projection(data)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="sirenctl-map" width="{WIDTH}" '
        f'height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#f7f7f2" stroke="#999"/>',
    ]
    for p in data.circles:
        assert p.radius_m is not None
        x, y = proj.px(p.lat, p.lon)
        parts.append(
            f'<circle class="coverage" data-ref="{p.ref}" cx="{x:.1f}" cy="{y:.1f}" '
            f'r="{p.radius_m * proj.scale:.1f}" fill="#2e7d32" fill-opacity="0.12" '
            'stroke="#2e7d32" stroke-opacity="0.5"/>'
        )
    order = {"site": 0, "works": 1, "siren": 2, "terminal": 3}
    for p in sorted(data.points, key=lambda q: order[q.kind]):
        x, y = proj.px(p.lat, p.lon)
        parts.append(_marker(p, x, y, lang))
        if p.kind == "site":
            parts.append(
                f'<text x="{x + 6:.1f}" y="{y - 6:.1f}" font-size="11" fill="#444">'
                f"{html.escape(p.name)}</text>"
            )
    length = _nice_length((WIDTH - 2 * PAD) / 4 / proj.scale)
    bar = length * proj.scale
    text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    y0 = HEIGHT - PAD / 2
    parts.append(
        f'<g class="scale-bar" data-metres="{length:g}">'
        f'<path d="M{PAD},{y0 - 5}V{y0}H{PAD + bar:.1f}V{y0 - 5}" fill="none" stroke="#000" '
        f'stroke-width="2"/><text x="{PAD + bar + 6:.1f}" y="{y0}" font-size="12">{text}</text></g>'
    )
    parts.append(
        f'<text x="{WIDTH - PAD}" y="{PAD / 2 + 6}" font-size="14" text-anchor="end">N ↑</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
