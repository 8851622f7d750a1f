"""How long core work (asset import, plan, report) says how far it got, without knowing who
listens (issue 13: the core must not import the CLI).

The work calls ``progress(stage, done, total)``: ``stage`` an English label marked ``N_`` (the
listener translates it), ``done`` of ``total`` items of that stage. A new stage starts at 0. The
CLI passes a terminal bar (sirenctl/cli/work_progress.py ``StagedProgress``); everyone else
gets :func:`no_progress`.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def __call__(self, stage: str, done: int, total: int) -> None: ...


def no_progress(stage: str, done: int, total: int) -> None:
    """Reports nowhere."""


#: rows between two reports of a row-by-row stage (a report per row would cost more than it
#: tells)
EVERY = 500
