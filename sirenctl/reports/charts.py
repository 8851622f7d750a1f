"""Bar charts as inline SVG (no plotting dependency): grouped vertical bars with value labels."""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

PALETTE = ("#1f5fa8", "#e0a020", "#b83a3a", "#3a8f5a")
FONT = 'font-family="Noto Sans CJK SC, Microsoft YaHei, sans-serif"'


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def _nice_max(value: float) -> float:
    """Top of the axis: four ticks of a 1-2-5 step, whole numbers for counts."""
    quarter = max(value / 4, 1.0)
    magnitude = 10.0 ** math.floor(math.log10(quarter))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= quarter)
    return 4 * step


def bar_chart(
    categories: Sequence[str],
    series: Sequence[Series],
    *,
    title: str,
    width: int = 640,
    height: int = 280,
) -> str:
    """Grouped bars, one group per category, one bar per series; a legend when several series."""
    esc = html.escape
    left, right, top, bottom = 40, 10, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((v for s in series for v in s.values), default=0))
    group_w = plot_w / max(len(categories), 1)
    bar_w = group_w * 0.8 / max(len(series), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{esc(title)}" {FONT} '
        'font-size="11">',
        f"<title>{esc(title)}</title>",
        f'<text x="{width / 2:.0f}" y="16" text-anchor="middle" font-size="13" '
        f'font-weight="bold">{esc(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" '
        'stroke="#333"/>',
    ]
    for tick in range(5):
        value = top_value * tick / 4
        y = top + plot_h - plot_h * tick / 4
        parts.append(
            f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{value:g}</text>'
        )
        if tick:
            parts.append(
                f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#ddd"/>'
            )
    for i, category in enumerate(categories):
        x0 = left + group_w * i + group_w * 0.1
        for j, s in enumerate(series):
            value = s.values[i]
            h = plot_h * value / top_value
            x = x0 + bar_w * j
            y = top + plot_h - h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w * 0.92:.1f}" '
                f'height="{h:.1f}" fill="{PALETTE[j % len(PALETTE)]}">'
                f"<title>{esc(category)} {esc(s.name)}: {value:g}</title></rect>"
            )
            if value:
                parts.append(
                    f'<text x="{x + bar_w * 0.46:.1f}" y="{y - 3:.1f}" '
                    f'text-anchor="middle">{value:g}</text>'
                )
        parts.append(
            f'<text x="{left + group_w * (i + 0.5):.1f}" y="{top + plot_h + 15}" '
            f'text-anchor="middle">{esc(category)}</text>'
        )
    if len(series) > 1:
        for j, s in enumerate(series):
            x = left + 10 + j * 110
            parts.append(
                f'<rect x="{x}" y="{height - 14}" width="10" height="10" '
                f'fill="{PALETTE[j % len(PALETTE)]}"/>'
                f'<text x="{x + 14}" y="{height - 5}">{esc(s.name)}</text>'
            )
    parts.append("</svg>")
    return "".join(parts)
