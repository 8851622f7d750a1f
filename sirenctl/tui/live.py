"""Live status: networked terminals polled in the background, rows updated in place."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Header, Label

from sirenctl.i18n import _, localized, translate
from sirenctl.labels import DRIVER_FAULT, TERMINAL_STATE
from sirenctl.tui.base import SirenScreen
from sirenctl.tui.devices import TerminalState
from sirenctl.tui.format import age_text

COLUMNS = (
    ("tag", 9),
    ("site", 4),
    ("state", 11),
    ("mains", 5),
    ("batt V", 6),
    ("door", 6),
    ("sound", 5),
    ("age", 6),
    ("note", 50),
)
STATE_STYLES = {
    "ok": "green",
    "faulty": "bold yellow",
    "unreachable": "bold red",
    "pending": "dim",
    "config": "bold red",
}


def state_cells(state: TerminalState, now: float) -> dict[str, Any]:
    """The cells of one row by column key."""
    st = state.status
    label = state.state
    cells: dict[str, Any] = {
        "tag": state.terminal.tag + (" ★" if state.terminal.is_bench else ""),
        "site": state.terminal.site,
        "state": Text(TERMINAL_STATE.show(label), style=STATE_STYLES.get(label, "")),
        "mains": ""
        if st is None
        else (_("on") if st.mains_present else Text(_("OFF"), "bold red")),
        "batt V": "" if st is None else f"{st.battery_volts:.1f}",
        "door": "" if st is None else (Text(_("OPEN"), "bold red") if st.door_open else _("shut")),
        "sound": "" if st is None else (Text(_("YES"), "bold magenta") if st.sounding else _("no")),
        "age": age_text(state.age(now)) if st is not None else "",
        "note": note(state),
    }
    return cells


def note(state: TerminalState) -> str:
    if state.error is not None:
        kind = DRIVER_FAULT.show(state.error_kind or "driver_error")
        stale = _(" (last status shown is old)") if state.status is not None else ""
        return _("{kind}: {error}").format(kind=kind, error=localized(state.error)) + stale
    if state.status is not None and state.status.faulty:
        return ", ".join(localized(fault) for fault in state.status.faults())
    return state.terminal.endpoint


class LiveScreen(SirenScreen):
    DEFAULT_CSS = """
    LiveScreen #live-info { height: 1; margin: 0 1; color: $text-muted; }
    LiveScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("p", "poll_now", "Poll now", id="live.poll_now"),
        Binding("r", "reload", "Reload list", id="live.reload"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("", id="live-info")
        table: DataTable[Any] = DataTable(id="live", cursor_type="row", zebra_stripes=True)
        yield table
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Live status")
        table = self.query_one("#live", DataTable)
        for name, width in COLUMNS:
            table.add_column(translate(name), key=str(name), width=width)
        self.app.poller.signal.subscribe(self, self.on_status)
        self.set_interval(1.0, self.tick_ages)
        devices = self.services.devices
        if devices is None:
            self.info(_("status polling is off: press p to start it (reads only, nothing audible)"))
        else:
            self.rebuild(devices.rows())
            if self.app.poll or self.app.poller.running:
                self.app.poller.start()
            else:
                self.info(
                    _(
                        "status polling is off: last known statuses with their age; "
                        "press p to poll now (reads only, nothing audible)"
                    )
                )
        table.focus()

    def info(self, text: str) -> None:
        self.query_one("#live-info", Label).update(text)

    def action_poll_now(self) -> None:
        if self.services.devices is None:
            from sirenctl.tui.devices import DeviceService

            self.services.devices = DeviceService()
        self.info(_("polling…"))
        self.app.poller.poll_now()

    def action_reload(self) -> None:
        self.app.poller.poll_now(reload=True)

    def on_status(self, update: dict[str, Any]) -> None:
        devices = self.services.devices
        if devices is None:
            return
        if update.get("reloaded"):
            self.rebuild(devices.rows())
        else:
            self.update_rows(update["states"].values())
        counts = devices.state_counts()
        summary = "  ".join(
            f"{TERMINAL_STATE.show(name)} {counts[name]}"
            for name in ("ok", "faulty", "unreachable", "pending", "config")
            if counts.get(name)
        )
        self.info(
            _(
                "{count} terminals: {summary}  · sweep {sweep}, next in {interval:g} s after it ends"
            ).format(
                count=len(devices.states),
                summary=summary,
                sweep=devices.sweeps,
                interval=self.services.poll_interval,
            )
        )

    def rebuild(self, rows: list[TerminalState]) -> None:
        table = self.query_one("#live", DataTable)
        now = self.services.devices.clock.now() if self.services.devices else 0.0
        with self.app.batch_update():
            table.clear()
            for state in rows:
                cells = state_cells(state, now)
                table.add_row(*(cells[name] for name, _w in COLUMNS), key=state.terminal.tag)

    def update_rows(self, states: Any) -> None:
        """Change only the cells of the terminals that were polled (no table rebuild)."""
        table = self.query_one("#live", DataTable)
        now = self.services.devices.clock.now() if self.services.devices else 0.0
        with self.app.batch_update():
            for state in states:
                tag = state.terminal.tag
                if tag not in table.rows:
                    continue
                for name, value in state_cells(state, now).items():
                    if name not in ("tag", "site"):
                        table.update_cell(tag, name, value)

    def tick_ages(self) -> None:
        devices = self.services.devices
        if devices is None:
            return
        table = self.query_one("#live", DataTable)
        now = devices.clock.now()
        with self.app.batch_update():
            for tag, state in devices.states.items():
                if tag in table.rows and state.status is not None:
                    table.update_cell(tag, "age", age_text(state.age(now)))
