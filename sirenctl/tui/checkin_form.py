"""Record a check-in at a siren: the work order's checklist, sound heard, measured level,
notes. Recorded by the check-in service (sirenctl/services/checkin.py), the same as
``sirenctl checkin``; problems it finds are shown next to their field. The save worker posts a
typed message (Saved / Refused) back to the form."""

from __future__ import annotations

from datetime import datetime

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import Button, Input, Label, Select, Static

from sirenctl.i18n import L_, _, localized
from sirenctl.labels import RESULT_OUTCOME, TASK
from sirenctl.registry.errors import ValidationFailed
from sirenctl.services.checkin import CheckIn, CheckInResult
from sirenctl.tui.agenda_data import OrderRow
from sirenctl.tui.base import SirenModal
from sirenctl.tui.format import local_time

ANSWERS = [("pass", "pass"), ("fail", "fail")]
YES_NO = [("yes", "yes"), ("no", "no")]


def parse_number(text: str, what: str) -> float | None:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        raise ValueError(L_("{what}: not a number", what=what)) from None


class CheckInForm(SirenModal):
    """Dismisses with the outcome ("pass"/"fail") or None when cancelled."""

    DEFAULT_CSS = """
    CheckInForm { align: center middle; }
    CheckInForm #checkin-box {
        width: 90%; max-width: 100; height: 95%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    CheckInForm .row { height: auto; }
    CheckInForm .row Label { width: 1fr; }
    CheckInForm .row Select { width: 12; }
    CheckInForm .row Input { width: 24; }
    CheckInForm .error { color: $text-error; height: auto; display: none; }
    CheckInForm .error.-shown { display: block; }
    CheckInForm #checkin-buttons { height: 1; align-horizontal: right; }
    CheckInForm #checkin-buttons Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="checkin.save"),
        Binding("f2", "save", "Save", id="checkin.save_f2", show=False),
        Binding("escape", "cancel", "Cancel", id="checkin.cancel"),
    ]

    def __init__(self, order: OrderRow, started_at: datetime | None = None) -> None:
        super().__init__()
        self.order = order
        self.started_at = started_at

    def compose(self) -> ComposeResult:
        order = self.order
        with Vertical(id="checkin-box") as box:
            box.border_title = _("Check-in {tag} · work order #{id}").format(
                tag=order.tag, id=order.id
            )
            box.border_subtitle = _("ctrl+s or F2 save · esc cancel")
            yield Static(
                _("{task} ({campaign}) due {due} · {site} {site_name}").format(
                    task=TASK.show(order.task),
                    campaign=order.campaign,
                    due=local_time(order.due_at),
                    site=order.site,
                    site_name=order.site_name,
                ),
                id="checkin-head",
            )
            with VerticalScroll():
                for number, item in enumerate(order.checklist, 1):
                    with Horizontal(classes="row"):
                        yield Label(f"{number}. {item}")
                        yield Select(ANSWERS, id=f"check-{number}", prompt="answer", compact=True)
                yield Static("", id="err-check", classes="error")
                with Horizontal(classes="row"):
                    yield Label(_("sound heard"))
                    yield Select(YES_NO, id="sound", prompt="heard?", compact=True)
                with Horizontal(classes="row"):
                    yield Label(_("measured level (dB)"))
                    yield Input(id="db", placeholder=_("e.g. 96"), compact=True)
                yield Static("", id="err-db", classes="error")
                with Horizontal(classes="row"):
                    yield Label(_("at distance (m)"))
                    yield Input(id="distance", placeholder=_("e.g. 30"), compact=True)
                yield Static("", id="err-distance", classes="error")
                with Horizontal(classes="row"):
                    yield Label(_("notes"))
                    yield Input(id="notes", placeholder=_("what you saw or fixed"), compact=True)
            yield Static("", id="checkin-message")
            with Horizontal(id="checkin-buttons"):
                yield Button(_("Save check-in"), id="save", variant="primary", compact=True)
                yield Button(_("Cancel"), id="cancel", compact=True)

    def on_mount(self) -> None:
        first = self.query("Select")
        if first:
            first.first().focus()

    def set_error(self, key: str, message: str | None) -> None:
        label = self.query_one(f"#err-{key}", Static)
        label.update(f"↑ {message}" if message else "")
        label.set_class(bool(message), "-shown")

    @on(Input.Changed, "#db, #distance")
    def number_changed(self, event: Input.Changed) -> None:
        key = event.input.id or ""
        try:
            parse_number(event.value, key)
        except ValueError as exc:
            self.set_error(key, localized(exc).split(": ", 1)[-1])
        else:
            self.set_error(key, None)

    def report(self) -> CheckIn:
        answers: dict[str, str] = {}
        for number in range(1, len(self.order.checklist) + 1):
            value = self.query_one(f"#check-{number}", Select).value
            if value is not Select.NULL:  # unanswered items are named by the check-in rules
                answers[str(number)] = str(value)
        heard = self.query_one("#sound", Select).value
        problems = []
        numbers: dict[str, float | None] = {}
        for key, what in (("db", "measured level"), ("distance", "distance")):
            try:
                numbers[key] = parse_number(self.query_one(f"#{key}", Input).value, what)
            except ValueError as exc:
                problems.append((key, localized(exc)))
        if problems:
            raise ValueError(problems)
        notes = self.query_one("#notes", Input).value.strip() or None
        return CheckIn(
            answers=answers,
            sound_heard=None if heard is Select.NULL else heard == "yes",
            measured_db=numbers["db"],
            distance_m=numbers["distance"],
            notes=notes,
        )

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        for key in ("check", "db", "distance"):
            self.set_error(key, None)
        try:
            report = self.report()
        except ValueError as exc:
            for key, message in exc.args[0]:
                self.set_error(key, message)
            return
        self.query_one("#checkin-message", Static).update("saving…")
        self.save(report)

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)

    class Saved(Message):
        """The check-in was recorded (posted by the save worker)."""

        def __init__(self, result: CheckInResult) -> None:
            super().__init__()
            self.result = result

    class Refused(Message):
        """The answers were refused; nothing was recorded (posted by the save worker)."""

        def __init__(self, problems: ValidationFailed) -> None:
            super().__init__()
            self.problems = problems

    @work(thread=True, exit_on_error=False, exclusive=True, group="checkin-save")
    def save(self, report: CheckIn) -> None:
        from sirenctl.services.checkin import check_in

        services = self.services
        try:
            result = check_in(
                services.db,
                services.actor,
                self.order.tag,
                report,
                work_order_id=self.order.id,
                started_at=self.started_at,
                now=services.now(),
            )
        except ValidationFailed as exc:
            self.post_message(self.Refused(exc))
            return
        self.post_message(self.Saved(result))

    def on_check_in_form_refused(self, message: Refused) -> None:
        self.show_problems(message.problems)

    def on_check_in_form_saved(self, message: Saved) -> None:
        self.saved(message.result.outcome)

    def show_problems(self, exc: ValidationFailed) -> None:
        for problem in exc.problems:
            key = problem.field if problem.field in ("check", "db", "distance") else "check"
            self.set_error(key, localized(problem.message))
        self.query_one("#checkin-message", Static).update(_("not saved: fix the marked fields"))

    def saved(self, outcome: str) -> None:
        self.notify(
            _("check-in for {tag} recorded: {outcome}").format(
                tag=self.order.tag, outcome=RESULT_OUTCOME.show(outcome)
            ),
            title=_("Check-in"),
            severity="information" if outcome == "pass" else "warning",
        )
        self.dismiss(outcome)
