"""Store and read the last known status of networked assets.

``sirenctl poll``, the daemon's periodic polls and the TUI write here, so the dashboard and
``poll --cached`` can show every terminal's state and the age of that reading without
talking to the devices.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.models import Asset
from sirenctl.models.status import AssetStatusReading


@dataclass(frozen=True)
class KnownStatus:
    tag: str
    site: str
    polled_at: datetime
    reachable: bool
    faulty: bool
    faults: list[str]
    status: dict[str, Any] | None
    error_kind: str | None
    error: str | None
    source: str
    good_at: datetime | None = None  # the last reading that answered
    good_status: dict[str, Any] | None = None

    def age_seconds(self, now: datetime) -> float:
        return max(0.0, (now - self.polled_at).total_seconds())

    def to_dict(self, now: datetime) -> dict[str, Any]:
        return {
            "tag": self.tag,
            "site": self.site,
            "reachable": self.reachable,
            "faulty": self.faulty,
            "faults": self.faults,
            "polled_at": self.polled_at.isoformat(),
            "age_s": round(self.age_seconds(now), 1),
            "status": self.status,
            "error": {"kind": self.error_kind, "message": self.error} if self.error else None,
            "source": self.source,
            "last_good": (
                {
                    "polled_at": self.good_at.isoformat(),
                    "age_s": round(max(0.0, (now - self.good_at).total_seconds()), 1),
                    "status": self.good_status,
                }
                if self.good_at is not None
                else None
            ),
        }


def store_poll_results(session: Session, results: Mapping[str, Any], *, source: str) -> int:
    """Upsert driver ``PollResult``s (by tag); returns how many readings were stored."""
    rows = session.execute(select(Asset.tag, Asset.id).where(Asset.tag.in_(list(results))))
    ids = {tag: asset_id for tag, asset_id in rows}
    existing = {
        row.asset_id: row
        for row in session.scalars(
            select(AssetStatusReading).where(AssetStatusReading.asset_id.in_(list(ids.values())))
        )
    }
    for tag, result in results.items():
        if tag not in ids:
            continue
        status = result.status.to_dict() if result.status is not None else None
        values: dict[str, Any] = {
            "polled_at": datetime.fromtimestamp(result.read_at, UTC),
            "reachable": result.error is None,
            "faulty": bool(status and status["faulty"]),
            "faults": list(status["faults"]) if status else [],
            "status": status,
            "error_kind": getattr(result.error, "kind", None),
            "error": str(result.error) if result.error is not None else None,
            "source": source,
        }
        if result.error is None:
            values["good_at"], values["good_status"] = values["polled_at"], status
        row = existing.get(ids[tag])
        if row is None:
            session.add(AssetStatusReading(asset_id=ids[tag], **values))
        else:
            for key, value in values.items():
                setattr(row, key, value)
    return len(ids)


def known_statuses(session: Session, tags: Iterable[str] | None = None) -> dict[str, KnownStatus]:
    query = (
        select(AssetStatusReading, Asset)
        .join(Asset, Asset.id == AssetStatusReading.asset_id)
        .order_by(Asset.tag)
    )
    if tags is not None:
        query = query.where(Asset.tag.in_(list(tags)))
    out: dict[str, KnownStatus] = {}
    for reading, asset in session.execute(query):
        out[asset.tag] = KnownStatus(
            asset.tag,
            asset.site.code,
            reading.polled_at,
            reading.reachable,
            reading.faulty,
            list(reading.faults or []),
            reading.status,
            reading.error_kind,
            reading.error,
            reading.source,
            reading.good_at,
            reading.good_status,
        )
    return out
