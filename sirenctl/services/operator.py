"""The acting person of plain (unprivileged) writes, built from the login in ONE place.

The CLI (:attr:`sirenctl.cli.common.AppContext.actor`) and the TUI
(:attr:`sirenctl.tui.services.Services.actor`) both call :func:`actor_for_operator` with the
login they resolved: on PostgreSQL that is already the database's ``session_user``
(sirenctl/security/authn.py ``database_login``), so the actor says the server authenticated
it; on SQLite it is the ``--user`` login or the operating-system user, unproven. Privileged
actions authenticate the person again at that moment (``authenticate``: passphrase on
SQLite, the login on PostgreSQL).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sirenctl.identity import Actor, AuthMethod, Role

if TYPE_CHECKING:
    from sirenctl.db import Database


def actor_for_operator(name: str, db: Database) -> Actor:
    """The plain actor for ``name`` on ``db`` (a technician: no privilege is implied)."""
    method = AuthMethod.POSTGRESQL if db.dialect == "postgresql" else AuthMethod.OS_USER
    return Actor(login=name, roles=frozenset({Role.TECHNICIAN}), method=method)
