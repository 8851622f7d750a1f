"""A simulated bench controller in its own process that logs every command it executes.

Usage: python tests/audit/sim_counter.py LOGFILE TIME_SCALE UNITS
Runs bench units BENCH-00 .. BENCH-<UNITS-1> (generic Modbus TCP, one port each), prints one
JSON line ``{name: {"host", "port"}}``, then runs until SIGTERM. Each executed command is appended
to LOGFILE as a JSON line ``{"unit", "code", "cycles", "token"}``, flushed at once. Used by
tests/audit/test_killed_runs.py.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys


async def main(log_path: str, time_scale: float, units: int) -> None:
    from sirenctl.simulators.controller import SimController
    from sirenctl.simulators.fleet import SimFleet, SimSpec

    log = open(log_path, "a", encoding="utf-8")  # noqa: SIM115 - open for the whole run
    original = SimController.execute
    names: dict[int, str] = {}

    def execute(self: SimController, code: int, cycles: int, token: int | None) -> bool:
        done = original(self, code, cycles, token)
        if done:
            entry = {"unit": names[id(self)], "code": code, "cycles": cycles, "token": token}
            log.write(json.dumps(entry) + "\n")
            log.flush()
        return done

    SimController.execute = execute  # type: ignore[method-assign]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    specs = [SimSpec(f"BENCH-{n:02d}", kind="electronic") for n in range(units)]
    async with SimFleet(specs, time_scale=time_scale) as fleet:
        names.update({id(ctrl): name for name, ctrl in fleet.controllers.items()})
        eps = {name: {"host": ep.host, "port": ep.port} for name, ep in fleet.endpoints.items()}
        print(json.dumps(eps), flush=True)
        await stop.wait()
    log.close()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], float(sys.argv[2]), int(sys.argv[3])))
