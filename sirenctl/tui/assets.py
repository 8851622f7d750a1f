"""Assets: a filterable table paged in SQL, a detail pane, add / edit / retire."""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Label, Select

from sirenctl.i18n import _, translate
from sirenctl.models import AssetKind, AssetStatus
from sirenctl.registry.assets import AssetFilter
from sirenctl.tui.asset_detail import AssetDetailPane
from sirenctl.tui.asset_form import AssetFormScreen
from sirenctl.tui.base import SearchInput, SirenScreen, post_result
from sirenctl.tui.data import AssetDetail, AssetRow, Page
from sirenctl.tui.format import KIND_LABELS, STATUS_LABELS
from sirenctl.tui.messages import PageLoaded, SitesLoaded
from sirenctl.tui.retire_dialog import RetireDialog
from sirenctl.tui.table_fit import FitTable, fill_table

FILTER_DELAY = 0.25  # seconds of typing pause before the query runs
COLUMNS = (("tag", 12), ("name", 24), ("kind", 11), ("status", 12), ("site", 14))
FLEXIBLE = ("name", "site")  # give way in this order, down to the widths above


def row_cells(row: AssetRow) -> tuple[str, ...]:
    kind = str(KIND_LABELS.get(row.kind, row.kind)) + (" ★" if row.is_bench else "")
    return (
        row.tag,
        row.name,
        kind,
        str(STATUS_LABELS.get(row.status, row.status)),
        f"{row.site} {row.site_name}",
    )


class AssetDetailLoaded(Message):
    """The asset for the detail pane."""

    def __init__(self, detail: AssetDetail) -> None:
        super().__init__()
        self.detail = detail


class AssetToEdit(Message):
    """The asset as stored now, for the edit form."""

    def __init__(self, detail: AssetDetail) -> None:
        super().__init__()
        self.detail = detail


