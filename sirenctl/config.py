"""Where sirenctl keeps its data and who is operating it.

Resolution order for the database: ``--db`` option, then ``SIRENCTL_DB``, then a SQLite file in the
per-user data directory (platformdirs). The operator recorded in the audit log is ``--operator``,
then ``SIRENCTL_OPERATOR``, then the OS user name.
"""

from __future__ import annotations

import getpass
import os
from pathlib import Path

APP_NAME = "sirenctl"
DEFAULT_TIMEZONE = "Asia/Shanghai"


def data_dir() -> Path:
    """Per-user data directory (``SIRENCTL_DATA_DIR`` overrides, used by tests)."""
    override = os.environ.get("SIRENCTL_DATA_DIR")
    if override:
        return Path(override)
    from platformdirs import user_data_dir  # ~50 ms: only when the default location is needed

    return Path(user_data_dir(APP_NAME, appauthor=False))


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def default_db_url() -> str:
    return sqlite_url(data_dir() / "sirenctl.db")


def demo_db_url() -> str:
    return sqlite_url(data_dir() / "demo.db")


def resolve_db_url(option: str | None) -> str:
    """Turn a ``--db`` value (URL or plain file path) into a SQLAlchemy URL."""
    value = option or os.environ.get("SIRENCTL_DB")
    if not value:
        return default_db_url()
    if "://" in value:
        return value
    return sqlite_url(Path(value).expanduser().resolve())


def resolve_operator(option: str | None) -> str:
    value = option or os.environ.get("SIRENCTL_OPERATOR")
    if value:
        return value.strip()
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry (containers): still record something honest
        return f"uid:{os.getuid()}"
