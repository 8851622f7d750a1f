"""Bridge between the registry and the driver layer: endpoints, permits and command auditing.

The driver layer knows nothing of the registry; this module turns registry assets into driver
endpoints, decides who may get a sounding permit, and writes every driver command to the audit log.
Import it lazily: it pulls in ``sirenctl.drivers``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from sirenctl.audit import record
from sirenctl.i18n import L_
from sirenctl.models import Asset, AssetStatus
from sirenctl.steps import programme_steps  # noqa: F401  (re-exported)

if TYPE_CHECKING:
    from sirenctl.db import Database
    from sirenctl.drivers.audit import CommandRecord
    from sirenctl.drivers.endpoint import Endpoint
    from sirenctl.drivers.permit import Permit


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
        raise NotNetworked(
            L_("asset {tag} has no controller (it is {kind})", tag=asset.tag, kind=asset.kind)
        )
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
            if getattr(asset, "controller_tls", False):
                kwargs["tls"] = office_tls_config(asset.tag)
        else:
            kwargs["device"] = asset.controller_device
            kwargs.update(Endpoint.parse_serial_settings(asset.controller_serial or "9600 8N1"))
        return Endpoint(**kwargs)
    except ValueError as exc:
        raise EndpointProblem(
            L_("asset {tag}: controller endpoint: {exc}", tag=asset.tag, exc=exc)
        ) from None


TLS_ENV = ("SIRENCTL_TLS_CA", "SIRENCTL_TLS_CERT", "SIRENCTL_TLS_KEY")


def office_tls_config(tag: str) -> Any:
    """sirenctl's client identity for Modbus/TCP Security (docs/security.md#tls).

    From SIRENCTL_TLS_CA / SIRENCTL_TLS_CERT / SIRENCTL_TLS_KEY, else ``tls/ca.pem``,
    ``tls/client.pem`` and ``tls/client.key`` in the data directory.
    """
    import os

    from sirenctl.config import data_dir
    from sirenctl.drivers.tls import TlsConfig

    folder = data_dir() / "tls"
    defaults = (folder / "ca.pem", folder / "client.pem", folder / "client.key")
    files = [
        os.environ.get(name) or str(path) for name, path in zip(TLS_ENV, defaults, strict=True)
    ]
    missing = [f for f in files if not os.path.isfile(f)]
    if missing:
        raise EndpointProblem(
            L_(
                (
                    "asset {tag} requires TLS but sirenctl's certificate files are "
                    "missing: {value} (set {value2}; see docs/security.md#tls)"
                ),
                tag=tag,
                value=", ".join(missing),
                value2=", ".join(TLS_ENV),
            )
        )
    ca_file, cert_file, key_file = files
    return TlsConfig(ca_file, cert_file, key_file)


def bench_permit(asset: Asset) -> Permit:
    """A sounding permit for a bench unit; live sirens never get one here (docs/development.md, "Safety")."""
    from sirenctl.drivers.permit import Permit

    if not asset.is_bench:
        raise NotABenchUnit(
            L_(
                (
                    "{tag} is a live siren, not a bench unit: bench commands only sound "
                    "assets flagged as bench units (asset edit --bench). Live soundings "
                    "need an approved work order."
                ),
                tag=asset.tag,
            )
        )
    if asset.status == AssetStatus.RETIRED:
        raise NotABenchUnit(L_("{tag} is retired", tag=asset.tag))
    from sqlalchemy.orm import object_session

    from sirenctl.security.bench import bench_problem

    session = object_session(asset)
    problem = bench_problem(session, asset) if session is not None else None
    if problem is not None:  # a bench flag no administrator signed (sirenctl/security/bench.py)
        raise NotABenchUnit(problem)
    return Permit.for_bench(asset.tag)


class AuditWriter:
    """Driver audit sink (drivers/audit.py ``AuditSink``): every command's intent and result
    become audit events, each committed in its own transaction before the call returns, so a
    command is on record before it is sent and stays on record when the caller later fails.

    ``offload=True`` (event-loop callers such as the TUI): ``intent`` returns an awaitable that
    commits in a worker thread, and results are committed in worker threads; :meth:`drain`
    waits for those.
    """

    def __init__(self, db: Database, operator: str, *, offload: bool = False) -> None:
        self.db = db
        self.operator = operator
        self.offload = offload
        self._pending: list[asyncio.Future[None]] = []

    def intent(self, rec: CommandRecord) -> Awaitable[None] | None:
        if self.offload:
            return asyncio.get_running_loop().run_in_executor(None, self.write, rec)
        self.write(rec)
        return None

    def result(self, rec: CommandRecord) -> None:
        if self.offload:
            loop = asyncio.get_running_loop()
            self._pending.append(loop.run_in_executor(None, self.write, rec))
            return
        self.write(rec)

    def flush(self) -> None:
        """Nothing is buffered without ``offload`` (use :meth:`drain` with it)."""

    async def drain(self) -> None:
        pending, self._pending = self._pending, []
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)

    def __call__(self, rec: CommandRecord) -> None:
        self.write(rec)

    def write(self, rec: CommandRecord) -> None:
        after: dict[str, Any] = {
            "command_id": rec.command_id,
            "params": rec.params,
            "endpoint": rec.endpoint,
        }
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
