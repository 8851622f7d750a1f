"""``sirenctl demo``: the demo county, ready to explore."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import click

from sirenctl.cli.common import AppContext, echo_table, info, pass_app
from sirenctl.i18n import _

if TYPE_CHECKING:
    from sirenctl.db import Database


@click.command()
@click.option("--reset", is_flag=True, help="Delete the demo database and seed it again.")
@pass_app
def demo(app: AppContext, reset: bool) -> None:
    """Create (or reuse) the demo database and open it in the terminal UI.

    On a terminal, the technician UI opens on the demo county with its networked terminals
    simulated in the background (stopped on exit). Without a terminal (a script, CI) it prints
    a summary instead and exits 0.

    The demo database lives in the per-user data directory (demo.db) unless --db is given. It
    holds 14 communities, each with a hand-crank siren, and networked terminals whose
    controllers are served by `sirenctl sim run` on 127.0.0.1.

    \b
    Example:
      sirenctl demo
    """
    import sys
    from pathlib import Path

    from sqlalchemy.engine import make_url

    from sirenctl.config import data_dir, demo_db_url
    from sirenctl.registry.demo import (
        demo_is_seeded,
        pick_demo_base_port,
        save_demo_base_port,
        seed_demo,
    )

    url = app.db_url if app.db_option else demo_db_url()
    if reset:
        database = make_url(url).database
        if make_url(url).get_backend_name() != "sqlite" or not database:
            raise click.UsageError(_("--reset only works on a SQLite demo database"))
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)
    db = app.open_db(url)
    seeded = False
    with db.transaction() as session:
        if not demo_is_seeded(session):
            seeded = True
            base_port = pick_demo_base_port()  # free now, per user (sirenctl/registry/demo.py)
            seed_demo(session, operator=app.operator, data_dir=data_dir(), base_port=base_port)
            save_demo_base_port(data_dir(), base_port)
            history = _seed_history(session, app.operator)
            info(
                _(
                    "seeded the demo county: 2025 and this year so far ({checkins} check-ins, "
                    "{results} scheduled results, {notices} rectification notices), planned to "
                    "the end of next year"
                ).format(
                    checkins=history.checkins,
                    results=history.results,
                    notices=len(history.notices),
                )
            )
            if history.overdue_check:
                info(
                    _(
                        "this year: check {check} overdue, notice {overdue} overdue, notice "
                        "{open} open, terminal {terminal} faulty, {due} work order(s) due this "
                        "week"
                    ).format(
                        check=history.overdue_check,
                        overdue=history.overdue_notice,
                        open=history.open_notice,
                        terminal=history.faulty_terminal,
                        due=len(history.due_this_week),
                    )
                )
    if seeded and db.dialect == "sqlite":
        _demo_accounts(db)
    if sys.stdin.isatty() and sys.stdout.isatty():
        from sirenctl.tui.launch import run_demo  # imports Textual: only on a terminal

        run_demo(db, app.operator, data_dir())
        return
    print_summary(app, url)


def _seed_history(session: Any, operator: str) -> Any:
    """2025 as the office lived it and this year so far (sirenctl/services/demo_history.py)."""
    from sirenctl.services.demo_history import seed_history
    from sirenctl.timeutil import utcnow

    return seed_history(session, operator=operator, now=utcnow())


def _demo_accounts(db: Database) -> None:
    """Demo-only accounts with published passphrases (docs/security.md); the demo planner
    signs the live audible work orders, which still need `sirenctl approve` by demo-approver."""
    from datetime import UTC, datetime

    from sirenctl.scheduling.library import load_library
    from sirenctl.security.approvals import sign_plans, unsigned_live_orders
    from sirenctl.security.bootstrap import create_demo_accounts, demo_person

    accounts = create_demo_accounts(db)
    library = load_library()
    now = datetime.now(UTC)
    with db.session() as session:
        pending = unsigned_live_orders(
            session, library, now, datetime(now.year + 2, 1, 1, tzinfo=UTC)
        )
    if pending:
        planner = demo_person(db, "demo-planner")
        with db.transaction() as session:
            sign_plans(session, planner, pending, library, now)
    from sqlalchemy import select

    from sirenctl.models import Asset
    from sirenctl.security.bench import sign_bench

    admin = demo_person(db, "demo-admin")
    with db.transaction() as session:  # the demo's bench units, registered by its administrator
        for unit in session.scalars(select(Asset).where(Asset.is_bench.is_(True))):
            sign_bench(unit, admin)
    info(
        _("demo accounts (DEMO ONLY, published passphrases): {accounts}").format(
            accounts=", ".join(f"{login} / {passphrase}" for login, passphrase in accounts.items())
        )
    )


def print_summary(app: AppContext, url: str) -> None:
    from sirenctl.registry.assets import AssetFilter, endpoint_summary, list_assets
    from sirenctl.registry.sites import list_sites, site_asset_counts

    with app.db.session() as session:
        sites = list_sites(session)
        counts = site_asset_counts(session)
        assets = list_assets(session)
        networked = list_assets(session, AssetFilter(networked=True))
        site_rows = [
            [s.code, s.name, s.subdistrict, s.population, counts.get(s.id, 0)] for s in sites
        ]
        by_kind: dict[tuple[str, str], int] = {}
        for a in assets:
            by_kind[(a.kind, a.status)] = by_kind.get((a.kind, a.status), 0) + 1
        terminal_rows = [
            [a.tag, a.kind, a.site.name, endpoint_summary(a), _("bench") if a.is_bench else ""]
            for a in networked
        ]
    echo_table(
        ["code", "community", "subdistrict", "population", "assets"],
        site_rows,
        title=_("Demo county: {count} communities").format(count=len(site_rows)),
    )
    echo_table(
        ["kind", "status", "count"],
        [[k, s, n] for (k, s), n in sorted(by_kind.items())],
        title=_("Assets"),
    )
    echo_table(
        ["tag", "kind", "community", "controller endpoint", ""],
        terminal_rows,
        title="Networked terminals (simulated by `sirenctl sim run`)",
    )
    echo_table(
        ["due (local)", "campaign", "task", "assets"], _next_work(app), title="Next planned work"
    )
    from sqlalchemy.engine import make_url

    where = make_url(url).database if make_url(url).get_backend_name() == "sqlite" else url
    info(_("database: {url}").format(url=url))
    info(_("explore it:  export SIRENCTL_DB={where}").format(where=where))
    info(
        _(
            "  sirenctl asset list | sirenctl agenda --days 30 | sirenctl sim run  "
            "(then: sirenctl poll)"
        )
    )


def _next_work(app: AppContext, limit: int = 8) -> list[list[object]]:
    from zoneinfo import ZoneInfo

    from sqlalchemy import func, select

    from sirenctl.models.scheduling import WorkOrder
    from sirenctl.timeutil import utcnow

    query = (
        select(
            WorkOrder.due_at, WorkOrder.timezone, WorkOrder.campaign, WorkOrder.task, func.count()
        )
        .where(WorkOrder.due_at >= utcnow())
        .group_by(WorkOrder.due_at, WorkOrder.timezone, WorkOrder.campaign, WorkOrder.task)
        .order_by(WorkOrder.due_at)
        .limit(limit)
    )
    with app.db.session() as session:
        rows = session.execute(query).all()
    return [
        [due.astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M"), campaign, task, n]
        for due, tz, campaign, task, n in rows
    ]
