"""Reading rectification notices: load one, list and filter, flag overdue, as a dict.

Dates are calendar days in the site's time zone: a notice is overdue once that zone's date is
past the deadline and it is not closed; it was closed on time if closed on or before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session, joinedload, selectinload

from sirenctl.audit import json_safe
from sirenctl.findings.localtime import local_date
from sirenctl.i18n import L_
from sirenctl.models import Site
from sirenctl.models.findings import (
    Finding,
    NoticeStatus,
    RectificationNotice,
)
from sirenctl.registry.errors import NotFound
from sirenctl.timeutil import ensure_utc, utcnow


def is_overdue(notice: RectificationNotice, now: datetime) -> bool:
    if notice.status == NoticeStatus.CLOSED:
        return False
    return local_date(now, notice.site.timezone) > notice.deadline


def days_overdue(notice: RectificationNotice, now: datetime) -> int:
    if not is_overdue(notice, now):
        return 0
    return (local_date(now, notice.site.timezone) - notice.deadline).days


def closed_on_time(notice: RectificationNotice) -> bool | None:
    """None while open; else whether it was closed on or before its deadline."""
    if notice.closed_at is None:
        return None
    return local_date(notice.closed_at, notice.site.timezone) <= notice.deadline


def load_notice(session: Session, number: str, *, for_update: bool = False) -> RectificationNotice:
    query = (
        select(RectificationNotice)
        .options(
            joinedload(RectificationNotice.site),
            selectinload(RectificationNotice.findings).joinedload(Finding.asset),
            selectinload(RectificationNotice.events),
        )
        .where(RectificationNotice.number == number.strip())
    )
    if for_update:
        query = query.with_for_update(of=RectificationNotice)
    notice = session.scalar(query)
    if notice is None:
        raise NotFound(
            L_("no rectification notice {number!r} (see `sirenctl notice list`)", number=number)
        )
    return notice


def get_notice(session: Session, number: str) -> RectificationNotice:
    return load_notice(session, number)


def notice_to_dict(notice: RectificationNotice, now: datetime | None = None) -> dict[str, Any]:
    now = now or utcnow()
    return {
        "number": notice.number,
        "site": notice.site.code,
        "site_name": notice.site.name,
        "issued_on": json_safe(notice.issued_on),
        "deadline": json_safe(notice.deadline),
        "issued_by": notice.issued_by,
        "responsible_unit": notice.responsible_unit,
        "responsible_person": notice.responsible_person,
        "responsible_phone": notice.responsible_phone,
        "required_action": notice.required_action,
        "status": notice.status,
        "overdue": is_overdue(notice, now),
        "days_overdue": days_overdue(notice, now),
        "recheck_passed_at": json_safe(notice.recheck_passed_at),
        "closed_at": json_safe(notice.closed_at),
        "closed_on_time": closed_on_time(notice),
        "findings": [f.id for f in notice.findings],
        "history": [
            {
                "at": json_safe(e.at),
                "by": e.by,
                "event": e.event,
                "from": e.from_status,
                "to": e.to_status,
                "note": e.note,
            }
            for e in notice.events
        ],
    }


@dataclass(frozen=True)
class NoticeFilter:
    status: str | None = None
    site: str | None = None
    year: int | None = None
    open_only: bool = False

    def apply(self, query: Select[Any]) -> Select[Any]:
        if self.status:
            query = query.where(RectificationNotice.status == self.status)
        if self.site:
            query = query.where(Site.code == self.site)
        if self.year:
            query = query.where(RectificationNotice.year == self.year)
        if self.open_only:
            query = query.where(RectificationNotice.status != NoticeStatus.CLOSED)
        return query


def list_notices(
    session: Session, flt: NoticeFilter = NoticeFilter(), *, overdue_at: datetime | None = None
) -> list[RectificationNotice]:
    """Notices, newest first; with ``overdue_at`` only those overdue at that moment."""
    query = flt.apply(
        select(RectificationNotice)
        .join(RectificationNotice.site)
        .options(
            joinedload(RectificationNotice.site),
            selectinload(RectificationNotice.findings),
            selectinload(RectificationNotice.events),
        )
    )
    if overdue_at is not None:  # coarse filter in SQL, exact per-zone check below
        query = query.where(
            RectificationNotice.status != NoticeStatus.CLOSED,
            RectificationNotice.deadline < ensure_utc(overdue_at).date() + timedelta(days=1),
        )
    query = query.order_by(RectificationNotice.issued_on.desc(), RectificationNotice.id.desc())
    notices = list(session.scalars(query))
    if overdue_at is not None:
        notices = [n for n in notices if is_overdue(n, overdue_at)]
    return notices


def overdue_notices(session: Session, now: datetime) -> list[RectificationNotice]:
    return list_notices(session, overdue_at=now)
