"""Findings (问题): record by hand or automatically, show, resolve (listing and the faulty set:
sirenctl/findings/finding_queries.py).

An asset with an open critical finding is faulty: recording one sets an in-service asset to
``faulty`` (audited), and resolving the last one restores ``in_service``, but only if the asset's
last status change (per the audit log) was made here, not by hand.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from sirenctl.audit import json_safe, record
from sirenctl.i18n import L_
from sirenctl.models import Asset, AssetStatus
from sirenctl.models.findings import (
    Finding,
    FindingCategory,
    FindingSource,
    FindingStatus,
    Severity,
)
from sirenctl.registry.assets import get_asset
from sirenctl.registry.errors import Conflict, FieldProblem, NotFound, ValidationFailed
from sirenctl.registry.sites import get_site
from sirenctl.timeutil import ensure_utc, utcnow

FUTURE_SLACK = timedelta(minutes=5)  # clocks of field laptops drift


def _choice(field: str, value: str | None, enum: type[Any]) -> list[FieldProblem]:
    allowed = [v.value for v in enum]
    if value not in allowed:
        return [
            FieldProblem(field, L_("must be one of {value}", value=", ".join(allowed)), None, value)
        ]
    return []


def get_finding(session: Session, finding_id: int, *, for_update: bool = False) -> Finding:
    query = (
        select(Finding)
        .options(joinedload(Finding.site), joinedload(Finding.asset), joinedload(Finding.notice))
        .where(Finding.id == finding_id)
    )
    if for_update:
        query = query.with_for_update(of=Finding)
    finding = session.scalar(query)
    if finding is None:
        raise NotFound(
            L_("no finding #{finding_id} (see `sirenctl finding list`)", finding_id=finding_id)
        )
    return finding


def finding_to_dict(finding: Finding) -> dict[str, Any]:
    data = {
        "id": finding.id,
        "site": finding.site.code,
        "asset": finding.asset.tag if finding.asset is not None else None,
        "source": finding.source,
        "source_ref": finding.source_ref,
        "found_at": json_safe(finding.found_at),
        "found_by": finding.found_by,
        "category": finding.category,
        "severity": finding.severity,
        "description": finding.description,
        "attachments": list(finding.attachments or []),
        "status": finding.status,
        "resolved_at": json_safe(finding.resolved_at),
        "resolution": finding.resolution,
        "notice": finding.notice.number if finding.notice is not None else None,
    }
    if finding.works is not None:  # a civil air-defence work (sirenctl/registry/works.py)
        data["works"] = finding.works.code
    return data


def add_finding(
    session: Session,
    *,
    operator: str,
    description: str,
    category: str,
    severity: str,
    asset: str | None = None,
    site: str | None = None,
    works: str | None = None,
    source: str = FindingSource.INSPECTION.value,
    source_ref: str | None = None,
    found_at: datetime | None = None,
    found_by: str | None = None,
    attachments: list[str] | None = None,
    now: datetime | None = None,
) -> Finding:
    """Record a finding on an asset (its site is implied) or on a site."""
    problems = (
        _choice("category", category, FindingCategory)
        + _choice("severity", severity, Severity)
        + _choice("source", source, FindingSource)
    )
    if not description or not description.strip():
        problems.append(FieldProblem("description", L_("is required")))
    if asset is None and site is None:
        problems.append(FieldProblem("asset", L_("give an asset tag or a site code")))
    if problems:
        raise ValidationFailed(problems)
    now = ensure_utc(now or utcnow())
    if found_at is not None and ensure_utc(found_at) > now + FUTURE_SLACK:
        raise ValidationFailed(
            [FieldProblem("found_at", L_("is in the future"), None, found_at.isoformat())]
        )
    asset_obj = get_asset(session, asset) if asset is not None else None
    site_obj = asset_obj.site if asset_obj is not None else get_site(session, site or "")
    if asset_obj is not None and site is not None and site != site_obj.code:
        raise ValidationFailed(
            [
                FieldProblem(
                    "site",
                    L_("asset {asset} is at site {code}", asset=asset, code=site_obj.code),
                    None,
                    site,
                )
            ]
        )
    if (
        source_ref is not None
        and session.scalar(
            select(Finding.id).where(Finding.source == source, Finding.source_ref == source_ref)
        )
        is not None
    ):
        raise Conflict(
            L_(
                "a finding from {source} {source_ref} already exists",
                source=source,
                source_ref=source_ref,
            )
        )
    works_obj = None
    if works is not None:  # a civil air-defence work (sirenctl/registry/works.py)
        from sirenctl.registry.works import get_works

        works_obj = get_works(session, works)
        if works_obj.site_id != site_obj.id:
            raise ValidationFailed(
                [
                    FieldProblem(
                        "works",
                        L_("work {works} is at site {code}", works=works, code=works_obj.site.code),
                        None,
                        works,
                    )
                ]
            )
    finding = Finding(
        site=site_obj,
        asset=asset_obj,
        works=works_obj,
        source=source,
        source_ref=source_ref,
        found_at=ensure_utc(found_at or now),
        found_by=found_by or operator,
        category=category,
        severity=severity,
        description=description.strip(),
        attachments=list(attachments or []) or None,
        status=FindingStatus.OPEN.value,
    )
    session.add(finding)
    session.flush()
    record(
        session,
        operator=operator,
        action="finding.add",
        object_type="finding",
        object_ref=str(finding.id),
        after=finding_to_dict(finding),
        at=now,
    )
    if asset_obj is not None and severity == Severity.CRITICAL:
        _mark_faulty(session, finding, asset_obj, operator=operator, now=now)
    return finding


def _set_asset_status(
    session: Session,
    asset: Asset,
    status: AssetStatus,
    *,
    action: str,
    operator: str,
    message: str,
    now: datetime,
) -> None:
    before = asset.status
    asset.status = status.value
    session.flush()
    record(
        session,
        operator=operator,
        action=action,
        object_type="asset",
        object_ref=asset.tag,
        before={"status": before},
        after={"status": status.value},
        message=message,
        at=now,
    )


def _mark_faulty(
    session: Session, finding: Finding, asset: Asset, *, operator: str, now: datetime
) -> None:
    if asset.status == AssetStatus.IN_SERVICE:
        finding.marked_asset_faulty = True
        _set_asset_status(
            session,
            asset,
            AssetStatus.FAULTY,
            action="asset.faulty",
            operator=operator,
            message=f"open critical finding #{finding.id}",
            now=now,
        )


def open_critical_count(session: Session, asset_id: int) -> int:
    return (
        session.scalar(
            select(func.count())
            .select_from(Finding)
            .where(
                Finding.asset_id == asset_id,
                Finding.status == FindingStatus.OPEN,
                Finding.severity == Severity.CRITICAL,
            )
        )
        or 0
    )


def resolve(
    session: Session, finding: Finding, *, operator: str, resolution: str, now: datetime
) -> None:
    """Mark one finding resolved (callers check that this is allowed)."""
    finding.status = FindingStatus.RESOLVED.value
    finding.resolved_at = now
    finding.resolution = resolution
    session.flush()
    record(
        session,
        operator=operator,
        action="finding.resolve",
        object_type="finding",
        object_ref=str(finding.id),
        before={"status": FindingStatus.OPEN.value},
        after={"status": FindingStatus.RESOLVED.value, "resolution": resolution},
        at=now,
    )
    asset = finding.asset
    if (
        asset is not None
        and finding.severity == Severity.CRITICAL
        and asset.status == AssetStatus.FAULTY
        and open_critical_count(session, asset.id) == 0
        and _faulty_set_by_findings(session, asset.tag)
    ):
        _set_asset_status(
            session,
            asset,
            AssetStatus.IN_SERVICE,
            action="asset.restored",
            operator=operator,
            message=f"critical finding #{finding.id} resolved",
            now=now,
        )


def _faulty_set_by_findings(session: Session, tag: str) -> bool:
    """True if the last status change of the asset was made by this module (not by hand)."""
    from sirenctl.models import AuditEvent

    rows = session.execute(
        select(AuditEvent.action, AuditEvent.after)
        .where(AuditEvent.object_type == "asset", AuditEvent.object_ref == tag)
        .order_by(AuditEvent.id.desc())
    )
    for action, after in rows:
        if "status" in (after or {}):
            return bool(action == "asset.faulty")
    return False


def resolve_finding(
    session: Session,
    finding_id: int,
    *,
    operator: str,
    resolution: str,
    now: datetime | None = None,
) -> Finding:
    """Resolve a finding that has no rectification notice (minor things fixed on the spot)."""
    finding = get_finding(session, finding_id, for_update=True)
    if finding.status == FindingStatus.RESOLVED:
        raise Conflict(L_("finding #{finding_id} is already resolved", finding_id=finding_id))
    if finding.notice is not None:
        raise Conflict(
            L_(
                (
                    "finding #{finding_id} is covered by notice {number}; it is resolved "
                    "when that notice is closed"
                ),
                finding_id=finding_id,
                number=finding.notice.number,
            )
        )
    if not resolution.strip():
        raise ValidationFailed([FieldProblem("resolution", L_("say what was done"))])
    resolve(
        session,
        finding,
        operator=operator,
        resolution=resolution.strip(),
        now=ensure_utc(now or utcnow()),
    )
    return finding
