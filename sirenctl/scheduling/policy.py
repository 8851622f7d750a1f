"""Who does a work order, when run-due acts on it, and how long a technician has to report.

Kept free of heavy imports: run-due reads it on every (idle) sweep.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sirenctl.scheduling.tasks import EXECUTED_TASKS

NETWORKED_KINDS = frozenset({"motor", "electronic", "multimedia", "controller"})
ISSUE_AHEAD = timedelta(days=7)  # technicians get their work orders a week ahead
REPORT_GRACE = timedelta(days=1)  # after its window, a technician has a day to check in
LEASE = timedelta(minutes=5)  # several times the longest single command; renewed while working
RENEW_EVERY_S = 60.0
MAX_SELF_TEST_ATTEMPTS = 3
#: run-due plays a sounding's steps only while each is at most this late against the programme's
#: own timeline (a step behind by more is skipped and reported): docs/scheduling.md.
SOUNDING_LATE_ALLOWANCE_S = 60.0
RETRY_BACKOFF = timedelta(minutes=2)  # doubled after each failed attempt (self-tests only)


def is_automatic(task: str, kind: str, transport: str | None) -> bool:
    """Executed by run-due through a controller (otherwise issued to technicians)."""
    return task in EXECUTED_TASKS and transport is not None and kind in NETWORKED_KINDS


def act_at(task: str, kind: str, transport: str | None, due: datetime) -> datetime:
    return due if is_automatic(task, kind, transport) else due - ISSUE_AHEAD
