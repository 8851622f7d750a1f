"""Audit: the append-only log, newest first, filtered and paged in SQL."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Label, Select

from sirenctl.i18n import _, translate
from sirenctl.labels import RESULT_OUTCOME
from sirenctl.tui.audit_data import AuditFilter, AuditRow
from sirenctl.tui.audit_detail import AuditDetailPane
from sirenctl.tui.base import SearchInput, post_result
from sirenctl.tui.data import Page
from sirenctl.tui.format import local_time
from sirenctl.tui.messages import PageLoaded
from sirenctl.tui.paged import PagedScreen, paging_bindings


class AuditActionsLoaded(Message):
    """The action names for the action filter."""

    def __init__(self, actions: list[str]) -> None:
        super().__init__()
        self.actions = actions


COLUMNS = (
    ("time", 11),
    ("operator", 10),
    ("action", 16),
    ("object", 14),
    ("outcome", 7),
    ("change / message", 60),
)


class AuditScreen(PagedScreen):
    DEFAULT_CSS = """
    AuditScreen #audit-filters { height: 1; margin: 0 1; }
    AuditScreen #audit-filters Input { width: 1fr; }
    AuditScreen #audit-filters Select { width: 18; margin-left: 1; }
    AuditScreen #audit-info { height: 1; margin: 0 1; color: $text-muted; }
    AuditScreen DataTable { height: 1fr; }
    """
    BINDINGS = paging_bindings("audit")
    SEARCH_ID = "audit-search"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="audit-filters"):
            yield SearchInput(
                placeholder=_("/ search operator, action, object, message…"),
                id="audit-search",
                compact=True,
            )
            yield Select([], prompt=_("action"), id="audit-action", compact=True)
        yield Label(_("loading…"), id="audit-info")
        table: DataTable[str] = DataTable(id="audit", cursor_type="row", zebra_stripes=True)
        yield table
        yield AuditDetailPane(id="audit-detail")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Audit log")
        table = self.query_one("#audit", DataTable)
        for name, width in COLUMNS:
            table.add_column(translate(name), key=str(name), width=width)
        self.load_actions()
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        if self.current_page is not None:
            self.reload()

    def current_filter(self) -> AuditFilter:
        text = self.query_one("#audit-search", Input).value.strip()
        return AuditFilter(
            text=text or None, action=self.select_value(self.query_one("#audit-action", Select))
        )

    def reload(self) -> None:
        self.load_page(self.current_filter(), self.page_offset)

    @work(thread=True, exit_on_error=False, exclusive=True, group="audit-page")
    def load_page(self, flt: AuditFilter, offset: int) -> None:
        post_result(self, PageLoaded(self.services.registry.audit_page(flt, offset)))

    @work(thread=True, exit_on_error=False, group="audit-actions")
    def load_actions(self) -> None:
        post_result(self, AuditActionsLoaded(self.services.registry.audit_actions()))

    def on_audit_actions_loaded(self, message: AuditActionsLoaded) -> None:
        self.query_one("#audit-action", Select).set_options([(a, a) for a in message.actions])

    def on_page_loaded(self, message: PageLoaded) -> None:
        self.show_page(message.page)

    def show_page(self, page: Page) -> None:
        self.current_page = page
        table = self.query_one("#audit", DataTable)
        with self.app.batch_update():
            table.clear()
            table.add_rows(
                (
                    local_time(r.at, "%m-%d %H:%M"),
                    r.operator,
                    r.action,
                    r.object,
                    RESULT_OUTCOME.show(r.outcome),
                    r.summary,
                )
                for r in page.rows
            )
        self.query_one("#audit-info", Label).update(page.label)
        self.show_record()

    def selected(self) -> AuditRow | None:
        row: AuditRow | None = self.highlighted("audit")
        return row

    @on(DataTable.RowHighlighted, "#audit")
    def show_record(self) -> None:
        self.query_one(AuditDetailPane).show(self.selected())
