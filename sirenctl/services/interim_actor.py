"""Until the authority work (accounts, logins) lands: an Actor for the operator name in use.

Only the edge commands (bench sound, activate, cancel --all) call this; the lead rewires the
calls to the authenticated login in one place.
"""

from __future__ import annotations

from sirenctl.identity import Actor, AuthMethod, Role


def interim_actor(operator: str, *roles: Role) -> Actor:
    return Actor(
        login=operator,
        roles=frozenset(roles or (Role.TECHNICIAN,)),
        method=AuthMethod.OS_USER,
    )
