"""One step of a notice's status machine: start work, submit for re-check, record the re-check
(pass or fail, a pass may close at once), or close. Names the notice and what will happen; a note
goes into the notice's history. The service re-checks the transition against the stored status:
if someone else moved the notice meanwhile, its message is shown and nothing changes."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Select, Static

from sirenctl.i18n import N_, _, localized
from sirenctl.labels import term
from sirenctl.registry.errors import Conflict, NotFound, ValidationFailed
from sirenctl.tui.base import SirenModal, post_result
from sirenctl.tui.notices_data import NoticeRow, WorkflowService

WHAT = {  # English (N_), translated where shown
    "start": (N_("Start work on {n}"), N_("status becomes in progress"), N_("Start work")),
    "submit": (
        N_("Submit {n} for re-check"),
        N_(
            "status becomes awaiting re-check: the work is done "
            "and an inspector should re-check it on site"
        ),
        N_("Submit for re-check"),
    ),
    "recheck": (
        N_("Record the re-check of {n}"),
        N_(
            "passed: the notice may be closed (tick to close it now); "
            "failed: the notice is reopened"
        ),
        N_("Record re-check"),
    ),
    "close": (N_("Close {n}"), N_("final: its findings are resolved"), N_("Close notice")),
}
RESULTS = [(N_("passed"), "recheck_pass"), (N_("failed"), "recheck_fail")]


class NoticeActionRefused(Message):
    """The workflow refused the action; ``text`` says why."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class NoticeActionDone(Message):
    """The action was recorded; the notice as it is now."""

    def __init__(self, row: NoticeRow) -> None:
        super().__init__()
        self.row = row


class NoticeActionDialog(SirenModal):
    """Dismisses with the updated :class:`NoticeRow`, or None when cancelled or refused."""

    DEFAULT_CSS = """
    NoticeActionDialog { align: center middle; }
    NoticeActionDialog #action-box {
        width: 76; max-width: 95%; height: auto;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    NoticeActionDialog #action-title { text-style: bold; }
    NoticeActionDialog #action-body { color: $text-muted; margin-bottom: 1; }
    NoticeActionDialog Select, NoticeActionDialog Input { margin-bottom: 1; }
    NoticeActionDialog #action-message { color: $text-error; height: auto; }
    NoticeActionDialog #action-buttons { height: 1; align-horizontal: right; }
    NoticeActionDialog #action-buttons Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("ctrl+s", "confirm", "Confirm", id="notice_action.confirm"),
        Binding("f2", "confirm", "Confirm", id="notice_action.confirm_f2", show=False),
        Binding("escape", "cancel", "Cancel", id="notice_action.cancel"),
    ]

    def __init__(self, notice: NoticeRow, action: str) -> None:
        super().__init__()
        self.notice = notice
        self.action = action

    def compose(self) -> ComposeResult:
        title, body, label = (_(text) for text in WHAT[self.action])
        n = self.notice
        with Vertical(id="action-box") as box:
            box.border_subtitle = _("ctrl+s or F2 confirm · esc cancel")
            yield Static(title.format(n=n.number), id="action-title")
            yield Static(
                _("{status} · {site} {site_name} · deadline {deadline} · {unit} {person}").format(
                    status=term(n.status),
                    site=n.site,
                    site_name=n.site_name,
                    deadline=n.deadline,
                    unit=n.responsible_unit,
                    person=n.responsible_person,
                )
                + f"\n{body}",
                id="action-body",
            )
            if self.action == "recheck":
                yield Select(
                    [(_(text), value) for text, value in RESULTS],
                    prompt=_("re-check result"),
                    id="result",
                    compact=True,
                )
                yield Checkbox(
                    _("close the notice now (a passed re-check only)"),
                    id="close-now",
                    compact=True,
                )
            yield Input(placeholder=_("note for the history (optional)"), id="note", compact=True)
            yield Static("", id="action-message")
            with Horizontal(id="action-buttons"):
                yield Button(label, id="confirm", variant="primary", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        first = "#result" if self.action == "recheck" else "#note"
        self.query_one(first).focus()

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted, "#note")
    @on(Button.Pressed, "#confirm")
    def action_confirm(self) -> None:
        action, close = self.action, False
        if action == "recheck":
            result = self.query_one("#result", Select).value
            if result is Select.NULL:
                self.query_one("#action-message", Static).update(
                    _("choose the re-check result (passed or failed)")
                )
                self.query_one("#result", Select).focus()
                return
            action = str(result)
            close = self.query_one("#close-now", Checkbox).value
            if close and action != "recheck_pass":
                self.query_one("#action-message", Static).update(
                    _("only a passed re-check can close the notice")
                )
                return
        note = self.query_one("#note", Input).value.strip() or None
        self.query_one("#action-message", Static).update(_("saving…"))
        self.apply(action, note, close)

    @work(thread=True, exit_on_error=False, exclusive=True, group="notice-action")
    def apply(self, action: str, note: str | None, close: bool) -> None:
        try:
            row = WorkflowService.of(self.services).act(self.notice.number, action, note, close)
        except (Conflict, NotFound, ValidationFailed) as exc:
            post_result(self, NoticeActionRefused(localized(exc)))
            return
        post_result(self, NoticeActionDone(row))

    def on_notice_action_refused(self, message: NoticeActionRefused) -> None:
        self.notify(message.text, title=_("Refused"), severity="error", timeout=10)
        self.dismiss(None)

    def on_notice_action_done(self, message: NoticeActionDone) -> None:
        row = message.row
        passed = row.recheck_passed and row.status != "closed"
        self.notify(
            (
                _("{number}: {status} (re-check passed)") if passed else _("{number}: {status}")
            ).format(number=row.number, status=term(row.status)),
            title=_("Notice updated"),
        )
        self.dismiss(row)
