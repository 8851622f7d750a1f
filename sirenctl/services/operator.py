"""The acting person of plain (unprivileged) writes, built from the login in ONE place.

The CLI (:attr:`sirenctl.cli.common.AppContext.actor`) and the TUI
(:attr:`sirenctl.tui.services.Services.actor`) both call :func:`actor_for_operator` with the
login they resolved: on PostgreSQL that is already the database's ``session_user``
(sirenctl/security/authn.py ``database_login``); privileged actions authenticate the person
again at that moment (``authenticate``: passphrase on SQLite, the login on PostgreSQL).
"""

from __future__ import annotations

from sirenctl.identity import Actor, AuthMethod, Role


def actor_for_operator(name: str) -> Actor:
    """An unauthenticated actor named by ``--operator`` / ``SIRENCTL_OPERATOR`` / the OS user."""
    return Actor(login=name, roles=frozenset({Role.TECHNICIAN}), method=AuthMethod.OS_USER)
