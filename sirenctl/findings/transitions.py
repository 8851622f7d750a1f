"""The status machine of a rectification notice, as data.

    open, reopened               --start-->          in_progress
    open, in_progress, reopened  --submit-->         awaiting_recheck
    awaiting_recheck             --recheck pass-->   awaiting_recheck (passed re-check recorded)
    awaiting_recheck             --recheck fail-->   reopened
    awaiting_recheck + passed    --close-->          closed (final)

Closing needs a re-check that passed after the last submission: the inspector re-checks on site,
the office signs off.
"""

from __future__ import annotations

from dataclasses import dataclass

from sirenctl.models.findings import NoticeStatus

S = NoticeStatus


@dataclass(frozen=True)
class Action:
    name: str
    allowed_from: frozenset[NoticeStatus]
    to: NoticeStatus
    how: str  # the command that performs it, for error messages

    def allows(self, status: str) -> bool:
        return status in self.allowed_from


ACTIONS: dict[str, Action] = {
    a.name: a
    for a in (
        Action(
            "start",
            frozenset({S.OPEN, S.REOPENED}),
            S.IN_PROGRESS,
            "sirenctl notice update NUMBER --status in_progress",
        ),
        Action(
            "submit",
            frozenset({S.OPEN, S.IN_PROGRESS, S.REOPENED}),
            S.AWAITING_RECHECK,
            "sirenctl notice update NUMBER --status awaiting_recheck",
        ),
        Action(
            "recheck_pass",
            frozenset({S.AWAITING_RECHECK}),
            S.AWAITING_RECHECK,
            "sirenctl notice recheck NUMBER --pass",
        ),
        Action(
            "recheck_fail",
            frozenset({S.AWAITING_RECHECK}),
            S.REOPENED,
            "sirenctl notice recheck NUMBER --fail",
        ),
        Action("close", frozenset({S.AWAITING_RECHECK}), S.CLOSED, "sirenctl notice close NUMBER"),
    )
}

# `notice update --status X` names the target status; this maps it to the action.
STATUS_ACTIONS: dict[str, str] = {S.IN_PROGRESS.value: "start", S.AWAITING_RECHECK.value: "submit"}


def possible_actions(status: str) -> list[str]:
    return [name for name, action in ACTIONS.items() if action.allows(status)]
