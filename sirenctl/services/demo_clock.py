"""The demo history's clock, people and shared steps (sirenctl/registry/demo_history.py).

Every time is a local wall-clock time of the demo county turned into UTC; notices are issued
and rectified through sirenctl/findings/notices.py like an office does it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from sirenctl.config import DEFAULT_TIMEZONE
from sirenctl.findings.notices import apply_action, issue_notice, recheck
from sirenctl.models.findings import Finding

HISTORY_YEAR = 2025
DRILL_CAMPAIGN = "cn-community-drill-monthly"  # per asset; the office drills one community a month
RECHECK_CAMPAIGN = "demo-recheck-hc-c07"
ZONE = ZoneInfo(DEFAULT_TIMEZONE)
TECHNICIAN = "刘师傅"
INSPECTOR = "国动办工程科 陈工"
OFFICE = "国动办 张主任"

# (year, tag, month, answer number that fails, answer) of the demo's failed check-ins
FAILED_CHECKS: tuple[tuple[int, str, int, str, str], ...] = (
    (HISTORY_YEAR, "HC-C07", 4, "3", "fail"),
    (HISTORY_YEAR, "HC-C13", 7, "2", "fail"),
    (HISTORY_YEAR, "HC-C10", 10, "5", "no"),
)
FAILED_TRIAL_2025 = "T05"


@dataclass
class History:
    """What was seeded (shown by ``sirenctl demo``)."""

    checkins: int = 0
    results: int = 0
    notices: list[str] = field(default_factory=list)
    overdue_check: str | None = None
    open_notice: str | None = None
    overdue_notice: str | None = None
    faulty_terminal: str | None = None
    due_this_week: list[int] = field(default_factory=list)


def local(day: date, hh: int = 9, mm: int = 0) -> datetime:
    """A local wall-clock time of the demo county, in UTC (the demo clock)."""
    return datetime.combine(day, time(hh, mm), ZONE).astimezone(UTC)


def rectify(session: Session, number: str, issued: datetime, now: datetime) -> None:
    """Rectified: work started, submitted, re-checked and closed, each on its own day."""
    steps = [(3, "start"), (9, "submit")]
    for days, action in steps:
        at = min(issued + timedelta(days=days), now)
        apply_action(session, number, action, operator=OFFICE, now=at)
    at = min(issued + timedelta(days=12), now)
    recheck(session, number, passed=True, close=True, operator=OFFICE, note="复查合格", now=at)


def issue_demo_notice(
    session: Session,
    finding: Finding,
    *,
    at: datetime,
    days: int,
    unit: str,
    person: str,
    action: str,
) -> str:
    issued_on = at.astimezone(ZONE).date()
    notice = issue_notice(
        session,
        operator=OFFICE,
        findings=[finding.id],
        deadline=issued_on + timedelta(days=days),
        responsible_unit=unit,
        responsible_person=person,
        required_action=action,
        issued_on=issued_on,
        now=at,
    )
    return notice.number
