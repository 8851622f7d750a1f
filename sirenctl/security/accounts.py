"""Account management (SQLite mode): create, list, change passphrase or roles, lock, disable.

Every change is audited; every change of roles or keys is re-certified by the acting
administrator, whose key is unlocked by their passphrase at that moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.audit import record
from sirenctl.i18n import L_
from sirenctl.identity import Role
from sirenctl.models.accounts import OperatorAccount
from sirenctl.registry.errors import Conflict, NotFound
from sirenctl.security import keys
from sirenctl.security.certificates import certify
from sirenctl.security.keys import DEFAULT_KDF, KdfParams
from sirenctl.security.names import check_login, login_key
from sirenctl.security.passphrase import check_new_passphrase, hash_passphrase
from sirenctl.timeutil import utcnow


def parse_roles(values: list[str] | tuple[str, ...]) -> frozenset[Role]:
    roles: set[Role] = set()
    for value in values:
        for part in value.split(","):
            part = part.strip().lower()
            if not part:
                continue
            try:
                roles.add(Role(part))
            except ValueError:
                known = ", ".join(r.value for r in Role)
                raise ValueError(
                    L_("unknown role {part!r}; known roles: {known}", part=part, known=known)
                ) from None
    return frozenset(roles)


def roles_text(roles: frozenset[Role] | set[Role]) -> str:
    return ",".join(sorted(r.value for r in roles))


def find_account(session: Session, login: str) -> OperatorAccount | None:
    return session.scalar(
        select(OperatorAccount).where(OperatorAccount.login_key == login_key(login))
    )


def get_account(session: Session, login: str) -> OperatorAccount:
    account = find_account(session, login)
    if account is None:
        raise NotFound(L_("no account {login!r} (see `sirenctl account list`)", login=login))
    return account


def any_account(session: Session) -> bool:
    return session.scalar(select(OperatorAccount.id).limit(1)) is not None


def _new(
    session: Session,
    login: str,
    roles: frozenset[Role],
    passphrase: str,
    *,
    display_name: str | None,
    params: KdfParams,
    demo: bool,
) -> tuple[OperatorAccount, Any]:
    login = check_login(login)
    check_new_passphrase(passphrase)
    if find_account(session, login) is not None:
        raise Conflict(
            L_(
                ("an account {login!r} already exists (logins are compared ignoring case)"),
                login=login,
            )
        )
    if not roles:
        raise ValueError(L_("an account needs at least one role"))
    sealed, key = keys.new_sealed_key(passphrase, params)
    account = OperatorAccount(
        login=login,
        login_key=login_key(login),
        display_name=display_name,
        roles=roles_text(roles),
        passphrase_hash=hash_passphrase(passphrase, params),
        public_key=sealed.public_key,
        key_id=sealed.key_id,
        private_key=sealed.private_key,
        kdf=sealed.kdf,
        failed_attempts=0,
        demo=demo,
    )
    session.add(account)
    session.flush()
    return account, key


def create_first_administrator(
    session: Session,
    login: str,
    passphrase: str,
    *,
    display_name: str | None = None,
    params: KdfParams = DEFAULT_KDF,
    demo: bool = False,
    now: datetime | None = None,
) -> OperatorAccount:
    """The self-certified first administrator (its key id becomes the trust anchor)."""
    if any_account(session):
        raise Conflict(L_("accounts already exist: the first administrator was created before"))
    now = now or utcnow()
    account, key = _new(
        session,
        login,
        frozenset({Role.ADMINISTRATOR}),
        passphrase,
        display_name=display_name,
        params=params,
        demo=demo,
    )
    certify(account, account, key, now)
    record(
        session,
        operator=account.login,
        action="account.create",
        object_type="account",
        object_ref=account.login,
        after={"roles": account.role_values, "key_id": account.key_id, "first": True},
        at=now,
    )
    return account


@dataclass(frozen=True)
class Certifier:
    """An administrator's account and unlocked key (from sirenctl.security.authn)."""

    account: OperatorAccount
    key: Any
    login: str


def add_account(
    session: Session,
    admin: Certifier,
    login: str,
    roles: frozenset[Role],
    passphrase: str,
    *,
    display_name: str | None = None,
    params: KdfParams = DEFAULT_KDF,
    demo: bool = False,
    now: datetime | None = None,
) -> OperatorAccount:
    now = now or utcnow()
    account, _ = _new(
        session, login, roles, passphrase, display_name=display_name, params=params, demo=demo
    )
    certify(account, session.merge(admin.account), admin.key, now)
    record(
        session,
        operator=admin.login,
        action="account.create",
        object_type="account",
        object_ref=account.login,
        after={"roles": account.role_values, "key_id": account.key_id},
        at=now,
    )
    return account


