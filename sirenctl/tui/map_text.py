"""The map as text for the terminal: the same points as ``sirenctl map`` on a character grid.

Equirectangular like the SVG map (sirenctl/reports/map_svg.py); a terminal cell is about twice
as tall as wide, so a row spans two columns' worth of metres. Later points overwrite earlier
ones in a cell: sites first, then works, sirens, terminals, faulty units last (never hidden).
"""

from __future__ import annotations

import math

from rich.text import Text

from sirenctl.reports.map_data import MapData, MapPoint

SYMBOLS = {"site": ("·", "dim"), "works": ("▲", "yellow"), "siren": ("H", "green"),
           "terminal": ("T", "cyan")}  # fmt: skip
FAULTY = ("X", "bold red")
ORDER = {"site": 0, "works": 1, "siren": 2, "terminal": 3}


def _project(
    data: MapData, width: int, height: int
) -> tuple[list[tuple[int, int, MapPoint]], float]:
    pts = data.points
    if not pts:
        return [], 0.0
    lat0 = (min(p.lat for p in pts) + max(p.lat for p in pts)) / 2
    k = math.cos(math.radians(lat0))
    xs = [p.lon * k for p in pts]
    ys = [p.lat for p in pts]
    span_x = max(max(xs) - min(xs), 1e-4)
    span_y = max(max(ys) - min(ys), 1e-4)
    # metres per column; a row is two columns' worth
    scale = max(span_x / (width - 1), 2 * span_y / (height - 1))
    placed = []
    for p, x, y in zip(pts, xs, ys, strict=True):
        col = round((x - min(xs)) / scale)
        row = round((max(ys) - y) / (2 * scale))
        placed.append((min(col, width - 1), min(row, height - 1), p))
    metres_per_col = math.radians(scale) * 6_371_008.8
    return placed, metres_per_col


def text_map(data: MapData, width: int = 70, height: int = 18) -> Text:
    grid: list[list[tuple[str, str]]] = [[(" ", "")] * width for _ in range(height)]
    placed, metres = _project(data, width, height)
    for col, row, p in sorted(placed, key=lambda t: (t[2].faulty, ORDER[t[2].kind])):
        grid[row][col] = FAULTY if p.faulty else SYMBOLS[p.kind]
    text = Text()
    for line in grid:
        for char, style in line:
            text.append(char, style=style)
        text.append("\n")
    if metres:
        cols = max(1, round(1000 / metres))
        text.append("─" * min(cols, width) + " 1 km\n", style="bold")
    text.append("· community  ▲ works  H hand-crank  T terminal  ", style="dim")
    text.append("X faulty", style="bold red")
    return text


def map_summary(data: MapData) -> str:
    faulty = [p.code for p in data.points if p.faulty]
    counts = {k: len(data.of(k)) for k in ("site", "siren", "terminal", "works")}
    return (
        f"{counts['site']} communities, {counts['siren']} hand-crank sirens, "
        f"{counts['terminal']} terminals, {counts['works']} works, "
        f"{len(data.circles)} coverage circles at {data.target_dbc:g} dBC; "
        f"faulty: {', '.join(faulty) or 'none'}"
    )
