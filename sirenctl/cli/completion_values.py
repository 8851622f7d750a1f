"""Shell completion of the county's own names: asset tags, site and works codes, programmes and
campaigns (issue 13: "completion also completes asset tags, site codes, programme and campaign
names").

Completers are attached by parameter name when a command is looked up
(sirenctl/cli/main.py ``LazyGroup.get_command``), so every command that takes a ``TAG`` or a
``--site`` completes the same way without each declaration repeating it. A completer reads the
database named by the root ``--db`` option (or ``SIRENCTL_DB`` / the default) **read-only** and
never creates a file; any problem (no database yet, an old schema, a locked file) completes
nothing rather than printing a traceback into the user's shell.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from click.shell_completion import CompletionItem

Completer = Callable[[click.Context, click.Parameter, str], list[CompletionItem]]

#: at most this many suggestions (a shell listing thousands of tags helps nobody)
LIMIT = 200


def _read_only_url(ctx: click.Context) -> str | None:
    """The database URL the command would use, or ``None`` when there is no database to read."""
    from sqlalchemy.engine import make_url

    from sirenctl.config import resolve_db_url

    url = make_url(resolve_db_url(ctx.find_root().params.get("db_option")))
    if url.get_backend_name() != "sqlite":
        return url.render_as_string(hide_password=False)
    path = Path(url.database or "").expanduser()
    if not url.database or not path.is_file():
        return None  # completion must never create an empty database from a typo
    return f"sqlite:///file:{path.resolve()}?mode=ro&uri=true"


def _names(ctx: click.Context, sql: str, incomplete: str) -> list[str]:
    try:
        url = _read_only_url(ctx)
        if url is None:
            return []
        from sqlalchemy import create_engine, text

        engine = create_engine(url)
        try:
            with engine.connect() as conn:
                rows = conn.execute(
                    text(sql + " ORDER BY 1 LIMIT :limit"),
                    {"prefix": _like_prefix(incomplete), "limit": LIMIT},
                )
                return [str(row[0]) for row in rows]
        finally:
            engine.dispose()
    except Exception:  # noqa: BLE001 - completion is best effort, never a traceback
        return []


def _like_prefix(incomplete: str) -> str:
    escaped = incomplete.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped + "%"


def _items(values: list[str]) -> list[CompletionItem]:
    return [CompletionItem(value) for value in values]


def complete_tags(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    sql = "SELECT tag FROM asset WHERE retired_at IS NULL AND tag LIKE :prefix ESCAPE '\\'"
    return _items(_names(ctx, sql, incomplete))


def complete_sites(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    return _items(
        _names(ctx, "SELECT code FROM site WHERE code LIKE :prefix ESCAPE '\\'", incomplete)
    )


def complete_works(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    return _items(
        _names(ctx, "SELECT code FROM works WHERE code LIKE :prefix ESCAPE '\\'", incomplete)
    )


def _library_keys(ctx: click.Context, which: str, incomplete: str) -> list[str]:
    try:
        from sirenctl.scheduling.library import load_library

        library = load_library(ctx.params.get("schedules_dir"))  # --schedules, if given
        keys: dict[str, Any] = getattr(library, which)
        return sorted(key for key in keys if key.startswith(incomplete))[:LIMIT]
    except Exception:  # noqa: BLE001 - a broken schedule file completes nothing
        return []


def complete_programmes(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    return _items(_library_keys(ctx, "programmes", incomplete))


def complete_campaigns(
    ctx: click.Context, _param: click.Parameter, incomplete: str
) -> list[CompletionItem]:
    return _items(_library_keys(ctx, "campaigns", incomplete))


#: parameter name -> completer, whatever the command
BY_NAME: dict[str, Completer] = {
    "tag": complete_tags,
    "tags": complete_tags,
    "asset": complete_tags,
    "asset_tag": complete_tags,
    "site": complete_sites,
    "site_code": complete_sites,
    "programme": complete_programmes,
    "programme_key": complete_programmes,
    "campaign": complete_campaigns,
}

#: a bare ``CODE`` / ``NAME`` argument means different things under different groups
BY_GROUP: dict[tuple[str, str], Completer] = {
    ("site", "code"): complete_sites,
    ("works", "code"): complete_works,
    ("programme", "name"): complete_programmes,
}


def completer_for(group: str | None, param: click.Parameter) -> Completer | None:
    name = param.name or ""
    if isinstance(param.type, click.Choice | click.Path) or param.type in (click.INT, click.BOOL):
        return None  # click already completes these, or there is nothing to complete
    return BY_GROUP.get((group or "", name)) or BY_NAME.get(name)


def attach_completions(command: click.Command, group: str | None = None) -> click.Command:
    """Give ``command``'s (and its subcommands') name parameters their completer, once."""
    for param in command.params:
        if param._custom_shell_complete is None:
            completer = completer_for(group, param)
            if completer is not None:
                param._custom_shell_complete = completer
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            attach_completions(sub, command.name)
    return command
