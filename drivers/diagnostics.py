"""Technician diagnostics behind ``sirenctl modbus read|write``.

``modbus_write`` refuses writes that touch a model's command block (audible registers)
without a permit for the target, records the intent with the audit sink (durably, before the write
leaves), sends each write once (no retry), reads it back and reports the result. Writes to an endpoint whose model has no known
register map are treated as audible.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Literal

from .audit import INTENT, AuditUnavailable, CommandRecord, SinkLike, as_sink, record_intent
from .endpoint import Endpoint
from .errors import ConfigError, DriverError, RefusedForSafety, VerificationFailed
from .link import DIAGNOSTIC
from .permit import Permit, require_permit
from .pool import LinkPool, open_driver
from .problems import DriverProblem as P
from .problems import DriverText, text_of
from .status import Identity

RegisterKind = Literal["holding", "input"]


def _check_range(address: int, count: int) -> None:
    if not 0 <= address <= 65535:
        raise ConfigError(DriverText(P.ADDRESS_RANGE, address=address))
    if not 1 <= count <= 125 or address + count > 65536:
        raise ConfigError(DriverText(P.COUNT_RANGE, count=count))


async def modbus_read(
    endpoint: Endpoint,
    address: int,
    count: int = 1,
    kind: RegisterKind = "holding",
    *,
    pool: LinkPool | None = None,
) -> list[int]:
    """Read ``count`` registers (FC3 holding or FC4 input) from ``endpoint``'s unit."""
    if endpoint.transport not in ("modbus_tcp", "modbus_rtu"):
        raise ConfigError(DriverText(P.NOT_MODBUS, endpoint=endpoint.describe()))
    if kind not in ("holding", "input"):
        raise ConfigError(DriverText(P.REGISTER_KIND, kind=kind))
    _check_range(address, count)
    own = pool is None
    pool = pool or LinkPool()
    try:
        link = pool.link_for(endpoint)
        fn = 3 if kind == "holding" else 4
        return await link.submit(
            DIAGNOSTIC,
            lambda: link.read_registers(  # type: ignore[attr-defined]
                endpoint.unit_id, fn, address, count, endpoint.timeout
            ),
            label="diag-read",
        )
    finally:
        if own:
            await pool.close()


def is_audible(endpoint: Endpoint, address: int, count: int = 1) -> bool:
    from .regmap import MapError, load_map

    try:
        return load_map(endpoint.model).is_audible_address(address, count)
    except MapError:
        return True  # unknown layout: assume any write may sound the siren


async def modbus_write(
    endpoint: Endpoint,
    address: int,
    value: int | list[int],
    permit: Permit | None = None,
    *,
    tag: str | None = None,
    audit: SinkLike | None = None,
    pool: LinkPool | None = None,
    prove: Callable[[Identity, bool], None] | None = None,
) -> list[int]:
    """Write one register (FC6) or several (FC16) once, then read back and verify.

    Returns the read-back values. Raises RefusedForSafety for audible registers without
    a permit naming ``tag`` (default: the endpoint description). With ``prove``, the
    controller's identity block is read first and ``prove(identity, audible)`` must accept it
    (any exception it raises refuses the write: nothing is written).
    """
    values = [value] if isinstance(value, int) else list(value)
    target = tag or endpoint.describe()
    sink = as_sink(audit)
    params = {"address": address, "values": values}
    intent = CommandRecord(
        "modbus_write",
        target,
        params,
        INTENT,
        endpoint=endpoint.describe(),
        permit=permit.to_dict() if permit else None,
    )
    try:
        if endpoint.transport not in ("modbus_tcp", "modbus_rtu"):
            raise ConfigError(DriverText(P.NOT_MODBUS, endpoint=endpoint.describe()))
        _check_range(address, len(values))
        if any(not isinstance(v, int) or not 0 <= v <= 0xFFFF for v in values):
            raise ConfigError(DriverText(P.VALUES_RANGE, values=values))
        audible = is_audible(endpoint, address, len(values))
        if audible:
            require_permit(permit, target, f"write to register {address} (command block)")
        if prove is not None:
            await _prove(endpoint, target, audible, prove, pool)
        try:
            await record_intent(sink, intent)
        except Exception as exc:
            raise AuditUnavailable(
                DriverText(P.AUDIT_UNAVAILABLE, what="modbus_write", error=exc)
            ) from exc
        back = await _write_and_verify(endpoint, address, values, pool)
    except DriverError as exc:
        exc.target = exc.target or target
        outcome = "refused" if isinstance(exc, (RefusedForSafety, ConfigError)) else "error"
        done = intent.completed(outcome, at=time.time(), error=str(exc), error_kind=exc.kind)
        sink.result(done)
        raise
    sink.result(intent.completed("ok", at=time.time()))
    return back


async def _prove(
    endpoint: Endpoint,
    target: str,
    audible: bool,
    prove: Callable[[Identity, bool], None],
    pool: LinkPool | None,
) -> None:
    own = pool is None
    pool = pool or LinkPool()
    try:
        identity = await open_driver(endpoint, pool, tag=target).identify()
    except DriverError as exc:
        raise RefusedForSafety(
            DriverText(P.IDENTITY_UNREADABLE, error=exc), target=target
        ) from None
    finally:
        if own:
            await pool.close()
    try:
        prove(identity, audible)
    except Exception as exc:  # the caller's rule refused: refuse the write, keep its words
        raise RefusedForSafety(text_of(exc), target=target) from None


async def _write_and_verify(
    endpoint: Endpoint, address: int, values: list[int], pool: LinkPool | None
) -> list[int]:
    own = pool is None
    pool = pool or LinkPool()
    link = pool.link_for(endpoint)
    u, t = endpoint.unit_id, endpoint.timeout

    async def write_read() -> list[int]:
        if len(values) == 1:
            await link.write_register(u, address, values[0], t)  # type: ignore[attr-defined]
        else:
            await link.write_registers(u, address, values, t)  # type: ignore[attr-defined]
        back: list[int] = await link.read_registers(u, 3, address, len(values), t)  # type: ignore[attr-defined]
        return back

    try:
        back = await link.submit(0, write_read, label="diag-write")
    finally:
        if own:
            await pool.close()
    if back != values:
        raise VerificationFailed(
            DriverText(P.REGISTER_READBACK, address=address, back=back, values=values)
        )
    return back
