"""Edit a rectification notice that is not closed: extend the deadline or change the
responsible party (status changes: sirenctl/findings/notices.py)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sirenctl.audit import json_safe, record
from sirenctl.findings.notice_queries import load_notice
from sirenctl.findings.notices import InvalidTransition
from sirenctl.i18n import L_
from sirenctl.models.findings import NoticeEvent, NoticeStatus, RectificationNotice
from sirenctl.registry.errors import FieldProblem, ValidationFailed
from sirenctl.timeutil import ensure_utc, utcnow

EDITABLE = (
    "deadline",
    "responsible_unit",
    "responsible_person",
    "responsible_phone",
    "required_action",
)


def edit_notice(
    session: Session,
    number: str,
    changes: dict[str, Any],
    *,
    operator: str,
    note: str | None = None,
    now: datetime | None = None,
) -> RectificationNotice:
    """Change the deadline (an extension) or the responsible party of a notice that is not closed."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValidationFailed([FieldProblem(k, L_("cannot be edited")) for k in sorted(unknown)])
    now = ensure_utc(now or utcnow())
    notice = load_notice(session, number, for_update=True)
    if notice.status == NoticeStatus.CLOSED:
        raise InvalidTransition(
            L_("notice {number} is closed; a closed notice is final", number=number)
        )
    deadline = changes.get("deadline")
    if deadline is not None and deadline < notice.issued_on:
        raise ValidationFailed(
            [
                FieldProblem(
                    "deadline",
                    L_("is before the issue date {issued_on}", issued_on=notice.issued_on),
                    None,
                    deadline.isoformat(),
                )
            ]
        )
    for key in ("responsible_unit", "responsible_person", "required_action"):
        if key in changes and not (changes[key] or "").strip():
            raise ValidationFailed([FieldProblem(key, L_("cannot be cleared"))])
    diff = {k: v for k, v in changes.items() if getattr(notice, k) != v}
    if not diff:
        return notice
    before = {k: json_safe(getattr(notice, k)) for k in diff}
    for key, value in diff.items():
        setattr(notice, key, value)
    notice.updated_at = now
    session.add(
        NoticeEvent(
            notice=notice,
            at=now,
            by=operator,
            event="edit",
            from_status=notice.status,
            to_status=notice.status,
            note=note or ", ".join(f"{k}: {before[k]} -> {json_safe(v)}" for k, v in diff.items()),
        )
    )
    record(
        session,
        operator=operator,
        action="notice.edit",
        object_type="notice",
        object_ref=notice.number,
        before=before,
        after={k: json_safe(v) for k, v in diff.items()},
        message=note,
        at=now,
    )
    session.flush()
    return notice
