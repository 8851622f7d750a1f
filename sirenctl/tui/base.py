"""What every sirenctl screen shares: access to the services and worker error reporting."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ParamSpec

from textual.screen import ModalScreen, Screen
from textual.worker import Worker, WorkerState, get_current_worker

from sirenctl.tui.errors import describe_error

P = ParamSpec("P")

if TYPE_CHECKING:
    from sirenctl.tui.services import Services


def report_worker_error(node: Any, event: Worker.StateChanged) -> None:
    """Show a failed worker's error as a notification saying what to do."""
    if event.state == WorkerState.ERROR and event.worker.error is not None:
        node.notify(describe_error(event.worker.error), title="Error", severity="error", timeout=10)


def deliver(node: Any, callback: Callable[P, object], *args: P.args, **kwargs: P.kwargs) -> None:
    """From a thread worker: run ``callback(*args, **kwargs)`` on the UI thread unless the worker
    was cancelled (a newer request replaced it) or the app is closing."""
    worker = get_current_worker()
    if worker.is_cancelled or not node.is_attached:
        return
    node.app.call_from_thread(callback, *args, **kwargs)


class ServicesMixin:
    """Access to the app's services, and failed workers reported as notifications."""

    app: Any

    @property
    def services(self) -> Services:
        return self.app.services  # type: ignore[no-any-return]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_error(self, event)


class SirenScreen(ServicesMixin, Screen[Any]):
    """A main screen (one per mode)."""


class SirenModal(ServicesMixin, ModalScreen[Any]):
    """A dialog over a main screen."""
