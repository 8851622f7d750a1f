"""A progress bar for long work (a poll of many units), on a terminal only (issue 13: "long
work shows progress on a terminal ..., silent when not a terminal").

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
