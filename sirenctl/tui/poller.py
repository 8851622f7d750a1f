"""The background status poller: an async worker whose sweeps are chained (the next sweep
starts ``poll_interval`` seconds after the last one finished), publishing each result on a
Textual signal that the Live and Dashboard screens subscribe to."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from textual.signal import Signal
from textual.worker import Worker

from sirenctl.i18n import _
from sirenctl.tui.errors import describe_error

RELOAD_EVERY = 12  # sweeps between re-reading the terminal list from the registry


class StatusPoller:
    def __init__(self, app: Any) -> None:
        self.app = app
        self.signal: Signal[dict[str, Any]] = Signal(app, "status")
        self.worker: Worker[None] | None = None
        self._reload = True
        self._wake = asyncio.Event()

    @property
    def running(self) -> bool:
        worker = self.worker
        return worker is not None and not worker.is_finished and not worker.is_cancelled

    def start(self) -> None:
        if self.app.services.devices is None or self.running:
            return
        self.worker = self.app.run_worker(
            self._loop(), name="status-poller", group="poll", exclusive=True, exit_on_error=False
        )

    def poll_now(self, reload: bool = False) -> None:
        """Start the next sweep at once (and re-read the terminal list if ``reload``)."""
        self._reload = self._reload or reload
        self._wake.set()
        self.start()

    def show_known(self) -> None:
        """Without polling: list the terminals with their stored last known status."""
        if self.app.services.devices is None or self.running:
            return
        self.app.run_worker(
            self._reload_terminals(), name="known-status", group="poll", exit_on_error=False
        )

    async def _reload_terminals(self) -> None:
        services = self.app.services
        devices = services.devices
        first = not devices.states
        assets = await asyncio.to_thread(services.registry.networked_assets)
        await devices.apply(await asyncio.to_thread(devices.plan, assets))
        if first:
            devices.seed(await asyncio.to_thread(services.registry.known_statuses))
        self.signal.publish({"reloaded": True, "states": dict(devices.states)})

    async def _loop(self) -> None:
        services = self.app.services
        devices = services.devices
        try:
            while True:
                if self._reload or devices.sweeps % RELOAD_EVERY == 0:
                    self._reload = False
                    await self._reload_terminals()
                try:
                    changed = await devices.sweep()
                    # the last known status, for the dashboard, `poll --cached` and reports
                    await asyncio.to_thread(services.registry.store_statuses, devices.last_results)
                except Exception as exc:  # noqa: BLE001 - shown, and polling goes on
                    self.app.notify(describe_error(exc), title=_("Status poll"), severity="error")
                    changed = {}
                self.signal.publish({"reloaded": False, "states": changed})
                self._wake.clear()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), services.poll_interval)
        finally:
            await devices.close()