class AssetsScreen(SirenScreen):
    DEFAULT_CSS = """
    AssetsScreen #filters { height: 1; margin: 0 1; }
    AssetsScreen #filters Input { width: 1fr; }
    AssetsScreen #filters Select { width: 16; margin-left: 1; }
    AssetsScreen #page-info { height: 1; margin: 0 1; color: $text-muted; }
    AssetsScreen #body { height: 1fr; }
    AssetsScreen DataTable { width: 1fr; height: 1fr; }
    """
    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="assets.search"),
        Binding("n", "new_asset", "New", id="assets.new"),
        Binding("e", "edit_asset", "Edit", id="assets.edit"),
        Binding("x", "retire_asset", "Retire", id="assets.retire"),
        Binding("right_square_bracket", "page(1)", "Next", key_display="]", id="assets.next_page"),
        Binding("left_square_bracket", "page(-1)", "Prev", key_display="[", id="assets.prev_page"),
        Binding("escape", "close_detail", "Close detail", show=False, id="assets.close_detail"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.current_page: Page | None = None
        self.page_offset = 0
        self._filter_timer: Timer | None = None
        self._tags: list[str] = []
        self._requested: tuple[AssetFilter, int] | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="filters"):
            yield SearchInput(
                placeholder=_("/ search tag, name, community…"), id="search", compact=True
            )
            yield Select([], prompt=_("site"), id="site", compact=True)
            yield Select(
                [(KIND_LABELS[k], k.value) for k in AssetKind],
                prompt=_("kind"),
                id="kind",
                compact=True,
            )
            yield Select(
                [(STATUS_LABELS[s], s.value) for s in AssetStatus],
                prompt=_("status"),
                id="status",
                compact=True,
            )
        yield Label(_("loading…"), id="page-info")
        with Horizontal(id="body"):
            table = FitTable(id="assets", cursor_type="row", zebra_stripes=True)
            yield table
            yield AssetDetailPane(id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Assets")
        table = self.query_one("#assets", DataTable)
        for name, width in COLUMNS:
            table.add_column(translate(name), key=str(name), width=width)
        self.load_sites()
        self.reload()
        table.focus()

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [
            ("New asset", "Add an asset to the registry (n)", self.action_new_asset),
            ("Edit selected asset", "Edit the highlighted asset (e)", self.action_edit_asset),
            ("Retire selected asset", "Retire the highlighted asset (x)", self.action_retire_asset),
            ("Search assets", "Focus the search box (/)", self.action_focus_search),
        ]

    # ---- filters and paging ----------------------------------------------------------------
    def current_filter(self) -> AssetFilter:
        def value(select_id: str) -> str | None:
            v = self.query_one(f"#{select_id}", Select).value
            return None if v is Select.NULL else str(v)

        text = self.query_one("#search", Input).value.strip()
        return AssetFilter(
            site=value("site"), kind=value("kind"), status=value("status"), text=text or None
        )

    @on(Input.Changed, "#search")
    def search_changed(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self._filter_timer = self.set_timer(FILTER_DELAY, self.filter_now)

    @on(Input.Submitted, "#search")
    def search_submitted(self) -> None:
        if self._filter_timer is not None:
            self._filter_timer.stop()
        self.filter_now()
        self.query_one("#assets", DataTable).focus()

    @on(Select.Changed)
    def select_changed(self) -> None:
        self.filter_now()

    def filter_now(self) -> None:
        self.page_offset = 0
        self.reload(force=False)

    def reload(self, force: bool = True) -> None:
        request = (self.current_filter(), self.page_offset)
        if not force and request == self._requested:
            return  # e.g. the typing pause ends after enter already ran this search
        self._requested = request
        self.query_one("#page-info", Label).update("searching…")
        self.load_page(*request)

    def action_page(self, step: int) -> None:
        if self.current_page is None:
            return
        offset = self.current_page.offset + step * self.current_page.limit
        if offset < 0 or offset >= max(self.current_page.total, 1):
            self.notify(_("no more pages in that direction"), timeout=2)
            return
        self.page_offset = offset
        self.reload()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    @work(thread=True, exit_on_error=False, exclusive=True, group="asset-page")
    def load_page(self, flt: AssetFilter, offset: int) -> None:
        page = self.services.registry.asset_page(flt, offset)
        post_result(self, PageLoaded(page))

    @work(thread=True, exit_on_error=False, group="asset-sites")
    def load_sites(self) -> None:
        post_result(self, SitesLoaded(self.services.registry.site_choices()))

    def on_sites_loaded(self, message: SitesLoaded) -> None:
        choices = message.choices
        select = self.query_one("#site", Select)
        value = select.value
        select.set_options([(label, code) for code, label in choices])
        if value is not Select.NULL and any(code == value for code, _ in choices):
            select.value = value

    def on_fit_table_width_changed(self) -> None:
        if self.current_page is not None:  # fit the columns to the new width
            self.show_page(self.current_page)

    def on_page_loaded(self, message: PageLoaded) -> None:
        self.show_page(message.page)

    def show_page(self, page: Page) -> None:
        self.current_page = page
        self.page_offset = page.offset
        table = self.query_one("#assets", DataTable)
        keep = table.cursor_row if table.row_count else 0
        with self.app.batch_update():
            fill_table(table, COLUMNS, FLEXIBLE, [row_cells(row) for row in page.rows])
        self._tags = [row.tag for row in page.rows]
        if page.rows:
            table.move_cursor(row=min(keep, len(page.rows) - 1))
        more = "  ] next page" if page.has_next else ""
        prev = "  [ previous" if page.offset else ""
        self.query_one("#page-info", Label).update(f"{page.label}{prev}{more}")

    # ---- detail --------------------------------------------------------------------------
    def selected_tag(self) -> str | None:
        table = self.query_one("#assets", DataTable)
        tags = self._tags
        if not tags or table.cursor_row < 0 or table.cursor_row >= len(tags):
            return None
        return tags[table.cursor_row]

    @on(DataTable.RowSelected, "#assets")
    def row_selected(self) -> None:
        tag = self.selected_tag()
        if tag:
            self.load_detail(tag)

    @on(DataTable.RowHighlighted, "#assets")
    def row_highlighted(self) -> None:
        pane = self.query_one(AssetDetailPane)
        tag = self.selected_tag()
        if tag and pane.has_class("-open") and (pane.detail is None or pane.detail.tag != tag):
            self.load_detail(tag)

    @work(thread=True, exit_on_error=False, exclusive=True, group="asset-detail")
    def load_detail(self, tag: str) -> None:
        post_result(self, AssetDetailLoaded(self.services.registry.asset_detail(tag)))

    def on_asset_detail_loaded(self, message: AssetDetailLoaded) -> None:
        self.query_one(AssetDetailPane).show(message.detail)

    def action_close_detail(self) -> None:
        pane = self.query_one(AssetDetailPane)
        if pane.has_class("-open"):
            pane.remove_class("-open")
            self.query_one("#assets", DataTable).focus()

    # ---- changes -------------------------------------------------------------------------
    def action_new_asset(self) -> None:
        self.app.push_screen(AssetFormScreen(None), self.after_change)

    def action_edit_asset(self) -> None:
        tag = self.selected_tag()
        if tag is None:
            self.notify(_("select an asset first (arrow keys, then e)"), severity="warning")
            return
        self.open_editor(tag)

    @work(thread=True, exit_on_error=False, group="asset-open")
    def open_editor(self, tag: str) -> None:
        detail = self.services.registry.asset_detail(tag)
        post_result(self, AssetToEdit(detail))

    def on_asset_to_edit(self, message: AssetToEdit) -> None:
        self.app.push_screen(AssetFormScreen(message.detail), self.after_change)

    def action_retire_asset(self) -> None:
        tag = self.selected_tag()
        if tag is None:
            self.notify(_("select an asset first (arrow keys, then x)"), severity="warning")
            return
        self.app.push_screen(RetireDialog(tag), self.after_change)

    def after_change(self, tag: Any) -> None:
        if not tag:
            return
        self.reload()
        if self.query_one(AssetDetailPane).has_class("-open"):
            self.load_detail(str(tag))
