"""``sirenctl map``: sites, sirens and terminals, works and coverage circles as a map file."""

from __future__ import annotations

from pathlib import Path

import click

from sirenctl.cli.common import AppContext, pass_app


@click.command("map")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["geojson", "kml", "html"]),
    default="geojson",
    show_default=True,
    help="geojson (QGIS, web maps), kml (Google Earth, 奥维), html (a page with the SVG map).",
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write to FILE instead of stdout.",
)
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option(
    "--target-dbc",
    type=click.FloatRange(40, 120),
    default=70.0,
    show_default=True,
    help="Coverage target level for the circles (CPG 1-17): 70 dBC dense, 60 sparse.",
)
@pass_app
def map_command(app: AppContext, fmt: str, out: Path | None, lang: str, target_dbc: float) -> None:
    """Map of the county: communities, sirens and terminals, civil air-defence works, and each
    working siren's coverage circle (CPG 1-17); faulty units are marked. No tile server: the
    HTML page draws everything itself in a local projection.

    \b
    Examples:
      sirenctl map --format html --out map.html
      sirenctl map --format kml --out sirens.kml --target-dbc 60
    """
    from sirenctl.cli.cmd_notice import write_output
    from sirenctl.reports.map_data import collect_map
    from sirenctl.reports.map_formats import to_geojson, to_html_page, to_kml

    with app.db.session() as session:
        data = collect_map(session, target_dbc=target_dbc)
    if fmt == "geojson":
        text = to_geojson(data)
    elif fmt == "kml":
        text = to_kml(data, lang)
    else:
        text = to_html_page(data, lang)
    write_output(text, out)
