"""``sirenctl outreach``: outreach events (宣传活动) with occasion and materials by kind."""

from __future__ import annotations

from datetime import date

import click

from sirenctl.cli.cmd_findings import DATE
from sirenctl.cli.common import AppContext, echo_json, info, json_option, pass_app
from sirenctl.i18n import _
from sirenctl.labels import term
from sirenctl.models.findings import OutreachKind
from sirenctl.models.outreach import OutreachOccasion


@click.group()
def outreach() -> None:
    """Outreach events (宣传活动): occasion (4·15, 5·12, 9·18, drill, lecture), venue, form,
    people reached and materials by kind. `sirenctl drill list` lists them with the drills.

    \b
    Example:
      sirenctl outreach add --site C02 --date 2026-04-15 --occasion security_day \\
          --people 120 --materials civil_defence_handbook=80,knowledge_handbook=120
    """


@outreach.command("add")
@click.option("--site", required=True, help="Site (community) code.")
@click.option("--date", "held_on", type=DATE, required=True)
@click.option("--occasion", type=click.Choice([o.value for o in OutreachOccasion]), required=True)
@click.option(
    "--kind",
    type=click.Choice([k.value for k in OutreachKind]),
    default=OutreachKind.PUBLICITY.value,
    show_default=True,
)
@click.option("--venue", help="Where, when not in the community (e.g. 市委党校).")
@click.option("--form", help="Displays, consultation, leaflets, lecture ...")
@click.option("--title")
@click.option("--people", "participants", type=click.IntRange(0, 10_000_000), default=0)
@click.option(
    "--materials",
    default="",
    help="KIND=COUNT,...: civil_defence_handbook, air_defence_handbook, knowledge_handbook, "
    "leaflet, other.",
)
@json_option
@pass_app
def outreach_add(
    app: AppContext,
    /,
    held_on: date,
    materials: str,
    as_json: bool,
    **kwargs: object,
) -> None:
    """Record an outreach event.

    \b
    Example:
      sirenctl outreach add --site C01 --date 2026-06-26 --occasion lecture --kind training \\
          --venue 市委党校 --people 98 --title 国防动员专题授课
    """
    from sirenctl.findings.drills import drill_to_dict
    from sirenctl.findings.outreach import add_outreach, parse_materials

    with app.db.transaction() as session:
        event = add_outreach(
            session,
            operator=app.operator,
            held_on=held_on,
            materials=parse_materials(materials),
            **kwargs,  # type: ignore[arg-type]
        )
        data = {
            **drill_to_dict(event),
            "occasion": event.occasion,
            "venue": event.venue,
            "form": event.form,
        }
    if as_json:
        echo_json(data)
    info(
        _("recorded outreach #{id} ({occasion}) at {site}").format(
            id=data["id"], occasion=term(data["occasion"]), site=data["site"]
        )
    )
