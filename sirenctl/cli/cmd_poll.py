"""``sirenctl poll``: status of networked assets through the driver layer."""

from __future__ import annotations

import time
from typing import Any

import click

from sirenctl.cli.common import (
    AppContext,
    ExitCode,
    echo_json,
    echo_table,
    info,
    json_option,
    pass_app,
)
from sirenctl.i18n import _


@click.command()
@click.argument("tags", nargs=-1)
@click.option("--site", help="Only networked assets of this site code.")
@click.option(
    "--timeout",
    type=click.FloatRange(0.05, 30),
    default=1.0,
    show_default=True,
    help="Seconds each device may take to answer one request.",
)
@click.option(
    "--cached",
    is_flag=True,
    help="Show the last stored readings and their age; do not contact the devices.",
)
@json_option
@pass_app
def poll(
    app: AppContext,
    tags: tuple[str, ...],
    site: str | None,
    timeout: float,
    cached: bool,
    as_json: bool,
) -> None:
    """Read the status of networked assets (all, or the TAGs given).

    A device that does not answer is shown as unreachable with the kind of communication fault;
    it costs the others no more than its own timeout. Reading status is silent: nothing audible
    is sent.

    \b
    Exit code: 0 all healthy; 8 a device reports a fault (mains failed, battery low, door open,
    rotation/amplifier fault, failed self-test); 9 a device is unreachable (takes precedence).

    Every reading is stored as the asset's last known status (shown by `poll --cached`, the
    TUI dashboard and reports with its age).

    \b
    Examples:
      sirenctl poll
      sirenctl poll T01 T04 --json
      sirenctl poll --cached
    """
    import asyncio

    from sirenctl.devices import EndpointProblem, endpoint_for
    from sirenctl.registry.assets import AssetFilter, get_asset, list_assets

    with app.db.session() as session:
        if tags:
            assets = [get_asset(session, tag) for tag in tags]
        else:
            assets = list_assets(
                session, AssetFilter(site=site, networked=True, include_retired=False)
            )
        sites = {a.tag: a.site.code for a in assets}
        endpoints, problems = {}, {}
        for asset in assets:
            try:
                endpoints[asset.tag] = endpoint_for(asset, timeout=timeout)
            except EndpointProblem as exc:
                problems[asset.tag] = str(exc)
    if not endpoints and not problems:
        info(_("no networked assets to poll"))
        return
    if cached:
        rows = _cached_rows(app, list(endpoints) + list(problems))
    else:
        from sirenctl.drivers.operations import poll_endpoints
        from sirenctl.registry.status_store import store_poll_results

        results = asyncio.run(poll_endpoints(endpoints))  # reads only: nothing to audit
        with app.db.transaction() as session:
            store_poll_results(session, results, source="poll")
        now = time.time()
        rows = [_row(tag, sites.get(tag), results[tag].to_dict(), now) for tag in endpoints]
    seen = {row["tag"] for row in rows}
    _report(rows, {tag: msg for tag, msg in problems.items() if tag not in seen}, sites, as_json)


def _cached_rows(app: AppContext, tags: list[str]) -> list[dict[str, Any]]:
    from datetime import UTC, datetime

    from sirenctl.registry.status_store import known_statuses

    now = datetime.now(UTC)
    with app.db.session() as session:
        known = known_statuses(session, tags)
    missing = sorted(set(tags) - set(known))
    if missing:
        info(_("never polled: {tags}").format(tags=", ".join(missing)))
    return [k.to_dict(now) | {"read_at": k.polled_at.timestamp()} for k in known.values()]


def _report(
    rows: list[dict[str, Any]], problems: dict[str, str], sites: dict[str, str], as_json: bool
) -> None:
    rows = rows + [
        {
            "tag": tag,
            "site": sites.get(tag),
            "reachable": False,
            "faulty": None,
            "error": {"kind": "config", "message": msg},
            "status": None,
            "age_s": None,
        }
        for tag, msg in problems.items()
    ]
    rows.sort(key=lambda r: r["tag"])
    if as_json:
        echo_json(rows)
    else:
        echo_table(
            [
                "tag",
                "site",
                "state",
                "mains",
                "battery V",
                "sounding",
                "last function",
                "age",
                "faults / error",
            ],
            [_cells(r) for r in rows],
        )
    unreachable = sum(1 for r in rows if not r["reachable"])
    faulty = sum(1 for r in rows if r["faulty"])
    info(
        _("{count} polled: {healthy} healthy, {faulty} faulty, {unreachable} unreachable").format(
            count=len(rows),
            healthy=len(rows) - unreachable - faulty,
            faulty=faulty,
            unreachable=unreachable,
        )
    )
    if unreachable:
        click.get_current_context().exit(ExitCode.UNREACHABLE)
    if faulty:
        click.get_current_context().exit(ExitCode.DEVICE_FAULT)


def _row(tag: str, site: str | None, result: dict[str, Any], now: float) -> dict[str, Any]:
    status = result["status"]
    return {
        "tag": tag,
        "site": site,
        "reachable": result["ok"],
        "faulty": bool(status and status["faulty"]),
        "age_s": round(max(0.0, now - result["read_at"]), 1),
        "read_at": result["read_at"],
        "status": status,
        "error": result["error"],
    }


def _cells(row: dict[str, Any]) -> list[Any]:
    status, error = row["status"], row["error"]
    if status is None:
        kind = (error or {}).get("kind", "error")
        return [
            row["tag"],
            row["site"],
            _("UNREACHABLE"),
            "",
            "",
            "",
            "",
            "",
            f"{kind}: {(error or {}).get('message', '')}",
        ]
    return [
        row["tag"],
        row["site"],
        _("FAULT") if row["faulty"] else _("ok"),
        _("yes") if status["mains_present"] else _("NO"),
        f"{status['battery_volts']:.1f}",
        _("SOUNDING") if status["sounding"] else "",
        status["last_function"],
        f"{row['age_s']:.0f} s",
        "; ".join(status["faults"]),
    ]
