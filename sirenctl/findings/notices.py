"""Rectification notices (整改通知书): issue and move through the status machine (reading,
listing and flagging overdue: sirenctl/findings/notice_queries.py).

Each write loads the notice ``FOR UPDATE`` (PostgreSQL; SQLite writers are serialised by
``BEGIN IMMEDIATE``), checks the transition before touching anything, then writes the new status,
a ``notice_event`` row and an audit event in the caller's transaction. Dates (issued, deadline) are
calendar days in the site's time zone; a notice is overdue once that zone's date is past the
deadline and it is not closed. It was closed on time if closed on or before the deadline.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from sirenctl.audit import record
from sirenctl.findings.findings import get_finding, resolve
from sirenctl.findings.localtime import local_date
from sirenctl.findings.notice_queries import closed_on_time, load_notice
from sirenctl.findings.numbering import DEFAULT_PREFIX, check_prefix, format_number, next_sequence
from sirenctl.findings.transitions import ACTIONS, STATUS_ACTIONS, possible_actions
from sirenctl.i18n import L_
from sirenctl.models import Site
from sirenctl.models.findings import (
    FindingStatus,
    NoticeEvent,
    NoticeStatus,
    RectificationNotice,
)
from sirenctl.registry.errors import Conflict, FieldProblem, ValidationFailed
from sirenctl.timeutil import ensure_utc, utcnow


class InvalidTransition(Conflict):
    """The notice's status does not allow the requested action; nothing was changed."""


def _event(
    session: Session,
    notice: RectificationNotice,
    *,
    event: str,
    before: str | None,
    operator: str,
    note: str | None,
    now: datetime,
    extra: dict[str, Any] | None = None,
) -> None:
    session.add(
        NoticeEvent(
            notice=notice,
            at=now,
            by=operator,
            event=event,
            from_status=before,
            to_status=notice.status,
            note=note,
        )
    )
    after = {"status": notice.status, **(extra or {})}
    record(
        session,
        operator=operator,
        action=f"notice.{event}",
        object_type="notice",
        object_ref=notice.number,
        before=None if before is None else {"status": before},
        after=after,
        message=note,
        at=now,
    )
    session.flush()


def issue_notice(
    session: Session,
    *,
    operator: str,
    findings: list[int],
    deadline: date,
    responsible_unit: str,
    responsible_person: str,
    required_action: str,
    responsible_phone: str | None = None,
    prefix: str = DEFAULT_PREFIX,
    issued_on: date | None = None,
    note: str | None = None,
    now: datetime | None = None,
) -> RectificationNotice:
    """Issue a numbered notice covering open findings of one site."""
    now = ensure_utc(now or utcnow())
    problems: list[FieldProblem] = []
    for key, value in (
        ("responsible_unit", responsible_unit),
        ("responsible_person", responsible_person),
        ("required_action", required_action),
    ):
        if not value or not value.strip():
            problems.append(FieldProblem(key, L_("is required")))
    if not findings:
        problems.append(
            FieldProblem("finding", L_("name at least one finding (see `finding list`)"))
        )
    if problems:
        raise ValidationFailed(problems)
    prefix = check_prefix(prefix)
    covered = [get_finding(session, fid, for_update=True) for fid in dict.fromkeys(findings)]
    for finding in covered:
        if finding.status != FindingStatus.OPEN:
            raise Conflict(L_("finding #{id} is already resolved", id=finding.id))
        if finding.notice is not None:
            raise Conflict(
                L_(
                    "finding #{id} is already covered by notice {number}",
                    id=finding.id,
                    number=finding.notice.number,
                )
            )
    sites = {f.site_id for f in covered}
    if len(sites) > 1:
        codes = sorted({f.site.code for f in covered})
        raise ValidationFailed(
            [
                FieldProblem(
                    "finding",
                    L_(
                        "the findings are at several sites ({value}); issue one notice per site",
                        value=", ".join(codes),
                    ),
                )
            ]
        )
    site: Site = covered[0].site
    issued_on = issued_on or local_date(now, site.timezone)
    if deadline < issued_on:
        raise ValidationFailed(
            [
                FieldProblem(
                    "deadline",
                    L_("is before the issue date {issued_on}", issued_on=issued_on),
                    None,
                    deadline.isoformat(),
                )
            ]
        )
    seq = next_sequence(session, prefix, issued_on.year)
    notice = RectificationNotice(
        number=format_number(prefix, issued_on.year, seq),
        prefix=prefix,
        year=issued_on.year,
        seq=seq,
        site=site,
        issued_on=issued_on,
        deadline=deadline,
        issued_by=operator,
        responsible_unit=responsible_unit.strip(),
        responsible_person=responsible_person.strip(),
        responsible_phone=responsible_phone,
        required_action=required_action.strip(),
        status=NoticeStatus.OPEN.value,
        created_at=now,
        updated_at=now,
    )
    session.add(notice)
    session.flush()
    for finding in covered:
        finding.notice = notice
    _event(
        session,
        notice,
        event="issue",
        before=None,
        operator=operator,
        note=note,
        now=now,
        extra={
            "deadline": deadline.isoformat(),
            "findings": [f.id for f in covered],
            "responsible": f"{notice.responsible_unit} {notice.responsible_person}",
        },
    )
    return notice


