"""``sirenctl works``: civil air-defence works (人防工程), inspections, safety activities."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click

from sirenctl.cli.cmd_findings import DATE
from sirenctl.cli.common import AppContext, echo_json, echo_table, info, json_option, pass_app
from sirenctl.i18n import _
from sirenctl.labels import term
from sirenctl.models.works import ActivityKind, InspectionKind, WorksStatus, WorksType


@click.group()
def works() -> None:
    """Civil air-defence works (人防工程): register, inspect (节点/主体/竣工验收, 安全检查),
    record safety meetings and drills. Problems found at a work are findings
    (`sirenctl works problem`) covered by rectification notices like any other.

    \b
    Example:
      sirenctl works list --status under_construction
    """


@works.command("add")
@click.option("--code", required=True, help="Short code, e.g. RF-15.")
@click.option("--name", required=True)
@click.option("--site", required=True, help="Site (community) code.")
@click.option(
    "--type", "works_type", type=click.Choice([t.value for t in WorksType]), required=True
)
@click.option(
    "--status",
    type=click.Choice([s.value for s in WorksStatus]),
    default=WorksStatus.UNDER_CONSTRUCTION.value,
    show_default=True,
)
@click.option("--unit", "responsible_unit", required=True, help="Responsible unit.")
@click.option("--person", "responsible_person", required=True, help="Responsible person.")
@click.option("--phone", "responsible_phone")
@click.option("--address")
@click.option("--lat", "latitude", type=click.FloatRange(-90, 90))
@click.option("--lon", "longitude", type=click.FloatRange(-180, 180))
@click.option("--started", "started_on", type=DATE, help="Construction start date.")
@json_option
@pass_app
def works_add(app: AppContext, /, as_json: bool, **values: Any) -> None:
    """Register a work.

    \b
    Example:
      sirenctl works add --code RF-15 --name 城南小学人防地下室 --site C04 \\
          --type built_with_building --unit 城南小学 --person 王工 --started 2026-03-01
    """
    from sirenctl.registry.works import add_works, works_to_dict

    with app.db.transaction() as session:
        data = works_to_dict(add_works(session, values, operator=app.operator))
    if as_json:
        echo_json(data)
    info(_("registered work {code} at {site}").format(code=data["code"], site=data["site"]))


@works.command("list")
@click.option("--site")
@click.option("--status", type=click.Choice([s.value for s in WorksStatus]))
@json_option
@pass_app
def works_list(app: AppContext, site: str | None, status: str | None, as_json: bool) -> None:
    """List the works.

    \b
    Example:
      sirenctl works list --status in_use
    """
    from sirenctl.registry.works import WorksFilter, list_works, works_to_dict

    with app.db.session() as session:
        rows = [works_to_dict(w) for w in list_works(session, WorksFilter(site, status))]
    if as_json:
        echo_json(rows)
        return
    echo_table(
        ["code", "name", "site", "type", "status", "responsible"],
        [
            [
                r["code"],
                r["name"],
                r["site"],
                term(r["works_type"]),
                term(r["status"]),
                r["responsible_unit"],
            ]
            for r in rows
        ],
        title=_("{count} civil air-defence works").format(count=len(rows)),
    )


@works.command("inspect")
@click.argument("code")
@click.option("--kind", type=click.Choice([k.value for k in InspectionKind]), required=True)
@click.option("--pass/--fail", "passed", default=True, show_default=True)
@click.option("--at", "inspected_at", type=click.DateTime(["%Y-%m-%d %H:%M", "%Y-%m-%d"]))
@click.option("--inspector", help="Who inspected (default: you).")
@click.option("--activity", "activity_id", type=click.IntRange(min=1), help="Part of activity #.")
@click.option("--notes")
@json_option
@pass_app
def works_inspect(
    app: AppContext, /, code: str, inspected_at: datetime | None, as_json: bool, **kwargs: Any
) -> None:
    """Record an inspection of a work; a passed completion acceptance puts it in use.

    \b
    Example:
      sirenctl works inspect RF-08 --kind stage --at "2026-03-11 10:00"
    """
    from zoneinfo import ZoneInfo

    from sirenctl.config import DEFAULT_TIMEZONE
    from sirenctl.registry.works import inspection_to_dict, record_inspection

    at = inspected_at.replace(tzinfo=ZoneInfo(DEFAULT_TIMEZONE)) if inspected_at else None
    with app.db.transaction() as session:
        data = inspection_to_dict(
            record_inspection(session, code, operator=app.operator, inspected_at=at, **kwargs)
        )
    if as_json:
        echo_json(data)
    info(
        _("recorded {kind} #{id} of {code}").format(
            kind=term(data["kind"]), id=data["id"], code=code
        )
    )


@works.command("problem")
@click.argument("code")
@click.option("--description", required=True)
@click.option("--category", default="other", show_default=True)
@click.option("--severity", default="major", show_default=True)
@json_option
@pass_app
def works_problem(
    app: AppContext, code: str, description: str, category: str, severity: str, as_json: bool
) -> None:
    """Record a problem found at a work (a finding; issue a notice with `sirenctl notice issue`).

    \b
    Example:
      sirenctl works problem RF-13 --description 通道堵塞 --category other --severity major
    """
    from sirenctl.findings.findings import finding_to_dict
    from sirenctl.findings.works_findings import add_works_finding

    with app.db.transaction() as session:
        data = finding_to_dict(
            add_works_finding(
                session,
                code,
                operator=app.operator,
                description=description,
                category=category,
                severity=severity,
            )
        )
    if as_json:
        echo_json(data)
    info(_("recorded finding #{id} at work {code}").format(id=data["id"], code=code))


@works.command("activity")
@click.option("--kind", type=click.Choice([k.value for k in ActivityKind]), required=True)
@click.option("--date", "held_on", type=DATE, required=True)
@click.option("--title", required=True)
@click.option("--venue")
@click.option("--participants", type=click.IntRange(0, 1_000_000), default=0, show_default=True)
@click.option("--notes")
@json_option
@pass_app
def works_activity(app: AppContext, /, held_on: date, as_json: bool, **kwargs: Any) -> None:
    """Record a safety meeting, fire drill or full-coverage inspection.

    \b
    Example:
      sirenctl works activity --kind flood_meeting --date 2026-05-26 --title 防汛专题会
    """
    from sirenctl.registry.works import activity_to_dict, add_activity

    with app.db.transaction() as session:
        data = activity_to_dict(
            add_activity(session, held_on=held_on, operator=app.operator, **kwargs)
        )
    if as_json:
        echo_json(data)
    info(
        _("recorded {kind} #{id} on {day}").format(
            kind=term(data["kind"]), id=data["id"], day=data["held_on"]
        )
    )


@works.command("activities")
@click.option("--year", type=click.IntRange(2000, 2100), help="Held in this year.")
@json_option
@pass_app
def works_activities(app: AppContext, year: int | None, as_json: bool) -> None:
    """List safety meetings, fire drills and full-coverage inspections (their # for --activity).

    \b
    Example:
      sirenctl works activities --year 2025
    """
    from sirenctl.registry.works import activity_to_dict, list_activities

    with app.db.session() as session:
        rows = [activity_to_dict(a) for a in list_activities(session, year)]
    if as_json:
        echo_json(rows)
        return
    echo_table(
        ["#", "date", "kind", "title", "venue", "people"],
        [
            [r["id"], r["held_on"], r["kind"], r["title"], r["venue"], r["participants"]]
            for r in rows
        ],
        title=_("{count} safety activities").format(count=len(rows)),
    )


@works.command("inspections")
@click.argument("code", required=False)
@json_option
@pass_app
def works_inspections(app: AppContext, code: str | None, as_json: bool) -> None:
    """List inspections (节点/主体/竣工验收, 安全检查), of one work or all.

    \b
    Example:
      sirenctl works inspections RF-03
    """
    from sirenctl.findings.localtime import fmt_local
    from sirenctl.registry.works import get_works, inspection_to_dict, list_inspections

    with app.db.session() as session:
        if code:
            get_works(session, code)  # a clear "no such work" rather than an empty list
        found = list_inspections(session, code)
        rows = [inspection_to_dict(i) for i in found]
        shown = [fmt_local(i.inspected_at, i.works.site.timezone) for i in found]
    if as_json:
        echo_json(rows)
        return
    echo_table(
        ["#", "when (local)", "work", "kind", "result", "inspector"],
        [
            [r["id"], at, r["works"], r["kind"], "pass" if r["passed"] else "FAIL", r["inspector"]]
            for r, at in zip(rows, shown, strict=True)
        ],
        title=_("{count} inspections").format(count=len(rows)),
    )
