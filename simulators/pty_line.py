"""A simulated serial cable between two pseudo-terminals, optionally paced at the baud rate.

Each side is a real pty slave (``/dev/pts/N``) that pyserial opens like any serial port.
An in-process relay copies bytes between the two masters. With ``wire_time=True`` the
line is half-duplex (RS-485): each chunk is delivered when its last character would
have left the wire (``bits_per_char / baud`` per byte) and the line then stays silent for
3.5 characters, the Modbus RTU inter-frame gap.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import termios
import tty


def open_raw_pty() -> tuple[int, int, str]:
    """A pty pair in raw mode: (master fd, slave fd, slave path)."""
    master, slave = os.openpty()
    tty.setraw(slave, termios.TCSANOW)
    os.set_blocking(master, False)
    return master, slave, os.ttyname(slave)


class PtyLine:
    """Two pty ports joined by a relay; ``a_path`` and ``b_path`` are the two ends."""

    def __init__(
        self, baudrate: int = 9600, bits_per_char: int = 10, wire_time: bool = False
    ) -> None:
        self.baudrate = baudrate
        self.bits_per_char = bits_per_char
        self.wire_time = wire_time
        self.char_time = bits_per_char / baudrate
        self._fds: list[int] = []
        self._free_at = 0.0
        self.bytes_a_to_b = 0
        self.bytes_b_to_a = 0
        self.a_path = self.b_path = ""
        self._loop: asyncio.AbstractEventLoop | None = None

    async def start(self) -> PtyLine:
        self._loop = asyncio.get_running_loop()
        ma, sa, self.a_path = open_raw_pty()
        mb, sb, self.b_path = open_raw_pty()
        self._fds = [ma, sa, mb, sb]  # slaves stay open so the masters never see EIO
        self._loop.add_reader(ma, self._pump, ma, mb, True)
        self._loop.add_reader(mb, self._pump, mb, ma, False)
        return self

    def _pump(self, src: int, dst: int, a_to_b: bool) -> None:
        try:
            data = os.read(src, 4096)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            return
        if not data:
            return
        if a_to_b:
            self.bytes_a_to_b += len(data)
        else:
            self.bytes_b_to_a += len(data)
        assert self._loop is not None
        if not self.wire_time:
            self._write(dst, data)
            return
        now = self._loop.time()
        start = max(now, self._free_at)
        done = start + len(data) * self.char_time
        self._free_at = done + 3.5 * self.char_time
        self._loop.call_at(done, self._write, dst, data)

    def _write(self, fd: int, data: bytes) -> None:
        with contextlib.suppress(OSError):
            os.write(fd, data)

    async def stop(self) -> None:
        if self._loop is not None:
            for fd in (self._fds[0], self._fds[2]) if self._fds else ():
                with contextlib.suppress(Exception):
                    self._loop.remove_reader(fd)
        for fd in self._fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._fds = []
