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
from sirenctl.cli.work_progress import WorkProgress
from sirenctl.i18n import _, as_text, localized
from sirenctl.labels import DRIVER_FAULT


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
    TUI dashboard and reports with its age). `--cached` contacts nothing; when the latest
    attempt failed it shows the last good reading with its age and the failed attempt's age.
    Ctrl-C during a sweep prints what answered so far and exits 130.

    \b
    Examples:
      sirenctl poll
      sirenctl poll T01 T04 --json
      sirenctl poll --cached
    """
    import asyncio
    import contextlib

    from sirenctl.services.status import poll_targets, store_status

    targets = poll_targets(app.db, tags=tags, site=site, timeout=timeout)
    endpoints, problems, sites = targets.endpoints, dict(targets.problems), targets.sites
    if targets.empty:
        info(_("no networked assets to poll"))
        return
    interrupted: int | None = None
    shown = {tag: localized(message) for tag, message in problems.items()}  # tag -> error text
    if cached:
        info(
            _("nothing was contacted: stored readings with their age (poll without --cached reads)")
        )
        rows = _cached_rows(app, list(endpoints) + list(problems))
    else:
        from sirenctl.drivers.operations import poll_endpoints
        from sirenctl.drivers.stopping import SignalStop, deferred_signals

        answered: dict[str, Any] = {}

        async def sweep() -> int | None:
            with (
                WorkProgress(_("polling"), len(endpoints)) as bar,
                SignalStop() as stopper,
                contextlib.suppress(asyncio.CancelledError),
            ):
                drawing = asyncio.create_task(_redraw(bar, answered)) if bar.shown else None
                try:  # reads only; Ctrl-C: keep what answered so far
                    await poll_endpoints(endpoints, into=answered)
                finally:
                    if drawing is not None:
                        drawing.cancel()
            code: int | None = stopper.exit_code
            return code

        interrupted = asyncio.run(sweep())
        with deferred_signals():
            store_status(app.db, app.actor, answered, source="poll")
        now = time.time()
        rows = [_row(tag, sites.get(tag), answered[tag].to_dict(), now) for tag in answered]
        shown.update(
            {
                tag: localized(as_text(r.error, target=False))
                for tag, r in answered.items()
                if r.error
            }
        )
        if interrupted:
            missing = sorted(set(endpoints) - set(answered))
            info(
                _(
                    "interrupted: {answered} of {count} answered before the stop; not read: {missing}"
                ).format(
                    answered=len(answered),
                    count=len(endpoints),
                    missing=", ".join(missing) or _("none"),
                )
            )
            problems = {}
    seen = {row["tag"] for row in rows}
    _report(
        rows,
        {tag: msg for tag, msg in problems.items() if tag not in seen},
        sites,
        as_json,
        exit_code=interrupted,
        shown=shown,
    )


async def _redraw(bar: WorkProgress, answered: dict[str, Any]) -> None:
    """Redraw the bar from what has answered so far (sirenctl/cli/work_progress.py)."""
    import asyncio

    while True:
        bar.update(len(answered))
        await asyncio.sleep(0.1)


def _cached_rows(app: AppContext, tags: list[str]) -> list[dict[str, Any]]:
    from datetime import UTC, datetime

    from sirenctl.registry.status_store import known_statuses

    now = datetime.now(UTC)
    with app.db.session() as session:
        known = known_statuses(session, tags)
    missing = sorted(set(tags) - set(known))
    if missing:
        info(_("never polled: {tags}").format(tags=", ".join(missing)))
    rows = []
    for k in known.values():
        row = k.to_dict(now) | {"read_at": k.polled_at.timestamp()}
        good = row["last_good"]
        if not k.reachable and good is not None:
            # the latest attempt failed: show the last good reading, and say how old each is
            row["status"], row["age_s"] = good["status"], good["age_s"]
            row["latest_failed_age_s"] = round(k.age_seconds(now), 1)
        rows.append(row)
    return rows


def _report(
    rows: list[dict[str, Any]],
    problems: dict[str, str],
    sites: dict[str, str],
    as_json: bool,
    *,
    exit_code: int | None = None,
    shown: dict[str, str] | None = None,
) -> None:
    """The rows as JSON (English messages) or a table (``shown``: error texts to show)."""
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
            [_cells(r, (shown or {}).get(r["tag"])) for r in rows],
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
    if exit_code:
        click.get_current_context().exit(exit_code)
    if unreachable:
        click.get_current_context().exit(ExitCode.UNREACHABLE)
    if faulty:
        click.get_current_context().exit(ExitCode.DEVICE_FAULT)


def _row(tag: str, site: str | None, result: dict[str, Any], now: float) -> dict[str, Any]:
    status = result["status"]
    # an exception reply is an answer: the device is reachable but refused the read (fault)
    refused = (result["error"] or {}).get("kind") == "exception_response"
    return {
        "tag": tag,
        "site": site,
        "reachable": result["ok"] or refused,
        "faulty": bool(status and status["faulty"]) or refused,
        "age_s": round(max(0.0, now - result["read_at"]), 1),
        "read_at": result["read_at"],
        "status": status,
        "error": result["error"],
    }


def _cells(row: dict[str, Any], shown: str | None = None) -> list[Any]:
    status, error = row["status"], row["error"] or {}
    kind = DRIVER_FAULT.show(error.get("kind", "driver_error"))
    message = shown if shown is not None else error.get("message", "")
    if status is not None and not row["reachable"]:  # --cached: last good reading, latest failed
        return [
            row["tag"],
            row["site"],
            _("UNREACHABLE"),
            _("yes") if status["mains_present"] else _("NO"),
            f"{status['battery_volts']:.1f}",
            _("SOUNDING") if status["sounding"] else "",
            status["last_function"],
            _("{age:.0f} s (last good)").format(age=row["age_s"]),
            _("latest attempt {age:.0f} s ago failed: {kind}: {error}").format(
                age=row.get("latest_failed_age_s", 0), kind=kind, error=message
            ),
        ]
    if status is None:
        return [
            row["tag"],
            row["site"],
            _("DEVICE ERROR") if row["reachable"] else _("UNREACHABLE"),
            "",
            "",
            "",
            "",
            "",
            _("{kind}: {error}").format(kind=kind, error=message),
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
        "; ".join(localized(fault) for fault in status["faults"]),
    ]
