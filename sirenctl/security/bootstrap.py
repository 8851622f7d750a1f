"""Creating the first administrator (``sirenctl init``) and the demo's accounts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sirenctl.identity import Role
from sirenctl.security.accounts import (
    Certifier,
    add_account,
    any_account,
    create_first_administrator,
    find_account,
)
from sirenctl.security.anchor import Anchor, write_anchor
from sirenctl.security.keys import DEFAULT_KDF, KdfParams, unseal

if TYPE_CHECKING:
    from pathlib import Path

    from sirenctl.db import Database


@dataclass(frozen=True)
class FirstAdministrator:
    login: str
    key_id: str
    anchor_file: Path | None


def init_first_administrator(
    db: Database,
    login: str,
    passphrase: str,
    *,
    display_name: str | None = None,
    params: KdfParams = DEFAULT_KDF,
    demo: bool = False,
) -> FirstAdministrator:
    """Create the self-certified first administrator and pin its key outside the database."""
    with db.transaction() as session:
        account = create_first_administrator(
            session, login, passphrase, display_name=display_name, params=params, demo=demo
        )
        result = (account.login, account.key_id)
    path = write_anchor(db.url, Anchor(result[0], result[1]))
    return FirstAdministrator(result[0], result[1], path)


# Demo only: published passphrases (README, docs/security.md). Never use them for real work.
DEMO_KDF = KdfParams(time_cost=1, memory_cost=8192, parallelism=1)
DEMO_ADMIN = "demo-admin"
DEMO_ACCOUNTS: dict[str, tuple[frozenset[Role], str, str]] = {
    # login: (roles, passphrase, display name)
    DEMO_ADMIN: (frozenset({Role.ADMINISTRATOR}), "demo-admin-passphrase", "演示管理员"),
    "demo-planner": (frozenset({Role.PLANNER}), "demo-planner-passphrase", "演示计划员 王工"),
    "demo-approver": (frozenset({Role.APPROVER}), "demo-approver-passphrase", "演示审批人 李主任"),
    "demo-tech": (frozenset({Role.TECHNICIAN}), "demo-tech-passphrase", "演示技术员 张师傅"),
}


def create_demo_accounts(db: Database) -> dict[str, str]:
    """The demo's accounts (marked demo-only); returns login -> published demo passphrase."""
    with db.session() as session:
        exists = any_account(session)
    if not exists:
        roles, passphrase, name = DEMO_ACCOUNTS[DEMO_ADMIN]
        init_first_administrator(
            db, DEMO_ADMIN, passphrase, display_name=name, params=DEMO_KDF, demo=True
        )
    with db.transaction() as session:
        admin = find_account(session, DEMO_ADMIN)
        if admin is None:
            return {}
        key = unseal(admin.private_key, admin.public_key, admin.kdf, DEMO_ACCOUNTS[DEMO_ADMIN][1])
        certifier = Certifier(admin, key, admin.login)
        for login, (roles, passphrase, name) in DEMO_ACCOUNTS.items():
            if find_account(session, login) is None:
                add_account(
                    session,
                    certifier,
                    login,
                    roles,
                    passphrase,
                    display_name=name,
                    params=DEMO_KDF,
                    demo=True,
                )
    return {login: v[1] for login, v in DEMO_ACCOUNTS.items()}


def demo_person(db: Database, login: str) -> Any:
    """A demo account, authenticated with its published passphrase (demo seeding only)."""
    from sirenctl.security.authn import authenticate

    passphrase = DEMO_ACCOUNTS[login][1]
    return authenticate(db, login, purpose="seed the demo", ask=lambda _prompt: passphrase)
