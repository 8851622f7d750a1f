"""``sirenctl audit``: read the append-only audit log, verify its hash chain, export checkpoints."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click

from sirenctl.cli.common import (
    AppContext,
    CLIError,
    ExitCode,
    echo_json,
    echo_table,
    info,
    json_option,
    pass_app,
    wide_option,
)
from sirenctl.i18n import L_, _, localized


@click.group()
def audit() -> None:
    """The append-only, hash-chained audit log: every change and every device command.

    \b
    Examples:
      sirenctl audit list --object asset:HC-C01
      sirenctl audit verify --checkpoint /media/usb/audit-2026-12.json
    """


@audit.command("list")
@click.option("--action", help="Action prefix, e.g. asset or asset.edit or command.")
@click.option("--object", "obj", metavar="TYPE[:REF]", help="e.g. asset:HC-C01 or site.")
@click.option("--operator", "who", help="Only events by this operator.")
@click.option("--since", type=click.DateTime(), help="Only events at or after this UTC time.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True)
@json_option
@wide_option
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
            "seq": e.seq,
            "at": e.at.isoformat(),
            "operator": e.operator,
            "action": e.action,
            "object_type": e.object_type,
            "object_ref": e.object_ref,
            "outcome": e.outcome,
            "message": e.message,
            "before": e.before,
            "after": e.after,
            "db_user": e.db_user,
            "hash": e.hash,
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
        optional=("outcome", "object"),
    )


def _summary(row: dict[str, Any]) -> str:
    after = row.get("after")
    before = row.get("before") or {}
    if isinstance(after, dict) and isinstance(before, dict) and before:
        return ", ".join(f"{k}: {before.get(k)!s} → {v!s}" for k, v in after.items())[:120]
    return str(row.get("message") or "")


@audit.command("verify")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A checkpoint from `audit checkpoint`: also detect a recomputed or cut-short history.",
)
@json_option
@pass_app
def audit_verify(app: AppContext, checkpoint_file: Path | None, as_json: bool) -> None:
    """Walk the hash chain and report the first broken, missing or reordered record.

    Exit 0 when the chain is whole (and agrees with the checkpoint), 11 when it is not.
    Commands recorded as sent but without a result (a run killed while sending) are listed;
    they do not fail the check.

    \b
    Examples:
      sirenctl audit verify
      sirenctl audit verify --checkpoint /media/usb/audit-2026-12.json --json
    """
    from sirenctl.audit_checkpoint import CheckpointError, read_checkpoint
    from sirenctl.audit_verify import verify_chain

    checkpoint = None
    if checkpoint_file is not None:
        try:
            checkpoint = read_checkpoint(checkpoint_file)
        except CheckpointError as exc:
            raise CLIError(localized(exc), ExitCode.INVALID_INPUT) from None
    report = verify_chain(app.db, checkpoint)
    if as_json:
        echo_json(report.to_dict())
    else:
        if report.ok:
            click.echo(
                _("Audit chain OK: {records} records, head seq {seq}, hash {hash}.").format(
                    records=report.records, seq=report.head_seq, hash=report.head_hash
                )
            )
            if checkpoint is not None:
                click.echo(
                    _("It agrees with checkpoint {file} ({label}).").format(
                        file=checkpoint_file, label=checkpoint_text(checkpoint)
                    )
                )
        if report.open_intents:
            click.echo(
                _(
                    "{count} commands were recorded as about to be sent but have no result "
                    "(a run stopped while sending): {ids}"
                ).format(count=len(report.open_intents), ids=", ".join(report.open_intents[:10]))
            )
    if report.fault is not None:
        fault = report.fault
        where = f"seq {fault.seq}" if fault.seq is not None else "the chain"
        if fault.record_id is not None:
            where += f" (record id {fault.record_id})"
        raise CLIError(
            L_(
                "Audit chain BROKEN at {where}: {value}: {detail}",
                where=where,
                value=fault.problem.value,
                detail=fault.detail,
            ),
            ExitCode.AUDIT_BROKEN,
        )


@audit.command("checkpoint")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the checkpoint to this file (default: standard output). Keep it off this machine.",
)
@pass_app
def audit_checkpoint(app: AppContext, out: Path | None) -> None:
    """Export the chain's head (seq, hash, time, database identity) as a checkpoint file.

    The chain is verified first; a broken chain gets no checkpoint (exit 11). Keep checkpoints
    where whoever can write the database cannot (another machine, write-once media, the
    printed annual report), and verify against them later.

    \b
    Example:
      sirenctl audit checkpoint --out /media/usb/audit-2026-12.json
    """
    from sirenctl.audit_checkpoint import dumps, write_checkpoint
    from sirenctl.audit_verify import ChainBroken, take_checkpoint

    try:
        checkpoint = take_checkpoint(app.db)
    except ChainBroken as exc:
        raise CLIError(
            L_(
                ("No checkpoint: the audit chain is broken ({exc}); run `sirenctl audit verify`."),
                exc=exc,
            ),
            ExitCode.AUDIT_BROKEN,
        ) from None
    if out is None:
        click.echo(dumps(checkpoint))
        return
    try:
        write_checkpoint(checkpoint, out)
    except OSError as exc:
        raise CLIError(
            L_("{out}: cannot write the checkpoint: {strerror}", out=out, strerror=exc.strerror)
        ) from None
    info(
        _("Checkpoint written to {file}: {label}.").format(
            file=out, label=checkpoint_text(checkpoint)
        )
    )


def checkpoint_text(checkpoint: Any) -> str:
    """``seq 724, hash ce7a…, taken 2026-12-03 06:14 UTC`` in the interface language."""
    return _("seq {seq}, hash {hash}…, taken {taken:%Y-%m-%d %H:%M} UTC").format(
        seq=checkpoint.seq, hash=checkpoint.hash[:16], taken=checkpoint.taken_at
    )
