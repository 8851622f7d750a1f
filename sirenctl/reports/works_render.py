"""Document blocks of the works and outreach sections, and the map (HTML only)."""

from __future__ import annotations

from typing import Any

from sirenctl.reports.document import Block, Heading, Table
from sirenctl.reports.document import Figure as Chart
from sirenctl.reports.figures import Figure
from sirenctl.reports.labels import label, term
from sirenctl.reports.model import AnnualReport


def _values(figures: list[Figure], lang: str) -> Table:
    return Table(
        [label("col.figure", lang), label("col.value", lang)],
        [[f.label(lang), f.shown()] for f in figures],
    )


def works_blocks(report: AnnualReport, lang: str) -> list[Block]:
    def t(key: str, **params: Any) -> str:
        return label(key, lang, **params)

    blocks: list[Block] = []
    works = report.sections.get("works")
    if works is not None:
        blocks += [
            Heading(t("report.works")),
            _values(works.figures, lang),
            Table(
                [t("report.works.activities"), t("col.count")],
                [[r[0].label(lang), r[0].shown()] for r in works.tables["activities"]],
            ),
        ]
    outreach = report.sections.get("outreach")
    if outreach is not None:
        blocks += [
            Heading(t("report.outreach")),
            _values(outreach.figures, lang),
            Table(
                [t("col.occasion"), t("col.events"), t("col.people")],
                [
                    [r[0].label(lang), r[0].shown(), r[1].shown()]
                    for r in outreach.tables["by_occasion"]
                ],
                caption=t("report.outreach.by_occasion"),
            ),
            Table(
                [t("col.material"), t("col.total"), t("col.at_publicity"), t("col.at_drills")],
                [
                    [r[0].label(lang), *[f.shown() for f in r]]
                    for r in outreach.tables["materials"]
                    if r[0].value
                ],
                caption=t("report.outreach.materials"),
            ),
        ]
    return blocks


def map_blocks(report: AnnualReport, lang: str) -> list[Block]:
    """The SVG map of sites, sirens, works and coverage circles (no tile server)."""
    if report.map is None:
        return []
    from sirenctl.reports.map_svg import map_svg

    target = f"{report.target_dbc:g}"
    return [
        Heading(label("report.map", lang)),
        Chart(map_svg(report.map, lang), label("report.map.note", lang, target=target)),
    ]


__all__ = ["map_blocks", "term", "works_blocks"]
