"""The findings workflow as the TUI drives it (no Textual): add a finding, issue a rectification
notice, move it through its status machine, list notices with overdue ones flagged.

Every change goes through :mod:`sirenctl.findings` (validated, audited) in one transaction with the
app's operator and clock. Form text is parsed here, so a bad date is a field problem like any other.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, Self

from sirenctl.db import Database
from sirenctl.i18n import C_, L_, N_, localized
from sirenctl.identity import Actor
from sirenctl.labels import Labels
from sirenctl.registry.errors import FieldProblem, ValidationFailed
from sirenctl.services.operator import actor_for_operator
from sirenctl.timeutil import Clock

PREFIX_ENV = "SIRENCTL_NOTICE_PREFIX"  # the same variable as `sirenctl notice issue --prefix`
VIEWS = ("open", "overdue", "all", "closed")
DEFAULT_DAYS = 30  # deadline offered in a new notice: today + 30 days
ACTION_LABELS = Labels(  # English (N_), read back in the interface language
    {
        "start": N_("start work"),
        "submit": N_("submit for re-check"),
        "recheck_pass": N_("re-check passed"),
        "recheck_fail": N_("re-check failed"),
        "close": C_("notice action", "close"),
    }
)


@dataclass(frozen=True)
class HistoryRow:
    at: datetime
    by: str
    event: str
    from_status: str | None
    to_status: str
    note: str | None


@dataclass(frozen=True)
class NoticeRow:
    number: str
    status: str
    site: str
    site_name: str
    issued_on: date
    deadline: date
    issued_by: str
    responsible_unit: str
    responsible_person: str
    responsible_phone: str | None
    required_action: str
    overdue: bool
    days_overdue: int
    recheck_passed: bool
    findings: list[int]
    history: list[HistoryRow] = field(default_factory=list)

    @property
    def actions(self) -> list[str]:
        """The actions the status machine allows now (close only after a passed re-check)."""
        from sirenctl.findings.transitions import possible_actions

        return [a for a in possible_actions(self.status) if a != "close" or self.recheck_passed]

    def form_text(self) -> dict[str, str]:
        return {
            "deadline": self.deadline.isoformat(),
            "responsible_unit": self.responsible_unit,
            "responsible_person": self.responsible_person,
            "responsible_phone": self.responsible_phone or "",
            "required_action": self.required_action,
        }


def _row(notice: Any, now: datetime) -> NoticeRow:
    from sirenctl.findings.notice_queries import days_overdue, is_overdue

    return NoticeRow(
        notice.number,
        notice.status,
        notice.site.code,
        notice.site.name,
        notice.issued_on,
        notice.deadline,
        notice.issued_by,
        notice.responsible_unit,
        notice.responsible_person,
        notice.responsible_phone,
        notice.required_action,
        is_overdue(notice, now),
        days_overdue(notice, now),
        notice.recheck_passed_at is not None,
        sorted(f.id for f in notice.findings),
        [
            HistoryRow(e.at, e.by, e.event, e.from_status, e.to_status, e.note)
            for e in notice.events
        ],
    )


def _date(raw: str, key: str, problems: list[FieldProblem]) -> date | None:
    from sirenctl.registry.fields import parse_date

    if not raw.strip():
        problems.append(FieldProblem(key, L_("is required")))
        return None
    try:
        return parse_date(raw)
    except ValueError as exc:
        problems.append(FieldProblem(key, localized(exc), None, raw))
        return None


class OfficeService:
    """One operator, one database, one clock (the app's), as the services module gives them."""

    def __init__(self, db: Database, operator: str, clock: Clock) -> None:
        self.db = db
        self.operator = operator
        self.clock = clock

    @classmethod
    def of(cls, services: Any) -> Self:
        return cls(services.db, services.operator, services.clock)

    @property
    def actor(self) -> Actor:
        """The acting person the services are given (sirenctl/services/operator.py)."""
        return actor_for_operator(self.operator, self.db)

    def today(self) -> date:
        """Today in the office's time zone."""
        from sirenctl.findings.localtime import local_date

        return local_date(self.clock())


class WorkflowService(OfficeService):
    """Findings and notices."""

    def default_deadline(self) -> date:
        return self.today() + timedelta(days=DEFAULT_DAYS)

    # ---- reading ---------------------------------------------------------------------------
    def notices(self, view: str = "open", text: str | None = None) -> list[NoticeRow]:
        """Notices newest first; ``view`` is one of VIEWS; ``text`` matches number, site or
        responsible party."""
        from sirenctl.findings.notice_queries import NoticeFilter, list_notices
        from sirenctl.models.findings import NoticeStatus

        now = self.clock()
        flt = NoticeFilter(
            open_only=view == "open", status=NoticeStatus.CLOSED.value if view == "closed" else None
        )
        with self.db.session() as session:
            rows = [
                _row(n, now)
                for n in list_notices(session, flt, overdue_at=now if view == "overdue" else None)
            ]
        if text:
            needle = text.casefold()
            rows = [
                r
                for r in rows
                if needle
                in " ".join(
                    (r.number, r.site, r.site_name, r.responsible_unit, r.responsible_person)
                ).casefold()
            ]
        return rows

    def notice(self, number: str) -> NoticeRow:
        from sirenctl.findings.notice_queries import get_notice

        with self.db.session() as session:
            return _row(get_notice(session, number), self.clock())

    def print_text(self, number: str, fmt: str = "md", lang: str = "zh") -> str:
        from sirenctl.findings.notice_queries import get_notice
        from sirenctl.reports.notice_print import print_notice

        with self.db.session() as session:
            return print_notice(get_notice(session, number), fmt=fmt, lang=lang, now=self.clock())

    # ---- changing --------------------------------------------------------------------------
    def add_finding(self, raw: dict[str, str]) -> int:
        """Record a finding by hand (an inspection); returns its id."""
        from sirenctl.findings.localtime import parse_local_datetime
        from sirenctl.services.findings import NewFinding, add_finding

        problems: list[FieldProblem] = []
        found_at = None
        if raw.get("found_at", "").strip():
            try:
                found_at = parse_local_datetime(raw["found_at"])
            except ValueError as exc:
                problems.append(FieldProblem("found_at", localized(exc), None, raw["found_at"]))
        if problems:
            raise ValidationFailed(problems)
        attachments = [a.strip() for a in raw.get("attachments", "").split(",") if a.strip()]
        new = NewFinding(
            description=raw.get("description", ""),
            category=raw.get("category", ""),
            severity=raw.get("severity", ""),
            asset=raw.get("asset") or None,
            site=raw.get("site") or None,
            found_at=found_at,
            found_by=raw.get("found_by", "").strip() or None,
            attachments=attachments,
        )
        return add_finding(self.db, self.actor, new, now=self.clock()).id

    def issue(self, findings: list[int], raw: dict[str, str]) -> str:
        """Issue a notice for open findings of one site; returns its number."""
        from sirenctl.services.notices import NewNotice, issue_notice

        problems: list[FieldProblem] = []
        deadline = _date(raw.get("deadline", ""), "deadline", problems)
        if problems:
            raise ValidationFailed(problems)
        assert deadline is not None
        new = NewNotice(
            findings=findings,
            deadline=deadline,
            responsible_unit=raw.get("responsible_unit", ""),
            responsible_person=raw.get("responsible_person", ""),
            responsible_phone=raw.get("responsible_phone", "").strip() or None,
            required_action=raw.get("required_action", ""),
            prefix=os.environ.get(PREFIX_ENV, "ZG"),
            note=raw.get("note") or None,
        )
        return issue_notice(self.db, self.actor, new, now=self.clock()).number

    def edit(self, number: str, original: dict[str, str], raw: dict[str, str]) -> list[str]:
        """Apply the fields whose text changed (an extension, a new responsible party)."""
        from sirenctl.findings.notice_edit import edit_notice

        changed = {
            k: v.strip() for k, v in raw.items() if k in original and v.strip() != original[k]
        }
        if not changed:
            return []
        problems: list[FieldProblem] = []
        values: dict[str, Any] = dict(changed)
        if "deadline" in changed:
            values["deadline"] = _date(changed["deadline"], "deadline", problems)
        if "responsible_phone" in changed:
            values["responsible_phone"] = changed["responsible_phone"] or None
        if problems:
            raise ValidationFailed(problems)
        with self.db.transaction() as session:
            edit_notice(
                session,
                number,
                values,
                operator=self.operator,
                note=raw.get("note") or None,
                now=self.clock(),
            )
        return sorted(changed)

    def act(
        self, number: str, action: str, note: str | None = None, close: bool = False
    ) -> NoticeRow:
        """One step of the status machine: start, submit, recheck_pass, recheck_fail, close.

        A passed re-check with ``close`` closes the notice at once. The service checks the
        transition against the stored status and changes nothing if it is not allowed."""
        from sirenctl.findings.notice_queries import get_notice
        from sirenctl.services.notices import NoticeStep, advance_notice

        try:
            step = NoticeStep(action)
        except ValueError:
            raise ValidationFailed(
                [FieldProblem("action", L_("is not a notice action"), None, action)]
            ) from None
        advance_notice(self.db, self.actor, number, step, note=note, close=close, now=self.clock())
        with self.db.session() as session:
            return _row(get_notice(session, number), self.clock())
