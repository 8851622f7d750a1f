"""What the report needs from scheduling, as plain facts: one row per work order.

Keeping the report on these facts (not on the scheduling tables directly) keeps the figure logic
small and testable; ``sirenctl.reports.scheduling_source.order_facts`` is the one place that reads
the scheduling schema.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sirenctl.scheduling.tasks import CHECKLIST_TASKS, Task

CHECK_TASKS = CHECKLIST_TASKS
TRIAL_TASKS = frozenset({Task.TRIAL_SOUNDING})


@dataclass(frozen=True)
class OrderFact:
    ref: str  # "work_order:12"
    task: str  # trial_sounding, manual_check, silent_test, ...
    campaign: str  # campaign key, e.g. "cn-918-trial-sounding"
    title: str  # campaign title for people
    due_at: datetime  # UTC
    asset_id: int | None
    state: str  # "done", "missed" or "pending" (not yet due or still open)
    passed: bool | None  # outcome of the test or check when done
    result_refs: tuple[str, ...] = ()  # e.g. ("test_result:40",)

    @property
    def rows(self) -> tuple[str, ...]:
        return (self.ref, *self.result_refs)
