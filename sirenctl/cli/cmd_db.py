"""``sirenctl init``: create or upgrade the configured database and its first administrator."""

from __future__ import annotations

import click

from sirenctl.cli.common import AppContext, info, pass_app


@click.command()
@click.option(
    "--admin",
    "admin_login",
    metavar="LOGIN",
    help="SQLite: create the first administrator LOGIN (default: your login) if there is no "
    "account yet; asks its passphrase twice.",
)
@pass_app
def init(app: AppContext, admin_login: str | None) -> None:
    """Create the database (or upgrade an older one), and on SQLite the first administrator.

    The first administrator's key fingerprint is pinned in a file outside the database
    (DATABASE.anchor, or SIRENCTL_TRUST_ANCHOR) and printed: write it in the office logbook.

    \b
    Examples:
      sirenctl --db /var/lib/sirenctl/sirenctl.db init --admin admin
      sirenctl --db postgresql+psycopg://sirenctl@localhost/sirenctl init
    """
    from sirenctl.db import current_revision

    db = app.db
    info(
        f"database ready: {db.engine.url.render_as_string(hide_password=True)} "
        f"(schema {current_revision(db.engine)})"
    )
    if db.dialect != "sqlite":
        info("PostgreSQL: people are database logins (sirenctl db setup-roles, db add-login)")
        return
    from sirenctl.security.accounts import any_account
    from sirenctl.security.bootstrap import init_first_administrator
    from sirenctl.security.identity import resolve_login
    from sirenctl.security.keys import show_fingerprint

    with db.session() as session:
        if any_account(session):
            info("accounts exist already (sirenctl account list)")
            return
    from sirenctl.cli.cmd_account import _new_passphrase

    login = resolve_login(admin_login) if admin_login else app.operator
    passphrase = _new_passphrase(login)
    first = init_first_administrator(db, login, passphrase)
    info(f"first administrator {first.login} created")
    info(f"trust anchor (write it in the logbook): {show_fingerprint(first.key_id)}")
    info(f"pinned in {first.anchor_file}")
