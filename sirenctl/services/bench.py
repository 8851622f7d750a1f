"""Bench sound, one use case for CLI, TUI and the runner: prove the unit, then play.

Authority for bench units is decided here (sirenctl/bench_guard.py holds the rules): a bench
permit only for a registered bench unit whose controller proves its identity on the wire.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sirenctl.bench_guard import (  # noqa: F401  (prove_bench_unit re-exported)
    BenchExpectation,
    BenchNotProven,
    bench_expectation,
    prove_bench_unit,
)
from sirenctl.devices import NotABenchUnit

if TYPE_CHECKING:
    from sirenctl.db import Database
    from sirenctl.drivers.endpoint import Endpoint
    from sirenctl.drivers.operations import IdentityCheck
    from sirenctl.drivers.permit import Permit
    from sirenctl.drivers.status import Identity
    from sirenctl.identity import Actor


@dataclass(frozen=True)
class BenchPlan:
    tag: str
    name: str
    endpoint: Endpoint
    permit: Permit
    expectation: BenchExpectation


def plan_bench_sound(
    db: Database, actor: Actor, tag: str, *, programme: str, via: str, timeout: float
) -> BenchPlan:
    """Re-read the registry: a bench permit and what the controller must prove.

    Raises NotABenchUnit (BenchNotProven included) after recording the refusal.
    """
    from sirenctl.devices import bench_permit, endpoint_for
    from sirenctl.registry.assets import get_asset

    with db.session() as session:
        asset = get_asset(session, tag)
        try:
            permit = bench_permit(asset)
            expectation = bench_expectation(session, asset)
        except NotABenchUnit as exc:
            record_refusal(db, actor, tag, programme, str(exc), via)
            raise
        return BenchPlan(
            asset.tag, asset.name or "", endpoint_for(asset, timeout=timeout), permit, expectation
        )


def record_refusal(
    db: Database,
    actor: Actor,
    tag: str,
    programme: str,
    reason: str,
    via: str,
    identity: Identity | None = None,
) -> None:
    from sirenctl.bench_results import audit_bench_refusal

    audit_bench_refusal(
        db,
        operator=actor.label,
        tag=tag,
        programme=programme,
        reason=reason,
        via=via,
        identity=identity.to_dict() if identity is not None else None,
    )


def identity_check(
    db: Database, actor: Actor, plan: BenchPlan, *, programme: str, via: str
) -> IdentityCheck:
    """The check the driver layer runs on the identity it read (audits a mismatch)."""

    def check(identity: Identity) -> None:
        try:
            plan.expectation.check(identity)
        except BenchNotProven as exc:
            record_refusal(db, actor, plan.tag, programme, str(exc), via, identity)
            raise

    return check
