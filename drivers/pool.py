"""Link pool, driver factory and fleet polling.

``LinkPool`` gives exactly one :class:`~.link.Link` per physical channel (TCP endpoint or
serial line), so every driver on an RS-485 line shares one owner. ``Fleet.poll_all`` polls
every channel concurrently; within a channel the link serialises, so a dead unit costs
the others on its line exactly its own timeout and costs other channels nothing.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable
from typing import Any, NamedTuple

from .audit import SinkLike
from .base import SirenDriver
from .clock import Clock, RealClock
from .endpoint import Endpoint
from .errors import ConfigError, DriverError
from .link import Link
from .problems import DriverProblem as P
from .problems import DriverText, text_of
from .status import Status


class LinkPool:
    """Owns the links; close it (or use ``async with``) to close every connection."""

    def __init__(self, **link_options: Any) -> None:
        self.link_options = link_options
        self.links: dict[str, Link] = {}

    def link_for(self, endpoint: Endpoint) -> Link:
        key = endpoint.channel_key
        link = self.links.get(key)
        if link is None:
            link = self._make(endpoint)
            self.links[key] = link
            return link
        have = link.endpoint
        if have.transport != endpoint.transport:
            raise ConfigError(
                DriverText(P.LINE_TRANSPORTS, key=key, have=have.transport, want=endpoint.transport)
            )
        if endpoint.is_serial and have.serial_settings != endpoint.serial_settings:
            raise ConfigError(
                DriverText(
                    P.LINE_SETTINGS,
                    key=key,
                    want=endpoint.serial_settings,
                    have=have.serial_settings,
                )
            )
        return link

    def _make(self, endpoint: Endpoint) -> Link:
        if endpoint.transport == "bench_serial":
            from .bench_link import BenchLink

            return BenchLink(endpoint)
        from .modbus_link import ModbusLink

        return ModbusLink(endpoint, **self.link_options)

    async def close(self) -> None:
        links, self.links = list(self.links.values()), {}
        await asyncio.gather(*(link.close() for link in links), return_exceptions=True)

    async def __aenter__(self) -> LinkPool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()


def open_driver(
    endpoint: Endpoint,
    link_pool: LinkPool,
    *,
    tag: str | None = None,
    audit: SinkLike | None = None,
    clock: Clock | None = None,
) -> SirenDriver:
    """The driver for ``endpoint`` (chosen by transport and model), on the pool's shared link."""
    name = tag or endpoint.describe()
    link = link_pool.link_for(endpoint)
    if endpoint.transport == "bench_serial":
        from .bench_driver import BenchDriver

        return BenchDriver(name, endpoint, link, audit=audit, clock=clock)  # type: ignore[arg-type]
    from .regmap import MapError, load_map

    try:
        regmap = load_map(endpoint.model)
    except MapError as exc:
        raise ConfigError(text_of(exc), target=name) from exc
    from .modbus_driver import ModbusSirenDriver
    from .modbus_link import ModbusLink

    assert isinstance(link, ModbusLink)  # link_for gives Modbus transports a ModbusLink
    return ModbusSirenDriver(name, endpoint, link, regmap, audit=audit, clock=clock)


class PollResult(NamedTuple):
    """One tag's poll: a status or a typed error, and when it was read (a NamedTuple: a
    1,000-controller sweep makes 1,000, and a frozen dataclass costs five setattr calls each)."""

    tag: str
    status: Status | None
    error: DriverError | None
    read_at: float  # clock time of the reading
    elapsed: float  # seconds from sweep start until this result (monotonic)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "tag": self.tag,
            "ok": self.ok,
            "read_at": self.read_at,
            "elapsed": round(self.elapsed, 4),
            "status": self.status.to_dict() if self.status else None,
            "error": self.error.to_dict() if self.error else None,
        }


class Fleet:
    """Drivers for ``{tag: Endpoint}`` on shared links, with concurrent polling."""

    def __init__(
        self,
        endpoints: dict[str, Endpoint],
        *,
        audit: SinkLike | None = None,
        clock: Clock | None = None,
        pool: LinkPool | None = None,
        concurrency: int | None = None,
    ) -> None:
        self.endpoints = dict(endpoints)
        self.audit = audit
        self.clock = clock or RealClock()
        self.pool = pool or LinkPool()
        self._own_pool = pool is None
        self.concurrency = concurrency
        self._drivers: dict[str, SirenDriver] = {}

    def driver(self, tag: str) -> SirenDriver:
        d = self._drivers.get(tag)
        if d is None:
            if tag not in self.endpoints:
                raise KeyError(f"unknown tag {tag!r}")
            d = open_driver(
                self.endpoints[tag], self.pool, tag=tag, audit=self.audit, clock=self.clock
            )
            self._drivers[tag] = d
        return d

    async def poll_all(
        self, tags: Iterable[str] | None = None, *, into: dict[str, PollResult] | None = None
    ) -> dict[str, PollResult]:
        """One reading per tag. ``into`` (if given) receives each result as it arrives, so a
        caller interrupted mid-sweep still has what answered so far."""
        wanted = list(self.endpoints) if tags is None else list(tags)
        sink = into if into is not None else {}
        t0 = time.monotonic()
        sem = asyncio.Semaphore(self.concurrency) if self.concurrency else None

        async def one(tag: str) -> PollResult:
            try:
                drv = self._drivers.get(tag) or self.driver(tag)
                if sem is None:
                    st = await drv.read_status()
                else:
                    async with sem:
                        st = await drv.read_status()
                r = PollResult(tag, st, None, st.read_at, time.monotonic() - t0)
            except DriverError as exc:
                exc.target = exc.target or tag
                r = PollResult(tag, None, exc, self.clock.now(), time.monotonic() - t0)
            except KeyError as exc:
                err = ConfigError(str(exc), target=tag)
                r = PollResult(tag, None, err, self.clock.now(), time.monotonic() - t0)
            sink[tag] = r
            return r

        results = await asyncio.gather(*(one(t) for t in wanted))
        return {r.tag: r for r in results}

    async def close(self) -> None:
        if self._own_pool:
            await self.pool.close()

    async def __aenter__(self) -> Fleet:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
