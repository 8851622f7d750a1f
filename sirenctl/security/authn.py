"""Authentication: who is acting, proven at this moment.

SQLite: the login's account, its passphrase (asked now, sirenctl/security/prompt.py), its key
unlocked, its certificate traced to the pinned anchor. PostgreSQL: the database's
``session_user`` and its membership of the ``sirenctl_<role>`` group roles
(sirenctl/security/pg_identity.py). Each failure is audited in its own committed transaction
and nothing else is written; five wrong passphrases lock the account.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sirenctl.audit import record
from sirenctl.i18n import L_, localized
from sirenctl.identity import Actor, AuthMethod, Role
from sirenctl.models.accounts import OperatorAccount
from sirenctl.security import keys, prompt
from sirenctl.security.errors import (
    AccountDisabled,
    AccountLocked,
    BadPassphrase,
    LoginMismatch,
    NotPermitted,
    TrustProblem,
    UnknownAccount,
)
from sirenctl.security.passphrase import MAX_FAILED_ATTEMPTS, passphrase_matches
from sirenctl.timeutil import utcnow

if TYPE_CHECKING:
    from sirenctl.db import Database

Prompt = Callable[[str], str]


@dataclass(frozen=True)
class Authenticated:
    """An authenticated person: the actor, and on SQLite the unlocked signing key."""

    actor: Actor
    key: Any = None  # Ed25519PrivateKey (SQLite); None on PostgreSQL
    account: OperatorAccount | None = None

    def sign(self, data: dict[str, Any]) -> str | None:
        return keys.sign(self.key, data) if self.key is not None else None


def require_role(actor: Actor, role: Role, action: str) -> None:
    """NotPermitted unless ``actor`` has ``role``; ``action`` says what was attempted."""
    if not actor.has(role):
        from sirenctl.code_labels import ROLE

        have = ROLE.lazy_list(r.value for r in actor.roles) if actor.roles else L_("none")
        raise NotPermitted(
            L_(
                ("{login} may not {action}: it needs the {value} role (roles of {login}: {have})"),
                login=actor.login,
                action=action,
                value=ROLE.lazy(role.value),
                have=have,
            )
        )


def _audit_failure(
    db: Database, login: str, purpose: str, message: str, now: datetime, outcome: str = "refused"
) -> None:
    with db.transaction() as session:
        record(
            session,
            operator=login,
            action="auth.fail",
            object_type="account",
            object_ref=login,
            outcome=outcome,
            message=f"{purpose}: {message}",
            at=now,
        )


def database_login(db: Database, claimed: str | None, *, now: datetime | None = None) -> str:
    """Who writes, on PostgreSQL: the role the server authenticated (``session_user``).

    A login given with ``--user`` / ``SIRENCTL_USER`` must be that role: a typed name never
    overrides the database's word (LoginMismatch, audited). ``--operator`` is not consulted.
    """
    from sqlalchemy import text

    with db.session() as session:
        login = str(session.execute(text("SELECT session_user")).scalar_one())
    if claimed is not None and claimed != login:
        message = L_(
            "--user {claimed} is not who the database says you are ({login}): on PostgreSQL "
            "you are your database login; connect as {claimed}, or leave --user out",
            claimed=claimed,
            login=login,
        )
        _audit_failure(db, login, f"act as {claimed}", "login mismatch", now or utcnow())
        raise LoginMismatch(message)
    return login


def authenticate(
    db: Database,
    login: str,
    *,
    purpose: str,
    role: Role | None = None,
    ask: Prompt | None = None,
    now: datetime | None = None,
) -> Authenticated:
    """Authenticate ``login`` for ``purpose`` (e.g. "approve work order 12"); with ``role``,
    also require it (refusal audited)."""
    now = now or utcnow()
    if db.dialect == "postgresql":
        from sirenctl.security.pg_identity import pg_session_actor

        with db.session() as session:
            actor = pg_session_actor(session)
        person = Authenticated(actor)
    else:
        person = _authenticate_sqlite(db, login, purpose, ask or prompt.read_passphrase, now)
    if role is not None:
        try:
            require_role(person.actor, role, purpose)
        except NotPermitted as exc:
            _audit_failure(db, person.actor.login, purpose, str(exc), now)
            raise
    return person


def authenticate_other(
    db: Database,
    login: str,
    *,
    purpose: str,
    role: Role,
    ask: Prompt | None = None,
    now: datetime | None = None,
) -> Authenticated:
    """A SECOND person, present at this terminal, proven now with their own secret: the
    account passphrase on SQLite; on PostgreSQL their database password, checked by the
    server on a fresh connection as ``login`` (sirenctl/security/pg_identity.py
    ``pg_login_actor``). Failures are audited under ``login``."""
    now = now or utcnow()
    ask = ask or prompt.read_passphrase
    if db.dialect != "postgresql":
        return authenticate(db, login, purpose=purpose, role=role, ask=ask, now=now)
    from sirenctl.security.pg_identity import pg_login_actor

    password = ask(
        localized(L_("Database password for {login} ({purpose}): ", login=login, purpose=purpose))
    )
    try:
        actor = pg_login_actor(db.url, login, password)
    except BadPassphrase:
        _audit_failure(db, login, purpose, "database login refused", now)
        raise
    try:
        require_role(actor, role, purpose)
    except NotPermitted as exc:
        _audit_failure(db, actor.login, purpose, str(exc), now)
        raise
    return Authenticated(actor)


def _authenticate_sqlite(
    db: Database, login: str, purpose: str, ask: Prompt, now: datetime
) -> Authenticated:
    from sirenctl.security.accounts import find_account
    from sirenctl.security.anchor import read_anchor
    from sirenctl.security.certificates import trust_of

    with db.session() as session:
        account = find_account(session, login)
        if account is None:
            _audit_failure(db, login, purpose, "unknown account", now)
            raise UnknownAccount(
                L_(
                    (
                        "no account {login!r}: ask an administrator (sirenctl account add), or "
                        "give your own login with --user"
                    ),
                    login=login,
                )
            )
        if account.disabled_at is not None:
            _audit_failure(db, login, purpose, "account disabled", now)
            raise AccountDisabled(L_("account {login} is disabled", login=account.login))
        if account.locked_at is not None:
            _audit_failure(db, login, purpose, "account locked", now)
            raise AccountLocked(
                L_(
                    (
                        "account {login} is locked after {MAX_FAILED_ATTEMPTS} wrong "
                        "passphrases: an administrator can unlock it (sirenctl account unlock)"
                    ),
                    login=account.login,
                    MAX_FAILED_ATTEMPTS=MAX_FAILED_ATTEMPTS,
                )
            )
        account_id = account.id
    passphrase = ask(
        localized(L_("Passphrase for {login} ({purpose}): ", login=account.login, purpose=purpose))
    )
    if not passphrase_matches(account.passphrase_hash, passphrase):
        _count_failure(db, account_id, account.login, purpose, now)
        raise BadPassphrase(
            L_("wrong passphrase for {login}; nothing was done", login=account.login)
        )
    try:
        key = keys.unseal(account.private_key, account.public_key, account.kdf, passphrase)
    except keys.WrongPassphrase as exc:
        _audit_failure(db, account.login, purpose, str(exc), now, outcome="alarm")
        raise TrustProblem(L_("account {login}: {exc}", login=account.login, exc=exc)) from None
    with db.session() as session:
        fresh = session.get(OperatorAccount, account_id)
        assert fresh is not None
        trust = trust_of(session, fresh, read_anchor(db.url))
    if not trust:
        _audit_failure(db, account.login, purpose, trust.reason, now, outcome="alarm")
        raise TrustProblem(
            L_("account {login} is not trusted: {reason}", login=account.login, reason=trust.reason)
        )
    if account.failed_attempts:
        with db.transaction() as session:
            row = session.get(OperatorAccount, account_id)
            if row is not None:
                row.failed_attempts = 0
    roles = frozenset(Role(r) for r in account.role_values)
    actor = Actor(account.login, roles, AuthMethod.PASSPHRASE, account.id, account.display_name)
    return Authenticated(actor, key, account)


def _count_failure(db: Database, account_id: int, login: str, purpose: str, now: datetime) -> None:
    with db.transaction() as session:
        row = session.get(OperatorAccount, account_id)
        assert row is not None
        row.failed_attempts = (row.failed_attempts or 0) + 1
        locked = row.failed_attempts >= MAX_FAILED_ATTEMPTS
        if locked:
            row.locked_at = now
        record(
            session,
            operator=login,
            action="auth.fail",
            object_type="account",
            object_ref=login,
            outcome="alarm" if locked else "refused",
            message=f"{purpose}: wrong passphrase (attempt {row.failed_attempts} of "
            f"{MAX_FAILED_ATTEMPTS})" + ("; account locked" if locked else ""),
            at=now,
        )
