"""Stop soundings: named units, or everything the office may have started (``cancel --all``).

Stop needs no permit: a cancel is always one step away (DESIGN §5). ``cancel_all`` targets
every networked, not retired asset of the registry, from any machine that reaches them; when
the runner records which soundings are under way (sirenctl/scheduling/executor.py), the lead
can narrow :func:`all_targets` to those. Every stop is verified by reading the status back and
is audited per unit, plus one summary record.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from sirenctl.i18n import as_text
from sirenctl.models import Asset, AssetStatus

if TYPE_CHECKING:
    from sirenctl.db import Database
    from sirenctl.drivers.endpoint import Endpoint
    from sirenctl.identity import Actor


@dataclass(frozen=True)
class StopOutcome:
    tag: str
    stopped: bool  # stop sent and the unit reports silence
    error: str | None = None


@dataclass(frozen=True)
class CancelReport:
    outcomes: tuple[StopOutcome, ...]
    skipped: tuple[str, ...] = ()  # registry problems (no usable endpoint), with reasons

    @property
    def all_stopped(self) -> bool:
        return all(o.stopped for o in self.outcomes) and not self.skipped

    def to_dict(self) -> dict[str, Any]:
        return {
            "stopped": [o.tag for o in self.outcomes if o.stopped],
            "failed": {o.tag: o.error for o in self.outcomes if not o.stopped},
            "skipped": list(self.skipped),
        }


def all_targets(db: Database, *, timeout: float) -> tuple[dict[str, Endpoint], list[str]]:
    """Endpoints of every networked, not retired asset (and why any could not be used)."""
    from sirenctl.devices import EndpointProblem, endpoint_for

    endpoints: dict[str, Endpoint] = {}
    skipped: list[str] = []
    with db.session() as session:
        query = (
            select(Asset)
            .where(Asset.controller_transport.is_not(None), Asset.status != AssetStatus.RETIRED)
            .order_by(Asset.tag)
        )
        for asset in session.scalars(query):
            try:
                endpoints[asset.tag] = endpoint_for(asset, timeout=timeout)
            except EndpointProblem as exc:
                skipped.append(as_text(exc))
    return endpoints, skipped


def named_targets(db: Database, tags: list[str], *, timeout: float) -> dict[str, Endpoint]:
    from sirenctl.devices import endpoint_for
    from sirenctl.registry.assets import get_asset

    with db.session() as session:
        return {tag: endpoint_for(get_asset(session, tag), timeout=timeout) for tag in tags}


async def stop_units(endpoints: dict[str, Endpoint], audit: Any) -> list[StopOutcome]:
    """Send stop to every unit at once (one owner per channel) and verify each."""
    from sirenctl.drivers.errors import DriverError
    from sirenctl.drivers.modbus_link import quiet_pymodbus_logs
    from sirenctl.drivers.pool import Fleet

    quiet_pymodbus_logs()
    async with Fleet(endpoints, audit=audit) as fleet:

        async def one(tag: str) -> StopOutcome:
            try:
                await fleet.driver(tag).cancel()
                return StopOutcome(tag, True)
            except DriverError as exc:
                return StopOutcome(tag, False, as_text(exc, target=False))

        return list(await asyncio.gather(*(one(tag) for tag in endpoints)))


def cancel(
    db: Database,
    actor: Actor,
    tags: list[str] | None = None,
    *,
    timeout: float = 2.0,
    reason: str = "",
    via: str = "cli",
) -> CancelReport:
    """Stop ``tags`` (None: every networked asset) now; audited per unit and as a summary."""
    from sirenctl.audit import record
    from sirenctl.devices import AuditWriter

    if tags is None:
        endpoints, skipped = all_targets(db, timeout=timeout)
    else:
        endpoints, skipped = named_targets(db, tags, timeout=timeout), []
    outcomes = asyncio.run(stop_units(endpoints, AuditWriter(db, actor.label))) if endpoints else []
    report = CancelReport(tuple(outcomes), tuple(skipped))
    if tags is None:
        with db.transaction() as session:
            record(
                session,
                operator=actor.label,
                action="command.cancel_all",
                object_type="fleet",
                object_ref=None,
                after=report.to_dict() | {"via": via},
                outcome="ok" if report.all_stopped else "error",
                message=reason or None,
            )
    return report
