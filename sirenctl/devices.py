"""Bridge between the registry and the driver layer: endpoints, permits and command auditing.

The driver layer knows nothing of the registry; this module turns registry assets into driver
endpoints, decides who may get a sounding permit, and writes every driver command to the audit log.
Import it lazily: it pulls in ``sirenctl.drivers``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sirenctl.audit import record
from sirenctl.models import Asset, AssetStatus

if TYPE_CHECKING:
    from sirenctl.db import Database
    from sirenctl.drivers.audit import CommandRecord
    from sirenctl.drivers.endpoint import Endpoint
    from sirenctl.drivers.permit import Permit
    from sirenctl.drivers.programme import ProgrammeStep
    from sirenctl.scheduling.programmes import Programme


class EndpointProblem(ValueError):
    """An asset's controller endpoint cannot be used (none, or invalid registry values)."""


class NotNetworked(EndpointProblem):
    pass


class NotABenchUnit(PermissionError):
    pass


def endpoint_for(asset: Asset, *, timeout: float | None = None) -> Endpoint:
    """The driver endpoint of a networked asset (EndpointProblem names the bad field)."""
    from sirenctl.drivers.endpoint import Endpoint

    if not asset.controller_transport:
        raise NotNetworked(f"asset {asset.tag} has no controller (it is {asset.kind})")
    kwargs: dict[str, Any] = {
        "transport": asset.controller_transport,
        "model": asset.controller_model or "sirenctl-generic",
        "unit_id": asset.controller_unit_id or 1,
    }
    if timeout is not None:
        kwargs["timeout"] = timeout
    try:
        if asset.controller_transport == "modbus_tcp":
            kwargs.update(host=asset.controller_host, port=asset.controller_port)
        else:
            kwargs["device"] = asset.controller_device
            kwargs.update(Endpoint.parse_serial_settings(asset.controller_serial or "9600 8N1"))
        return Endpoint(**kwargs)
    except ValueError as exc:
        raise EndpointProblem(f"asset {asset.tag}: controller endpoint: {exc}") from None


def bench_permit(asset: Asset) -> Permit:
    """A sounding permit for a bench unit; live sirens never get one here (DESIGN §5)."""
    from sirenctl.drivers.permit import Permit

    if not asset.is_bench:
        raise NotABenchUnit(
            f"{asset.tag} is a live siren, not a bench unit: bench commands only sound assets "
            "flagged as bench units (asset edit --bench). Live soundings need an approved work order."
        )
    if asset.status == AssetStatus.RETIRED:
        raise NotABenchUnit(f"{asset.tag} is retired")
    from sqlalchemy.orm import object_session

    from sirenctl.security.bench import bench_problem

    session = object_session(asset)
    problem = bench_problem(session, asset) if session is not None else None
    if problem is not None:  # a bench flag no administrator signed (sirenctl/security/bench.py)
        raise NotABenchUnit(problem)
    return Permit.for_bench(asset.tag)


class AuditWriter:
    """Driver audit sink: every command and its outcome becomes an audit event, at once.

    Each record is written in its own transaction so a command stays on record even when the
    caller later fails.
    """

    def __init__(self, db: Database, operator: str) -> None:
        self.db = db
        self.operator = operator

    def __call__(self, rec: CommandRecord) -> None:
        after: dict[str, Any] = {"params": rec.params, "endpoint": rec.endpoint}
        if rec.permit:
            after["permit"] = rec.permit
        if rec.details:
            after["details"] = rec.details
        if rec.error_kind:
            after["error_kind"] = rec.error_kind
        with self.db.transaction() as session:
            record(
                session,
                operator=self.operator,
                action=f"command.{rec.what}",
                object_type="asset",
                object_ref=rec.target,
                after=_json_safe(after),
                outcome=rec.outcome,
                message=rec.error,
                at=datetime.fromtimestamp(rec.at, UTC),
            )


def _json_safe(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def programme_steps(programme: Programme) -> list[ProgrammeStep]:
    """A programme as controller commands: one per step, at its offset from the start.

    A controller plays a step's cycles back to back; a step with a pause between cycles
    becomes one single-cycle command per cycle.
    """
    from sirenctl.drivers.programme import ProgrammeStep

    steps: list[ProgrammeStep] = []
    for phase in programme.phases():
        step = phase.step
        if step.cycle_gap == 0:
            steps.append(ProgrammeStep(step.signal.code, step.cycles, float(phase.start)))
            continue
        every = step.signal.cycle_seconds + step.cycle_gap
        steps += [
            ProgrammeStep(step.signal.code, 1, float(phase.start + n * every))
            for n in range(step.cycles)
        ]
    return steps
