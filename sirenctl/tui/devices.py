"""Background status of networked terminals for the Live and Dashboard screens (no Textual).

One :class:`~sirenctl.drivers.pool.Fleet` (one link per channel) is kept open between sweeps;
``sweep()`` polls every terminal concurrently, so a dead device costs the others nothing.
Polls are silent reads: nothing audible is ever sent from here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sirenctl.i18n import L_, _, as_text

if TYPE_CHECKING:
    from sirenctl.drivers.clock import Clock
    from sirenctl.drivers.endpoint import Endpoint
    from sirenctl.drivers.pool import Fleet, PollResult
    from sirenctl.models import Asset

STATES = ("pending", "ok", "faulty", "unreachable", "config")


@dataclass(frozen=True)
class Terminal:
    tag: str
    name: str
    kind: str
    site: str
    endpoint: str
    is_bench: bool


@dataclass
class TerminalState:
    terminal: Terminal
    status: Any = None  # sirenctl.drivers.status.Status of the last good reading
    error: str | None = None  # last poll's error (None when it answered)
    error_kind: str | None = None
    checked_at: float | None = None  # clock time of the last poll (good or bad)
    polls: int = 0

    @property
    def state(self) -> str:
        if self.error_kind == "config_error":
            return "config"
        if self.error is not None:
            return "unreachable"
        if self.status is None:
            return "pending"
        return "faulty" if self.status.faulty else "ok"

    def age(self, now: float) -> float | None:
        """Seconds since the last good status (shown next to it: status is "as of")."""
        return None if self.status is None else max(0.0, now - self.status.read_at)


@dataclass(frozen=True)
class FleetPlan:
    """Terminals and endpoints built from the registry (in a worker thread)."""

    terminals: dict[str, Terminal]
    endpoints: dict[str, Endpoint]
    problems: dict[str, str]


def plan_fleet(
    assets: Iterable[Asset], timeout: float, overrides: dict[str, Endpoint] | None = None
) -> FleetPlan:
    from sirenctl.devices import endpoint_for

    terminals: dict[str, Terminal] = {}
    endpoints: dict[str, Endpoint] = {}
    problems: dict[str, str] = {}
    for asset in assets:
        try:
            endpoint = (overrides or {}).get(asset.tag) or endpoint_for(asset, timeout=timeout)
        except ValueError as exc:
            problems[asset.tag] = L_(
                "controller settings: {error}; fix them in Assets (e)", error=as_text(exc)
            )
            describe = _("invalid controller settings")
        else:
            endpoints[asset.tag] = endpoint
            describe = endpoint.describe()
        terminals[asset.tag] = Terminal(
            asset.tag, asset.name or "", asset.kind, asset.site.code, describe, asset.is_bench
        )
    return FleetPlan(terminals, endpoints, problems)


class DeviceService:
    """Latest state per terminal; ``sweep()`` runs on an asyncio loop (a Textual async worker)."""

    def __init__(
        self,
        *,
        timeout: float = 1.0,
        clock: Clock | None = None,
        overrides: dict[str, Endpoint] | None = None,
    ) -> None:
        from sirenctl.drivers.clock import RealClock
        from sirenctl.drivers.modbus_link import quiet_pymodbus_logs

        quiet_pymodbus_logs()  # pymodbus would print frame dumps over the screen
        self.timeout = timeout
        self.clock: Clock = clock or RealClock()
        self.overrides = dict(overrides or {})
        self.states: dict[str, TerminalState] = {}
        self.endpoints: dict[str, Endpoint] = {}
        self._fleet: Fleet | None = None
        self.sweeps = 0
        self.last_results: dict[str, PollResult] = {}  # raw results of the last sweep

    def plan(self, assets: Iterable[Asset]) -> FleetPlan:
        return plan_fleet(assets, self.timeout, self.overrides)

    async def apply(self, plan: FleetPlan) -> None:
        """Use a new set of terminals; the links are rebuilt only if an endpoint changed."""
        old = self.states
        self.states = {
            tag: old.get(tag) or TerminalState(term) for tag, term in plan.terminals.items()
        }
        for tag, state in self.states.items():
            state.terminal = plan.terminals[tag]
            if tag in plan.problems:
                state.error, state.error_kind = plan.problems[tag], "config_error"
        if plan.endpoints != self.endpoints:
            await self.close()
            self.endpoints = dict(plan.endpoints)

    async def sweep(self) -> dict[str, TerminalState]:
        """Poll every terminal once; returns the states that were polled."""
        from sirenctl.drivers.pool import Fleet

        if not self.endpoints:
            return {}
        if self._fleet is None:
            self._fleet = Fleet(self.endpoints, clock=self.clock)
        results = await self._fleet.poll_all()
        self.last_results = results
        self.sweeps += 1
        return {tag: self._note(result) for tag, result in results.items() if tag in self.states}

    def _note(self, result: PollResult) -> TerminalState:
        state = self.states[result.tag]
        state.polls += 1
        state.checked_at = result.read_at
        if result.error is None:
            state.status, state.error, state.error_kind = result.status, None, None
        else:
            state.error, state.error_kind = as_text(result.error, target=False), result.error.kind
        return state

    def seed(self, known: dict[str, Any]) -> None:
        """Start from the stored last known statuses (daemon, ``poll``, an earlier TUI) so the
        screens show every terminal and the age of its reading before the first sweep."""
        from sirenctl.drivers.status import Status

        for tag, state in self.states.items():
            reading = known.get(tag)
            if reading is None or state.polls or state.error_kind == "config_error":
                continue
            if reading.status:
                fields = {k: reading.status[k] for k in Status._fields if k in reading.status}
                state.status = Status(**fields)
            state.error, state.error_kind = reading.error, reading.error_kind
            state.checked_at = reading.polled_at.timestamp()

    async def close(self) -> None:
        fleet, self._fleet = self._fleet, None
        if fleet is not None:
            await fleet.close()

    # ---- summaries for the dashboard ---------------------------------------------------------
    def rows(self) -> list[TerminalState]:
        return [self.states[tag] for tag in sorted(self.states)]

    def state_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for state in self.states.values():
            counts[state.state] = counts.get(state.state, 0) + 1
        return counts

    def oldest_status_age(self) -> float | None:
        now = self.clock.now()
        ages = [state.age(now) for state in self.states.values()]
        known = [a for a in ages if a is not None]
        if not known:
            return None
        return None if len(known) < len(ages) else max(known)
