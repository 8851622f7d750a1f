"""Asks the acting person's passphrase for a privileged action (issue 9), hidden as typed."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from sirenctl.i18n import _


class PassphraseDialog(ModalScreen[str | None]):
    DEFAULT_CSS = """
    PassphraseDialog { align: center middle; }
    PassphraseDialog #pass-box {
        width: 72; max-width: 95%; height: auto;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    PassphraseDialog #pass-title { text-style: bold; color: $text-warning; }
    PassphraseDialog #pass-buttons { height: 1; margin-top: 1; align-horizontal: right; }
    PassphraseDialog #pass-buttons Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="passphrase.cancel")]

    def __init__(
        self, login: str, what: str, *, title: str | None = None, body: str | None = None
    ) -> None:
        """``title``/``body`` replace the administrator wording (e.g. a live activation's
        requester and approver)."""
        super().__init__()
        self.login = login
        self.what = what
        self.title_text = title
        self.body_text = body

    def compose(self) -> ComposeResult:
        with Vertical(id="pass-box"):
            yield Static(self.title_text or _("Administrator action"), id="pass-title")
            yield Static(
                self.body_text
                or _("{what} needs an administrator. Passphrase of {login}:").format(
                    what=self.what, login=self.login
                ),
                id="pass-body",
            )
            yield Input(password=True, id="pass-input")
            with Horizontal(id="pass-buttons"):
                yield Button(_("OK"), id="pass-ok", variant="warning", compact=True)
                yield Button(_("Cancel"), id="pass-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#pass-input", Input).focus()

    @on(Input.Submitted, "#pass-input")
    @on(Button.Pressed, "#pass-ok")
    def confirmed(self) -> None:
        self.dismiss(self.query_one("#pass-input", Input).value)

    @on(Button.Pressed, "#pass-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
