"""Bench test: pick a bench unit and a programme, confirm, watch it play with the echo."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Footer, Header, OptionList, RichLog, Static
from textual.widgets.option_list import Option

from sirenctl.i18n import _, localized
from sirenctl.labels import RESULT_OUTCOME, SIGNAL
from sirenctl.services.bench import BenchPlan
from sirenctl.tui.base import Notice, SirenScreen, post_result
from sirenctl.tui.bench_data import (
    BenchRun,
    BenchUnit,
    bench_units,
    prepare,
    programme_choices,
)
from sirenctl.tui.confirm_dialog import ConfirmDialog
from sirenctl.tui.format import mmss
from sirenctl.tui.timeline import position


def echo_line(rec: Any, t0: float | None) -> Text:
    """One command and what the controller echoed back."""
    at = f"+{mmss(rec.at - t0)}" if t0 is not None else ""
    params = rec.params
    what = SIGNAL.show("stop") if rec.what == "cancel" else rec.what
    text = Text(
        f"{at:>7} "
        + _("{command} signal {signal} x{cycles}").format(
            command=what, signal=params.get("signal_code", ""), cycles=params.get("cycles", "")
        )
        + " "
    )
    if rec.outcome == "ok":
        d = rec.details
        echo = _("echo function {function} token {token}").format(
            function=d.get("echo_function"), token=d.get("echo_token")
        )
        text.append(f"✓ {echo}" + (" " + _("sounding") if d.get("sounding") else ""), style="green")
    else:
        text.append(f"✗ {RESULT_OUTCOME.show(rec.outcome)}: {rec.error}", style="bold red")
    return text


class BenchChoices(Message):
    """The bench units and programmes to choose from."""

    def __init__(self, units: list[BenchUnit], programmes: list[Any]) -> None:
        super().__init__()
        self.units, self.programmes = units, programmes


class BenchPlanned(Message):
    """The bench unit was permitted: the plan, to confirm before it plays."""

    def __init__(self, plan: BenchPlan, programme: Any) -> None:
        super().__init__()
        self.plan, self.programme = plan, programme


class BenchScreen(SirenScreen):
    DEFAULT_CSS = """
    BenchScreen #pickers { height: 8; }
    BenchScreen #pickers OptionList { width: 1fr; height: 1fr; }
    BenchScreen #timeline { height: auto; max-height: 6; padding: 0 1; }
    BenchScreen #progress { height: auto; padding: 0 1; text-style: bold; }
    BenchScreen RichLog { height: 1fr; border: round $primary; }
    """
    BINDINGS = [
        Binding("s", "start", "Sound (bench)", id="bench.start"),
        Binding("c", "stop", "Stop now", id="bench.stop"),
        Binding("r", "refresh", "Refresh", id="bench.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.units: list[BenchUnit] = []
        self.programmes: list[Any] = []
        self.bench_run: BenchRun | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="pickers"):
            units = OptionList(id="units")
            units.border_title = _("Bench unit (bench units only)")
            yield units
            programmes = OptionList(id="programmes")
            programmes.border_title = _("Programme")
            yield programmes
        with Vertical():
            yield Static("", id="timeline")
            yield Static("", id="progress")
            log = RichLog(id="echo", wrap=True, markup=False)
            log.border_title = _("Commands and controller echo")
            yield log
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Bench test")
        self.app.bench_screen = self
        self.action_refresh()
        self.set_interval(0.5, self.tick)

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exit_on_error=False, exclusive=True, group="bench-load")
    def load(self) -> None:
        units = bench_units(self.services.db)
        programmes = programme_choices()
        post_result(self, BenchChoices(units, programmes))

    def on_bench_choices(self, message: BenchChoices) -> None:
        self.units, self.programmes = units, programmes = message.units, message.programmes
        unit_list = self.query_one("#units", OptionList)
        unit_list.set_options(Option(f"{u.tag}  {u.name}", id=u.tag) for u in units)
        prog_list = self.query_one("#programmes", OptionList)
        prog_list.set_options(
            Option(f"{p.key}  ({mmss(p.total_seconds)})", id=p.key) for p in programmes
        )
        if units:
            unit_list.highlighted = 0
        else:
            self.query_one("#timeline", Static).update(
                _(
                    "No bench units. Flag a test-bench asset as a bench unit (Assets, e, "
                    "is_bench) to use this screen; live sirens are never offered here."
                )
            )
        if programmes:
            prog_list.highlighted = 0
        unit_list.focus()

    def selected(self) -> tuple[BenchUnit | None, Any]:
        unit_index = self.query_one("#units", OptionList).highlighted
        prog_index = self.query_one("#programmes", OptionList).highlighted
        unit = self.units[unit_index] if unit_index is not None and self.units else None
        programme = (
            self.programmes[prog_index] if prog_index is not None and self.programmes else None
        )
        return unit, programme

    @on(OptionList.OptionHighlighted, "#programmes")
    def programme_highlighted(self) -> None:
        _unit, programme = self.selected()
        if programme is not None and self.bench_run is None:
            lines = "\n".join(programme.describe())
            total = _("total {duration}").format(duration=mmss(programme.total_seconds))
            self.query_one("#timeline", Static).update(f"{programme.shown_title}\n{lines}\n{total}")

    # ---- start: permit from a fresh registry read, then a confirmation naming everything ------
    def action_start(self) -> None:
        if self.bench_run is not None:
            self.notify(_("a bench test is already playing (c stops it)"), severity="warning")
            return
        unit, programme = self.selected()
        if unit is None or programme is None:
            self.notify(_("pick a bench unit and a programme first"), severity="warning")
            return
        self.check_unit(unit.tag, programme)

    @work(thread=True, exit_on_error=False, group="bench-prepare")
    def check_unit(self, tag: str, programme: Any) -> None:
        from sirenctl.devices import NotABenchUnit

        try:
            plan = prepare(self.services.db, self.services.operator, tag, programme.key)
        except NotABenchUnit as exc:  # recorded by sirenctl/services/bench.py
            message = _("refused: {error}").format(error=localized(exc))
            post_result(self, Notice(message, severity="error", timeout=10))
            return
        post_result(self, BenchPlanned(plan, programme))

    def on_bench_planned(self, message: BenchPlanned) -> None:
        plan, programme = message.plan, message.programme
        body = _(
            "Asset:     {tag}  {name}  (BENCH UNIT)\n"
            "Programme: {programme}: {title}\n"
            "Duration:  {duration}\n\n"
            "This is a BENCH TEST: only this bench unit is sent commands. "
            "Press c at any time to stop it."
        ).format(
            tag=plan.tag,
            name=plan.name,
            programme=programme.key,
            title=programme.shown_title,
            duration=mmss(programme.total_seconds),
        )
        dialog = ConfirmDialog(
            _("Sound bench test on {tag}?").format(tag=plan.tag),
            body,
            _("Sound bench test on {tag}").format(tag=plan.tag),
        )
        self.app.push_screen(dialog, lambda ok: self.start(plan, programme) if ok else None)

    def start(self, plan: BenchPlan, programme: Any) -> None:
        log = self.query_one("#echo", RichLog)
        log.clear()
        log.write(
            Text(
                _("BENCH TEST {tag}: {programme} (c here or F9 anywhere stops it)").format(
                    tag=plan.tag, programme=programme.key
                ),
                style="bold",
            )
        )
        self.bench_run = BenchRun(
            self.services.db,
            self.services.operator,
            plan,
            programme,
            self.services.timer(),
            on_command=self.on_command,
        )
        self.play(self.bench_run)

    def on_command(self, rec: Any) -> None:
        run = self.bench_run
        self.query_one("#echo", RichLog).write(echo_line(rec, run.started_at if run else None))

    @work(exit_on_error=False, exclusive=True, group="bench-play")
    async def play(self, run: BenchRun) -> None:
        import asyncio

        from sirenctl.devices import NotABenchUnit
        from sirenctl.drivers.errors import DriverError

        try:
            result = await run.play()
            outcome = await asyncio.to_thread(run.record_result, result)
        except (NotABenchUnit, DriverError) as exc:  # identity not proven: nothing was sent
            message = _("refused, nothing was sent: {error}").format(error=localized(exc))
            self.query_one("#progress", Static).update(Text(message, style="bold red"))
            self.notify(message, severity="error", timeout=10)
            return
        finally:
            self.bench_run = None
        if self.is_attached:  # quitting the app: the stop was sent and the result recorded
            self.finished(run, result, outcome)

    def finished(self, run: BenchRun, result: Any, outcome: str) -> None:
        good = sum(1 for s in result.steps if s.outcome == "ok")
        summary = _("{outcome}: {good} of {steps} steps played and echoed; result recorded").format(
            outcome=RESULT_OUTCOME.show(outcome).upper(), good=good, steps=len(result.steps)
        )
        if result.cancelled:
            summary += (
                _("; stop command sent and verified: the unit is silent")
                if result.stop_verified
                else _("; STOP NOT VERIFIED ({error}): check the unit now").format(
                    error=localized(result.stop_error)
                )
            )
        if result.final_error:
            summary += _("; final status unreadable ({error})").format(
                error=localized(result.final_error)
            )
        style = (
            "bold green"
            if outcome == "pass"
            else "bold yellow"
            if result.cancelled and result.stop_verified
            else "bold red"
        )
        self.query_one("#progress", Static).update(Text(summary, style=style))
        self.query_one("#echo", RichLog).write(Text(summary, style=style))
        self.notify(
            summary,
            title=_("Bench test {tag}").format(tag=run.plan.tag),
            severity="information"
            if outcome == "pass"
            else "warning"
            if result.cancelled
            else "error",
        )

    def action_stop(self) -> None:
        if self.bench_run is None:
            self.notify(_("nothing is playing"), timeout=2)
            return
        self.workers.cancel_group(self, "bench-play")  # the player sends and verifies stop
        self.query_one("#progress", Static).update(
            Text(_("STOPPING: sending the stop command and verifying it..."), style="bold yellow")
        )

    def tick(self) -> None:
        run = self.bench_run
        if run is None or run.started_at is None:
            return
        pos = position(run.programme, run.clock.now() - run.started_at)
        self.query_one("#progress", Static).update(pos.describe())
