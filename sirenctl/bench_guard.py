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

import ipaddress
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.devices import NotABenchUnit
from sirenctl.models import Asset, AssetStatus, AuditEvent

if TYPE_CHECKING:
    from sirenctl.drivers.status import Identity

# Actions whose ``after`` snapshot says whether the asset was a bench unit at that moment.
_REGISTRY_ACTIONS = ("asset.add", "asset.edit", "asset.import", "asset.update")


class BenchNotProven(NotABenchUnit):
    """The controller at a bench unit's endpoint is not proven to be that bench unit."""


@dataclass(frozen=True)
class ChannelKey:
    """A physical channel: one TCP listener (host address, port) or one serial line."""

    transport: str  # "tcp" | "serial"
    where: str
    port: int | None = None

    def describe(self) -> str:
        return f"{self.where}:{self.port}" if self.transport == "tcp" else self.where


def _host_forms(host: str) -> frozenset[str]:
    """Spellings of one host that must compare equal (no DNS: registration must not block)."""
    h = host.strip().strip("[]").lower().rstrip(".")
    if h in ("localhost", "localhost.localdomain", "ip6-localhost"):
        return frozenset({"127.0.0.1", "::1", "localhost"})
    try:
        addr = ipaddress.ip_address(h)
    except ValueError:
        return frozenset({h})
    if isinstance(addr, ipaddress.IPv6Address) and addr.ipv4_mapped is not None:
        addr = addr.ipv4_mapped
    if addr.is_loopback:
        # 127.0.0.0/8 all reach this machine; a listener on 0.0.0.0 answers on any of them
        return frozenset({"127.0.0.1", "::1", "localhost"})
    return frozenset({str(addr)})


def channel_keys(values: Mapping[str, Any]) -> frozenset[ChannelKey]:
    """The physical channel(s) an asset's controller values point at (empty: no controller)."""
    transport = values.get("controller_transport")
    if not transport:
        return frozenset()
    if transport == "modbus_tcp":
        host, port = values.get("controller_host"), values.get("controller_port") or 502
        if not host:
            return frozenset()
        return frozenset(ChannelKey("tcp", form, int(port)) for form in _host_forms(str(host)))
    device = values.get("controller_device")
    if not device:
        return frozenset()
    return frozenset(
        {ChannelKey("serial", str(device)), ChannelKey("serial", os.path.realpath(str(device)))}
    )


def _controller_values(asset: Asset) -> dict[str, Any]:
    return {
        "controller_transport": asset.controller_transport,
        "controller_host": asset.controller_host,
        "controller_port": asset.controller_port,
        "controller_device": asset.controller_device,
    }


class ChannelIndex:
    """Controller channels of not-retired assets, bench and live apart, for fast look-ups."""

    def __init__(self, rows: Iterable[Mapping[str, Any]]) -> None:
        self._by_key: dict[tuple[ChannelKey, bool], set[str]] = {}
        for row in rows:
            if row.get("status") == AssetStatus.RETIRED:
                continue
            bench = bool(row.get("is_bench"))
            for key in channel_keys(row):
                self._by_key.setdefault((key, bench), set()).add(str(row.get("tag") or ""))

    @classmethod
    def from_registry(cls, session: Session) -> ChannelIndex:
        query = select(
            Asset.tag,
            Asset.is_bench,
            Asset.status,
            Asset.controller_transport,
            Asset.controller_host,
            Asset.controller_port,
            Asset.controller_device,
        ).where(Asset.controller_transport.is_not(None), Asset.status != AssetStatus.RETIRED)
        return cls(dict(r._mapping) for r in session.execute(query))

    def add(self, rows: Iterable[Mapping[str, Any]]) -> None:
        for (key, bench), tags in ChannelIndex(rows)._by_key.items():
            self._by_key.setdefault((key, bench), set()).update(tags)

    def conflicts(self, values: Mapping[str, Any], exclude_tags: Iterable[str] = ()) -> list[str]:
        """Tags across the bench/live divide that share a channel with ``values``."""
        if values.get("status") == AssetStatus.RETIRED:
            return []
        other_side = not bool(values.get("is_bench"))
        skip = set(exclude_tags) | {str(values.get("tag") or "")}
        hits: set[str] = set()
        for key in channel_keys(values):
            hits |= self._by_key.get((key, other_side), set())
        return sorted(hits - skip)


def endpoint_conflicts(
    session: Session,
    values: Mapping[str, Any],
    *,
    exclude_tags: Iterable[str] = (),
    extra: Iterable[Mapping[str, Any]] = (),
) -> list[str]:
    """Tags whose controller shares a channel with ``values`` across the bench/live divide.

    A bench unit may not share a channel (TCP listener or serial line) with a live asset, nor a
    live asset with a bench unit: a unit-id or register typo would then sound a live siren.
    ``extra`` are other rows of the same CSV import, not yet in the database.
    """
    if not channel_keys(values):
        return []
    index = ChannelIndex.from_registry(session)
    index.add(extra)
    return index.conflicts(values, exclude_tags)


def conflict_message(values: Mapping[str, Any], tags: list[str]) -> str:
    if values.get("is_bench"):
        return (
            "a bench unit cannot use the controller channel of live asset(s) {tags}; "
            "give the bench unit its own controller"
        ).format(tags=", ".join(tags))
    return (
        "a live asset cannot use the controller channel of bench unit(s) {tags}; "
        "give the live asset its own controller"
    ).format(tags=", ".join(tags))


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
    shared = endpoint_conflicts(session, _controller_values(asset) | {"is_bench": True})
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
        if channel_keys(_controller_values(a)) & mine
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