def _check(notice: RectificationNotice, action_name: str) -> None:
    action = ACTIONS[action_name]
    if action.allows(notice.status) and not (
        action_name == "close" and notice.recheck_passed_at is None
    ):
        return
    if action_name == "close" and notice.status == NoticeStatus.AWAITING_RECHECK:
        raise InvalidTransition(
            L_(
                (
                    "notice {number} is awaiting_recheck with no passed re-check since it "
                    "was submitted: it cannot be closed before a re-check passes (run: "
                    "sirenctl notice recheck {number} --pass); nothing was changed"
                ),
                number=notice.number,
            )
        )
    allowed = ", ".join(sorted(s.value for s in action.allowed_from))
    options = [
        ACTIONS[a].how.replace("NUMBER", notice.number) for a in possible_actions(notice.status)
    ]
    hint = f"; possible now: {'; '.join(options)}" if options else "; a closed notice is final"
    raise InvalidTransition(
        L_(
            (
                "notice {number} is {status}: '{action_name}' needs status "
                "{allowed}{hint}; nothing was changed"
            ),
            number=notice.number,
            status=notice.status,
            action_name=action_name,
            allowed=allowed,
            hint=hint,
        )
    )


def apply_action(
    session: Session,
    number: str,
    action_name: str,
    *,
    operator: str,
    note: str | None = None,
    now: datetime | None = None,
) -> RectificationNotice:
    """Perform one action of the status machine (see transitions.ACTIONS)."""
    if action_name not in ACTIONS:
        raise ValidationFailed(
            [
                FieldProblem(
                    "action",
                    L_("must be one of {value}", value=", ".join(ACTIONS)),
                    None,
                    action_name,
                )
            ]
        )
    now = ensure_utc(now or utcnow())
    notice = load_notice(session, number, for_update=True)
    _check(notice, action_name)
    before = notice.status
    notice.status = ACTIONS[action_name].to.value
    notice.updated_at = now
    extra: dict[str, Any] = {}
    if action_name in ("submit", "recheck_fail"):
        notice.recheck_passed_at = notice.recheck_passed_by = None
    elif action_name == "recheck_pass":
        notice.recheck_passed_at, notice.recheck_passed_by = now, operator
        extra["recheck"] = "passed"
    elif action_name == "close":
        notice.closed_at, notice.closed_by = now, operator
        extra["closed_on_time"] = closed_on_time(notice)
    _event(
        session,
        notice,
        event=action_name,
        before=before,
        operator=operator,
        note=note,
        now=now,
        extra=extra,
    )
    if action_name == "close":
        for finding in notice.findings:
            if finding.status == FindingStatus.OPEN:
                resolve(
                    session,
                    finding,
                    operator=operator,
                    now=now,
                    resolution=f"rectified; notice {notice.number} closed",
                )
    return notice


def set_status(session: Session, number: str, status: str, **kwargs: Any) -> RectificationNotice:
    """``notice update --status``: in_progress or awaiting_recheck."""
    if status not in STATUS_ACTIONS:
        raise ValidationFailed(
            [
                FieldProblem(
                    "status",
                    L_(
                        (
                            "update can set {value}; use `notice recheck` and `notice close` for "
                            "the rest"
                        ),
                        value=" or ".join(STATUS_ACTIONS),
                    ),
                    None,
                    status,
                )
            ]
        )
    return apply_action(session, number, STATUS_ACTIONS[status], **kwargs)


def recheck(
    session: Session,
    number: str,
    *,
    passed: bool,
    operator: str,
    note: str | None = None,
    close: bool = False,
    now: datetime | None = None,
) -> RectificationNotice:
    """Record a re-check; a failed one reopens the notice, a passed one may close it at once."""
    notice = apply_action(
        session,
        number,
        "recheck_pass" if passed else "recheck_fail",
        operator=operator,
        note=note,
        now=now,
    )
    if passed and close:
        notice = apply_action(session, number, "close", operator=operator, note=note, now=now)
    return notice


def close_notice(
    session: Session,
    number: str,
    *,
    operator: str,
    note: str | None = None,
    now: datetime | None = None,
) -> RectificationNotice:
    return apply_action(session, number, "close", operator=operator, note=note, now=now)
