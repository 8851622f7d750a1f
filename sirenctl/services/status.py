"""Poll and store status: one use case for ``sirenctl poll`` and the TUI's background poller
(sirenctl/tui/poller.py). The daemon's silent polls (sirenctl/scheduling/daemon.py) sit a layer
below the services and keep their own copy of the storing step.

Reading status is silent (nothing audible is sent). The sweep itself is the driver layer's
(sirenctl/drivers/operations.py ``poll_endpoints``, or the TUI's long-lived device set); this
module decides *which* terminals are polled and how a sweep is kept: every reading becomes the
asset's last known status and one audit read record covers the sweep.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sirenctl.db import Database
from sirenctl.i18n import as_text
from sirenctl.identity import Actor

if TYPE_CHECKING:
    from sirenctl.drivers.endpoint import Endpoint


@dataclass(frozen=True)
class PollTargets:
    """The terminals a sweep will contact, and those that cannot be (bad registry values)."""

    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # tag -> why it cannot be polled
    sites: dict[str, str] = field(default_factory=dict)  # tag -> site code

    @property
    def empty(self) -> bool:
        return not self.endpoints and not self.problems


@dataclass(frozen=True)
class StoredSweep:
    """What :func:`store_status` kept."""

    stored: int  # readings stored as last known status
    failed: list[str]  # tags whose attempt failed (unreachable or a device error)
    audited: bool  # whether an audit read record was written for this sweep


def poll_targets(
    db: Database,
    *,
    tags: Iterable[str] = (),
    site: str | None = None,
    timeout: float | None = None,
) -> PollTargets:
    """The endpoints of ``tags`` (NotFound for an unknown tag), or of every networked,
    not retired asset (of ``site`` if given). An asset whose endpoint is unusable is listed in
    ``problems`` with the reason instead of failing the sweep."""
    from sirenctl.devices import EndpointProblem, endpoint_for
    from sirenctl.registry.assets import AssetFilter, get_asset, list_assets

    wanted = list(tags)
    endpoints: dict[str, Endpoint] = {}
    problems: dict[str, str] = {}
    with db.session() as session:
        if wanted:
            assets = [get_asset(session, tag) for tag in wanted]
        else:
            flt = AssetFilter(site=site, networked=True, include_retired=False)
            assets = list_assets(session, flt)
        sites = {a.tag: a.site.code for a in assets}
        for asset in assets:
            try:
                endpoints[asset.tag] = endpoint_for(asset, timeout=timeout)
            except EndpointProblem as exc:
                problems[asset.tag] = as_text(exc)  # English; localized() translates it
    return PollTargets(endpoints, problems, sites)


def store_status(
    db: Database,
    actor: Actor | str,
    results: Mapping[str, Any],
    *,
    source: str,
    audit: bool = True,
    audit_details: dict[str, Any] | None = None,
    at: datetime | None = None,
) -> StoredSweep:
    """Keep a sweep's ``results`` (tag -> drivers PollResult) as each terminal's last known
    status and, with ``audit``, write one read record for the sweep (sirenctl/audit.py), in one
    transaction. ``actor`` is the acting person (or a login name)."""
    from sirenctl.audit import record_read
    from sirenctl.registry.status_store import store_poll_results

    failed = [tag for tag, res in results.items() if not res.ok]
    if not results:
        return StoredSweep(0, [], False)
    operator = actor.label if isinstance(actor, Actor) else actor
    with db.transaction() as session:
        stored = store_poll_results(session, results, source=source)
        if audit:
            record_read(
                session,
                operator=operator,
                source=source,
                tags=sorted(results),
                failed=failed,
                details=audit_details,
                at=at,
            )
    return StoredSweep(stored, failed, audit)
