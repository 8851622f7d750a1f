"""``sirenctl account``: local accounts of a SQLite database (PostgreSQL: database logins)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

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
from sirenctl.i18n import C_, L_, _, localized
from sirenctl.labels import ACCOUNT_STATE, roles_text

if TYPE_CHECKING:
    from sirenctl.identity import Role
    from sirenctl.security.accounts import Certifier

ROLES_HELP = "technician, planner, approver, administrator, service (repeat or comma-separate)"


def _sqlite_only(app: AppContext) -> None:
    if app.db.dialect != "sqlite":
        raise CLIError(
            L_(
                "on PostgreSQL people are database logins: use `sirenctl db add-login` "
                "and the group roles (docs/security.md)"
            ),
            ExitCode.USAGE,
        )


def _roles(values: tuple[str, ...]) -> frozenset[Role]:
    from sirenctl.security.accounts import parse_roles

    try:
        return parse_roles(values)
    except ValueError as exc:
        raise CLIError(localized(exc), ExitCode.USAGE) from None


def _admin(app: AppContext, purpose: str) -> Certifier:
    from sirenctl.identity import Role
    from sirenctl.security.accounts import Certifier

    person = app.authenticate(purpose, Role.ADMINISTRATOR)
    if person.account is None:
        raise CLIError(L_("account management needs a local (SQLite) account"), ExitCode.USAGE)
    return Certifier(person.account, person.key, person.actor.login)


def _new_passphrase(login: str) -> str:
    from sirenctl.security.prompt import read_new_passphrase

    try:
        return read_new_passphrase(login)
    except ValueError as exc:
        raise CLIError(localized(exc), ExitCode.INVALID_INPUT) from None


@click.group()
def account() -> None:
    """Local accounts (SQLite): who may plan, approve, administer.

    Privileged commands ask for YOUR passphrase (the login from --user, default the OS
    user): hidden on a terminal, otherwise one line of standard input per question.

    \b
    Examples:
      sirenctl --user admin account add wanggong --role planner --name 王工
      sirenctl account list
    """


@account.command("add")
@click.argument("login")
@click.option("--role", "roles", multiple=True, required=True, help=ROLES_HELP)
@click.option("--name", "display_name", help="Full name shown in reports.")
@pass_app
def add(app: AppContext, login: str, roles: tuple[str, ...], display_name: str | None) -> None:
    """Create account LOGIN (administrators only); asks your passphrase, then LOGIN's twice.

    \b
    Example:
      sirenctl --user admin account add lizhuren --role approver --name 李主任
    """
    from sirenctl.security.accounts import add_account

    _sqlite_only(app)
    wanted = _roles(roles)
    admin = _admin(app, L_("create account {login}", login=login))
    passphrase = _new_passphrase(login)
    with app.db.transaction() as session:
        created = add_account(session, admin, login, wanted, passphrase, display_name=display_name)
        key_id = created.key_id
    from sirenctl.security.keys import show_fingerprint

    info(
        _("account {login} created with roles {roles}; key {key}").format(
            login=login, roles=roles_text(wanted), key=show_fingerprint(key_id)
        )
    )


@account.command("list")
@json_option
@pass_app
def list_(app: AppContext, as_json: bool) -> None:
    """List accounts with their roles and state.

    \b
    Example:
      sirenctl account list --json
    """
    from sirenctl.security.accounts import account_row, list_accounts

    _sqlite_only(app)
    with app.db.session() as session:
        rows = [account_row(a) for a in list_accounts(session)]
    if as_json:
        echo_json(rows)
        return
    echo_table(
        [
            "login",
            C_("person", "name"),
            "roles",
            "state",
            C_("signing key", "key"),
            "demo",
        ],
        [
            [
                r["login"],
                r["display_name"],
                roles_text(r["roles"]),
                ACCOUNT_STATE.show(r["state"]),
                r["key_id"],
                _("demo only") if r["demo"] else "",
            ]
            for r in rows
        ],
        title=_("Accounts"),
    )


@account.command("show")
@click.argument("login")
@json_option
@pass_app
def show(app: AppContext, login: str, as_json: bool) -> None:
    """Show one account, and whether its certificate leads to the pinned anchor.

    \b
    Example:
      sirenctl account show lizhuren
    """
    from sirenctl.security.accounts import account_row, get_account
    from sirenctl.security.anchor import read_anchor
    from sirenctl.security.certificates import trust_of

    _sqlite_only(app)
    with app.db.session() as session:
        acc = get_account(session, login)
        row = account_row(acc)
        trust = trust_of(session, acc, read_anchor(app.db.url))
    row["trusted"] = bool(trust)
    row["trust_problem"] = trust.reason or None
    if as_json:
        echo_json(row)
        return
    from sirenctl.cli.detail_view import account_rows

    echo_table(
        ["field", "value"], account_rows(row), title=_("account {login}").format(login=login)
    )


@account.command("passwd")
@click.argument("login", required=False)
@click.option(
    "--reset",
    is_flag=True,
    help="Administrator: give LOGIN a new passphrase and key "
    "(lost passphrase; its open approvals must be given again).",
)
@pass_app
def passwd(app: AppContext, login: str | None, reset: bool) -> None:
    """Change your passphrase (asks the old one, then the new one twice).

    \b
    Examples:
      sirenctl --user lizhuren account passwd
      sirenctl --user admin account passwd lizhuren --reset
    """
    from sirenctl.security.accounts import change_passphrase, get_account, reset_passphrase

    _sqlite_only(app)
    if reset:
        if not login:
            raise CLIError(L_("--reset needs the LOGIN whose passphrase was lost"), ExitCode.USAGE)
        admin = _admin(app, L_("reset the passphrase of {login}", login=login))
        passphrase = _new_passphrase(login)
        with app.db.transaction() as session:
            reset_passphrase(session, admin, login, passphrase)
        info(
            _(
                "{login} has a new passphrase and key; approvals it gave before must be given again"
            ).format(login=login)
        )
        return
    if login and login != app.operator:
        raise CLIError(
            L_("change your own passphrase (or use --reset as an administrator)"), ExitCode.USAGE
        )
    person = app.authenticate(L_("change your passphrase"))
    passphrase = _new_passphrase(person.actor.login)
    with app.db.transaction() as session:
        acc = get_account(session, person.actor.login)
        change_passphrase(session, acc, person.key, passphrase, operator=person.actor.login)
    info(_("passphrase of {login} changed").format(login=person.actor.login))


@account.command("roles")
@click.argument("login")
@click.option("--role", "roles", multiple=True, required=True, help=ROLES_HELP)
@pass_app
def roles_(app: AppContext, login: str, roles: tuple[str, ...]) -> None:
    """Set LOGIN's roles (administrators only; re-certifies the account).

    \b
    Example:
      sirenctl --user admin account roles wanggong --role planner --role technician
    """
    from sirenctl.security.accounts import set_roles

    _sqlite_only(app)
    wanted = _roles(roles)
    admin = _admin(app, L_("change the roles of {login}", login=login))
    with app.db.transaction() as session:
        set_roles(session, admin, login, wanted)
    info(_("{login}: roles {roles}").format(login=login, roles=roles_text(wanted)))


def _lock_command(name: str, locked: bool, doc: str) -> click.Command:
    @account.command(name, help=doc)
    @click.argument("login")
    @pass_app
    def command(app: AppContext, login: str) -> None:
        from sirenctl.security.accounts import set_locked

        _sqlite_only(app)
        verb = (
            L_("lock account {login}", login=login)
            if locked
            else L_("unlock account {login}", login=login)
        )
        admin = _admin(app, verb)
        with app.db.transaction() as session:
            set_locked(session, admin.login, login, locked)
        info(
            (_("account {login} locked") if locked else _("account {login} unlocked")).format(
                login=login
            )
        )

    return command


_lock_command(
    "lock",
    True,
    "Lock LOGIN (administrators only).\n\n\b\nExample:\n  sirenctl --user admin account lock zhangsf",
)
_lock_command(
    "unlock",
    False,
    "Unlock LOGIN after failed attempts (administrators only).\n\n\b\nExample:\n  sirenctl --user admin account unlock zhangsf",
)


@account.command("disable")
@click.argument("login")
@pass_app
def disable_(app: AppContext, login: str) -> None:
    """Disable LOGIN for good (administrators only): its certificate is withdrawn, so its
    signatures no longer count.

    \b
    Example:
      sirenctl --user admin account disable zhangsf
    """
    from sirenctl.security.accounts import disable

    _sqlite_only(app)
    admin = _admin(app, L_("disable account {login}", login=login))
    with app.db.transaction() as session:
        disable(session, admin.login, login)
    info(_("account {login} disabled").format(login=login))


@account.command("anchor")
@pass_app
def anchor(app: AppContext) -> None:
    """Print the pinned trust anchor (the first administrator's key) and where it is kept.

    Compare it with the fingerprint written in the office logbook when `sirenctl init` ran.

    \b
    Example:
      sirenctl account anchor
    """
    from sirenctl.security.anchor import anchor_path, read_anchor
    from sirenctl.security.keys import show_fingerprint

    _sqlite_only(app)
    pinned = read_anchor(app.db.url)
    if pinned is None:
        raise CLIError(
            L_(
                "no trust anchor at {value} (sirenctl init creates it)",
                value=anchor_path(app.db.url),
            ),
            ExitCode.NOT_FOUND,
        )
    click.echo(f"{pinned.login} {show_fingerprint(pinned.key_id)}")
    info(_("pinned in {path}").format(path=anchor_path(app.db.url)))
