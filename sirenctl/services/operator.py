"""The acting person until authentication lands: built from the operator name in ONE place.

The CLI (:attr:`sirenctl.cli.common.AppContext.actor`) and the TUI
(:attr:`sirenctl.tui.services.Services.actor`) both call :func:`actor_for_operator`; the
authentication work replaces this function's body (a checked account or PostgreSQL's
``session_user``) without touching the services or their callers.
"""

from __future__ import annotations

from sirenctl.identity import Actor, AuthMethod, Role


def actor_for_operator(name: str) -> Actor:
    """An unauthenticated actor named by ``--operator`` / ``SIRENCTL_OPERATOR`` / the OS user."""
    return Actor(login=name, roles=frozenset({Role.TECHNICIAN}), method=AuthMethod.OS_USER)
