"""Approve a live audible work order from the agenda: the reason and the approver's own
passphrase, asked at that moment (issue 9; the rules are in sirenctl/services/approvals.py)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Static

from sirenctl.i18n import _


@dataclass(frozen=True)
class ApprovalAnswer:
    reason: str
    passphrase: str


class ApproveDialog(ModalScreen[ApprovalAnswer | None]):
    DEFAULT_CSS = """
    ApproveDialog { align: center middle; }
    ApproveDialog #approve-box {
        width: 76; max-width: 95%; height: auto;
        border: thick $warning; background: $surface; padding: 1 2;
    }
    ApproveDialog #approve-title { text-style: bold; color: $text-warning; }
    ApproveDialog #approve-message { color: $text-error; height: auto; }
    ApproveDialog #approve-buttons { height: 1; margin-top: 1; align-horizontal: right; }
    ApproveDialog #approve-buttons Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="approve.cancel")]

    def __init__(self, login: str, what: str, *, ask_passphrase: bool = True) -> None:
        super().__init__()
        self.login = login
        self.what = what
        self.ask_passphrase = ask_passphrase

    def compose(self) -> ComposeResult:
        with Vertical(id="approve-box"):
            yield Static(_("Approve a live sounding"), id="approve-title")
            yield Static(self.what, id="approve-what")
            yield Input(
                placeholder=_("reason, e.g. the notice number of the trial sounding"),
                id="approve-reason",
            )
            if self.ask_passphrase:
                yield Static(
                    _("Passphrase of {login}:").format(login=self.login), id="approve-prompt"
                )
                yield Input(password=True, id="approve-passphrase")
            yield Static("", id="approve-message")
            with Horizontal(id="approve-buttons"):
                yield Button(_("Approve"), id="approve-ok", variant="warning", compact=True)
                yield Button(_("Cancel"), id="approve-cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#approve-reason", Input).focus()

    @on(Input.Submitted, "#approve-reason")
    def reason_given(self) -> None:
        if self.ask_passphrase:
            self.query_one("#approve-passphrase", Input).focus()
        else:
            self.confirmed()

    @on(Input.Submitted, "#approve-passphrase")
    @on(Button.Pressed, "#approve-ok")
    def confirmed(self) -> None:
        reason = self.query_one("#approve-reason", Input).value.strip()
        if not reason:
            self.query_one("#approve-message", Static).update(
                _("an approval needs a reason (e.g. the notice number of the trial sounding)")
            )
            self.query_one("#approve-reason", Input).focus()
            return
        passphrase = (
            self.query_one("#approve-passphrase", Input).value if self.ask_passphrase else ""
        )
        self.dismiss(ApprovalAnswer(reason, passphrase))

    @on(Button.Pressed, "#approve-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
