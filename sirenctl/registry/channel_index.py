"""Controller channels in the registry: which assets share one, so that a bench unit never
shares a live asset's channel (checked at registration here, at send time by
sirenctl/bench_guard.py)."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.models import Asset, AssetStatus


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


def controller_values(asset: Asset) -> dict[str, Any]:
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
