"""Who does a work order, when run-due acts on it, and how long a technician has to report.

Kept free of heavy imports: run-due reads it on every (idle) sweep.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sirenctl.scheduling.tasks import EXECUTED_TASKS

NETWORKED_KINDS = frozenset({"motor", "electronic", "multimedia", "controller"})
ISSUE_AHEAD = timedelta(days=7)  # technicians get their work orders a week ahead
REPORT_GRACE = timedelta(days=1)  # after its window, a technician has a day to check in
# The claim lease: several times the longest single command, renewed while working, and
# shorter than the late allowance of a sounding (campaigns use "2m"), so an order claimed
# but not yet committed can be taken over in time when its worker dies.
LEASE = timedelta(seconds=40)
RENEW_EVERY_S = 10.0
PREPARE_AHEAD = timedelta(seconds=60)  # claim and prepare what falls due within a minute
WARM_UP_AT_ONCE = 256  # connections opened / statuses read at once before the instant


def prepare_ahead(units: int) -> tuple[float, float]:
    """Seconds before T to read every unit's status, and to commit the batch to sending.

    Measured (docs/operations.md): on a busy 2-core machine reading 1,000 statuses took up
    to ~2 s and committing 1,000 orders up to ~2 s; 5,000 took 11-17 s and 10-14 s. A worker
    dying after the commit leaves its orders *unknown* (never resent), an alarm.
    """
    return min(50.0, 3.0 + 0.006 * units), min(25.0, 1.0 + 0.003 * units)


RETRY_SOUNDING = timedelta(seconds=20)  # a sounding not sent at all may be tried again once
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
