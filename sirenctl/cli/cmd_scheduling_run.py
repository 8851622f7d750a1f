"""``sirenctl run-due``, ``daemon``, ``approve`` and ``checkin``.

``run-due`` is what cron calls every minute: this module imports only click and the CLI
plumbing at load time; the scheduling services are imported inside the commands, and the
driver layer (pymodbus) only when a work order was claimed.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import click

from sirenctl.cli.cmd_scheduling_common import DAY, LOCAL_TIME, local, schedules_option
from sirenctl.cli.common import (
    AppContext,
    CLIError,
    ExitCode,
    echo_json,
    echo_table,
    info,
    json_option,
    pass_app,
)
from sirenctl.i18n import _

MAX_ALARM_LINES = 20


def _exit_code(result: Any) -> ExitCode:
    if result.missed:
        return ExitCode.MISSED
    if result.refused:
        return ExitCode.REFUSED
    if result.failed:
        return ExitCode.DEVICE_FAULT
    if result.unreachable:
        return ExitCode.UNREACHABLE
    return ExitCode.OK


@click.command("run-due")
@click.option(
    "--dry-run",
    is_flag=True,
    help="Show what would be claimed, issued, refused or marked missed, without changing anything.",
)
@click.option("--at", "at", type=LOCAL_TIME, help="With --dry-run: as of this time instead of now.")
@click.option(
    "--timeout",
    type=click.FloatRange(0.05, 30),
    default=2.0,
    show_default=True,
    help="Seconds a controller may take to answer one request.",
)
@schedules_option
@json_option
@pass_app
def run_due(
    app: AppContext,
    dry_run: bool,
    at: datetime | None,
    timeout: float,
    schedules_dir: str | None,
    as_json: bool,
) -> None:
    """Execute due work orders (cron runs this every minute).

    Claims due work orders atomically (safe when two run-due overlap), runs silent, growl and
    audible tests on networked assets, issues manual work orders to technicians, refuses live
    audible work without an approval by a second person, and marks work orders whose window
    passed as missed (an alarm). A sounding past its late allowance is not started. Idle runs
    print nothing.

    \b
    Exit code: 0 ok; 10 missed or unknown outcome (alarm); 7 refused; 8 a test failed;
    9 a controller was unreachable.
    \b
    Examples:
      * * * * *  sirenctl --db /var/lib/sirenctl/sirenctl.db run-due
      sirenctl run-due --dry-run --at "2026-09-18 11:59"
    """
    if at is not None and not dry_run:
        raise CLIError(
            _("--at is only for --dry-run (real runs use the real clock)"), ExitCode.USAGE
        )
    if not dry_run and not as_json:
        from sirenctl.scheduling.idle import nothing_due

        if nothing_due(app.db_url, datetime.now().astimezone()):
            return  # the common case, every minute: one query, no ORM, no drivers
    import sirenctl.models.scheduling  # noqa: F401
    from sirenctl.scheduling.rundue import run_due as run

    result = run(
        app.db,
        schedules_dir=schedules_dir,
        timeout=timeout,
        dry_run_at=(at or datetime.now().astimezone()) if dry_run else None,
    )
    if as_json:
        echo_json({"dry_run": dry_run, **result.to_dict()})
    elif result.report.decisions or result.outcomes:
        rows = [
            [
                d.work_order_id,
                d.tag,
                d.campaign,
                d.task,
                local(d.due_at),
                d.action if not dry_run else _("would {action}").format(action=d.action),
                d.reason,
            ]
            for d in result.report.decisions
        ]
        echo_table(
            ["wo", "asset", "campaign", "task", "due (local)", "action", "reason"],
            rows,
            title=_("run-due (dry run)") if dry_run else "run-due",
        )
        if result.outcomes:
            echo_table(
                ["wo", "asset", "outcome", "status", "note"],
                [[o.wo_id, o.tag, o.outcome, o.status, o.note] for o in result.outcomes],
                title=_("executed"),
            )
    missed = result.missed
    for d in missed[:MAX_ALARM_LINES]:
        info(
            _("ALARM: work order {id} {tag}: {reason}").format(
                id=getattr(d, "work_order_id", getattr(d, "wo_id", "?")),
                tag=d.tag,
                reason=getattr(d, "reason", getattr(d, "note", "")),
            )
        )
    if len(missed) > MAX_ALARM_LINES:
        info(
            _("ALARM: ... and {count} more missed or unknown work orders (sirenctl agenda)").format(
                count=len(missed) - MAX_ALARM_LINES
            )
        )
    code = _exit_code(result)
    if code != ExitCode.OK:
        click.get_current_context().exit(code)


@click.command()
@click.option(
    "--sweep-every",
    type=click.FloatRange(5, 3600),
    default=60,
    show_default=True,
    help="Seconds between due-sweeps.",
)
@click.option(
    "--poll-every",
    type=click.FloatRange(0, 86400),
    default=300,
    show_default=True,
    help="Seconds between silent status polls of networked assets (0: off).",
)
@click.option(
    "--misfire-grace",
    type=click.IntRange(1, 3600),
    default=30,
    show_default=True,
    help="Seconds a late sweep may still run (APScheduler misfire_grace_time).",
)
@click.option("--timeout", type=click.FloatRange(0.05, 30), default=2.0, show_default=True)
@schedules_option
@pass_app
def daemon(
    app: AppContext,
    sweep_every: float,
    poll_every: float,
    misfire_grace: int,
    timeout: float,
    schedules_dir: str | None,
) -> None:
    """Run the scheduler in the foreground (systemd), instead of cron + run-due.

    Refuses to start while another daemon holds this database's scheduler lease. Stops on
    SIGTERM or Ctrl-C. See docs/operations.md for a systemd unit.

    \b
    Example:
      sirenctl --db /var/lib/sirenctl/sirenctl.db daemon --sweep-every 60 --poll-every 300
    """
    import sirenctl.models.scheduling  # noqa: F401
    from sirenctl.scheduling.daemon import Daemon, DaemonConfig, DaemonRefused

    cfg = DaemonConfig(
        sweep_every=sweep_every,
        poll_every=poll_every,
        misfire_grace=misfire_grace,
        schedules_dir=schedules_dir,
        timeout=timeout,
    )
    try:
        Daemon(app.db, cfg, log=info).run()
    except DaemonRefused as exc:
        raise CLIError(str(exc), ExitCode.CONFLICT) from None


@click.command()
@click.argument("work_orders", nargs=-1, type=int)
@click.option("--campaign", help="Approve every work order of this campaign due on --on.")
@click.option("--on", "on_day", type=DAY, help="Local date of the occurrence (with --campaign).")
@click.option("--site", help="With --campaign: only this site.")
@click.option("--reason", required=True, help="Why, e.g. the notice number of the trial sounding.")
@json_option
@pass_app
def approve(
    app: AppContext,
    work_orders: tuple[int, ...],
    campaign: str | None,
    on_day: date | None,
    site: str | None,
    reason: str,
    as_json: bool,
) -> None:
    """Approve live audible work orders (you must not be their planner).

    \b
    Exit code: 0; 7 refused (you planned them); 4 not found; 5 not approvable.
    \b
    Examples:
      sirenctl --operator 李主任 approve --campaign cn-918-trial-sounding --on 2026-09-18 \\
          --reason "县人防办〔2026〕12号"
      sirenctl --operator 李主任 approve 1201 1202 --reason "bench retest"
    """
    import sirenctl.models.scheduling  # noqa: F401
    from sirenctl.scheduling.approvals import ApprovalRefused, select_occurrence
    from sirenctl.scheduling.approvals import approve as do_approve
    from sirenctl.timeutil import utcnow

    if bool(campaign) != bool(on_day):
        raise CLIError(_("--campaign and --on go together"), ExitCode.USAGE)
    if not work_orders and not campaign:
        raise CLIError(_("give work order ids, or --campaign and --on"), ExitCode.USAGE)
    try:
        with app.db.transaction() as session:
            ids = list(work_orders)
            if campaign and on_day:
                ids += select_occurrence(session, campaign, on_day, site=site)
            approvals = do_approve(session, ids, approver=app.operator, reason=reason, now=utcnow())
            done = [
                {
                    "work_order": a.work_order_id,
                    "approved_by": a.approved_by,
                    "status": a.work_order.status,
                }
                for a in approvals
            ]
    except ApprovalRefused as exc:
        raise CLIError(str(exc), ExitCode.REFUSED) from None
    if as_json:
        echo_json(done)
    info(
        _("{count} work order(s) approved by {operator}").format(
            count=len(done), operator=app.operator
        )
        + (
            _("; {count} already approved by you").format(count=len(ids) - len(done))
            if len(ids) > len(done)
            else ""
        )
    )


def _answers(values: tuple[str, ...]) -> dict[str, str]:
    out = {}
    for value in values:
        key, sep, answer = value.partition("=")
        if not sep or not key.strip():
            raise CLIError(
                _("--check {value!r}: expected ITEM=ANSWER (item number or text start)").format(
                    value=value
                ),
                ExitCode.USAGE,
            )
        out[key.strip()] = answer
    return out


@click.command()
@click.argument("tag")
@click.option(
    "--work-order", "wo_id", type=int, help="The work order (default: the asset's open one)."
)
@click.option(
    "--check",
    "checks",
    multiple=True,
    metavar="ITEM=ANSWER",
    help="A checklist answer: item number or start of its text, e.g. 1=ok, 'rust=fail'.",
)
@click.option(
    "--pass/--fail",
    "passed",
    default=None,
    help="Overall result (default: fail if an answer is fail/no or sound was not heard).",
)
@click.option("--heard/--not-heard", "heard", default=None, help="Was the siren heard?")
@click.option("--level-db", type=float, help="Measured sound level (dB).")
@click.option("--distance", type=float, help="Distance of the measurement (m).")
@click.option("--notes")
@json_option
@pass_app
def checkin(
    app: AppContext,
    tag: str,
    wo_id: int | None,
    checks: tuple[str, ...],
    passed: bool | None,
    heard: bool | None,
    level_db: float | None,
    distance: float | None,
    notes: str | None,
    as_json: bool,
) -> None:
    """Record a manual check at siren TAG (hand-crank checks, drills, inspections).

    Closes the asset's open work order as done or failed; a failure raises a finding.
    Exit code: 0 passed; 8 failed; 3 bad input (nothing recorded).

    \b
    Example:
      sirenctl checkin HC-C01 --check 1=ok --check 2=ok --check 3=fail --check 4=ok \\
          --check 5=ok --heard --level-db 92 --distance 100 --notes "rust on rotor"
    """
    import sirenctl.models.scheduling  # noqa: F401
    from sirenctl.models.scheduling import WorkOrder
    from sirenctl.registry.assets import get_asset
    from sirenctl.registry.errors import NotFound
    from sirenctl.scheduling.results import CheckIn, check_in, open_manual_order
    from sirenctl.timeutil import utcnow

    report = CheckIn(_answers(checks), passed, heard, level_db, distance, notes)
    now = utcnow()
    with app.db.transaction() as session:
        asset = get_asset(session, tag)
        if wo_id is not None:
            wo = session.get(WorkOrder, wo_id)
            if wo is None or wo.asset_id != asset.id:
                raise NotFound(_("no work order {id} for asset {tag}").format(id=wo_id, tag=tag))
        else:
            wo = open_manual_order(session, asset, now)
        result = check_in(session, asset, report, operator=app.operator, work_order=wo, now=now)
        out = {
            "result": result.id,
            "work_order": wo.id if wo else None,
            "outcome": result.outcome,
            "status": wo.status if wo else None,
        }
    if as_json:
        echo_json(out)
    info(
        (
            _("{tag}: {outcome} (work order {id} {status})")
            if out["work_order"]
            else _("{tag}: {outcome} (no open work order)")
        ).format(tag=tag, outcome=out["outcome"], id=out["work_order"], status=out["status"])
    )
    if out["outcome"] != "pass":
        click.get_current_context().exit(ExitCode.DEVICE_FAULT)
