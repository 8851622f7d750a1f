"""Check a SQLite ``--db`` before opening it, so that a typo or a wrong file gets a clear message
instead of a new empty database, a stray directory, or a traceback (issue 13).

- A read command (list, show, export, print, status; ``report``, ``agenda``) never creates a
  database from a typed file path (``--db county.db`` or ``SIRENCTL_DB``): no file there ->
  exit 4. (The default per-user file and explicit ``sqlite:///`` URLs are created as before.)
- A directory that does not exist is created only by ``init`` and ``demo``; otherwise exit 4.
- A file that is not SQLite, or SQLite without sirenctl's tables but with others -> exit 6.
- A database in a read-only location is reported when the write fails (sirenctl/cli/errors.py).
"""

from __future__ import annotations

from pathlib import Path

import click

from sirenctl.cli.common import CLIError, ExitCode
from sirenctl.i18n import _

READ_LEAVES = {"list", "show", "export", "print", "status"}
READ_COMMANDS = {"report", "agenda"}
CREATING_COMMANDS = {"init", "demo"}
SQLITE_MAGIC = b"SQLite format 3\x00"


def _command_words() -> list[str]:
    ctx = click.get_current_context(silent=True)
    words: list[str] = []
    while ctx is not None and ctx.parent is not None:
        words.append(ctx.info_name or "")
        ctx = ctx.parent
    return list(reversed(words))


def check_sqlite_path(url: str, *, typed_path: bool = True) -> None:
    """Raise CLIError when ``url`` names a SQLite file this command must not create or use."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return
    if parsed.database == ":memory:":
        return
    path = Path(parsed.database).expanduser()
    words = _command_words()
    creating = bool(words) and words[0] in CREATING_COMMANDS
    if not path.exists():
        reading = (
            typed_path and bool(words) and (words[0] in READ_COMMANDS or words[-1] in READ_LEAVES)
        )
        if reading:
            raise CLIError(
                _(
                    "no database at {path}; check the --db path "
                    "(`sirenctl --db {path} init` creates one)"
                ).format(path=path),
                ExitCode.NOT_FOUND,
            )
        if typed_path and not path.parent.is_dir() and not creating:
            raise CLIError(
                _("the directory {directory} does not exist; check the --db path").format(
                    directory=path.parent
                ),
                ExitCode.NOT_FOUND,
            )
        return
    if path.is_dir():
        raise CLIError(
            _("{path} is a directory, not a database file").format(path=path), ExitCode.SCHEMA
        )
    try:
        with path.open("rb") as fh:
            head = fh.read(len(SQLITE_MAGIC))
    except OSError as exc:
        raise CLIError(
            _("cannot read {path}: {error}").format(path=path, error=exc.strerror),
            ExitCode.FAILURE,
        ) from None
    if head and head != SQLITE_MAGIC:
        raise CLIError(
            _("{path} is not a sirenctl database (not an SQLite file)").format(path=path),
            ExitCode.SCHEMA,
        )
    if head and not _has_sirenctl_tables(path):
        raise CLIError(
            _("{path} is an SQLite database of another program, not sirenctl's").format(path=path),
            ExitCode.SCHEMA,
        )


def _has_sirenctl_tables(path: Path) -> bool:
    """True for a sirenctl database, or an SQLite file with no tables yet."""
    import sqlite3

    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            names = {row[0] for row in conn.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError:
        return True  # locked or busy: let the real open report it
    return not names or "alembic_version" in names
