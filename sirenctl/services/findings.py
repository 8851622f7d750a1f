"""Findings by hand: add (an inspection) and resolve (fixed on the spot)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sirenctl.db import Database
from sirenctl.identity import Actor


@dataclass(frozen=True)
class NewFinding:
    """What a person reports; ``asset`` or ``site`` says where (validated by findings)."""

    description: str
    category: str  # sirenctl.models.findings.FindingCategory value
    severity: str  # sirenctl.models.findings.Severity value
    asset: str | None = None
    site: str | None = None
    source: str = "inspection"  # sirenctl.models.findings.FindingSource value
    found_at: datetime | None = None  # default: now
    found_by: str | None = None  # default: the actor
    attachments: Sequence[str] = field(default_factory=tuple)


@dataclass(frozen=True)
class FindingRecorded:
    id: int
    category: str
    severity: str
    asset: str | None
    site: str
    record: dict[str, Any]  # every field, as ``finding show --json`` prints it


def add_finding(db: Database, actor: Actor, new: NewFinding, *, now: datetime) -> FindingRecorded:
    """Record a finding; a critical one marks its asset faulty. ValidationFailed names fields."""
    from sirenctl.findings.findings import add_finding as add
    from sirenctl.findings.findings import finding_to_dict

    with db.transaction() as session:
        finding = add(
            session,
            operator=actor.label,
            description=new.description,
            category=new.category,
            severity=new.severity,
            asset=new.asset,
            site=new.site,
            source=new.source,
            found_at=new.found_at,
            found_by=new.found_by,
            attachments=list(new.attachments),
            now=now,
        )
        record = finding_to_dict(finding)
        return FindingRecorded(
            finding.id,
            finding.category,
            finding.severity,
            record["asset"],
            record["site"],
            record,
        )


def resolve_finding(
    db: Database, actor: Actor, finding_id: int, resolution: str, *, now: datetime
) -> None:
    """Resolve a finding fixed on the spot (one under a notice closes with its notice)."""
    from sirenctl.findings.findings import resolve_finding as resolve

    with db.transaction() as session:
        resolve(session, finding_id, operator=actor.label, resolution=resolution, now=now)
