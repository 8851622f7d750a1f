"""The progress bar of long CLI work: drawn on a terminal, silent elsewhere
(sirenctl/cli/work_progress.py)."""

from __future__ import annotations

import io
import os
import pty

from sirenctl.cli.work_progress import WorkProgress


def _drain(fd: int) -> bytes:
    os.set_blocking(fd, False)
    chunks = []
    try:
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
    except (BlockingIOError, OSError):  # EIO: nothing left and the slave side is closed
        pass
    return b"".join(chunks)


def test_a_terminal_sees_the_count_and_the_bar_is_cleared_afterwards() -> None:
    master, slave = pty.openpty()
    with os.fdopen(slave, "w", encoding="utf-8") as stream:
        with WorkProgress("polling", 40, stream=stream) as bar:
            assert bar.shown
            bar.update(25)
        stream.flush()
        drawn = _drain(master).decode("utf-8", "replace")
    os.close(master)
    assert "polling" in drawn and "25/40" in drawn
    assert "\x1b[2K" in drawn or "\x1b[1A" in drawn  # transient: the line is erased


def test_pipes_and_logs_get_nothing_and_short_work_no_bar() -> None:
    piped = io.StringIO()
    with WorkProgress("polling", 500, stream=piped) as bar:
        bar.update(250)
    assert piped.getvalue() == "" and not bar.shown
    master, slave = pty.openpty()
    with os.fdopen(slave, "w", encoding="utf-8") as stream:
        with WorkProgress("polling", 3, stream=stream) as short:
            short.update(3)
        stream.flush()
        assert not short.shown and _drain(master) == b""
    os.close(master)
