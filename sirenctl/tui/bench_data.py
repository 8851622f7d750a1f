"""Bench tests for the TUI (no Textual): bench units only, a bench permit checked against a
fresh read of the registry, every command audited, the result recorded.

Live (non-bench) assets are never listed and :func:`prepare` refuses them: this screen cannot
sound a live siren (docs/development.md, "Safety").
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from sirenctl.db import Database
from sirenctl.models import Asset, AssetStatus
from sirenctl.services.bench import BenchPlan

if TYPE_CHECKING:
    from sirenctl.devices import AuditWriter
    from sirenctl.drivers.audit import CommandRecord
    from sirenctl.drivers.clock import Clock
    from sirenctl.drivers.programme import ProgrammeResult
    from sirenctl.scheduling.programmes import Programme

BENCH_TIMEOUT = 2.0


@dataclass(frozen=True)
class BenchUnit:
    tag: str
    name: str
    site: str
    endpoint: str


def bench_units(db: Database) -> list[BenchUnit]:
    """Networked, not retired, flagged as bench units: nothing else is offered."""
    return networked_units(db, bench=True)


def networked_units(db: Database, *, bench: bool) -> list[BenchUnit]:
    """Networked, not retired units: bench units (bench screen) or live sirens (LIVE screen)."""
    from sirenctl.registry.assets import endpoint_summary

    with db.session() as session:
        assets = session.scalars(
            select(Asset)
            .options(joinedload(Asset.site))
            .where(
                Asset.is_bench.is_(bench),
                Asset.status != AssetStatus.RETIRED,
                Asset.controller_transport.is_not(None),
            )
            .order_by(Asset.tag)
        )
        return [BenchUnit(a.tag, a.name or "", a.site.code, endpoint_summary(a)) for a in assets]


def programme_choices() -> list[Programme]:
    """Shipped (and user) programmes: the Chinese national ones first, silent ones last."""
    from sirenctl.scheduling.library import load_library

    programmes = load_library().programmes.values()
    return sorted(programmes, key=lambda p: (not p.audible, not p.key.startswith("cn-"), p.key))


def prepare(db: Database, operator: str, tag: str, programme: str) -> BenchPlan:
    """Re-read the asset: a bench permit and what its controller must prove (raises
    NotABenchUnit for live assets, after recording the refusal)."""
    from sirenctl.services.bench import plan_bench_sound
    from sirenctl.services.operator import actor_for_operator

    return plan_bench_sound(
        db,
        actor_for_operator(operator, db),
        tag,
        programme=programme,
        via="tui bench",
        timeout=BENCH_TIMEOUT,
    )


@dataclass
class BenchRun:
    """One playback. ``on_command`` sees every driver command record as it happens."""

    db: Database
    operator: str
    plan: BenchPlan
    programme: Programme
    clock: Clock
    on_command: Callable[[CommandRecord], None] = lambda _rec: None
    started_at: float | None = None
    _writer: AuditWriter = field(init=False)
    _driver: Any = None

    def __post_init__(self) -> None:
        from sirenctl.devices import AuditWriter

        self._writer = AuditWriter(self.db, self.operator, offload=True)  # off the event loop

    def intent(self, rec: CommandRecord) -> Awaitable[None] | None:
        """Audit sink (drivers/audit.py): the intent is committed before the command leaves."""
        return self._writer.intent(rec)

    def result(self, rec: CommandRecord) -> None:
        self._writer.result(rec)
        self.on_command(rec)

    def flush(self) -> None:
        self._writer.flush()

    async def play(self) -> ProgrammeResult:
        """Play the programme. Cancelled (F9, c, quitting the app), the unit is told to stop,
        the stop is verified, and the result comes back marked cancelled, to be recorded."""
        from sirenctl.drivers.pool import LinkPool, open_driver
        from sirenctl.drivers.programme import play_programme
        from sirenctl.steps import programme_steps

        pool = LinkPool()
        try:
            self._driver = open_driver(
                self.plan.endpoint, pool, tag=self.plan.tag, audit=self, clock=self.clock
            )
            await self._prove()
            self.started_at = self.clock.now()
            return await play_programme(
                self._driver,
                programme_steps(self.programme),
                self.plan.permit,
                self.clock,
                stop_on_cancel=True,
            )
        finally:
            await pool.close()
            await self._writer.drain()

    async def _prove(self) -> None:
        """Read the identity block; a controller that is not this bench unit gets nothing."""
        from sirenctl.services.bench import identity_check
        from sirenctl.services.operator import actor_for_operator

        check = identity_check(
            self.db,
            actor_for_operator(self.operator, self.db),
            self.plan,
            programme=self.programme.key,
            via="tui bench",
        )
        identity = await self._driver.identify()
        await asyncio.to_thread(check, identity)

    def record_result(self, result: ProgrammeResult) -> str:
        """Store a test result (kind ``bench_test``) with every step's echo; returns its outcome.

        Recorded through the scheduling layer, so it is audited and a failure raises a finding.
        """
        from sirenctl.bench_results import record_bench_result

        outcome, _result_id = record_bench_result(
            self.db,
            self.plan.tag,
            self.programme.key,
            result,
            operator=self.operator,
            via="the TUI",
        )
        return outcome
