"""``sirenctl init``: create or upgrade the configured database and its first administrator."""

from __future__ import annotations

import click

from sirenctl.cli.common import AppContext, info, pass_app
from sirenctl.i18n import L_, _


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
        _("database ready: {url} (schema {revision})").format(
            url=db.engine.url.render_as_string(hide_password=True),
            revision=current_revision(db.engine),
        )
    )
    if db.dialect != "sqlite":
        info(_("PostgreSQL: people are database logins (sirenctl db setup-roles, db add-login)"))
        return
    from sirenctl.security.accounts import any_account
    from sirenctl.security.bootstrap import init_first_administrator
    from sirenctl.security.identity import resolve_login
    from sirenctl.security.keys import show_fingerprint

    with db.session() as session:
        if any_account(session):
            info(_("accounts exist already (sirenctl account list)"))
            return
    from sirenctl.cli.cmd_account import _new_passphrase

    login = resolve_login(admin_login) if admin_login else app.operator
    passphrase = _new_passphrase(login)
    first = init_first_administrator(db, login, passphrase)
    info(_("first administrator {login} created").format(login=first.login))
    info(
        _("trust anchor (write it in the logbook): {key}").format(
            key=show_fingerprint(first.key_id)
        )
    )
    info(_("pinned in {path}").format(path=first.anchor_file))


@click.group("db")
def db_group() -> None:
    """PostgreSQL: group roles, grants and guard triggers; personal logins.

    \b
    Examples:
      sirenctl --db postgresql+psycopg://postgres@dbhost/sirenctl db setup-roles
      sirenctl --db postgresql+psycopg://postgres@dbhost/sirenctl db add-login lizhuren \\
          --role approver --password-prompt
    """


@db_group.command("setup-roles")
@pass_app
def setup_roles_cmd(app: AppContext) -> None:
    """Create the sirenctl_* group roles, give the tables to sirenctl_owner, grant and guard.

    Run it as a database administrator after `init` and after every upgrade (idempotent).

    \b
    Example:
      sirenctl --db postgresql+psycopg://postgres@dbhost/sirenctl db setup-roles
    """
    from sirenctl.cli.common import CLIError, ExitCode
    from sirenctl.security.pg_setup import setup_roles

    if app.db.dialect != "postgresql":
        raise CLIError(
            L_("setup-roles is for PostgreSQL; SQLite uses `sirenctl account`"), ExitCode.USAGE
        )
    setup_roles(app.db)
    info(_("group roles, grants and guard triggers are in place (docs/security.md)"))


@db_group.command("add-login")
@click.argument("login")
@click.option(
    "--role",
    "roles",
    multiple=True,
    required=True,
    help="technician, planner, approver, administrator, service",
)
@click.option("--password-prompt", is_flag=True, help="Ask a password for the login (twice).")
@pass_app
def add_login_cmd(
    app: AppContext, login: str, roles: tuple[str, ...], password_prompt: bool
) -> None:
    """Create the personal PostgreSQL login LOGIN in the given group roles.

    \b
    Example:
      sirenctl --db postgresql+psycopg://postgres@dbhost/sirenctl db add-login wanggong \\
          --role planner --role technician --password-prompt
    """
    from sirenctl.cli.cmd_account import _new_passphrase, _roles
    from sirenctl.cli.common import CLIError, ExitCode
    from sirenctl.security.pg_setup import add_login

    if app.db.dialect != "postgresql":
        raise CLIError(
            L_("add-login is for PostgreSQL; SQLite uses `sirenctl account add`"), ExitCode.USAGE
        )
    password = _new_passphrase(login) if password_prompt else None
    add_login(app.db, login, _roles(roles), password)
    info(
        _("login {login} in {groups}").format(
            login=login, groups=", ".join(sorted(r.pg_group for r in _roles(roles)))
        )
    )
