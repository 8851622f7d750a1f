"""Where sirenctl keeps its data and who is operating it.

Resolution order for the database: ``--db`` option, then ``SIRENCTL_DB``, then a SQLite file in the
per-user data directory (platformdirs). The operator recorded in the audit log is ``--operator``,
then ``SIRENCTL_OPERATOR``, then the OS user name.
"""

from __future__ import annotations

import getpass
import os
import sys
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


def config_dir() -> Path:
    """Per-user config directory (``SIRENCTL_CONFIG_DIR`` overrides, used by tests).

    On Linux this is the XDG location computed directly: importing platformdirs would cost
    every cron run (benchmarks/run_due_idle.py)."""
    override = os.environ.get("SIRENCTL_CONFIG_DIR")
    if override:
        return Path(override)
    if sys.platform.startswith("linux"):
        base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
        return Path(base) / APP_NAME
    from platformdirs import user_config_dir  # type: ignore[unreachable, unused-ignore]

    return Path(user_config_dir(APP_NAME, appauthor=False))


def config_file() -> Path:
    """The user's settings, e.g. ``lang = "zh"`` (sirenctl/i18n.py)."""
    return config_dir() / "config.toml"


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
