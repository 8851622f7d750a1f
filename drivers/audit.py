"""Audit records. Drivers know nothing of the registry: they report to an injected sink."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

log = logging.getLogger("sirenctl.drivers.audit")


@dataclass(frozen=True)
class CommandRecord:
    """One command and its outcome (``ok``, ``error``, ``refused``)."""

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

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


AuditSink = Callable[[CommandRecord], None]


def log_sink(record: CommandRecord) -> None:
    """Default sink: the Python log (callers in production inject the registry's audit writer)."""
    log.info(
        "audit %s %s %s %s %s",
        record.target,
        record.what,
        record.params,
        record.outcome,
        record.error or "",
    )


class ListSink:
    """Collects records in memory (tests, bench CLI summaries)."""

    def __init__(self) -> None:
        self.records: list[CommandRecord] = []

    def __call__(self, record: CommandRecord) -> None:
        self.records.append(record)

    def of(self, what: str) -> list[CommandRecord]:
        return [r for r in self.records if r.what == what]
