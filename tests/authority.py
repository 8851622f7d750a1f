"""ONE place for tests that need accounts, a signed plan or a valid approval (issue 9).

Test accounts use cheap argon2 parameters and the passphrase :func:`passphrase_for`; the
first administrator ``admin`` is created (and its key pinned next to the SQLite file) on
first use. On PostgreSQL, identity is the database login (tests/security/pg_helpers.py).

- ``ensure_accounts(db, "alice", roles=...)``: accounts exist (all roles unless given);
- ``person(db, "alice")``: an authenticated person (actor + unlocked key);
- ``sign_plans_as(db, "planner", wo_ids)``: the planner's signature on live audible orders;
- ``approve_as(db, "lizhuren", wo_ids, reason)``: a valid approval (signs the plan first as
  ``planner`` when it is not signed yet, so callers need one line).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sirenctl.identity import Role
from sirenctl.security.keys import KdfParams

TEST_KDF = KdfParams(time_cost=1, memory_cost=8, parallelism=1)
ADMIN = "admin"
ALL_ROLES = frozenset({Role.TECHNICIAN, Role.PLANNER, Role.APPROVER, Role.ADMINISTRATOR})
DEFAULT_PLANNER = "planner"


def passphrase_for(login: str) -> str:
    from sirenctl.security.names import login_key

    return f"test passphrase of {login_key(login)}"


def _is_sqlite(db: Any) -> bool:
    return bool(db.dialect == "sqlite")


def ensure_accounts(db: Any, *logins: str, roles: Iterable[Role] | None = None) -> None:
    """Create missing test accounts (SQLite; PostgreSQL has database logins instead)."""
    if not _is_sqlite(db):
        return
    from sirenctl.security.accounts import Certifier, add_account, any_account, find_account
    from sirenctl.security.bootstrap import init_first_administrator
    from sirenctl.security.keys import unseal

    with db.session() as session:
        fresh = not any_account(session)
    if fresh:
        init_first_administrator(db, ADMIN, passphrase_for(ADMIN), params=TEST_KDF)
    wanted = frozenset(roles) if roles is not None else ALL_ROLES
    with db.transaction() as session:
        missing = [login for login in logins if find_account(session, login) is None]
        if not missing:
            return
        admin = find_account(session, ADMIN)
        assert admin is not None, "the test database has accounts but no 'admin'"
        key = unseal(admin.private_key, admin.public_key, admin.kdf, passphrase_for(ADMIN))
        for login in missing:
            add_account(
                session,
                Certifier(admin, key, ADMIN),
                login,
                wanted,
                passphrase_for(login),
                params=TEST_KDF,
            )


def _pg_person(db: Any, login: str) -> Any:
    """PostgreSQL: a role named ``login`` in every sirenctl group (created once per cluster),
    standing for that person. The test connection stays the superuser's; tests of real logins
    and of what the database refuses are in tests/security/test_pg_roles.py."""
    from sqlalchemy import text

    from sirenctl.identity import Actor, AuthMethod
    from sirenctl.security.authn import Authenticated
    from sirenctl.security.names import login_key

    login = login_key(login)  # one spelling per person, as SQLite accounts compare them
    groups = [r.pg_group for r in Role]
    with db.engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": 0x5172_0009})
        quoted = conn.dialect.identifier_preparer.quote(login)
        for name in [*groups, login]:
            if conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first():
                continue
            conn.exec_driver_sql(
                f"CREATE ROLE {conn.dialect.identifier_preparer.quote(name)} NOLOGIN"
            )
        for group in groups:
            conn.exec_driver_sql(f"GRANT {group} TO {quoted}")
    return Authenticated(Actor(login, ALL_ROLES, AuthMethod.POSTGRESQL))


def person(db: Any, login: str) -> Any:
    from sirenctl.security.authn import authenticate

    if not _is_sqlite(db):
        return _pg_person(db, login)
    ensure_accounts(db, login)
    return authenticate(db, login, purpose="test", ask=lambda _p: passphrase_for(login))


def _library(schedules_dir: Path | str | None) -> Any:
    from sirenctl.scheduling.library import load_library

    return load_library(schedules_dir)


def sign_plans_as(
    db: Any,
    login: str,
    wo_ids: Sequence[int],
    *,
    schedules_dir: Path | str | None = None,
    now: datetime | None = None,
) -> list[int]:
    from sirenctl.security.approvals import sign_plans
    from sirenctl.timeutil import utcnow

    who = person(db, login)
    library = _library(schedules_dir)
    with db.transaction() as session:
        return sign_plans(session, who, list(wo_ids), library, now or utcnow())


def approve_as(
    db: Any,
    login: str,
    wo_ids: Sequence[int],
    reason: str = "test approval",
    *,
    planner: str = DEFAULT_PLANNER,
    schedules_dir: Path | str | None = None,
    now: datetime | None = None,
) -> list[Any]:
    """A valid approval by ``login`` (the plan is signed first by ``planner`` if needed)."""
    from sirenctl.models.scheduling import WorkOrder
    from sirenctl.security.approvals import approve
    from sirenctl.timeutil import utcnow

    now = now or utcnow()
    with db.session() as session:
        unsigned = [
            i
            for i in wo_ids
            if (wo := session.get(WorkOrder, i)) is not None and wo.plan_digest is None
        ]
    if unsigned:
        sign_plans_as(db, planner, unsigned, schedules_dir=schedules_dir, now=now)
    who = person(db, login)
    library = _library(schedules_dir)
    with db.transaction() as session:
        return approve(session, who, list(wo_ids), reason=reason, now=now, library=library)


def certify_bench(db: Any, *tags: str) -> None:
    """Sign the bench registration of ``tags`` as the test administrator, as `asset edit
    --bench` by an administrator does (run-due refuses an unsigned bench flag on SQLite)."""
    if not _is_sqlite(db):
        return
    from sirenctl.registry.assets import get_asset
    from sirenctl.security.bench import sign_bench

    admin = person(db, ADMIN)
    with db.transaction() as session:
        for tag in tags:
            sign_bench(get_asset(session, tag), admin)


def certify_bench_quietly(db: Any, *tags: str) -> None:
    """Like :func:`certify_bench`, but writes no audit event (for fixtures whose audit log is
    compared exactly, e.g. TUI snapshots): the administrator row is inserted directly."""
    if not _is_sqlite(db):
        return
    from sirenctl.identity import Actor, AuthMethod
    from sirenctl.models.accounts import OperatorAccount
    from sirenctl.registry.assets import get_asset
    from sirenctl.security.accounts import any_account
    from sirenctl.security.anchor import Anchor, write_anchor
    from sirenctl.security.authn import Authenticated
    from sirenctl.security.bench import sign_bench
    from sirenctl.security.certificates import certify
    from sirenctl.security.keys import new_sealed_key, unseal
    from sirenctl.security.passphrase import hash_passphrase
    from sirenctl.timeutil import utcnow

    with db.transaction() as session:
        if not any_account(session):
            sealed, key = new_sealed_key(passphrase_for(ADMIN), TEST_KDF)
            admin = OperatorAccount(
                login=ADMIN,
                login_key=ADMIN,
                roles="administrator",
                passphrase_hash=hash_passphrase(passphrase_for(ADMIN), TEST_KDF),
                public_key=sealed.public_key,
                key_id=sealed.key_id,
                private_key=sealed.private_key,
                kdf=sealed.kdf,
                failed_attempts=0,
                demo=False,
            )
            session.add(admin)
            session.flush()
            certify(admin, admin, key, utcnow())
            write_anchor(db.url, Anchor(ADMIN, admin.key_id))
        from sqlalchemy import select

        admin = session.scalar(select(OperatorAccount).where(OperatorAccount.login == ADMIN))
        assert admin is not None
        key = unseal(admin.private_key, admin.public_key, admin.kdf, passphrase_for(ADMIN))
        who = Authenticated(
            Actor(ADMIN, frozenset({Role.ADMINISTRATOR}), AuthMethod.PASSPHRASE, admin.id), key
        )
        for tag in tags:
            sign_bench(get_asset(session, tag), who)
