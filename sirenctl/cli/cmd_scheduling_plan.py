"""``sirenctl plan`` and ``sirenctl agenda`` (``sirenctl holidays``: cmd_scheduling_holidays.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import click

from sirenctl.cli.cmd_scheduling_common import (
    DAY,
    DEFAULT_ZONE,
    LOCAL_TIME,
    load,
    local,
    schedules_option,
)
from sirenctl.cli.common import (
    AppContext,
    CLIError,
    ExitCode,
    echo_json,
    echo_table,
    info,
    json_option,
    pass_app,
    wide_option,
)
from sirenctl.cli.work_progress import StagedProgress
from sirenctl.i18n import L_, _, localized
from sirenctl.labels import TASK, WORK_ORDER_STATUS, plan_change_text

MAX_DIFF_LINES = 60


def _period(year: int | None, start: date | None, end: date | None) -> tuple[datetime, datetime]:
    if year is not None and (start or end):
        raise CLIError(_("give --year or --from/--to, not both"), ExitCode.USAGE)
    if year is not None and not 1 <= year <= 9998:
        raise CLIError(
            _("--year {year} is out of range (1-9998)").format(year=year), ExitCode.USAGE
        )
    if year is not None:
        start, end = date(year, 1, 1), date(year, 12, 31)
    if start is None or end is None:
        raise CLIError(_("give --year YEAR, or --from DATE and --to DATE"), ExitCode.USAGE)
    if end < start:
        raise CLIError(_("--to is before --from"), ExitCode.USAGE)
    zone = ZoneInfo(DEFAULT_ZONE)
    return (
        datetime.combine(start, time(0), zone).astimezone(UTC),
        datetime.combine(end + timedelta(days=1), time(0), zone).astimezone(UTC),
    )


def run_plan(
    app: AppContext,
    schedules_dir: str | None,
    start: datetime,
    end: datetime,
    *,
    dry_run: bool,
    as_json: bool,
) -> Any:
    """Compute the diff, show it, and (unless dry-run) write it in the same transaction."""
    from sirenctl.scheduling.plan_service import compute_campaign_plan
    from sirenctl.scheduling.planner import apply_plan, cancelled_by_asset, plan_warnings

    library = load(schedules_dir)
    now = datetime.now(UTC)
    planner = None if dry_run else _planner_if_needed(app, library, start, end, now)
    context = app.db.session() if dry_run else app.db.transaction()
    with context as session:
        with StagedProgress(min_total=1) as progress:  # a campaign over many assets is slow
            diff, calendar, countries = compute_campaign_plan(
                session, library, start, end, planner=app.operator, now=now,
                seed_holidays=not dry_run, progress=progress,
            )  # fmt: skip
        _show_diff(diff, as_json, dry_run)
        for campaign, due, tags in cancelled_by_asset(session, diff):
            info(
                (
                    _("would cancel {campaign} {due} for {count} asset(s): {tags}")
                    if dry_run
                    else _("cancelled {campaign} {due} for {count} asset(s): {tags}")
                ).format(campaign=campaign, due=due, count=len(tags), tags=", ".join(tags))
            )
        for warning in plan_warnings(diff, calendar, countries, now):
            info(_("warning: {warning}").format(warning=localized(warning)))
        for campaign in sorted(library.campaigns.values(), key=lambda c: c.key):
            if campaign.enabled and campaign.note:
                info(
                    _("note on {campaign}: {note}").format(
                        campaign=campaign.key, note=campaign.note
                    )
                )
        if not dry_run and not diff.empty:
            with StagedProgress() as progress:
                apply_plan(session, diff, operator=app.operator, now=now, progress=progress)
    if not dry_run:
        sign_live_plans(app, planner, library, start, end, now)
    return diff


def _planner_if_needed(
    app: AppContext, library: Any, start: datetime, end: datetime, now: datetime
) -> Any:
    """The planner, authenticated before anything is written, when the plan will hold live
    audible work orders to sign (new, changed, or still unsigned); None when there are none.
    A wrong passphrase or a locked account therefore writes nothing at all."""
    from sirenctl.identity import Role
    from sirenctl.scheduling.plan_service import compute_campaign_plan, live_audible_in
    from sirenctl.security.approvals import unsigned_live_orders

    with app.db.session() as session:
        diff, _calendar, _countries = compute_campaign_plan(
            session, library, start, end, planner=app.operator, now=now, seed_holidays=False
        )
        count = live_audible_in(session, diff) + len(
            unsigned_live_orders(session, library, start, end)
        )
    if not count:
        return None
    purpose = L_("sign {count} live audible work order(s) as planner", count=count)
    return app.authenticate(purpose, Role.PLANNER)


def sign_live_plans(
    app: AppContext, person: Any, library: Any, start: datetime, end: datetime, now: datetime
) -> None:
    """Sign, as ``person`` (the planner, authenticated before the plan was written), the open
    live audible work orders of the period that need it. Without a signature run-due refuses
    them (docs/security.md). Should the written plan hold some the first look did not foresee
    (holidays seeded by this run), the planner is asked now."""
    from sirenctl.identity import Role
    from sirenctl.security.approvals import sign_plans, unsigned_live_orders

    with app.db.session() as session:
        pending = unsigned_live_orders(session, library, start, end)
    if not pending:
        return
    if person is None:
        purpose = L_("sign {count} live audible work order(s) as planner", count=len(pending))
        person = app.authenticate(purpose, Role.PLANNER)
    with app.db.transaction() as session:
        signed = sign_plans(session, person, pending, library, now)
    info(
        _(
            "signed {count} live audible work order(s) as planner {login}; "
            "each needs an approval by another person (sirenctl approve)"
        ).format(count=len(signed), login=person.actor.login)
    )


def _show_diff(diff: Any, as_json: bool, dry_run: bool) -> None:
    lines = diff.grouped()
    if as_json:
        echo_json({**diff.summary(), "dry_run": dry_run, "changes": lines})
    elif lines:
        echo_table(
            ["change", "campaign", "due (local)", "assets"],
            [
                [plan_change_text(r["change"]), r["campaign"], r["due_local"], r["assets"]]
                for r in lines[:MAX_DIFF_LINES]
            ],
            title=_("plan (dry run: nothing written)") if dry_run else _("plan"),
        )
        if len(lines) > MAX_DIFF_LINES:
            info(
                _("... and {count} more lines (use --json for all)").format(
                    count=len(lines) - MAX_DIFF_LINES
                )
            )
    s = diff.summary()
    summary = (
        _(
            "would add {added}, would change {changed}, would cancel {cancelled} work orders; "
            "{unchanged} unchanged, {kept} started or past left alone"
        )
        if dry_run
        else _(
            "added {added}, changed {changed}, cancelled {cancelled} work orders; "
            "{unchanged} unchanged, {kept} started or past left alone"
        )
    ).format(**s)
    if s["past_occurrences"]:
        summary += _("; {count} occurrence(s) already over were not planned").format(
            count=s["past_occurrences"]
        )
    if s["skipped_occurrences"]:
        summary += _("; {count} occurrences skipped for holidays").format(
            count=s["skipped_occurrences"]
        )
    info(summary)


@click.command()
@click.option("--year", type=int, help="Plan this calendar year (Asia/Shanghai dates).")
@click.option("--from", "start_day", type=DAY, help="First day to plan (YYYY-MM-DD).")
@click.option("--to", "end_day", type=DAY, help="Last day to plan, inclusive.")
@click.option("--dry-run", is_flag=True, help="Show the diff only; write nothing.")
@schedules_option
@json_option
@pass_app
def plan(
    app: AppContext,
    year: int | None,
    start_day: date | None,
    end_day: date | None,
    dry_run: bool,
    schedules_dir: str | None,
    as_json: bool,
) -> None:
    """Turn the enabled campaigns into work orders: one per asset per occurrence.

    The plan is shown as a diff (added / changed / cancelled work orders per campaign and due
    time) and then written. Re-planning is idempotent: work orders already there stay; a
    changed campaign changes only future work orders that have not started. Holidays come from
    the holiday table (seeded from the libraries on first use); work orders that depend on a
    provisional year are flagged.

    \b
    Examples:
      sirenctl plan --year 2026 --dry-run
      sirenctl plan --from 2026-09-01 --to 2026-12-31
    """
    start, end = _period(year, start_day, end_day)
    run_plan(app, schedules_dir, start, end, dry_run=dry_run, as_json=as_json)


@click.command()
@click.option(
    "--days",
    type=click.IntRange(0, 3660),
    default=14,
    show_default=True,
    help="How far ahead to look.",
)
@click.option("--site", help="Only this site (community) code.")
@click.option("--at", "at", type=LOCAL_TIME, help="Show the agenda as of this time (default: now).")
@click.option(
    "--ics",
    "ics_file",
    type=click.Path(dir_okay=False, writable=True),
    help="Also write the agenda as an iCalendar file for a phone.",
)
@schedules_option
@json_option
@wide_option
@pass_app
def agenda(
    app: AppContext,
    days: int,
    site: str | None,
    at: datetime | None,
    ics_file: str | None,
    schedules_dir: str | None,
    as_json: bool,
) -> None:
    """What is due, overdue, done and missed: the next DAYS days and the past week.

    \b
    Exit code: 0; 10 if the agenda shows missed or unknown-outcome work orders.
    \b
    Examples:
      sirenctl agenda --days 30 --site C01
      sirenctl agenda --days 60 --ics ~/sirens.ics
    """
    import sirenctl.models.scheduling  # noqa: F401
    from sirenctl.scheduling.agenda_db import agenda_ics, agenda_rows

    now = at or datetime.now(UTC)
    with app.db.session() as session:
        rows = agenda_rows(session, now, days=days, site=site)
    if ics_file:
        library = load(schedules_dir)
        seconds = {k: p.total_seconds for k, p in library.programmes.items()}
        guides = {k: p.describe() for k, p in library.programmes.items()}
        try:
            with open(ics_file, "w", encoding="utf-8", newline="") as fh:
                fh.write(agenda_ics(rows, programme_seconds=seconds, stamp=now, guides=guides))
        except OSError as exc:  # e.g. no such directory: an error line, not a traceback
            raise CLIError(
                L_("cannot write {out}: {strerror}", out=ics_file, strerror=exc.strerror)
            ) from None
        info(_("wrote {count} work orders to {file}").format(count=len(rows), file=ics_file))
    if as_json:
        echo_json(rows)
    else:
        echo_table(
            ["id", "due (local)", "task", "asset", "site", "state", "notes"],
            [
                [
                    r["id"],
                    local(r["due_at"], r["timezone"]),
                    TASK.show(r["task"]),
                    r["tag"],
                    f"{r['site']} {r['site_name']}",
                    WORK_ORDER_STATUS.show(r["state"]),
                    "; ".join(
                        x
                        for x in (
                            (_("provisional date") if r["provisional"] else ""),
                            r["note"] or "",
                            r["outcome"] or "",
                        )
                        if x
                    ),
                ]
                for r in rows
            ],
            title=_("agenda {now} +{days}d").format(now=local(now), days=days),
            optional=("site",),
        )
    bad = [r for r in rows if r["status"] in ("missed", "unknown")]
    if bad:
        info(_("ALARM: {count} work orders missed or with unknown outcome").format(count=len(bad)))
        click.get_current_context().exit(ExitCode.MISSED)
