"""Audit records and the audit-sink interface. Drivers know nothing of the registry: they
report to an injected sink.

Every device command goes through the sink twice:

1. ``intent(rec)`` *before* anything leaves for the device. ``rec.outcome`` is ``"intent"``.
   When ``intent`` returns (or the awaitable it returns completes) the record must be durable
   (committed); if it raises, the driver sends nothing and the command fails as refused. A
   batching sink may return an awaitable and commit the intents of many concurrent commands in
   one transaction (group commit), or may have written them ahead of time and only check here.
2. ``result(rec)`` after the command, with the same ``command_id`` and the outcome (``ok``,
   ``error``, ``refused``). A refusal decided before sending (no permit, bad value) gets only a
   result: nothing was sent. ``result`` may buffer; ``flush()`` makes buffered results durable
   (the owner of the sink calls it when a batch or run is done).

A plain callable ``fn(rec)`` is still accepted where a sink is expected (:func:`as_sink`): it
receives both the intent and the result records, synchronously.
"""

from __future__ import annotations

import inspect
import logging
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Protocol, runtime_checkable

from .errors import RefusedForSafety

log = logging.getLogger("sirenctl.drivers.audit")

#: outcome of the record written before a command is sent
INTENT = "intent"


def new_command_id() -> str:
    return uuid.uuid4().hex


@dataclass(frozen=True)
class CommandRecord:
    """One command: its intent (``outcome="intent"``) or its outcome (``ok``, ``error``,
    ``refused``). The intent and the result of one command share ``command_id``."""

    what: str
    target: str
    params: dict[str, Any]
    outcome: str
    error: str | None = None
    error_kind: str | None = None
    endpoint: str = ""
    permit: dict[str, Any] | None = None
    at: float = field(default_factory=time.time)
    details: dict[str, Any] = field(default_factory=dict)
    command_id: str = field(default_factory=new_command_id)

    @property
    def is_intent(self) -> bool:
        return self.outcome == INTENT

    def completed(
        self,
        outcome: str,
        *,
        at: float,
        error: str | None = None,
        error_kind: str | None = None,
        details: dict[str, Any] | None = None,
    ) -> CommandRecord:
        """The result record of this intent (same command id, what, target and params)."""
        return replace(
            self,
            outcome=outcome,
            at=at,
            error=error,
            error_kind=error_kind,
            details=details or {},
        )

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@runtime_checkable
class AuditSink(Protocol):
    """Where drivers report commands (see the module docstring for the contract)."""

    def intent(self, rec: CommandRecord) -> Awaitable[None] | None:
        """Make ``rec`` durable before the command is sent; raise to stop the send."""

    def result(self, rec: CommandRecord) -> None:
        """Record the outcome of a command (may be buffered until :meth:`flush`)."""

    def flush(self) -> None:
        """Make every buffered record durable."""


SinkLike = AuditSink | Callable[[CommandRecord], None]


class CallableSink:
    """Adapts a plain ``fn(rec)`` to :class:`AuditSink`: intents and results both go to it."""

    def __init__(self, fn: Callable[[CommandRecord], None]) -> None:
        self.fn = fn

    def intent(self, rec: CommandRecord) -> None:
        self.fn(rec)

    def result(self, rec: CommandRecord) -> None:
        self.fn(rec)

    def flush(self) -> None:
        return None


def as_sink(sink: SinkLike | None) -> AuditSink:
    """``sink`` as an :class:`AuditSink` (``None``: the Python log)."""
    if sink is None:
        return LogSink()
    if isinstance(sink, AuditSink):
        return sink
    return CallableSink(sink)


async def record_intent(sink: AuditSink, rec: CommandRecord) -> None:
    """Call ``sink.intent`` and wait until the intent is durable."""
    pending = sink.intent(rec)
    if pending is not None and inspect.isawaitable(pending):
        await pending


def log_sink(record: CommandRecord) -> None:
    """Log one record (the default when no sink is injected; production injects the
    registry's audit writer, sirenctl/devices.py AuditWriter)."""
    log.info(
        "audit %s %s %s %s %s %s",
        record.command_id,
        record.target,
        record.what,
        record.params,
        record.outcome,
        record.error or "",
    )


class LogSink:
    """:func:`log_sink` as an :class:`AuditSink`."""

    def intent(self, rec: CommandRecord) -> None:
        log_sink(rec)

    def result(self, rec: CommandRecord) -> None:
        log_sink(rec)

    def flush(self) -> None:
        return None


class ListSink:
    """Collects records in memory (tests, bench CLI summaries): results in ``records``,
    intents in ``intents``."""

    def __init__(self) -> None:
        self.records: list[CommandRecord] = []
        self.intents: list[CommandRecord] = []
        self.flushes = 0

    def intent(self, rec: CommandRecord) -> None:
        self.intents.append(rec)

    def result(self, rec: CommandRecord) -> None:
        self.records.append(rec)

    def flush(self) -> None:
        self.flushes += 1

    def __call__(self, record: CommandRecord) -> None:
        self.result(record)

    def of(self, what: str) -> list[CommandRecord]:
        return [r for r in self.records if r.what == what]


class AuditUnavailable(RefusedForSafety):
    """The intent of a command could not be recorded, so the command was not sent."""

    kind = "audit_unavailable"
