"""Bench-protocol simulator on a pty: the driver opens ``path`` with pyserial."""

from __future__ import annotations

import asyncio
import contextlib
import os

from sirenctl.drivers import bench_protocol as bp
from sirenctl.drivers.signals import STOP

from .controller import SimController
from .pty_line import open_raw_pty


class BenchSimulator:
    def __init__(self, ctrl: SimController) -> None:
        self.ctrl = ctrl
        self.path = ""
        self._master = self._slave = -1
        self._buf = b""
        self._loop: asyncio.AbstractEventLoop | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    async def start(self) -> BenchSimulator:
        self._loop = asyncio.get_running_loop()
        self._master, self._slave, self.path = open_raw_pty()
        self._loop.add_reader(self._master, self._on_readable)
        return self

    async def stop(self) -> None:
        for t in list(self._tasks):
            t.cancel()
        if self._loop and self._master >= 0:
            with contextlib.suppress(Exception):
                self._loop.remove_reader(self._master)
        for fd in (self._master, self._slave):
            with contextlib.suppress(OSError):
                os.close(fd)
        self._master = self._slave = -1

    def _on_readable(self) -> None:
        try:
            data = os.read(self._master, 4096)
        except OSError:
            return
        self._buf += data
        while b"\n" in self._buf:
            line, _, self._buf = self._buf.partition(b"\n")
            t = asyncio.get_running_loop().create_task(self._answer(line))
            self._tasks.add(t)
            t.add_done_callback(self._tasks.discard)

    async def _answer(self, line: bytes) -> None:
        c = self.ctrl
        f = c.faults
        c.stats.requests += 1
        if f.slow:
            await asyncio.sleep(f.slow)
        try:
            cmd, args = bp.parse_request(bp.decode(line))
            reply = self.handle(cmd, args)
        except bp.FrameError:
            reply = "?ERR 1 checksum"
        if f.silent or f.drop or (f.lose_ack and reply.startswith("!SND")):
            return
        out = bp.encode(reply)
        if f.garble:
            out = b"#~" + bytes(range(0x41, 0x41 + 20)) + b"\r\n"
        elif f.crc or f.wrong_unit:
            out = out[:-4] + (b"00" if out[-4:-2] != b"00" else b"FF") + b"\r\n"
        with contextlib.suppress(OSError):
            os.write(self._master, out)

    def handle(self, cmd: str, args: list[str]) -> str:
        c = self.ctrl
        if cmd == "ID":
            return f"!ID model={c.model} serial={c.serial} fw={c.firmware}"
        if cmd == "ST":
            s = c.snapshot()
            b = {True: "1", False: "0"}
            return "!ST " + " ".join(
                [
                    f"mains={b[s['mains_present']]}",
                    f"batt={s['battery_volts']:.2f}",
                    f"low={b[s['battery_low']]}",
                    f"door={b[s['door_open']]}",
                    f"rot={b[s['rotation_fault']]}",
                    f"amp={b[s['amplifier_fault']]}",
                    f"snd={b[s['sounding']]}",
                    f"sig={s['current_signal']}",
                    f"cyc={s['cycles_remaining']}",
                    f"lf={s['last_function']}",
                    f"lft={s['last_function_time']}",
                    f"tok={s['last_token']}",
                    f"clk={s['device_clock']}",
                    f"fw={s['firmware']}",
                    f"test={s['self_test']}",
                    f"kind={s['kind']}",
                ]
            )
        if cmd == "CMD":
            r = c.command_regs
            return f"!CMD sig={r['function']} cyc={r['cycles']} tok={r['token']}"
        if cmd == "SND":
            try:
                sig, cyc, tok = (int(a) for a in args)
            except ValueError:
                return "?SND 3 expected: SND <signal> <cycles> <token>"
            if sig != STOP and sig not in c.signals:
                return f"?SND 3 unknown signal {sig}"
            c.stats.write_frames += 1
            if c.faults.ignore_write:
                r = c.command_regs
                return f"!SND sig={r['function']} cyc={r['cycles']} tok={r['token']}"
            c.command_regs = {"function": sig, "cycles": cyc, "token": tok}
            c.execute(sig, cyc, tok)
            return f"!SND sig={sig} cyc={cyc} tok={tok}"
        return f"?ERR 2 unknown command {cmd}"
