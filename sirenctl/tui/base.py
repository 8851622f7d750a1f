"""What every sirenctl screen shares: access to the services and worker error reporting."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, ClassVar

from textual.binding import Binding
from textual.message import Message
from textual.message_pump import MessagePump
from textual.notifications import SeverityLevel
from textual.screen import ModalScreen, Screen
from textual.widgets import Input
from textual.worker import Worker, WorkerState, get_current_worker

from sirenctl.i18n import _
from sirenctl.tui.errors import describe_error

if TYPE_CHECKING:
    from sirenctl.tui.services import Services


def report_worker_error(node: Any, event: Worker.StateChanged) -> None:
    """Show a failed worker's error as a notification saying what to do."""
    if event.state == WorkerState.ERROR and event.worker.error is not None:
        node.notify(
            describe_error(event.worker.error), title=_("Error"), severity="error", timeout=10
        )


def post_result(node: MessagePump, message: Message) -> None:
    """From a thread worker: post ``message`` to ``node`` (handled on the UI thread) unless the
    worker was cancelled (a newer request replaced it) or the node is detached (app closing)."""
    worker = get_current_worker()
    if worker.is_cancelled or not node.is_attached:
        return
    node.post_message(message)


class Notice(Message):
    """A worker's result that is only a notification (handled by every sirenctl screen)."""

    def __init__(
        self,
        text: str,
        *,
        severity: SeverityLevel = "information",
        title: str = "",
        timeout: float | None = None,
    ) -> None:
        super().__init__()
        self.text, self.severity, self.title, self.timeout = text, severity, title, timeout


class ServicesMixin:
    """Access to the app's services, and failed workers reported as notifications."""

    app: Any

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        localize_bindings(self)

    @property
    def services(self) -> Services:
        return self.app.services  # type: ignore[no-any-return]

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_worker_error(self, event)

    def on_notice(self, message: Notice) -> None:
        self.app.notify(
            message.text, title=message.title, severity=message.severity, timeout=message.timeout
        )


class SirenScreen(ServicesMixin, Screen[Any]):
    """A main screen (one per mode)."""


class SirenModal(ServicesMixin, ModalScreen[Any]):
    """A dialog over a main screen."""


# Key names as a technician reads them on the keyboard (help screen, sirenctl/tui/help_screen.py).
KEY_NAMES = {
    "escape": "Esc",
    "slash": "/",
    "question_mark": "?",
    "exclamation_mark": "!",
    "space": "Space",
    "enter": "Enter",
    "delete": "Del",
    "backspace": "Backspace",
    "tab": "Tab",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "home": "Home",
    "end": "End",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "plus": "+",
    "minus": "-",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


def human_key(keys: str) -> str:
    """``escape,q`` -> ``Esc / q``; ``ctrl+s`` -> ``Ctrl+S``; ``f2`` -> ``F2``."""
    shown = []
    for key in keys.split(","):
        parts = key.strip().split("+")
        words = []
        for part in parts:
            if part in KEY_NAMES:
                words.append(KEY_NAMES[part])
            elif part in ("ctrl", "shift", "alt"):
                words.append(part.capitalize())
            elif (
                len(part) > 1
                and part[0] == "f"
                and part[1:].isdigit()
                or len(parts) > 1
                and len(part) == 1
            ):
                words.append(part.upper())
            else:
                words.append(part)
        shown.append("+".join(words))
    return " / ".join(shown)


def localize_bindings(node: Any) -> None:
    """Binding descriptions in the current language (sirenctl/i18n.py). Textual merges
    ``BINDINGS`` once per class at import; each node gets its own copy, translated here, so the
    language can differ between two apps in one process (the snapshot tests)."""
    from dataclasses import replace

    from sirenctl.i18n import _

    bindings = node._bindings
    bindings.key_to_bindings = {
        key: [
            replace(b, description=_(b.description), tooltip=_(b.tooltip)) if b.description else b
            for b in items
        ]
        for key, items in bindings.key_to_bindings.items()
    }


class SearchInput(Input):
    """A screen's search box: Esc leaves it (focus back to the screen's table), so the screen's
    one-key bindings (d, a, g, ?) work again instead of being typed into the box."""

    BINDINGS: ClassVar[list[Any]] = [
        Binding("escape", "leave_search", "Leave search", id="search.leave", show=False)
    ]

    def action_leave_search(self) -> None:
        from textual.widgets import DataTable

        tables = self.screen.query(DataTable)
        if tables:
            tables.first().focus()
        else:
            self.screen.set_focus(None)
