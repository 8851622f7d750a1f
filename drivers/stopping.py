"""Stop on SIGINT/SIGTERM: the first signal cancels the work, later ones never skip the stop.

Used by ``bench sound`` and ``activate`` (and offered to run-due/daemon): install it around the
task that plays; the playing code (``play_programme(stop_on_cancel=True)``) then sends and
verifies the stop command itself. The exit code follows the shell convention: 128 + signal
number (130 for SIGINT, 143 for SIGTERM).
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Callable, Iterator
from types import TracebackType

HANDLED = (signal.SIGINT, signal.SIGTERM)


class SignalStop:
    """Within ``with SignalStop(task):`` SIGINT/SIGTERM cancel ``task`` once.

    ``on_signal(signum, first)`` is told of every signal (to print "stopping..." or "still
    stopping, please wait"). Handlers are the event loop's, so they run on the loop thread.
    """

    def __init__(
        self,
        task: asyncio.Task[object] | None = None,
        *,
        on_signal: Callable[[int, bool], None] | None = None,
    ) -> None:
        self.task = task
        self.on_signal = on_signal
        self.signum: int | None = None
        self._loop: asyncio.AbstractEventLoop | None = None

    @property
    def exit_code(self) -> int | None:
        return None if self.signum is None else 128 + self.signum

    def _handle(self, signum: int) -> None:
        first = self.signum is None
        if first:
            self.signum = signum
            if self.task is not None:
                self.task.cancel()
        if self.on_signal is not None:
            self.on_signal(signum, first)

    def __enter__(self) -> SignalStop:
        self._loop = asyncio.get_running_loop()
        if self.task is None:
            self.task = asyncio.current_task()
        for sig in HANDLED:
            self._loop.add_signal_handler(sig, self._handle, int(sig))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._loop is not None:
            for sig in HANDLED:
                with contextlib.suppress(Exception):
                    self._loop.remove_signal_handler(sig)


@contextlib.contextmanager
def deferred_signals() -> Iterator[list[int]]:
    """Synchronous code that must finish (recording a result): SIGINT/SIGTERM wait until after."""
    got: list[int] = []
    previous = {sig: signal.signal(sig, lambda s, _f: got.append(s)) for sig in HANDLED}
    try:
        yield got
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
