"""Apply sirenctl/security/pg_roles.sql, and create personal logins in the group roles."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from sqlalchemy import text

from sirenctl.i18n import L_
from sirenctl.identity import Role
from sirenctl.security.names import check_login

if TYPE_CHECKING:
    from sirenctl.db import Database

OWNER = "sirenctl_owner"
_ROLES_LOCK = 0x5172_0009  # group roles are cluster-global: one creator at a time


def roles_sql() -> str:
    return (resources.files("sirenctl.security") / "pg_roles.sql").read_text("utf-8")


def setup_roles(db: Database) -> None:
    """Create the group roles (idempotent), hand the tables to the owner, grant, guard."""
    if db.dialect != "postgresql":
        raise ValueError(L_("setup-roles is for PostgreSQL databases"))
    with db.engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _ROLES_LOCK})
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(roles_sql())  # no parameters: '%I' in format() is not a placeholder


def add_login(
    db: Database, login: str, roles: frozenset[Role], password: str | None = None
) -> None:
    """A personal login (never shared) in the given group roles."""
    login = check_login(login)
    with db.engine.begin() as conn:
        quoted = conn.dialect.identifier_preparer.quote(login)
        exists = conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": login}
        ).first()
        if not exists:
            conn.exec_driver_sql(f"CREATE ROLE {quoted} LOGIN")
        if password is not None:
            conn.execute(text(f"ALTER ROLE {quoted} PASSWORD :p"), {"p": password})
        for role in roles:
            conn.exec_driver_sql(f"GRANT {role.pg_group} TO {quoted}")
