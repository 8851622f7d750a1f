"""``sirenctl drill``: community drills, training and publicity events."""

from __future__ import annotations

from datetime import date
from typing import Any

import click

from sirenctl.cli.cmd_findings import DATE
from sirenctl.cli.common import AppContext, echo_json, echo_table, info, json_option, pass_app
from sirenctl.i18n import _
from sirenctl.labels import term
from sirenctl.models.findings import OutreachKind

KINDS = click.Choice([k.value for k in OutreachKind])


@click.group()
def drill() -> None:
    """Drills and outreach (疏散演练、培训、宣传) with participant counts.

    \b
    Example:
      sirenctl drill add --site C01 --date 2025-03-28 --participants 320 \\
          --certificates 25 --certificate-type 急救基础 --title 春季疏散演练
    """


@drill.command("add")
@click.option("--site", required=True, help="Site (community) code.")
@click.option("--date", "held_on", type=DATE, required=True, help="Day it was held.")
@click.option("--kind", type=KINDS, default=OutreachKind.EVACUATION_DRILL.value, show_default=True)
@click.option("--title", help="Name of the event.")
@click.option("--participants", type=click.IntRange(min=0), default=0, show_default=True)
@click.option(
    "--certificates",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Certificates issued (e.g. basic first aid).",
)
@click.option("--certificate-type", help="What the certificates are for.")
@click.option(
    "--materials",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Leaflets or other materials handed out (count).",
)
@click.option("--materials-note", help="What was handed out.")
@click.option(
    "--evacuation-minutes",
    type=click.FloatRange(min=0, min_open=True),
    help="Time to evacuate (drills).",
)
@click.option("--notes", help="Remarks.")
@json_option
@pass_app
def drill_add(app: AppContext, as_json: bool, **kwargs: Any) -> None:
    """Record a drill, training session or publicity event.

    \b
    Example:
      sirenctl drill add --site C03 --date 2025-06-14 --kind training --title 急救知识培训 \\
          --participants 48 --certificates 45 --certificate-type 急救基础
    """
    from sirenctl.services.drills import NewDrill, record_drill
    from sirenctl.timeutil import utcnow

    data = record_drill(app.db, app.actor, NewDrill(**kwargs), now=utcnow()).record
    if as_json:
        echo_json(data)
    info(
        _("recorded {kind} #{id} at {site} on {day}").format(
            kind=term(data["kind"]), id=data["id"], site=data["site"], day=data["held_on"]
        )
    )


@drill.command("list")
@click.option("--site", help="Site code.")
@click.option("--kind", type=KINDS)
@click.option("--year", type=int, help="Held in this year.")
@json_option
@pass_app
def drill_list(
    app: AppContext, site: str | None, kind: str | None, year: int | None, as_json: bool
) -> None:
    """List drills and outreach events, newest first, with totals.

    \b
    Example:
      sirenctl drill list --site C01 --year 2025
    """
    from sirenctl.findings.drills import DrillFilter, drill_to_dict, list_drills

    flt = DrillFilter(
        site=site,
        kind=kind,
        since=date(year, 1, 1) if year else None,
        until=date(year, 12, 31) if year else None,
    )
    with app.db.session() as session:
        rows = [drill_to_dict(e) for e in list_drills(session, flt)]
    if as_json:
        echo_json(rows)
        return
    echo_table(
        ["id", "date", "site", "kind", "title", "participants", "certificates", "materials"],
        [
            [
                r["id"],
                r["held_on"],
                f"{r['site']} {r['site_name']}",
                term(r["kind"]),
                r["title"],
                r["participants"],
                r["certificates"],
                r["materials"],
            ]
            for r in rows
        ],
    )
    info(
        _("{events} events, {participants} participants, {certificates} certificates").format(
            events=len(rows),
            participants=sum(r["participants"] for r in rows),
            certificates=sum(r["certificates"] for r in rows),
        )
    )
