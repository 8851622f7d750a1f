"""Run a simulated fleet on its own event loop in a background thread.

CLI commands call ``asyncio.run`` themselves, so the simulators they talk to must live on another
loop, exactly as `sirenctl sim run` does in another process.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from typing import Any


@contextmanager
def fleet_in_thread(specs: list[Any], **fleet_kwargs: Any) -> Iterator[Any]:
    from sirenctl.simulators.fleet import SimFleet

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="sim-fleet", daemon=True)
    thread.start()
    fleet = SimFleet(specs, **fleet_kwargs)
    started: Future[Any] = asyncio.run_coroutine_threadsafe(fleet.start(), loop)
    try:
        started.result(timeout=30)
        yield fleet
    finally:
        asyncio.run_coroutine_threadsafe(fleet.stop(), loop).result(timeout=30)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=10)
        loop.close()
