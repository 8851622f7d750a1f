"""Record a bench programme's outcome, or its refusal (CLI and TUI share this).

Recorded through the scheduling layer, so it is audited and a failure raises a finding.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sirenctl.db import Database
    from sirenctl.drivers.programme import ProgrammeResult


def bench_outcome(result: ProgrammeResult) -> str:
    """The stored result outcome of a bench programme: cancelled (stopped by a signal or F9),
    else the same mapping run-due uses."""
    from sirenctl.scheduling.outcomes import programme_verdict

    if result.cancelled:
        return "cancelled"

    return programme_verdict(result).result.value


def audit_bench_refusal(
    db: Database,
    *,
    operator: str,
    tag: str,
    programme: str,
    reason: str,
    via: str,
    identity: dict[str, object] | None = None,
) -> None:
    """A refused bench sounding is on record too: who tried what, and why it was refused."""
    from sirenctl.audit import record

    after: dict[str, object] = {"programme": programme, "via": via}
    if identity is not None:
        after["identity"] = identity  # what the controller at that endpoint said it is
    with db.transaction() as session:
        record(
            session,
            operator=operator,
            action="command.sound",
            object_type="asset",
            object_ref=tag,
            after=after,
            outcome="refused",
            message=reason,
        )


def record_bench_result(
    db: Database, tag: str, programme_key: str, result: ProgrammeResult, *, operator: str, via: str
) -> tuple[str, int]:
    """Store a ``bench_test`` result with every step's echo; returns (outcome, result id)."""
    from sirenctl.registry.assets import get_asset
    from sirenctl.scheduling.results import ResultData, record_result
    from sirenctl.scheduling.tasks import ResultKind

    outcome = bench_outcome(result)
    steps = [
        {
            "signal_code": s.step.signal_code,
            "cycles": s.step.cycles,
            "at": s.step.start_offset,
            "outcome": s.outcome,
            "echo": s.echo,
            "error": str(s.error) if s.error else None,
        }
        for s in result.steps
    ]
    data = ResultData(
        outcome=outcome,
        operator=operator,
        started_at=datetime.fromtimestamp(result.started_at, UTC),
        finished_at=datetime.fromtimestamp(result.finished_at, UTC),
        echo={
            "programme": programme_key,
            "steps": steps,
            "final_error": str(result.final_error) if result.final_error else None,
            "cancelled": result.cancelled,
            "stop_verified": result.stop_verified if result.cancelled else None,
            "stop_error": str(result.stop_error) if result.stop_error else None,
        },
        notes=f"bench test of {programme_key} from {via}",
        extra={"programme": programme_key, "bench": True},
    )
    with db.transaction() as session:
        row = record_result(
            session, get_asset(session, tag), None, data, kind=ResultKind.BENCH_TEST.value
        )
        return outcome, row.id
