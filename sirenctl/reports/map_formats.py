"""The map as GeoJSON (RFC 7946), KML 2.2 and a self-contained HTML page (no tile server)."""

from __future__ import annotations

import html
import json
from typing import Any
from xml.etree import ElementTree as ET

from sirenctl.reports.labels import term
from sirenctl.reports.map_data import MapData, MapPoint, circle_ring

KML_NS = "http://www.opengis.net/kml/2.2"


def _props(p: MapPoint) -> dict[str, Any]:
    return {
        "kind": p.kind,
        "ref": p.ref,
        "code": p.code,
        "name": p.name,
        "status": p.status,
        "faulty": p.faulty,
        "coverage_radius_m": None if p.radius_m is None else round(p.radius_m, 1),
    }


def to_geojson(data: MapData) -> str:
    features: list[dict[str, Any]] = []
    for p in data.points:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [p.lon, p.lat]},
                "properties": _props(p),
            }
        )
    for p in data.circles:
        assert p.radius_m is not None
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [[list(c) for c in circle_ring(p.lat, p.lon, p.radius_m)]],
                },
                "properties": {
                    **_props(p),
                    "kind": "coverage",
                    "target_dbc": data.target_dbc,
                },
            }
        )
    return (
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False) + "\n"
    )


STYLES = {
    "site": "7f7f7fff",
    "siren": "ff2e7d32",
    "terminal": "ffc06015",
    "works": "ff8b4513",
    "faulty": "ff0000dd",
}


def to_kml(data: MapData, lang: str = "zh") -> str:
    ET.register_namespace("", KML_NS)
    kml = ET.Element(f"{{{KML_NS}}}kml")
    doc = ET.SubElement(kml, f"{{{KML_NS}}}Document")
    ET.SubElement(doc, f"{{{KML_NS}}}name").text = "sirenctl"
    for name, colour in STYLES.items():
        style = ET.SubElement(doc, f"{{{KML_NS}}}Style", id=name)
        icon = ET.SubElement(style, f"{{{KML_NS}}}IconStyle")
        ET.SubElement(icon, f"{{{KML_NS}}}color").text = colour
    cov = ET.SubElement(doc, f"{{{KML_NS}}}Style", id="coverage")
    line = ET.SubElement(cov, f"{{{KML_NS}}}LineStyle")
    ET.SubElement(line, f"{{{KML_NS}}}color").text = "ff2e7d32"
    poly = ET.SubElement(cov, f"{{{KML_NS}}}PolyStyle")
    ET.SubElement(poly, f"{{{KML_NS}}}color").text = "332e7d32"
    for p in data.points:
        mark = ET.SubElement(doc, f"{{{KML_NS}}}Placemark")
        ET.SubElement(mark, f"{{{KML_NS}}}name").text = f"{p.code} {p.name}"
        ET.SubElement(
            mark, f"{{{KML_NS}}}description"
        ).text = (
            f"{term(p.kind if p.kind != 'siren' else 'hand_crank', lang)} {term(p.status, lang)}"
        )
        ET.SubElement(mark, f"{{{KML_NS}}}styleUrl").text = "#" + ("faulty" if p.faulty else p.kind)
        point = ET.SubElement(mark, f"{{{KML_NS}}}Point")
        ET.SubElement(point, f"{{{KML_NS}}}coordinates").text = f"{p.lon},{p.lat},0"
    for p in data.circles:
        assert p.radius_m is not None
        mark = ET.SubElement(doc, f"{{{KML_NS}}}Placemark")
        ET.SubElement(mark, f"{{{KML_NS}}}name").text = f"{p.code} {p.radius_m:.0f} m"
        ET.SubElement(mark, f"{{{KML_NS}}}styleUrl").text = "#coverage"
        polygon = ET.SubElement(mark, f"{{{KML_NS}}}Polygon")
        outer = ET.SubElement(polygon, f"{{{KML_NS}}}outerBoundaryIs")
        ring = ET.SubElement(outer, f"{{{KML_NS}}}LinearRing")
        ET.SubElement(ring, f"{{{KML_NS}}}coordinates").text = " ".join(
            f"{lon},{lat},0" for lon, lat in circle_ring(p.lat, p.lon, p.radius_m)
        )
    ET.indent(kml)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="unicode") + "\n"


_PAGE_JS = """
document.querySelectorAll('svg .marker').forEach(function (m) {
  m.addEventListener('click', function () {
    document.getElementById('picked').textContent = m.getAttribute('data-label');
  });
});
"""


def to_html_page(data: MapData, lang: str = "zh") -> str:
    from sirenctl.reports.map_svg import map_svg

    title = "警报器和人防工程分布图" if lang == "zh" else "Sirens and civil air-defence works"
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        "<style>body{font-family:sans-serif;margin:1rem}svg{max-width:100%;height:auto}</style>"
        f"</head><body><h1>{html.escape(title)}</h1>\n{map_svg(data, lang)}\n"
        '<p id="picked"></p>'
        f"<script>{_PAGE_JS}</script></body></html>\n"
    )
