"""``sirenctl finding``: problems found by inspections, check-ins and tests."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click

from sirenctl.cli.common import (
    AppContext,
    echo_json,
    echo_table,
    info,
    json_option,
    pass_app,
    wide_option,
)
from sirenctl.i18n import _, localized
from sirenctl.labels import term
from sirenctl.models.findings import FindingCategory, FindingSource, FindingStatus, Severity

CATEGORIES = click.Choice([c.value for c in FindingCategory])
SEVERITIES = click.Choice([s.value for s in Severity])


class LocalDateTime(click.ParamType[datetime, Any]):
    """A time in the office time zone (``2025-03-10 09:30``) or ISO 8601 with an offset."""

    name = "TIME"

    def convert(
        self, value: Any, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        from sirenctl.findings.localtime import parse_local_datetime

        if isinstance(value, datetime):
            return value
        try:
            return parse_local_datetime(str(value))
        except ValueError as exc:
            self.fail(localized(exc), param, ctx)


class DateType(click.ParamType[date, Any]):
    name = "YYYY-MM-DD"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> date:
        from sirenctl.registry.fields import parse_date

        if isinstance(value, date):
            return value
        try:
            return parse_date(str(value))
        except ValueError as exc:
            self.fail(localized(exc), param, ctx)


DATE = DateType()


def short(text: str | None, width: int = 40) -> str:
    text = (text or "").replace("\n", " ")
    return text if len(text) <= width else text[: width - 1] + "…"


@click.group()
def finding() -> None:
    """Findings (问题) on sirens and sites; an open critical finding makes its asset faulty.

    \b
    Example:
      sirenctl finding add --asset HC-C01 --category corrosion --severity major \\
          --description "转轴锈蚀，摇动费力"
    """


@finding.command("add")
@click.option("--asset", "asset_tag", metavar="TAG", help="Asset the problem is on.")
@click.option("--site", "site_code", metavar="CODE", help="Site, when not on one asset.")
@click.option("--category", type=CATEGORIES, required=True, help="Kind of problem.")
@click.option(
    "--severity",
    type=SEVERITIES,
    required=True,
    help="critical = the siren cannot warn (the asset shows as faulty).",
)
@click.option("--description", required=True, help="What is wrong (问题描述).")
@click.option(
    "--source",
    type=click.Choice([s.value for s in FindingSource]),
    default=FindingSource.INSPECTION.value,
    show_default=True,
    help="How it was found.",
)
@click.option("--found-at", type=LocalDateTime(), help="When (site time; default now).")
@click.option("--found-by", help="Who found it (default: the operator).")
@click.option(
    "--attach",
    "attachments",
    multiple=True,
    metavar="FILE|URL",
    help="Photo or document reference; repeat for several.",
)
@json_option
@pass_app
def finding_add(
    app: AppContext, asset_tag: str | None, site_code: str | None, as_json: bool, **kwargs: Any
) -> None:
    """Record a finding by hand (an inspection).

    \b
    Example:
      sirenctl finding add --asset HC-C01 --category corrosion --severity major \\
          --description "转轴锈蚀，摇动费力" --found-at "2025-03-10 09:30"
    """
    from sirenctl.services.findings import NewFinding, add_finding
    from sirenctl.timeutil import utcnow

    new = NewFinding(asset=asset_tag, site=site_code, **kwargs)
    data = add_finding(app.db, app.actor, new, now=utcnow()).record
    if as_json:
        echo_json(data)
    info(
        (
            _("recorded finding #{id} ({severity}, {category}) on {asset}")
            if data["asset"]
            else _("recorded finding #{id} ({severity}, {category}) at {site}")
        ).format(
            id=data["id"],
            severity=term(data["severity"]),
            category=term(data["category"]),
            asset=data["asset"],
            site=data["site"],
        )
    )


@finding.command("list")
@click.option("--site", help="Site code.")
@click.option("--asset", help="Asset tag.")
@click.option("--category", type=CATEGORIES)
@click.option("--severity", type=SEVERITIES)
@click.option("--status", type=click.Choice([s.value for s in FindingStatus]))
@click.option("--source", type=click.Choice([s.value for s in FindingSource]))
@click.option("--year", type=int, help="Found in this year (UTC dates).")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many rows.")
@json_option
@wide_option
@pass_app
def finding_list(
    app: AppContext, year: int | None, limit: int | None, as_json: bool, **kwargs: Any
) -> None:
    """List findings, newest first.

    \b
    Example:
      sirenctl finding list --status open --severity critical
    """
    from sirenctl.findings.finding_queries import FindingFilter, list_findings
    from sirenctl.findings.findings import finding_to_dict

    if year is not None:
        kwargs.update(since=date(year, 1, 1), until=date(year, 12, 31))
    with app.db.session() as session:
        rows = [
            finding_to_dict(f) for f in list_findings(session, FindingFilter(**kwargs), limit=limit)
        ]
    if as_json:
        echo_json(rows)
        return
    echo_table(
        ["id", "found", "site", "asset", "category", "severity", "status", "notice", "description"],
        [
            [
                r["id"],
                r["found_at"][:10],
                r["site"],
                r["asset"],
                term(r["category"]),
                term(r["severity"]),
                term(r["status"]),
                r["notice"],
                short(r["description"]),
            ]
            for r in rows
        ],
        optional=("category", "notice", "site"),
    )


@finding.command("show")
@click.argument("finding_id", type=int, metavar="ID")
@json_option
@pass_app
def finding_show(app: AppContext, finding_id: int, as_json: bool) -> None:
    """Show one finding.

    \b
    Example:
      sirenctl finding show 12
    """
    from sirenctl.findings.findings import finding_to_dict, get_finding

    with app.db.session() as session:
        data = finding_to_dict(get_finding(session, finding_id))
    if as_json:
        echo_json(data)
        return
    from sirenctl.cli.detail_view import FINDING_FIELDS, detail_rows

    echo_table(
        ["field", "value"],
        detail_rows(data, FINDING_FIELDS),
        title=_("finding #{id}").format(id=finding_id),
    )


@finding.command("resolve")
@click.argument("finding_id", type=int, metavar="ID")
@click.option("--resolution", required=True, help="What was done.")
@pass_app
def finding_resolve(app: AppContext, finding_id: int, resolution: str) -> None:
    """Resolve a finding fixed on the spot (one covered by a notice closes with the notice).

    \b
    Example:
      sirenctl finding resolve 15 --resolution "重新张贴二维码标识"
    """
    from sirenctl.services.findings import resolve_finding
    from sirenctl.timeutil import utcnow

    resolve_finding(app.db, app.actor, finding_id, resolution, now=utcnow())
    info(_("finding #{id} resolved").format(id=finding_id))
