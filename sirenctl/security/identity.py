"""The login name: ``--user`` / ``SIRENCTL_USER``, else the OS user. A name, never a secret.

``--operator`` / ``SIRENCTL_OPERATOR`` remain as deprecated aliases of the login name: they
no longer decide authority, which needs the account's passphrase (SQLite) or the database
login (PostgreSQL).
"""

from __future__ import annotations

import getpass
import os

from sirenctl.security.names import check_login


def os_login() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers)
        return f"uid-{os.getuid()}"


def resolve_login(option: str | None = None) -> str:
    value = option or os.environ.get("SIRENCTL_USER") or os.environ.get("SIRENCTL_OPERATOR")
    return check_login(value.strip()) if value else os_login()
