"""Crank guide: a full-screen timing guide for sounding a hand-crank siren by hand.

It follows a programme's timeline on an injectable clock (tests advance it; nothing sleeps):
big CRANK / STOP cues, seconds left in this phase, which cycle of which signal, and the target
crank speed. When the programme ends the technician records the check-in.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Digits, Footer, ProgressBar, Static

from sirenctl.i18n import N_, _
from sirenctl.scheduling.programmes import Programme
from sirenctl.tui.base import SirenScreen
from sirenctl.tui.big_word import BigWord
from sirenctl.tui.timeline import TARGET_RPM, Position, position

RPM_HINT = N_(
    "crank clockwise at {low}–{high} rpm (about one turn per second, a little faster is fine)"
)
# the big cue word of each phase of sirenctl/tui/timeline.py (摇/停 in Chinese)
CUE_WORDS = {"ready": N_("READY"), "crank": N_("CRANK"), "stop": N_("STOP"), "done": N_("DONE")}


class CrankGuideScreen(SirenScreen):
    DEFAULT_CSS = """
    CrankGuideScreen #cue-box { height: 1fr; align: center middle; padding: 1 2; }
    CrankGuideScreen #cue-box.-crank { background: $success-darken-2; }
    CrankGuideScreen #cue-box.-stop { background: $error-darken-2; }
    CrankGuideScreen #cue-box.-done { background: $primary-darken-2; }
    CrankGuideScreen #cue-box > * { width: 100%; content-align: center middle; }
    CrankGuideScreen Digits { width: auto; height: 3; }
    CrankGuideScreen #seconds-box { height: 3; align: center middle; }
    CrankGuideScreen #where, CrankGuideScreen #hint, CrankGuideScreen #title {
        height: auto; text-align: center;
    }
    CrankGuideScreen #hint { color: $text-muted; }
    CrankGuideScreen ProgressBar { width: 100%; align: center middle; height: 1; }
    """
    BINDINGS = [
        Binding("space", "start", "Start", id="crank.start"),
        Binding("c", "check_in", "Record check-in", id="crank.check_in"),
        Binding("escape", "leave", "Back", id="crank.back"),
    ]

    def __init__(
        self,
        programme: Programme,
        *,
        asset: str | None = None,
        on_check_in: Callable[[], Any] | None = None,
    ) -> None:
        super().__init__()
        self.programme = programme
        self.asset = asset
        self.on_check_in = on_check_in
        self.started_at: float | None = None
        self.current: Position | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="cue-box"):
            title = (
                _("{programme} at {asset}").format(
                    programme=self.programme.shown_title, asset=self.asset
                )
                if self.asset
                else self.programme.shown_title
            )
            yield Static(title, id="title")
            yield BigWord(_(CUE_WORDS["ready"]), id="cue")
            with Vertical(id="seconds-box"):
                yield Digits("", id="seconds")
            yield Static(_("press space to start when the programme begins"), id="where")
            yield Static(_(RPM_HINT).format(low=TARGET_RPM[0], high=TARGET_RPM[1]), id="hint")
            yield ProgressBar(
                total=max(self.programme.total_seconds, 1), show_eta=False, id="progress"
            )
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Crank guide")
        self.set_interval(0.2, self.tick)

    @property
    def clock(self) -> Any:
        return self.services.timer()

    def action_start(self) -> None:
        if self.started_at is None:
            self.started_at = self.clock.now()
            self.tick()

    def tick(self) -> None:
        if self.started_at is None:
            return
        pos = position(self.programme, self.clock.now() - self.started_at)
        self.current = pos
        box = self.query_one("#cue-box")
        for name in ("crank", "stop", "done"):
            box.set_class(pos.action == name, f"-{name}")
        word = CUE_WORDS.get(pos.action)
        self.query_one("#cue", BigWord).set_word(_(word) if word else pos.action.upper())
        self.query_one("#seconds", Digits).update("" if pos.done else str(pos.seconds_left))
        if pos.done:
            text = _("programme finished: press c to record the check-in")
        else:
            text = (
                _("crank for {seconds} s · {step}")
                if pos.action == "crank"
                else _("stop for {seconds} s · {step}")
            ).format(seconds=pos.seconds_left, step=pos.describe())
        self.query_one("#where", Static).update(text)
        self.query_one("#progress", ProgressBar).update(progress=pos.elapsed)

    def action_check_in(self) -> None:
        if self.on_check_in is None:
            self.notify(
                _("open this guide from the Agenda to record a check-in for a work order"),
                severity="warning",
            )
            return
        self.on_check_in()

    def action_leave(self) -> None:
        self.dismiss(None)
