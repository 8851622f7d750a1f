"""Dashboard: fleet health at a glance."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid
from textual.message import Message
from textual.widgets import Footer, Header, Static

from sirenctl.i18n import N_, _
from sirenctl.models import AssetKind, AssetStatus
from sirenctl.tui.base import SirenScreen, post_result
from sirenctl.tui.data import FleetSummary
from sirenctl.tui.format import KIND_LABELS, age_text, countdown, local_time


class FleetLoaded(Message):
    """The fleet summary and, with an office database, the agenda and open findings."""

    def __init__(self, summary: FleetSummary, extra: dict[str, Any]) -> None:
        super().__init__()
        self.summary, self.extra = summary, extra


REFRESH_SECONDS = 10.0
SHORT_STATUS = {
    "in_service": N_("ok"),
    "faulty": N_("fault"),
    "under_repair": N_("rep."),
    "retired": N_("ret."),
}


class DashboardScreen(SirenScreen):
    """Counts come from grouped SQL in a worker; the countdown ticks on the UI clock."""

    DEFAULT_CSS = """
    DashboardScreen Grid {
        grid-size: 2 3;
        grid-columns: 1fr 1fr;
        grid-rows: auto auto auto;
        grid-gutter: 0 1;
        padding: 0 1;
    }
    DashboardScreen .panel {
        border: round $primary;
        border-title-color: $text-primary;
        height: auto;
        min-height: 5;
        padding: 0 1;
    }
    DashboardScreen #fleet { row-span: 2; }
    """
    BINDINGS = [Binding("r", "refresh", "Refresh", id="dashboard.refresh")]

    def __init__(self) -> None:
        super().__init__()
        self.summary: FleetSummary | None = None
        self.extra: dict[str, Any] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        with Grid():
            for panel_id, title in (
                ("fleet", N_("Assets by kind and status")),
                ("terminals", N_("Terminals")),
                ("orders", N_("Work orders")),
                ("next", N_("Next trial sounding")),
                ("findings", N_("Findings")),
            ):
                panel = Static(_("loading…"), id=panel_id, classes="panel")
                panel.border_title = _(title)
                yield panel
        yield Footer()

    def on_mount(self) -> None:
        self.title = _("sirenctl")
        self.sub_title = _("Dashboard")
        self.action_refresh()
        self.set_interval(REFRESH_SECONDS, self.action_refresh)
        self.set_interval(1.0, self.tick)
        self.app.poller.signal.subscribe(self, self.on_status)

    def on_status(self, _update: object) -> None:
        self.tick()

    def action_refresh(self) -> None:
        self.load()

    @work(thread=True, exit_on_error=False, exclusive=True, group="dashboard")
    def load(self) -> None:
        services = self.services
        summary = services.registry.fleet_summary()
        extra: dict[str, Any] = {}
        if services.agenda is not None:
            extra["agenda"] = services.agenda.summary(services.now())
            extra["findings"] = services.agenda.open_findings()
        post_result(self, FleetLoaded(summary, extra))

    def on_fleet_loaded(self, message: FleetLoaded) -> None:
        self.show(message.summary, message.extra)

    def show(self, summary: FleetSummary, extra: dict[str, Any]) -> None:
        self.summary, self.extra = summary, extra
        self.query_one("#fleet", Static).update(fleet_table(summary))
        self.query_one("#orders", Static).update(orders_text(extra.get("agenda")))
        self.query_one("#findings", Static).update(findings_text(extra.get("findings")))
        self.tick()

    def tick(self) -> None:
        """Parts that change with time only: status ages and the countdown."""
        if self.summary is None:
            return
        self.query_one("#terminals", Static).update(self.terminals_text())
        self.query_one("#next", Static).update(self.next_text())

    def terminals_text(self) -> Text:
        assert self.summary is not None
        devices = self.services.devices
        text = Text()
        text.append(_("{count} networked").format(count=self.summary.networked), style="bold")
        text.append(_(" ({count} bench)").format(count=self.summary.bench) + "\n")
        if devices is None:
            text.append(_("status polling is off"), style="dim")
            return text
        counts = devices.state_counts()
        text.append(_("ok {count}").format(count=counts.get("ok", 0)), style="green")
        text.append(_(" · faulty {count}").format(count=counts.get("faulty", 0)), style="yellow")
        unreachable = counts.get("unreachable", 0) + counts.get("config", 0)
        text.append(_(" · unreachable {count}").format(count=unreachable) + "\n", style="red")
        oldest = devices.oldest_status_age()
        text.append(
            _("waiting for the first status")
            if oldest is None
            else _("oldest status {age} old").format(age=age_text(oldest))
        )
        return text

    def next_text(self) -> Text:
        agenda = self.extra.get("agenda")
        if agenda is None or agenda.next_sounding is None:
            return Text(_("no trial sounding scheduled"), style="dim")
        when, title = agenda.next_sounding
        text = Text(f"{title}\n", style="bold")
        text.append(
            _("{when}  in {countdown}").format(
                when=local_time(when), countdown=countdown(when - self.services.now())
            )
        )
        return text


def fleet_table(summary: FleetSummary) -> Table:
    statuses = [s for s in AssetStatus]
    table = Table(box=None, padding=(0, 1), expand=True, show_edge=False)
    table.add_column(_("kind"), no_wrap=True)
    for status in statuses:
        table.add_column(_(SHORT_STATUS.get(status, status)), justify="right", no_wrap=True)
    for kind in AssetKind:
        counts = summary.by_kind.get(kind, {})
        if not counts:
            continue
        cells = [str(counts.get(s, 0) or "·") for s in statuses]
        table.add_row(KIND_LABELS.get(kind, kind), *cells)
    table.add_row(_("total"), *[str(summary.count(status=s)) for s in statuses], style="bold")
    table.caption = _("{count:,} assets at {sites} sites").format(
        count=summary.total, sites=summary.sites
    )
    return table


def orders_text(agenda: Any) -> Text:
    if agenda is None:
        return Text(_("no work orders yet (scheduling not set up)"), style="dim")
    text = Text()
    text.append(_("due today {count}").format(count=agenda.due_today) + "\n", style="bold")
    text.append(
        _("overdue {count}").format(count=agenda.overdue) + "  ",
        style="yellow" if agenda.overdue else "",
    )
    text.append(
        _("missed {count}").format(count=agenda.missed), style="bold red" if agenda.missed else ""
    )
    return text


def findings_text(count: int | None) -> Text:
    if count is None:
        return Text(_("no findings recorded yet"), style="dim")
    return Text(_("{count} open").format(count=count), style="bold yellow" if count else "green")
