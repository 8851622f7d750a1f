"""Problems found at a civil air-defence work become findings (sirenctl/registry/works.py holds
the works; findings attach to a work exactly as to a siren)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from sirenctl.models.findings import Finding, FindingSource
from sirenctl.models.works import WorksInspection
from sirenctl.registry.works import get_works


def add_works_finding(
    session: Session,
    works_code: str,
    *,
    operator: str,
    description: str,
    category: str,
    severity: str,
    inspection: WorksInspection | None = None,
    found_at: datetime | None = None,
    now: datetime | None = None,
) -> Finding:
    """A problem found at a work: a finding at the work's site that names the work."""
    from sirenctl.findings.findings import add_finding

    works = get_works(session, works_code)
    finding = add_finding(
        session,
        operator=operator,
        description=description,
        category=category,
        severity=severity,
        site=works.site.code,
        works=works.code,
        source=FindingSource.INSPECTION.value,
        source_ref=None if inspection is None else f"works_inspection:{inspection.id}",
        found_at=found_at or (inspection.inspected_at if inspection else None),
        found_by=inspection.inspector if inspection else None,
        now=now,
    )
    return finding
