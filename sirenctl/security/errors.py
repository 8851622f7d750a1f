"""Typed errors of authentication and authority (mapped to exit codes in sirenctl/cli/errors.py)."""

from __future__ import annotations


class AuthError(Exception):
    """Authentication failed: unknown account, wrong passphrase, locked or disabled account."""


class UnknownAccount(AuthError):
    pass


class BadPassphrase(AuthError):
    pass


class AccountLocked(AuthError):
    pass


class AccountDisabled(AuthError):
    pass


class LoginMismatch(AuthError):
    """``--user`` names someone other than the database login (PostgreSQL ``session_user``)."""


class NotPermitted(PermissionError):
    """The authenticated person lacks the role this action needs."""


class TrustProblem(RuntimeError):
    """The account certificates cannot be traced to the pinned administrator key."""
