"""Rectification notices: issue one for open findings, and move it through its status machine
(sirenctl/findings/transitions.py)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sirenctl.db import Database
from sirenctl.identity import Actor

if TYPE_CHECKING:
    from sirenctl.models.findings import RectificationNotice


class NoticeStep(StrEnum):
    """One step of the status machine, as a person asks for it."""

    START = "start"  # work started: in_progress
    SUBMIT = "submit"  # done, please re-check: awaiting_recheck
    RECHECK_PASS = "recheck_pass"
    RECHECK_FAIL = "recheck_fail"  # reopened
    CLOSE = "close"  # after a passed re-check; its findings are resolved


@dataclass(frozen=True)
class NewNotice:
    findings: Sequence[int]  # open findings, all at one site
    deadline: date
    responsible_unit: str
    responsible_person: str
    required_action: str
    responsible_phone: str | None = None
    prefix: str = "ZG"
    issued_on: date | None = None
    note: str | None = None


@dataclass(frozen=True)
class NoticeState:
    number: str
    status: str  # sirenctl.models.findings.NoticeStatus value
    closed_on_time: bool | None  # None while open
    record: dict[str, Any]  # every field, as ``notice show --json`` prints it


def issue_notice(db: Database, actor: Actor, new: NewNotice, *, now: datetime) -> NoticeState:
    """Issue a numbered notice (整改通知书). ValidationFailed names the fields."""
    from sirenctl.findings.notices import issue_notice as issue

    with db.transaction() as session:
        notice = issue(
            session,
            operator=actor.label,
            findings=list(new.findings),
            deadline=new.deadline,
            responsible_unit=new.responsible_unit,
            responsible_person=new.responsible_person,
            required_action=new.required_action,
            responsible_phone=new.responsible_phone,
            prefix=new.prefix,
            issued_on=new.issued_on,
            note=new.note,
            now=now,
        )
        return _state(notice, now)


def advance_notice(
    db: Database,
    actor: Actor,
    number: str,
    step: NoticeStep,
    *,
    note: str | None = None,
    close: bool = False,
    changes: Mapping[str, Any] | None = None,
    now: datetime,
) -> NoticeState:
    """Apply ``step``; with ``close`` a passed re-check closes at once. The step is checked
    against the stored status under a row lock: a stale or illegal step changes nothing
    (InvalidTransition, a Conflict). ``changes`` (a new deadline or responsible party) are
    applied in the same transaction, so a refused step leaves them unwritten too."""
    from sirenctl.findings import notice_edit, notices

    who = actor.label
    with db.transaction() as session:
        if changes:
            notice_edit.edit_notice(
                session, number, dict(changes), operator=who, note=note, now=now
            )
        if step in (NoticeStep.RECHECK_PASS, NoticeStep.RECHECK_FAIL):
            passed = step is NoticeStep.RECHECK_PASS
            notice = notices.recheck(
                session,
                number,
                passed=passed,
                close=close and passed,
                operator=who,
                note=note,
                now=now,
            )
        else:
            notice = notices.apply_action(
                session, number, step.value, operator=who, note=note, now=now
            )
        return _state(notice, now)


def _state(notice: RectificationNotice, now: datetime) -> NoticeState:
    from sirenctl.findings.notice_queries import closed_on_time, notice_to_dict

    return NoticeState(
        notice.number, notice.status, closed_on_time(notice), notice_to_dict(notice, now)
    )
