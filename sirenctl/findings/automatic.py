"""Findings recorded automatically when a test result or a check-in fails.

:func:`install` registers :func:`record_failure_for_result` as scheduling's failed-result hook
(``sirenctl.scheduling.results.register_failed_result_hook``); every entry point calls it
(``sirenctl.services.wiring``). It runs inside the transaction that stores the result, so the
result and its finding commit together. Idempotent: the same result never makes two findings, and
a repeat failure of the same kind on an asset that already has an open automatic finding adds an
audit note to that finding instead of a new one (twelve failed monthly tests are one problem).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.audit import record
from sirenctl.findings.findings import add_finding
from sirenctl.i18n import L_
from sirenctl.models import Asset
from sirenctl.models.findings import Finding, FindingSource, FindingStatus, Severity
from sirenctl.models.scheduling import ResultOutcome, TestResult, WorkOrder
from sirenctl.scheduling.results import FAILING_ANSWERS, register_failed_result_hook
from sirenctl.scheduling.tasks import Task

AUTOMATIC_OPERATOR = "sirenctl"

# (pattern on the failure text, category, severity); first match wins.
RULES: tuple[tuple[str, str, str], ...] = (
    (r"mains|\bac\b|power|battery|voltage|供电|电源|电池", "power", "major"),
    (
        r"timeout|timed out|unreachable|no answer|no reply|did not answer|connect|communication|"
        r"garbage|crc|通信|无响应",
        "communication",
        "major",
    ),
    (r"rust|corro|锈", "corrosion", "major"),
    (r"mount|bolt|loose|crank|stuck|转动|固定|螺栓", "mounting", "critical"),
    (r"label|qr|sign|标识|二维码", "signage", "minor"),
    (r"door|intrusion|cabinet|柜门", "other", "major"),
    (
        r"echo|mismatch|did not sound|not sound|no sound|not heard|rotor|amplifier|driver|sound|"
        r"鸣响|声音|听不到",
        "sound",
        "critical",
    ),
)


def classify(reason: str, *, sounding: bool = False) -> tuple[str, str]:
    """Category and severity for a failure text. A siren that failed to sound (a trial or growl
    test) cannot warn, whatever the cause, so that failure is always critical."""
    text = reason.lower()
    category, severity = next(
        ((c, s) for pattern, c, s in RULES if re.search(pattern, text)),
        ("sound" if sounding else "other", Severity.MAJOR.value),
    )
    if sounding:
        return ("sound" if category == "other" else category), Severity.CRITICAL.value
    return category, severity


def record_failure(
    session: Session,
    *,
    asset_id: int,
    source: str,
    source_ref: str,
    reason: str,
    found_at: datetime,
    found_by: str = AUTOMATIC_OPERATOR,
    sounding: bool = False,
    category: str | None = None,
    severity: str | None = None,
) -> Finding:
    """Record (or find) the finding for one failed test result or check-in."""
    if source not in (FindingSource.TEST_RESULT, FindingSource.CHECK_IN):
        raise ValueError(
            L_(
                "automatic findings come from test results or check-ins, not {source}",
                source=source,
            )
        )
    existing = session.scalar(
        select(Finding).where(Finding.source == source, Finding.source_ref == source_ref)
    )
    if existing is not None:
        return existing
    guessed_category, guessed_severity = classify(reason, sounding=sounding)
    category = category or guessed_category
    severity = severity or guessed_severity
    asset = session.get(Asset, asset_id)
    if asset is None:
        raise ValueError(L_("no asset with id {asset_id}", asset_id=asset_id))
    open_same = session.scalar(
        select(Finding)
        .where(
            Finding.asset_id == asset_id,
            Finding.category == category,
            Finding.status == FindingStatus.OPEN,
            Finding.source.in_([FindingSource.TEST_RESULT.value, FindingSource.CHECK_IN.value]),
        )
        .order_by(Finding.id)
        .limit(1)
    )
    if open_same is not None:
        record(
            session,
            operator=found_by,
            action="finding.repeat",
            object_type="finding",
            object_ref=str(open_same.id),
            after={"source": source, "source_ref": source_ref},
            message=f"failed again: {reason}",
            at=found_at,
        )
        return open_same
    return add_finding(
        session,
        operator=found_by,
        asset=asset.tag,
        category=category,
        severity=severity,
        source=source,
        source_ref=source_ref,
        found_at=found_at,
        found_by=found_by,
        now=found_at,
        description=f"{source.replace('_', ' ')} {source_ref} failed: {reason}",
    )


SOUNDING_KINDS = frozenset({Task.TRIAL_SOUNDING, Task.GROWL_TEST})
CHECK_KINDS = frozenset({Task.MANUAL_CHECK, Task.INSPECTION, Task.DRILL})
_SEVERITY_RANK = {Severity.MINOR.value: 0, Severity.MAJOR.value: 1, Severity.CRITICAL.value: 2}
#: what an outcome alone says when neither the failed items nor the notes name a cause
_OUTCOME_CATEGORY = {
    ResultOutcome.UNREACHABLE.value: "communication",
    ResultOutcome.FAILED_TO_SOUND.value: "sound",
}


def classify_failure(
    outcome: str, notes: str | None, failed_items: Sequence[str], *, sounding: bool = False
) -> tuple[str, str]:
    """Category and severity from what was reported: the failed check items (the most severe
    wins), else the notes, else the outcome. Never from the campaign key or the asset tag: a
    hand-crank campaign's key contains "crank" and a tag like ``AC-03`` reads as power."""
    if failed_items:
        category, severity = max(
            (classify(item) for item in failed_items), key=lambda cs: _SEVERITY_RANK[cs[1]]
        )
    else:
        category, severity = classify(notes or "")
        if category == "other" and outcome in _OUTCOME_CATEGORY:
            category = _OUTCOME_CATEGORY[outcome]
    if sounding:
        return ("sound" if category == "other" else category), Severity.CRITICAL.value
    return category, severity


def record_failure_for_result(
    session: Session, result: TestResult, asset: Asset, work_order: WorkOrder | None
) -> Finding:
    """The failed-result hook: one finding for a failed test result or check-in.

    For a check-in the failed checklist items choose the category (the most severe one wins)
    and are listed in the description; the description also names the campaign for people.
    """
    what = work_order.campaign if work_order is not None else result.kind
    reason = f"{what}: {result.kind} on {asset.tag} gave {result.outcome}"
    failed_items = [
        f"{question}: {answer}"
        for question, answer in (result.checklist or {}).items()
        if str(answer).strip().casefold() in FAILING_ANSWERS
    ]
    if result.sound_heard is False:
        failed_items.append("sound not heard")
    if failed_items:
        reason += "; failed: " + "; ".join(failed_items)
    if result.notes:
        reason += f" ({result.notes})"
    sounding = result.kind in SOUNDING_KINDS
    category, severity = classify_failure(
        result.outcome, result.notes, failed_items, sounding=sounding
    )
    return record_failure(
        session,
        asset_id=asset.id,
        source=(
            FindingSource.CHECK_IN if result.kind in CHECK_KINDS else FindingSource.TEST_RESULT
        ).value,
        source_ref=f"test_result:{result.id}",
        reason=reason,
        found_at=result.finished_at,
        found_by=result.operator,
        sounding=sounding,
        category=category,
        severity=severity,
    )


def install() -> None:
    """Make failed results raise findings in this process (idempotent)."""
    register_failed_result_hook(record_failure_for_result)
