"""Asset status as it was at a past moment, rebuilt from the append-only audit log.

A report for a finished year shows the fleet as it stood at the end of that year, not as it is
when the report is written: every status change after that moment is undone, newest first,
from the audit events that recorded it (edits, retirements, faults raised by findings, and the
status an asset was registered with).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.models import Asset, AuditEvent

_REGISTERED = ("asset.add", "asset.import")


def statuses_at(session: Session, assets: list[Asset], moment: datetime) -> dict[int, str]:
    """Status of each asset at ``moment`` (its current status when nothing changed since)."""
    status = {a.id: a.status for a in assets}
    by_tag = {a.tag: a.id for a in assets}
    events = session.scalars(
        select(AuditEvent)
        .where(
            AuditEvent.object_type == "asset",
            AuditEvent.at > moment,
            AuditEvent.object_ref.in_(list(by_tag)),
        )
        .order_by(AuditEvent.id.desc())
    )
    for event in events:
        asset_id = by_tag[event.object_ref or ""]
        if isinstance(event.before, dict) and "status" in event.before:
            status[asset_id] = event.before["status"]
        elif (
            event.action in _REGISTERED
            and isinstance(event.after, dict)
            and "status" in event.after
        ):
            status[asset_id] = event.after["status"]  # registered later: as registered
    return status


class AssetAsOf:
    """An asset seen with its status at a past moment (read-only; never added to a session)."""

    def __init__(self, asset: Asset, status: str) -> None:
        self._asset = asset
        self.status = status

    def __getattr__(self, name: str) -> Any:
        return getattr(self._asset, name)
