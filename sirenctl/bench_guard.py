"""A bench unit is a physical fact, not a flag (issue 9 item 3, DESIGN §8).

Before anything audible goes to a bench unit, sirenctl reads the controller's identity block
(model and serial number, see drivers/maps/*.toml ``[identity]`` and docs/serial-protocol.md
``ID``) and requires it to match the registered bench unit. Registration and send time also
refuse a bench endpoint that is a live asset's endpoint. Three parts, so the CLI, the TUI and
the unattended runner (sirenctl/scheduling/executor.py) can each call them:

* :func:`bench_expectation` (database, synchronous): what the controller must prove, or
  :class:`BenchNotProven` when the registry itself already rules the unit out;
* :meth:`BenchExpectation.check` (pure): compare an :class:`Identity` read from the wire;
* :func:`endpoint_conflicts` (database): used at registration (asset add/edit, CSV import).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.devices import NotABenchUnit
from sirenctl.models import Asset, AssetStatus, AuditEvent
from sirenctl.registry.channel_index import (  # noqa: F401  (re-exported)
    ChannelIndex,
    ChannelKey,
    channel_keys,
    conflict_message,
    controller_values,
    endpoint_conflicts,
)

if TYPE_CHECKING:
    from sirenctl.drivers.status import Identity

# Actions whose ``after`` snapshot says whether the asset was a bench unit at that moment.
_REGISTRY_ACTIONS = ("asset.add", "asset.edit", "asset.import", "asset.update")


class BenchNotProven(NotABenchUnit):
    """The controller at a bench unit's endpoint is not proven to be that bench unit."""


@dataclass(frozen=True)
class BenchExpectation:
    """What the controller at a bench unit's endpoint must report before anything audible."""

    tag: str
    model: str
    serial: str
    live_serials: frozenset[str]  # serial numbers of live assets (case-folded)

    def check(self, identity: Identity) -> None:
        """Raise :class:`BenchNotProven` unless ``identity`` is this bench unit's."""
        got_serial = identity.serial.strip()
        got_model = identity.model.strip()
        if not got_serial:
            raise BenchNotProven(
                f"{self.tag}: the controller reports no serial number, so it cannot be proven to be "
                "the registered bench unit; nothing was sent"
            )
        if got_serial.casefold() in self.live_serials:
            raise BenchNotProven(
                f"{self.tag}: the controller answering there reports serial {got_serial}, which is a "
                "LIVE siren's; nothing was sent"
            )
        if got_serial.casefold() != self.serial.casefold():
            raise BenchNotProven(
                f"{self.tag}: the controller reports serial {got_serial}, but bench unit {self.tag} is registered "
                f"with serial {self.serial}; nothing was sent"
            )
        if got_model.casefold() != self.model.casefold():
            raise BenchNotProven(
                f"{self.tag}: the controller reports model {got_model}, but bench unit {self.tag} is registered "
                f"as {self.model}; nothing was sent"
            )

    def to_dict(self) -> dict[str, Any]:
        return {"tag": self.tag, "model": self.model, "serial": self.serial}


async def prove_bench_unit(driver: Any, expectation: BenchExpectation) -> Identity:
    """Read the identity block through ``driver`` (a SirenDriver) and require it to be the
    expected bench unit. The unattended runner (sirenctl/scheduling/executor.py) calls it right
    before a bench unit's first audible command; BenchNotProven means nothing may be sent."""
    identity: Identity = await driver.identify()
    expectation.check(identity)
    return identity


def _was_live(session: Session, tag: str) -> bool:
    """True if the audit log shows this asset registered or edited as a live (non-bench) asset."""
    events = session.scalars(
        select(AuditEvent).where(
            AuditEvent.object_type == "asset",
            AuditEvent.object_ref == tag,
            AuditEvent.action.in_(_REGISTRY_ACTIONS),
        )
    )
    return any(
        isinstance(e.after, dict) and "is_bench" in e.after and not e.after["is_bench"]
        for e in events
    )


def bench_expectation(session: Session, asset: Asset) -> BenchExpectation:
    """What must be proven on the wire for ``asset``; BenchNotProven if the registry rules it out.

    Refused here: not a bench unit or retired (:func:`sirenctl.devices.bench_permit`), no
    registered serial number, a channel shared with a live asset, or an asset that was once
    registered as a live siren (flipping the flag on a live siren does not make it a bench
    unit: retire it and register the bench controller under a new tag).
    """
    from sirenctl.devices import bench_permit

    bench_permit(asset)  # NotABenchUnit for live or retired assets
    if not asset.controller_transport:
        raise BenchNotProven(f"{asset.tag} has no controller")
    if not (asset.serial_no or "").strip():
        raise BenchNotProven(
            f"{asset.tag}: a bench unit needs its controller's serial number registered (serial_no) "
            "so the controller can prove who it is; nothing was sent"
        )
    shared = endpoint_conflicts(session, controller_values(asset) | {"is_bench": True})
    if shared:
        raise BenchNotProven(
            "{tag}: its controller channel is also used by live asset(s) {tags}; nothing was sent".format(
                tag=asset.tag, tags=", ".join(shared)
            )
        )
    if _was_live(session, asset.tag):
        raise BenchNotProven(
            f"{asset.tag} was registered as a live siren; marking it as a bench unit does not make it "
            "one. Retire it and register the bench controller under a new tag; nothing was "
            "sent"
        )
    live = session.scalars(
        select(Asset.serial_no).where(
            Asset.is_bench.is_(False),
            Asset.status != AssetStatus.RETIRED,
            Asset.serial_no.is_not(None),
        )
    )
    return BenchExpectation(
        tag=asset.tag,
        model=asset.controller_model or "sirenctl-generic",
        serial=(asset.serial_no or "").strip(),
        live_serials=frozenset(s.strip().casefold() for s in live if s and s.strip()),
    )


def registered_at(
    session: Session, transport: str, values: Mapping[str, Any], unit_id: int
) -> Asset | None:
    """The (not retired) asset registered at this channel and unit id, if exactly one."""
    mine = channel_keys({"controller_transport": transport, **values})
    found = [
        a
        for a in session.scalars(
            select(Asset).where(
                Asset.controller_transport == transport,
                Asset.status != AssetStatus.RETIRED,
                Asset.controller_unit_id == unit_id,
            )
        )
        if channel_keys(controller_values(a)) & mine
    ]
    return found[0] if len(found) == 1 else None


def check_model(asset: Asset, identity: Identity) -> None:
    """The controller must be the model whose register map decides what is audible."""
    want = asset.controller_model or "sirenctl-generic"
    if identity.model.strip().casefold() != want.casefold():
        raise BenchNotProven(
            f"{asset.tag}: the controller reports model {identity.model.strip() or '(none)'}, "
            f"but {asset.tag} is registered as {want}; its register map cannot tell which "
            "registers are audible, so nothing was written"
        )
