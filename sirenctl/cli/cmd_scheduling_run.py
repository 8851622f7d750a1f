"""``sirenctl run-due``, ``daemon``, ``approve`` and ``checkin``.

``run-due`` is what cron calls every minute: this module imports only click and the CLI
plumbing at load time; the scheduling services are imported inside the commands, and the
driver layer (pymodbus) only when a work order was claimed.
"""

from __future__ import annotations

import signal
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
from sirenctl.i18n import L_, _, localized
from sirenctl.labels import RESULT_OUTCOME, RUN_ACTION, TASK, WORK_ORDER_STATUS

MAX_ALARM_LINES = 20
SUMMARY_OVER = 50  # more executed work orders than this: a summary instead of a table


def _exit_code(result: Any) -> ExitCode:
    if result.exit_signal_code:
        return ExitCode(result.exit_signal_code)
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
@click.option(
    "--gateway",
    metavar="NAME",
    help="Execute only the work of controllers owned by this gateway (asset edit --gateway); "
    "without it, only assets that have no gateway.",
)
@schedules_option
@json_option
@pass_app
def run_due(
    app: AppContext,
    dry_run: bool,
    at: datetime | None,
    timeout: float,
    gateway: str | None,
    schedules_dir: str | None,
    as_json: bool,
) -> None:
    """Execute due work orders (cron runs this every minute).

    Claims due work orders atomically (safe when two run-due overlap), runs silent, growl and
    audible tests on networked assets, issues manual work orders to technicians, refuses live
    audible work without an approval by a second person, and marks work orders whose window
    passed as missed (an alarm). A sounding past its late allowance is not started. Idle runs
    print nothing. Work due within the next minute is claimed and prepared now and sent on
    its second. Ctrl-C or SIGTERM stops every unit this run started (verified by its echo)
    and records the orders as cancelled; a second Ctrl-C does not skip the stop.

    \b
    Exit code: 0 ok; 10 missed or unknown outcome (alarm); 7 refused; 8 a test failed;
    9 a controller was unreachable (nothing sent); 130 stopped by Ctrl-C; 143 by SIGTERM.
    \b
    Examples:
      * * * * *  sirenctl --db /var/lib/sirenctl/sirenctl.db run-due
      * * * * *  sirenctl --db postgresql://sirenctl@db/sirenctl run-due --gateway north
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
        gateway=gateway,
        operator=app.operator,
        handle_signals=True,
        progress=None if as_json else _progress_printer(),
        log=info,
    )
    for stop in result.stop_reports:
        info(stop.describe())
    if as_json:
        echo_json({"dry_run": dry_run, **result.to_dict()})
    elif len(result.report.decisions) + len(result.outcomes) > SUMMARY_OVER:
        _summary(result)
    elif result.report.decisions or result.outcomes:
        rows = [
            [
                d.work_order_id,
                d.tag,
                d.campaign,
                TASK.show(d.task),
                local(d.due_at),
                RUN_ACTION.show(d.action)
                if not dry_run
                else _("would {action}").format(action=RUN_ACTION.show(d.action)),
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
                [
                    [
                        o.wo_id,
                        o.tag,
                        RESULT_OUTCOME.show(o.outcome.label),
                        WORK_ORDER_STATUS.show(o.status),
                        o.note,
                    ]
                    for o in result.outcomes
                ],
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


def _progress_printer() -> Any:
    """What is playing: one line rewritten in place on a terminal, one line per change else."""
    import sys

    tty = sys.stderr.isatty()

    def show(line: str) -> None:
        if tty:
            click.echo(f"\r\x1b[2K{line}", err=True, nl=False)
        else:
            info(line)

    return show


def _summary(result: Any) -> None:
    """Counts per action and outcome, and the first lines of what needs attention."""
    from collections import Counter

    actions = Counter(d.action.value for d in result.report.decisions)
    counts = ", ".join(f"{n} {RUN_ACTION.show(a)}" for a, n in sorted(actions.items()))
    click.echo(_("run-due: {counts}").format(counts=counts))
    outcomes = Counter(o.outcome.label for o in result.outcomes)
    if outcomes:
        counts = ", ".join(f"{n} {RESULT_OUTCOME.show(o)}" for o, n in sorted(outcomes.items()))
        click.echo(_("executed: {counts}").format(counts=counts))
    bad = [o for o in result.outcomes if o.outcome.value not in ("done",)]
    for o in bad[:MAX_ALARM_LINES]:
        click.echo(
            "  "
            + _("work order {id} {tag}: {outcome}: {note}").format(
                id=o.wo_id, tag=o.tag, outcome=RESULT_OUTCOME.show(o.outcome.label), note=o.note
            )
        )
    if len(bad) > MAX_ALARM_LINES:
        click.echo(
            "  "
            + _("... and {count} more (sirenctl run-due --json)").format(
                count=len(bad) - MAX_ALARM_LINES
            )
        )


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
@click.option(
    "--gateway",
    metavar="NAME",
    help="Execute only the work of controllers owned by this gateway (one daemon per gateway).",
)
@click.option(
    "--standby",
    is_flag=True,
    help="If another daemon serves this gateway, wait and take over when it stops or dies.",
)
@schedules_option
@pass_app
def daemon(
    app: AppContext,
    sweep_every: float,
    poll_every: float,
    misfire_grace: int,
    timeout: float,
    gateway: str | None,
    standby: bool,
    schedules_dir: str | None,
) -> None:
    """Run the scheduler in the foreground (systemd), instead of cron + run-due.

    Refuses to start while another daemon holds this database's (or gateway's) scheduler
    lease, unless --standby. Sweeps go on while a programme plays. SIGTERM or Ctrl-C stop
    every unit the daemon started (verified by echo) and record the orders as cancelled;
    exit 143 or 130. See docs/operations.md for a systemd unit and for gateways.

    \b
    Examples:
      sirenctl --db /var/lib/sirenctl/sirenctl.db daemon --sweep-every 60 --poll-every 300
      sirenctl --db postgresql://sirenctl@db/sirenctl daemon --gateway north --standby
    """
    import sirenctl.models.scheduling  # noqa: F401
    from sirenctl.scheduling.daemon import Daemon, DaemonConfig, DaemonRefused

    cfg = DaemonConfig(
        sweep_every=sweep_every,
        poll_every=poll_every,
        misfire_grace=misfire_grace,
        schedules_dir=schedules_dir,
        timeout=timeout,
        gateway=gateway,
        standby=standby,
        operator=app.operator,
    )
    runner = Daemon(app.db, cfg, log=info)
    try:
        runner.run()
    except DaemonRefused as exc:
        raise CLIError(localized(exc), ExitCode.CONFLICT) from None
    if runner.stopped_by is not None:
        from sirenctl.scheduling.rundue import SIGNAL_EXIT

        click.get_current_context().exit(SIGNAL_EXIT[signal.Signals(runner.stopped_by)])


@click.command()
@click.argument("work_orders", nargs=-1, type=int)
@click.option("--campaign", help="Approve every work order of this campaign due on --on.")
@click.option("--on", "on_day", type=DAY, help="Local date of the occurrence (with --campaign).")
@click.option("--site", help="With --campaign: only this site.")
@click.option("--reason", required=True, help="Why, e.g. the notice number of the trial sounding.")
@schedules_option
@json_option
@pass_app
def approve(
    app: AppContext,
    work_orders: tuple[int, ...],
    campaign: str | None,
    on_day: date | None,
    site: str | None,
    reason: str,
    schedules_dir: str | None,
    as_json: bool,
) -> None:
    """Approve live audible work orders (you must not be their planner).

    Asks for your passphrase (SQLite; on PostgreSQL you are the database login) and signs
    what will be sent: asset, controller, register map and programme steps. If any of them
    changes afterwards, run-due refuses the sounding and raises an alarm.

    \b
    Exit code: 0; 7 refused (you planned them, no approver role, content changed);
    12 not authenticated; 4 not found; 5 not approvable.
    \b
    Examples:
      sirenctl --user lizhuren approve --campaign cn-918-trial-sounding --on 2027-09-18 \\
          --reason "县人防办〔2026〕12号"
      sirenctl --user lizhuren approve 1201 1202 --reason "bench retest"
    """
    import sirenctl.models.scheduling  # noqa: F401
    from sirenctl.cli.cmd_scheduling_common import load
    from sirenctl.identity import Role
    from sirenctl.scheduling.approvals import select_occurrence
    from sirenctl.services.approvals import approve_work_orders

    if bool(campaign) != bool(on_day):
        raise CLIError(_("--campaign and --on go together"), ExitCode.USAGE)
    if not work_orders and not campaign:
        raise CLIError(L_("give work order ids, or --campaign and --on"), ExitCode.USAGE)
    ids = list(work_orders)
    if campaign and on_day:
        with app.db.session() as session:
            ids += select_occurrence(session, campaign, on_day, site=site)
    library = load(schedules_dir)
    person = app.authenticate(L_("approve {count} work order(s)", count=len(ids)), Role.APPROVER)
    approved = approve_work_orders(app.db, person, ids, reason=reason, library=library)
    done = [
        {"work_order": a.work_order, "approved_by": a.approved_by, "status": a.status}
        for a in approved
    ]
    if as_json:
        echo_json(done)
    line = _("{count} work order(s) approved by {login}").format(
        count=len(done), login=person.actor.login
    )
    if len(ids) > len(done):
        line += _("; {count} already approved by you").format(count=len(ids) - len(done))
    info(line)


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
    Exit code: 0 passed; 8 failed; 3 bad input (nothing recorded); 5 the work order is no
    longer open (nothing recorded).

    \b
    Example:
      sirenctl checkin HC-C01 --check 1=ok --check 2=ok --check 3=fail --check 4=ok \\
          --check 5=ok --heard --level-db 92 --distance 100 --notes "rust on rotor"
    """
    from sirenctl.services.checkin import CheckIn, check_in
    from sirenctl.timeutil import utcnow

    report = CheckIn(_answers(checks), passed, heard, level_db, distance, notes)
    done = check_in(app.db, app.actor, tag, report, work_order_id=wo_id, now=utcnow())
    out = {
        "result": done.result_id,
        "work_order": done.work_order_id,
        "outcome": done.outcome,
        "status": done.work_order_status,
    }
    if as_json:
        echo_json(out)
    info(
        (
            _("{tag}: {outcome} (work order {id} {status})")
            if out["work_order"]
            else _("{tag}: {outcome} (no open work order)")
        ).format(
            tag=tag,
            outcome=RESULT_OUTCOME.show(out["outcome"]),
            id=out["work_order"],
            status=WORK_ORDER_STATUS.show(out["status"]),
        )
    )
    if out["outcome"] != "pass":
        click.get_current_context().exit(ExitCode.DEVICE_FAULT)
