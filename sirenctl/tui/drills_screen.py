"""Drills and outreach: what was held where, with participants, certificates and materials."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Label, Select, Static

from sirenctl.i18n import _, ngettext, translate
from sirenctl.models.findings import OutreachKind
from sirenctl.tui.base import SirenScreen, post_result
from sirenctl.tui.drill_form import KIND_LABELS, DrillForm
from sirenctl.tui.drills_data import DrillRow, DrillService
from sirenctl.tui.messages import SitesLoaded
from sirenctl.tui.paged import PagedScreen


class DrillsLoaded(Message):
    """The drills for the site and kind filters."""

    def __init__(self, rows: list[DrillRow]) -> None:
        super().__init__()
        self.rows = rows


COLUMNS = (
    ("date", 10),
    ("site", 14),
    ("kind", 16),
    ("people", 6),
    ("certs", 5),
    ("materials", 9),
    ("title", 30),
)


class DrillsScreen(SirenScreen):
    DEFAULT_CSS = """
    DrillsScreen #drills-filters { height: 1; margin: 0 1; }
    DrillsScreen #drills-filters Select { width: 24; margin-right: 1; }
    DrillsScreen #drills-info { height: 1; margin: 0 1; color: $text-muted; }
    DrillsScreen DataTable { height: 1fr; }
    DrillsScreen #drill { height: auto; max-height: 5; padding: 0 1; border-top: solid $primary; }
    """
    BINDINGS = [
        Binding("n", "new_drill", "Record drill", id="drills.new"),
        Binding("r", "refresh", "Refresh", id="drills.refresh"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[DrillRow] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="drills-filters"):
            yield Select([], prompt=_("site"), id="drills-site", compact=True)
            yield Select(
                [(KIND_LABELS[k.value], k.value) for k in OutreachKind],
                prompt=_("kind"),
                id="drills-kind",
                compact=True,
            )
        yield Label(_("loading…"), id="drills-info")
        table: DataTable[Any] = DataTable(id="drills", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="drill")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Drills and outreach")
        table = self.query_one("#drills", DataTable)
        for name, width in COLUMNS:
            table.add_column(translate(name), key=str(name), width=width)
        self.load_sites()
        self.reload()
        table.focus()

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [
            (
                "Record drill",
                "Record a drill, training or publicity event (n)",
                self.action_new_drill,
            )
        ]

    @work(thread=True, exit_on_error=False, group="drills-sites")
    def load_sites(self) -> None:
        post_result(self, SitesLoaded(self.services.registry.site_choices()))

    def on_sites_loaded(self, message: SitesLoaded) -> None:
        self.query_one("#drills-site", Select).set_options(
            [(label, code) for code, label in message.choices]
        )

    @on(Select.Changed)
    def action_refresh(self) -> None:
        self.reload()

    def reload(self) -> None:
        self.load(
            PagedScreen.select_value(self.query_one("#drills-site", Select)),
            PagedScreen.select_value(self.query_one("#drills-kind", Select)),
        )

    @work(thread=True, exit_on_error=False, exclusive=True, group="drills-page")
    def load(self, site: str | None, kind: str | None) -> None:
        post_result(self, DrillsLoaded(DrillService.of(self.services).rows(site, kind)))

    def on_drills_loaded(self, message: DrillsLoaded) -> None:
        self.rows = rows = message.rows
        table = self.query_one("#drills", DataTable)
        with self.app.batch_update():
            table.clear()
            for r in rows:
                table.add_row(
                    r.held_on.isoformat(),
                    f"{r.site} {r.site_name}",
                    KIND_LABELS.get(r.kind, r.kind),
                    str(r.participants),
                    str(r.certificates),
                    str(r.materials),
                    r.title,
                    key=str(r.id),
                )
        people = sum(r.participants for r in rows)
        certs = sum(r.certificates for r in rows)
        self.query_one("#drills-info", Label).update(
            ngettext(
                "{count} event · {people:,} participants · {certificates:,} certificates",
                "{count} events · {people:,} participants · {certificates:,} certificates",
                len(rows),
            ).format(count=len(rows), people=people, certificates=certs)
            if rows
            else _("no drills or outreach events recorded")
        )
        self.show_drill()

    @on(DataTable.RowHighlighted, "#drills")
    def show_drill(self) -> None:
        index = self.query_one("#drills", DataTable).cursor_row
        panel = self.query_one("#drill", Static)
        if not 0 <= index < len(self.rows):
            panel.update("")
            return
        r = self.rows[index]
        lines = [
            _("#{id} {kind} at {site} {site_name} on {day} · recorded by {by}").format(
                id=r.id,
                kind=KIND_LABELS.get(r.kind, r.kind),
                site=r.site,
                site_name=r.site_name,
                day=r.held_on,
                by=r.recorded_by,
            )
        ]
        extra = []
        if r.certificate_type:
            extra.append(_("certificates: {kind}").format(kind=r.certificate_type))
        if r.materials_note:
            extra.append(_("materials: {note}").format(note=r.materials_note))
        if r.evacuation_minutes is not None:
            extra.append(_("evacuated in {minutes:g} min").format(minutes=r.evacuation_minutes))
        if extra:
            lines.append(" · ".join(extra))
        if r.notes:
            lines.append(r.notes)
        panel.update("\n".join(lines))

    def action_new_drill(self) -> None:
        self.app.push_screen(DrillForm(), self.after_change)

    def after_change(self, result: Any) -> None:
        if result:
            self.reload()
