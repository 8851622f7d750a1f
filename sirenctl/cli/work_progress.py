"""A progress bar for long work (a poll, an asset import, a plan, a report), on a terminal only
(issue 13: "long work shows progress on a terminal ..., silent when not a terminal").

Drawn on stderr with rich, transient (it disappears when the work ends, leaving the table or
JSON on stdout untouched). Cron mail, pipes and log files get nothing: ``tty`` is read from
the stream, and rich is imported only when a bar is actually drawn.
"""

from __future__ import annotations

import sys
from types import TracebackType
from typing import Any, TextIO

#: fewer items than this finish before a bar would be worth reading
MIN_TOTAL = 20


class WorkProgress:
    def __init__(
        self,
        label: str,
        total: int,
        *,
        stream: TextIO | None = None,
        tty: bool | None = None,
        min_total: int = MIN_TOTAL,
    ) -> None:
        self.label = label
        self.total = total
        self.stream = stream or sys.stderr
        tty = self.stream.isatty() if tty is None else tty
        self.shown = tty and total >= min_total
        self._progress: Any = None
        self._task: Any = None

    def __enter__(self) -> WorkProgress:
        if self.shown:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            console = Console(file=self.stream, force_terminal=True)
            self._progress = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                console=console,
                transient=True,
            )
            self._progress.start()
            self._task = self._progress.add_task(self.label, total=self.total)
        return self

    def update(self, done: int) -> None:
        if self._progress is not None:
            self._progress.update(self._task, completed=min(done, self.total))

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
            self._progress = None


class StagedProgress:
    """A :class:`sirenctl.progress.Progress` for the core: one bar per stage of the work (a new
    stage label replaces the bar), drawn only on a terminal, like :class:`WorkProgress`.

    ``min_total``: steps such as a report's sections are few but slow, so a caller may draw
    a bar for fewer items than :data:`MIN_TOTAL`."""

    def __init__(
        self, *, stream: TextIO | None = None, tty: bool | None = None, min_total: int = MIN_TOTAL
    ) -> None:
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty() if tty is None else tty
        self.min_total = min_total
        self.stages: list[str] = []  # every stage reported, shown or not
        self._stage: str | None = None
        self._bar: WorkProgress | None = None

    def __enter__(self) -> StagedProgress:
        return self

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage != self._stage:
            self._close()
            from sirenctl.i18n import _

            self._stage = stage
            self.stages.append(stage)
            self._bar = WorkProgress(
                _(stage), total, stream=self.stream, tty=self.tty, min_total=self.min_total
            ).__enter__()
        assert self._bar is not None
        self._bar.update(done)

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.__exit__(None, None, None)
            self._bar = None

    def __exit__(self, *exc_info: object) -> None:
        self._close()
