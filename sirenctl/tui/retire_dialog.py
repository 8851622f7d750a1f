"""Retire an asset: names the asset, asks for a reason, records it in the audit log."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Label

from sirenctl.i18n import _
from sirenctl.tui.base import SirenModal, localize_bindings, post_result


class AssetRetired(Message):
    """The retire worker recorded the retirement."""


class RetireDialog(SirenModal):
    """Dismisses with the tag when retired, None when cancelled."""

    DEFAULT_CSS = """
    RetireDialog { align: center middle; }
    RetireDialog #retire-box {
        width: 64; height: auto; border: thick $error; background: $surface; padding: 1 2;
    }
    RetireDialog #retire-buttons { height: 1; margin-top: 1; align-horizontal: right; }
    RetireDialog #retire-buttons Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="retire.cancel")]

    def __init__(self, tag: str) -> None:
        super().__init__()
        localize_bindings(self)
        self.tag = tag

    def compose(self) -> ComposeResult:
        with Vertical(id="retire-box"):
            yield Label(
                _("Retire asset {tag}? It stays on record as retired.").format(tag=self.tag)
            )
            yield Input(placeholder=_("reason (recorded in the audit log)"), id="reason")
            with Horizontal(id="retire-buttons"):
                yield Button(
                    _("Retire {tag}").format(tag=self.tag),
                    id="retire",
                    variant="error",
                    compact=True,
                )
                yield Button(_("Cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#reason")
    @on(Button.Pressed, "#retire")
    def confirm(self) -> None:
        self.retire(self.query_one("#reason", Input).value.strip())

    @work(thread=True, exit_on_error=False, exclusive=True)
    def retire(self, reason: str) -> None:
        self.services.registry.retire_asset(self.tag, reason)
        post_result(self, AssetRetired())

    def on_asset_retired(self, _message: AssetRetired) -> None:
        self.notify(_("{tag} retired").format(tag=self.tag), title=_("Retired"))
        self.dismiss(self.tag)
