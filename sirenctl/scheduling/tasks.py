"""Work-order tasks and result kinds (stdlib only: run-due's idle sweep imports it).

Stored as their string values in ``work_order.task`` and ``test_result.kind``.
"""

from __future__ import annotations

from enum import StrEnum


class Task(StrEnum):
    """What a work order asks for: a campaign file's ``task`` (stored as the value)."""

    TRIAL_SOUNDING = "trial_sounding"  # audible; the 9·18 trial sounding
    GROWL_TEST = "growl_test"  # audible, short
    SILENT_TEST = "silent_test"  # a controller self-test, no sound
    MANUAL_CHECK = "manual_check"  # a technician's checklist at the siren
    INSPECTION = "inspection"  # an inspector's checklist
    DRILL = "drill"  # a community drill (closed by recording the drill)


#: audible tasks (approval by a second person before a live siren sounds)
SOUNDING_TASKS = frozenset({Task.TRIAL_SOUNDING, Task.GROWL_TEST})
#: tasks run-due executes on the controller; the others are issued to people
EXECUTED_TASKS = frozenset({Task.TRIAL_SOUNDING, Task.GROWL_TEST, Task.SILENT_TEST})
#: tasks answered with a checklist on site
CHECKLIST_TASKS = frozenset({Task.MANUAL_CHECK, Task.INSPECTION})


class ResultKind(StrEnum):
    """``TestResult.kind``: the work order's task, or a bench test (which has no work order)."""

    TRIAL_SOUNDING = Task.TRIAL_SOUNDING.value
    GROWL_TEST = Task.GROWL_TEST.value
    SILENT_TEST = Task.SILENT_TEST.value
    MANUAL_CHECK = Task.MANUAL_CHECK.value
    INSPECTION = Task.INSPECTION.value
    DRILL = Task.DRILL.value
    BENCH_TEST = "bench_test"
