"""``sirenctl audit``: read the append-only audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import click

from sirenctl.cli.common import AppContext, echo_json, echo_table, json_option, pass_app


@click.group()
def audit() -> None:
    """The append-only audit log: every change and every device command.

    \b
    Example:
      sirenctl audit list --object asset:HC-C01
    """


@audit.command("list")
@click.option("--action", help="Action prefix, e.g. asset or asset.edit or command.")
@click.option("--object", "obj", metavar="TYPE[:REF]", help="e.g. asset:HC-C01 or site.")
@click.option("--operator", "who", help="Only events by this operator.")
@click.option("--since", type=click.DateTime(), help="Only events at or after this UTC time.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@json_option
@pass_app
def audit_list(
    app: AppContext,
    action: str | None,
    obj: str | None,
    who: str | None,
    since: datetime | None,
    limit: int,
    as_json: bool,
) -> None:
    """List audit events, newest first.

    \b
    Examples:
      sirenctl audit list --action asset.retire
      sirenctl audit list --since 2026-09-18 --json
    """
    from sqlalchemy import select

    from sirenctl.models import AuditEvent
    from sirenctl.timeutil import ensure_utc

    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    if action:
        query = query.where(AuditEvent.action.startswith(action))
    if obj:
        kind, _, ref = obj.partition(":")
        query = query.where(AuditEvent.object_type == kind)
        if ref:
            query = query.where(AuditEvent.object_ref == ref)
    if who:
        query = query.where(AuditEvent.operator == who)
    if since:
        query = query.where(AuditEvent.at >= ensure_utc(since))
    with app.db.session() as session:
        events = list(session.scalars(query))
    rows: list[dict[str, Any]] = [
        {
            "id": e.id,
            "at": e.at.isoformat(),
            "operator": e.operator,
            "action": e.action,
            "object_type": e.object_type,
            "object_ref": e.object_ref,
            "outcome": e.outcome,
            "message": e.message,
            "before": e.before,
            "after": e.after,
        }
        for e in events
    ]
    if as_json:
        echo_json(rows)
        return
    echo_table(
        ["id", "at (UTC)", "operator", "action", "object", "outcome", "change / message"],
        [
            [
                r["id"],
                r["at"][:19].replace("T", " "),
                r["operator"],
                r["action"],
                f"{r['object_type']}:{r['object_ref'] or ''}",
                r["outcome"],
                _summary(r),
            ]
            for r in rows
        ],
    )


def _summary(row: dict[str, Any]) -> str:
    after = row.get("after")
    before = row.get("before") or {}
    if isinstance(after, dict) and isinstance(before, dict) and before:
        return ", ".join(f"{k}: {before.get(k)!s} → {v!s}" for k, v in after.items())[:120]
    return str(row.get("message") or "")
