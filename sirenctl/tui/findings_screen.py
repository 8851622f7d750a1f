"""Findings: problems found at sirens, with filters (the workflow has its own commands)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static

from sirenctl.models.findings import FindingCategory, FindingStatus, Severity
from sirenctl.tui.base import deliver
from sirenctl.tui.data import Page
from sirenctl.tui.findings_data import (
    FindingQuery,
    FindingRow,
    findings_available,
    findings_page,
)
from sirenctl.tui.format import local_time
from sirenctl.tui.paged import PagedScreen, paging_bindings

COLUMNS = (("#", 5), ("found", 11), ("status", 8), ("severity", 8), ("category", 13),
           ("asset", 9), ("description", 50))
SEVERITY_STYLES = {"critical": "bold red", "major": "yellow", "minor": ""}


class FindingsScreen(PagedScreen):
    DEFAULT_CSS = """
    FindingsScreen #findings-filters { height: 1; margin: 0 1; }
    FindingsScreen #findings-filters Input { width: 1fr; }
    FindingsScreen #findings-filters Select { width: 14; margin-left: 1; }
    FindingsScreen #findings-info { height: 1; margin: 0 1; color: $text-muted; }
    FindingsScreen DataTable { height: 1fr; }
    FindingsScreen #finding { height: auto; max-height: 6; padding: 0 1;
                              border-top: solid $primary; }
    """
    BINDINGS = paging_bindings("findings")
    SEARCH_ID = "findings-search"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="findings-filters"):
            yield Input(placeholder="/ search description, asset, site…", id="findings-search",
                        compact=True)
            yield Select([(s.value, s.value) for s in FindingStatus], value="open",
                         prompt="status", id="findings-status", compact=True)
            yield Select([(s.value, s.value) for s in Severity], prompt="severity",
                         id="findings-severity", compact=True)
            yield Select([(c.value, c.value) for c in FindingCategory], prompt="category",
                         id="findings-category", compact=True)
        yield Label("loading…", id="findings-info")
        table: DataTable[Any] = DataTable(id="findings", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="finding")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Findings"
        table = self.query_one("#findings", DataTable)
        for name, width in COLUMNS:
            table.add_column(name, key=name, width=width)
        self.reload()
        table.focus()

    def current_query(self) -> FindingQuery:
        return FindingQuery(
            status=self.select_value(self.query_one("#findings-status", Select)),
            severity=self.select_value(self.query_one("#findings-severity", Select)),
            category=self.select_value(self.query_one("#findings-category", Select)),
            text=self.query_one("#findings-search", Input).value.strip() or None)

    def reload(self) -> None:
        self.load_page(self.current_query(), self.page_offset)

    @work(thread=True, exit_on_error=False, exclusive=True, group="findings-page")
    def load_page(self, query: FindingQuery, offset: int) -> None:
        db = self.services.db
        if not findings_available(db):
            deliver(self, self.query_one("#findings-info", Label).update,
                    "this database has no findings table yet: run `sirenctl init` to upgrade it")
            return
        deliver(self, self.show_page, findings_page(db, query, offset))

    def show_page(self, page: Page) -> None:
        self.current_page = page
        table = self.query_one("#findings", DataTable)
        with self.app.batch_update():
            table.clear()
            for row in page.rows:
                table.add_row(str(row.id), local_time(row.found_at, "%m-%d %H:%M"), row.status,
                              Text(row.severity, style=SEVERITY_STYLES.get(row.severity, "")),
                              row.category, row.asset or row.site, row.description,
                              key=str(row.id))
        self.query_one("#findings-info", Label).update(page.label)
        self.show_finding()

    @on(DataTable.RowHighlighted, "#findings")
    def show_finding(self) -> None:
        page = self.current_page
        row_index = self.query_one("#findings", DataTable).cursor_row
        panel = self.query_one("#finding", Static)
        if page is None or not 0 <= row_index < len(page.rows):
            panel.update("")
            return
        row: FindingRow = page.rows[row_index]
        lines = [f"#{row.id} {row.severity} {row.category} at {row.asset or row.site} "
                 f"({row.site}), found {local_time(row.found_at)} by {row.found_by}",
                 row.description]
        if row.notice:
            lines.append(f"rectification notice {row.notice}")
        if row.resolution:
            lines.append(f"resolved: {row.resolution}")
        panel.update("\n".join(lines))