def set_roles(
    session: Session,
    admin: Certifier,
    login: str,
    roles: frozenset[Role],
    now: datetime | None = None,
) -> OperatorAccount:
    now = now or utcnow()
    account = get_account(session, login)
    if not roles:
        raise ValueError(L_("an account needs at least one role"))
    if account.certified_by == account.id and Role.ADMINISTRATOR not in roles:
        raise Conflict(
            L_("the first administrator (the trust anchor) keeps the administrator role")
        )
    before = account.role_values
    account.roles = roles_text(roles)
    certify(account, session.merge(admin.account), admin.key, now)
    record(
        session,
        operator=admin.login,
        action="account.roles",
        object_type="account",
        object_ref=account.login,
        before={"roles": before},
        after={"roles": account.role_values},
        at=now,
    )
    return account


def change_passphrase(
    session: Session,
    account: OperatorAccount,
    key: Any,
    new_passphrase: str,
    *,
    operator: str,
    params: KdfParams = DEFAULT_KDF,
    now: datetime | None = None,
) -> None:
    """Re-seal the same key under a new passphrase (certificates and signatures stay valid)."""
    check_new_passphrase(new_passphrase)
    sealed = keys.seal(key, new_passphrase, params)
    account.private_key, account.kdf = sealed.private_key, sealed.kdf
    account.passphrase_hash = hash_passphrase(new_passphrase, params)
    account.failed_attempts, account.locked_at = 0, None
    record(
        session,
        operator=operator,
        action="account.passwd",
        object_type="account",
        object_ref=account.login,
        at=now or utcnow(),
    )


def reset_passphrase(
    session: Session,
    admin: Certifier,
    login: str,
    new_passphrase: str,
    *,
    params: KdfParams = DEFAULT_KDF,
    now: datetime | None = None,
) -> OperatorAccount:
    """Lost passphrase: a new key (old signatures stay verifiable with the old key id in the
    audit log, but open approvals by this account must be given again) certified anew."""
    now = now or utcnow()
    account = get_account(session, login)
    if account.certified_by == account.id:
        raise Conflict(
            L_(
                "the first administrator's key is the trust anchor: it cannot be reset "
                "(docs/security.md, 'Lost passphrase')"
            )
        )
    check_new_passphrase(new_passphrase)
    sealed, _ = keys.new_sealed_key(new_passphrase, params)
    old = account.key_id
    account.public_key, account.key_id = sealed.public_key, sealed.key_id
    account.private_key, account.kdf = sealed.private_key, sealed.kdf
    account.passphrase_hash = hash_passphrase(new_passphrase, params)
    account.failed_attempts, account.locked_at = 0, None
    certify(account, session.merge(admin.account), admin.key, now)
    record(
        session,
        operator=admin.login,
        action="account.reset",
        object_type="account",
        object_ref=account.login,
        before={"key_id": old},
        after={"key_id": account.key_id},
        at=now,
    )
    return account


def set_locked(
    session: Session, operator: str, login: str, locked: bool, now: datetime | None = None
) -> OperatorAccount:
    now = now or utcnow()
    account = get_account(session, login)
    account.locked_at = now if locked else None
    if not locked:
        account.failed_attempts = 0
    record(
        session,
        operator=operator,
        action="account.lock" if locked else "account.unlock",
        object_type="account",
        object_ref=account.login,
        at=now,
    )
    return account


def disable(
    session: Session, operator: str, login: str, now: datetime | None = None
) -> OperatorAccount:
    """Disabled for good: the certificate is dropped, so no signature of it verifies later."""
    now = now or utcnow()
    account = get_account(session, login)
    if account.certified_by == account.id:
        raise Conflict(L_("the first administrator (the trust anchor) cannot be disabled"))
    account.disabled_at, account.certificate = now, None
    record(
        session,
        operator=operator,
        action="account.disable",
        object_type="account",
        object_ref=account.login,
        at=now,
    )
    return account


def account_row(account: OperatorAccount) -> dict[str, Any]:
    state = "disabled" if account.disabled_at else "locked" if account.locked_at else "active"
    return {
        "login": account.login,
        "display_name": account.display_name,
        "roles": account.role_values,
        "state": state,
        "key_id": keys.show_fingerprint(account.key_id),
        "failed_attempts": account.failed_attempts,
        "demo": account.demo,
        "created_at": account.created_at.isoformat() if account.created_at else None,
    }


def list_accounts(session: Session) -> list[OperatorAccount]:
    return list(session.scalars(select(OperatorAccount).order_by(OperatorAccount.login)))
