"""Apply sirenctl/security/pg_roles.sql, and create personal logins in the group roles."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING, Any

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
            verifier = _scram_verifier(conn, login, password)
            conn.exec_driver_sql(f"ALTER ROLE {quoted} PASSWORD '{verifier}'")
        for role in roles:
            conn.exec_driver_sql(f"GRANT {role.pg_group} TO {quoted}")


def _scram_verifier(conn: Any, login: str, password: str) -> str:
    """The SCRAM-SHA-256 verifier of ``password``, computed by libpq on this side, so the
    password itself never travels in a statement or reaches the server's log. (ALTER ROLE
    takes no bind parameters.) The verifier is base64 and ``$``/``:`` only: safe to quote."""
    if "\x00" in password:
        raise ValueError(L_("a password cannot contain a NUL character"))
    pgconn = conn.connection.dbapi_connection.pgconn
    verifier = pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256")
    text_form = bytes(verifier).decode("ascii")
    if "'" in text_form:  # cannot happen with libpq's format; refuse rather than inject
        raise ValueError("unexpected password verifier")
    return text_form
