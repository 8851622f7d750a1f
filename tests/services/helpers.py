"""The acting person for services tests: a plain technician, as the CLI and TUI give the
services for unprivileged work (sirenctl/services/operator.py)."""

from __future__ import annotations

from sirenctl.identity import Actor, AuthMethod, Role


def technician(name: str = "李师傅") -> Actor:
    return Actor(login=name, roles=frozenset({Role.TECHNICIAN}), method=AuthMethod.OS_USER)
