"""Who is acting: an authenticated person (or the unattended runner), never a typed name.

An :class:`Actor` is only made by the authentication code (``sirenctl.security``): on SQLite
from a local account whose passphrase was checked, on PostgreSQL from the database's own
``session_user`` and its membership of the sirenctl group roles.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What an account may do. On PostgreSQL each is a group role named ``sirenctl_<value>``."""

    TECHNICIAN = "technician"  # check-ins, polls, findings, bench tests
    PLANNER = "planner"  # plans work orders and live activations
    APPROVER = "approver"  # approves live audible work a different person planned
    ADMINISTRATOR = "administrator"  # accounts, bench flags, controller endpoints
    SERVICE = "service"  # the unattended runner (run-due, daemon): executes, never approves

    @property
    def pg_group(self) -> str:
        return f"sirenctl_{self.value}"


class AuthMethod(StrEnum):
    PASSPHRASE = "passphrase"  # SQLite: a local account's passphrase, checked just now
    OS_USER = "os_user"  # SQLite: the operating-system user owning this process (no privilege)
    POSTGRESQL = "postgresql"  # PostgreSQL: the database's session_user


@dataclass(frozen=True)
class Actor:
    login: str
    roles: frozenset[Role]
    method: AuthMethod
    account_id: int | None = None
    display_name: str | None = None

    def has(self, role: Role) -> bool:
        return role in self.roles

    @property
    def label(self) -> str:
        """How audit records and messages name this person."""
        return self.login
