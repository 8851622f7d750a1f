"""LIVE activation: exercise (two people) or emergency (one, with a reason). NOT a test screen.

Red throughout, a big LIVE / 实战 banner, its own keys (F2 arm, F8 fire, Esc cancels). It calls
the same service as ``sirenctl activate`` (sirenctl/services/activation.py): arm, then fire on
confirmation within the armed window; Esc disarms, or stops every siren while it plays.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import (
    Footer,
    Header,
    Input,
    Label,
    OptionList,
    RadioButton,
    RadioSet,
    RichLog,
    SelectionList,
    Static,
)
from textual.widgets.option_list import Option

from sirenctl.i18n import N_, _
from sirenctl.services.activation import DEFAULT_ARM_SECONDS, ActivationMode
from sirenctl.tui.activate_data import (
    ActivationRequest,
    Armed,
    FireRun,
    LiveUnit,
    Stage,
    arm_request,
    audible_programmes,
    disarm_armed,
    live_units,
)
from sirenctl.tui.activate_messages import (
    ActivationArmed,
    ActivationChoices,
    ActivationFinished,
    ActivationProblem,
    ActivationStep,
)
from sirenctl.tui.base import SirenScreen, post_result
from sirenctl.tui.big_word import BigWord
from sirenctl.tui.confirm_dialog import ConfirmDialog
from sirenctl.tui.errors import describe_error
from sirenctl.tui.format import mmss
from sirenctl.tui.passphrase_dialog import PassphraseDialog

BANNER_WORD = "LIVE"
BANNER_CN = "实战"  # shown in every language: the office's own word for it
MODE_LABELS = {ActivationMode.EXERCISE: N_("exercise"), ActivationMode.EMERGENCY: N_("emergency")}
# why an armed activation was disarmed: audited in English, shown translated
DISARM_REASONS = {
    "cancelled by the operator": N_("cancelled by the operator"),
    "arming window passed": N_("arming window passed"),
    "the program was closed": N_("the program was closed"),
}


class ActivateScreen(SirenScreen):
    DEFAULT_CSS = """
    ActivateScreen { background: $error 12%; }
    ActivateScreen #banner { background: $error; color: $text; }
    ActivateScreen #banner-caption {
        width: 100%; height: 1; background: $error; color: $text;
        text-style: bold; content-align: center middle;
    }
    ActivateScreen #pickers { height: 7; }
    ActivateScreen #pickers > * { height: 1fr; border: round $error; }
    ActivateScreen #mode { width: 28; }
    ActivateScreen #units, ActivateScreen #programmes { width: 1fr; }
    ActivateScreen .row { height: 1; }
    ActivateScreen .row Label { width: 22; padding: 0 1; }
    ActivateScreen .row Input { height: 1; border: none; width: 1fr; padding: 0 1; }
    ActivateScreen #state { height: auto; padding: 0 1; text-style: bold; color: $text-error; }
    ActivateScreen RichLog { height: 1fr; border: round $error; }
    """
    BINDINGS = [
        Binding("f2", "arm", "Arm", id="activate.arm"),
        Binding("f8", "fire", "FIRE", id="activate.fire"),
        Binding("escape", "cancel", "Disarm / stop", id="activate.cancel", priority=True),
        Binding("r", "refresh", "Refresh", id="activate.refresh", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.stage = Stage.IDLE
        self.units: list[LiveUnit] = []
        self.programmes: list[Any] = []
        self.armed: Armed | None = None
        self.fire_run: FireRun | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield BigWord(BANNER_WORD, id="banner")
        yield Static(
            f"{BANNER_CN} · " + _("LIVE ACTIVATION: real sirens, NOT a test"), id="banner-caption"
        )
        with Horizontal(id="pickers"):
            with RadioSet(id="mode") as modes:
                modes.border_title = _("Mode")
                yield RadioButton(_("exercise (2 people)"), id="mode-exercise")
                yield RadioButton(_("emergency (1 person)"), id="mode-emergency")
            units: SelectionList[str] = SelectionList(id="units")
            units.border_title = _("Live sirens (space marks)")
            yield units
            programmes = OptionList(id="programmes")
            programmes.border_title = _("Programme")
            yield programmes
        for field_id, label, value in (
            ("approver", _("Approver login"), ""),
            ("reason", _("Reason (audited)"), ""),
            ("arm-seconds", _("Arm window (s)"), f"{DEFAULT_ARM_SECONDS:g}"),
        ):
            with Horizontal(classes="row"):
                yield Label(label)
                yield Input(value, id=field_id)
        yield Static("", id="state")
        log = RichLog(id="log", wrap=True, markup=False)
        log.border_title = _("Commands and results")
        yield log
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("LIVE activation")
        self.action_refresh()
        self.set_interval(0.25, self.tick)
        self.show_state(
            _("Choose the mode, mark the sirens, pick the programme, give a reason; F2 arms.")
        )

    def on_unmount(self) -> None:
        if self.fire_run is not None:  # quitting while sounding: every siren is told to stop
            self.fire_run.stop()
        elif self.stage is Stage.ARMED and self.armed is not None:  # quitting while armed
            disarm_armed(self.services.db, self.armed, "the program was closed")

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exit_on_error=False, exclusive=True, group="activate-load")
    def load(self) -> None:
        units, programmes = live_units(self.services.db), audible_programmes()
        post_result(self, ActivationChoices(units, programmes))

    def on_activation_choices(self, message: ActivationChoices) -> None:
        self.units, self.programmes = units, programmes = message.units, message.programmes
        unit_list: SelectionList[str] = self.query_one("#units", SelectionList)
        unit_list.clear_options()
        unit_list.add_options([(f"{u.tag}  {u.name}", u.tag) for u in units])
        prog_list = self.query_one("#programmes", OptionList)
        prog_list.set_options(
            Option(f"{p.key}  ({mmss(p.total_seconds)})", id=p.key) for p in programmes
        )

    # ---- the request -------------------------------------------------------------------------
    def mode(self) -> ActivationMode | None:
        pressed = self.query_one("#mode", RadioSet).pressed_button
        if pressed is None or pressed.id is None:
            return None
        return ActivationMode(pressed.id.removeprefix("mode-"))

    @on(RadioSet.Changed, "#mode")
    def mode_changed(self) -> None:
        self.query_one("#approver", Input).disabled = self.mode() is ActivationMode.EMERGENCY

    def request(self) -> ActivationRequest | None:
        mode = self.mode()
        if mode is None:
            return None
        index = self.query_one("#programmes", OptionList).highlighted
        return ActivationRequest(
            mode=mode,
            tags=tuple(self.query_one("#units", SelectionList).selected),
            programme=self.programmes[index] if index is not None else None,
            reason=self.query_one("#reason", Input).value,
            approver=self.query_one("#approver", Input).value,
            arm_seconds_text=self.query_one("#arm-seconds", Input).value,
        )

    def show_state(self, text: str, style: str = "bold") -> None:
        self.query_one("#state", Static).update(Text(text, style=style))

    def log_line(self, text: str, style: str = "") -> None:
        self.query_one("#log", RichLog).write(Text(text, style=style))

    # ---- arm: passphrases, then the service arms (audited, notified); nothing is sent --------
    def action_arm(self) -> None:
        if self.stage is not Stage.IDLE:
            self.notify(_("an activation is already armed or playing"), severity="warning")
            return
        request = self.request()
        if request is None:
            self.show_state(_("choose the mode first: exercise or emergency"), "bold red")
            return
        problems = request.problems(self.services.operator)
        if problems:
            self.show_state(
                _("not armed: {problems}").format(problems="; ".join(problems)), "bold red"
            )
            return
        self.stage = Stage.ARMING
        login = self.services.operator
        what = _("LIVE {mode} activation").format(mode=_(MODE_LABELS[request.mode]))
        body = _("{login} requests: {what}. Passphrase of {login}:").format(login=login, what=what)
        dialog = PassphraseDialog(login, what, title=_("LIVE activation: requester"), body=body)
        self.app.push_screen(dialog, lambda p: self.requester_answered(request, p))

    def requester_answered(self, request: ActivationRequest, passphrase: str | None) -> None:
        if passphrase is None:
            self.not_armed(_("not armed (cancelled)"))
        elif request.mode is ActivationMode.EMERGENCY:
            self.arm_now(request, passphrase, None)
        else:
            approver = request.approver.strip()
            body = _(
                "{approver}, a different person with the approver role, approves the LIVE "
                "exercise on {tags}. Passphrase of {approver}:"
            ).format(approver=approver, tags=", ".join(request.tags))
            dialog = PassphraseDialog(
                approver, "", title=_("LIVE exercise: second person"), body=body
            )
            self.app.push_screen(
                dialog,
                lambda p2: (
                    self.arm_now(request, passphrase, p2)
                    if p2 is not None
                    else self.not_armed(_("not armed (cancelled)"))
                ),
            )

    def not_armed(self, text: str) -> None:
        self.stage = Stage.IDLE
        self.show_state(text, "bold red")

    @work(thread=True, exit_on_error=False, group="activate-arm")
    def arm_now(self, request: ActivationRequest, passphrase: str, second: str | None) -> None:
        try:
            armed = arm_request(
                self.services.db, request, self.services.operator, passphrase, second,
                now=self.services.timer().now(),
            )  # fmt: skip
        except Exception as exc:  # refused or not authenticated: recorded, nothing was sent
            self.post_message(
                ActivationProblem(_("not armed: {error}").format(error=describe_error(exc)))
            )
            return
        self.post_message(ActivationArmed(armed))

    def on_activation_armed(self, message: ActivationArmed) -> None:
        self.stage, self.armed = Stage.ARMED, message.armed
        self.log_line("!!! " + message.armed.activation.describe() + " !!!", "bold red")
        self.tick()

    def on_activation_problem(self, message: ActivationProblem) -> None:
        self.armed, self.fire_run = None, None
        self.not_armed(message.text)
        self.log_line(message.text, "bold red")
        self.notify(message.text, severity="error", timeout=10)

    def tick(self) -> None:
        armed = self.armed
        if self.stage is not Stage.ARMED or armed is None:
            return
        left = armed.activation.fire_by - self.services.timer().now()
        if left <= 0:
            self.disarm("arming window passed")
            return
        self.show_state(
            _(
                "ARMED ({mode}): {left} left to fire. F8 fires after a confirmation; Esc disarms."
            ).format(mode=_(MODE_LABELS[armed.activation.mode]).upper(), left=mmss(left)),
            "bold white on red",
        )

    # ---- fire: a confirmation naming mode, sirens and programme, then send at once ---------
    def action_fire(self) -> None:
        armed = self.armed
        if self.stage is not Stage.ARMED or armed is None:
            self.notify(_("arm first (F2); nothing was sent"), severity="warning")
            return
        act = armed.activation
        body = "\n".join(
            (
                _("Mode:      LIVE {mode}").format(mode=_(MODE_LABELS[act.mode]).upper()),
                _("Sirens:    {tags}").format(tags=", ".join(act.tags)),
                _("Programme: {key}: {title}").format(
                    key=act.programme, title=armed.programme.shown_title
                ),
                _("Reason:    {reason}").format(reason=act.reason),
                _("Approver:  {approver}").format(approver=act.approver or _("none (emergency)")),
                "",
                _("Real sirens will sound now. Esc stops every one of them."),
            )
        )
        dialog = ConfirmDialog(
            _("LIVE {mode}: sound {n} siren(s) now?").format(
                mode=_(MODE_LABELS[act.mode]).upper(), n=len(act.tags)
            ),
            body,
            _("FIRE: sound live sirens"),
        )
        self.app.push_screen(dialog, lambda ok: self.start_fire(armed) if ok else None)

    def start_fire(self, armed: Armed) -> None:
        if self.stage is not Stage.ARMED or self.armed is not armed:
            self.notify(_("no longer armed; nothing was sent"), severity="warning")
            return
        self.stage = Stage.FIRING
        self.fire_run = FireRun(self.services.db, armed, self.services.timer(), self.on_step)
        self.show_state(
            _("FIRING: sending to every siren now (Esc stops them all)"), "bold white on red"
        )
        self.fire_worker(self.fire_run)

    def on_step(self, tag: str, outcome: Any) -> None:  # on the firing thread
        word = "sending" if outcome.outcome == "not_run" else outcome.outcome  # the step starts
        text = f"{tag}: step {outcome.index} signal {outcome.step.signal_code}: {word}"
        self.post_message(ActivationStep(tag, text, outcome.outcome == "ok"))

    @work(thread=True, exit_on_error=False, group="activate-fire")
    def fire_worker(self, run: FireRun) -> None:
        try:
            result = run.run()
        except Exception as exc:  # the window closed, or the database failed
            self.post_message(ActivationProblem(describe_error(exc)))
            return
        self.post_message(ActivationFinished(result))

    def on_activation_step(self, message: ActivationStep) -> None:
        self.log_line(message.text, "green" if message.ok else "bold red")

    def on_activation_finished(self, message: ActivationFinished) -> None:
        self.stage, self.armed, self.fire_run = Stage.IDLE, None, None
        result = message.result
        if result is None:
            self.show_state(_("stopped before anything was sent; disarmed"), "bold yellow")
            return
        units = result.to_dict()["units"]
        for tag, unit in units.items():
            error = f" ({unit['error']})" if unit["error"] else ""
            self.log_line(
                f"{tag}: {unit['outcome']}{error}",
                "green" if unit["outcome"] == "done" else "bold red",
            )
        done = sum(1 for u in units.values() if u["outcome"] == "done")
        summary = _("finished: {done} of {n} siren(s) played; recorded").format(
            done=done, n=len(units)
        )
        if result.cancelled:
            summary = _("STOPPED: stop sent to every siren; recorded")
        self.show_state(summary, "bold green" if done == len(units) else "bold yellow")
        self.notify(summary, severity="information" if done == len(units) else "warning")

    # ---- cancel: one key, always --------------------------------------------------------------
    def action_cancel(self) -> None:
        if self.stage is Stage.ARMED:
            self.disarm("cancelled by the operator")
        elif self.stage is Stage.FIRING and self.fire_run is not None:
            self.stage = Stage.STOPPING
            self.fire_run.stop()
            self.show_state(
                _("STOPPING: sending stop to every siren and verifying..."), "bold yellow"
            )
        elif self.stage is Stage.IDLE:
            self.notify(_("nothing is armed"), timeout=2)

    def disarm(self, why: str) -> None:
        armed = self.armed
        self.stage, self.armed = Stage.IDLE, None  # at once: nothing can fire from here on
        if armed is not None:
            shown = _(DISARM_REASONS[why])
            self.show_state(
                _("DISARMED ({why}): nothing was sent").format(why=shown), "bold yellow"
            )
            self.log_line(_("disarmed: {why}").format(why=shown), "bold yellow")
            self.record_disarm(armed, why)

    @work(thread=True, exit_on_error=False, group="activate-disarm")
    def record_disarm(self, armed: Armed, why: str) -> None:
        disarm_armed(self.services.db, armed, why)
