"""A simulated fleet in its own process, for tests and benchmarks that need a real other process.

    python -m sirenctl.simulators.fleet_process --count 1000 [--prefix T] [--faults T0003=silent]

Prints one JSON line ``{"TAG": port, ...}`` when every controller listens. Each line read on
stdin is a command: ``stats`` prints one JSON line with, per controller, the commands it
executed (clock time and canonical code), its write frames and whether it is sounding now;
``quit`` (or end of input, or SIGTERM) stops the fleet.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import signal
import sys
from typing import Any

from .faults import Faults, parse_fault_spec
from .fleet import SimFleet, SimSpec


def stats(fleet: SimFleet) -> dict[str, Any]:
    now = fleet.clock.now()
    return {
        name: {
            "commands": [[a.at, a.code] for a in c.stats.commands],
            "write_frames": c.stats.write_frames,
            "sounding": c.sounding(now),
        }
        for name, c in fleet.controllers.items()
    }


async def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(prog="fleet_process")
    ap.add_argument("--count", type=int, default=10)
    ap.add_argument("--prefix", default="T")
    ap.add_argument("--kind", default="electronic")
    ap.add_argument("--faults", default="")
    args = ap.parse_args(argv)
    from sirenctl.drivers.modbus_link import quiet_pymodbus_logs

    quiet_pymodbus_logs()
    faults = parse_fault_spec(args.faults) if args.faults else {}
    specs = [
        SimSpec(name, kind=args.kind, faults=faults.get(name) or Faults())
        for name in (f"{args.prefix}{i:05d}" for i in range(args.count))
    ]
    loop = asyncio.get_running_loop()
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    async with SimFleet(specs) as fleet:
        print(json.dumps({n: ep.port for n, ep in fleet.endpoints.items()}), flush=True)
        reader = asyncio.StreamReader()
        await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
        while not stop.is_set():
            getter = asyncio.ensure_future(reader.readline())
            stopper = asyncio.ensure_future(stop.wait())
            await asyncio.wait({getter, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            if not getter.done():
                getter.cancel()
                break
            line = getter.result().decode().strip()
            if line == "stats":
                print(json.dumps(stats(fleet)), flush=True)
            elif line in ("quit", "") and getter.result() in (b"", b"quit\n"):
                break


if __name__ == "__main__":
    asyncio.run(main())
