"""Findings: problems found at sirens, with filters; record one by hand (an inspection), mark
open ones of a site and issue a rectification notice for them; the notices and drills are a key
away."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static

from sirenctl.i18n import _, translate
from sirenctl.labels import term
from sirenctl.models.findings import FindingCategory, FindingStatus, Severity
from sirenctl.tui.base import SearchInput, post_result
from sirenctl.tui.data import Page
from sirenctl.tui.finding_form import FindingForm
from sirenctl.tui.findings_data import (
    FindingQuery,
    FindingRow,
    findings_available,
    findings_page,
)
from sirenctl.tui.format import local_time
from sirenctl.tui.messages import PageLoaded
from sirenctl.tui.notice_form import NoticeForm
from sirenctl.tui.paged import PagedScreen, paging_bindings

COLUMNS = (
    ("#", 5),
    ("found", 11),
    ("status", 8),
    ("severity", 8),
    ("category", 13),
    ("asset", 9),
    ("description", 50),
)
SEVERITY_STYLES = {"critical": "bold red", "major": "yellow", "minor": ""}


class FindingsMissing(Message):
    """The database has no findings table (an older schema)."""


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
    BINDINGS = [
        Binding("n", "new_finding", "New", id="findings.new"),
        Binding("space", "mark", "Mark", id="findings.mark"),
        Binding("i", "issue_notice", "Issue notice", id="findings.issue_notice"),
        Binding("o", "app.switch_mode('notices')", "Notices", id="findings.notices"),
        Binding("w", "app.switch_mode('drills')", "Drills", id="findings.drills"),
        *paging_bindings("findings"),
    ]
    SEARCH_ID = "findings-search"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="findings-filters"):
            yield SearchInput(
                placeholder=_("/ search description, asset, site…"),
                id="findings-search",
                compact=True,
            )
            yield Select(
                [(term(s.value), s.value) for s in FindingStatus],
                value="open",
                prompt=_("status"),
                id="findings-status",
                compact=True,
            )
            yield Select(
                [(term(s.value), s.value) for s in Severity],
                prompt=_("severity"),
                id="findings-severity",
                compact=True,
            )
            yield Select(
                [(term(c.value), c.value) for c in FindingCategory],
                prompt=_("category"),
                id="findings-category",
                compact=True,
            )
        yield Label(_("loading…"), id="findings-info")
        table: DataTable[Any] = DataTable(id="findings", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="finding")
        yield Footer()

    def __init__(self) -> None:
        super().__init__()
        self.marked: dict[int, FindingRow] = {}  # findings chosen for one notice

    def on_mount(self) -> None:
        self.sub_title = _("Findings")
        table = self.query_one("#findings", DataTable)
        for name, width in COLUMNS:
            table.add_column(translate(name), key=str(name), width=width)
        self.reload()
        table.focus()

    def current_query(self) -> FindingQuery:
        return FindingQuery(
            status=self.select_value(self.query_one("#findings-status", Select)),
            severity=self.select_value(self.query_one("#findings-severity", Select)),
            category=self.select_value(self.query_one("#findings-category", Select)),
            text=self.query_one("#findings-search", Input).value.strip() or None,
        )

    def reload(self) -> None:
        self.load_page(self.current_query(), self.page_offset)

    @work(thread=True, exit_on_error=False, exclusive=True, group="findings-page")
    def load_page(self, query: FindingQuery, offset: int) -> None:
        db = self.services.db
        if not findings_available(db):
            post_result(self, FindingsMissing())
            return
        post_result(self, PageLoaded(findings_page(db, query, offset)))

    def on_findings_missing(self, _message: FindingsMissing) -> None:
        self.query_one("#findings-info", Label).update(
            _("this database has no findings table yet: run `sirenctl init` to upgrade it")
        )

    def on_page_loaded(self, message: PageLoaded) -> None:
        self.show_page(message.page)

    def show_page(self, page: Page) -> None:
        self.current_page = page
        table = self.query_one("#findings", DataTable)
        with self.app.batch_update():
            table.clear()
            for row in page.rows:
                table.add_row(
                    self.id_cell(row),
                    local_time(row.found_at, "%m-%d %H:%M"),
                    term(row.status),
                    Text(term(row.severity), style=SEVERITY_STYLES.get(row.severity, "")),
                    term(row.category),
                    row.asset or row.site,
                    row.description,
                    key=str(row.id),
                )
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
        lines = [
            _("#{id} {severity} {category} at {where} ({site}), found {found} by {by}").format(
                id=row.id,
                severity=term(row.severity),
                category=term(row.category),
                where=row.asset or row.site,
                site=row.site,
                found=local_time(row.found_at),
                by=row.found_by,
            ),
            row.description,
        ]
        if row.notice:
            lines.append(_("rectification notice {number}").format(number=row.notice))
        if row.resolution:
            lines.append(_("resolved: {resolution}").format(resolution=row.resolution))
        lines.append(self.workflow_hint(row))
        panel.update("\n".join(lines))
        self.refresh_bindings()

    # ---- the workflow --------------------------------------------------------------------------
    def palette_commands(self) -> list[tuple[str, str, Any]]:
        out: list[tuple[str, str, Any]] = [
            (
                _("New finding"),
                _("Record a finding by hand, an inspection (n)"),
                self.action_new_finding,
            )
        ]
        if self.check_action("issue_notice", ()):
            out.append(
                (
                    _("Issue rectification notice"),
                    _("For the marked findings, or the highlighted one (i)"),
                    self.action_issue_notice,
                )
            )
        return out

    @staticmethod
    def can_notice(row: FindingRow) -> bool:
        return row.status == "open" and not row.notice

    def id_cell(self, row: FindingRow) -> Text:
        return (
            Text(f"✓{row.id}", style="bold reverse") if row.id in self.marked else Text(str(row.id))
        )

    def selected(self) -> FindingRow | None:
        page = self.current_page
        index = self.query_one("#findings", DataTable).cursor_row
        return page.rows[index] if page is not None and 0 <= index < len(page.rows) else None

    def workflow_hint(self, row: FindingRow) -> str:
        if self.marked:
            return _("marked for one notice: {ids} · i: issue the notice").format(
                ids=", ".join(f"#{i}" for i in sorted(self.marked))
            )
        if self.can_notice(row):
            return _("i: issue a rectification notice · space: mark several of one site")
        return ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "issue_notice":
            row = self.selected()
            return True if self.marked or (row is not None and self.can_notice(row)) else None
        return True

    def action_mark(self) -> None:
        row = self.selected()
        if row is None:
            return
        if row.id in self.marked:
            del self.marked[row.id]
        elif not self.can_notice(row):
            self.notify(
                (
                    _(
                        "finding #{id} is {status} and covered by {notice}: only open findings "
                        "without a notice can be marked"
                    )
                    if row.notice
                    else _(
                        "finding #{id} is {status}: only open findings without a notice can be "
                        "marked"
                    )
                ).format(id=row.id, status=term(row.status), notice=row.notice),
                severity="warning",
            )
            return
        else:
            self.marked[row.id] = row
        table = self.query_one("#findings", DataTable)
        table.update_cell(str(row.id), "#", self.id_cell(row))
        self.show_finding()

    def action_new_finding(self) -> None:
        self.app.push_screen(FindingForm(), self.after_change)

    def action_issue_notice(self) -> None:
        chosen = list(self.marked.values())
        if not chosen:
            row = self.selected()
            if row is None or not self.can_notice(row):
                self.notify(
                    _(
                        "highlight an open finding without a notice (or mark several "
                        "with space), then press i"
                    ),
                    severity="warning",
                )
                return
            chosen = [row]
        sites = sorted({r.site for r in chosen})
        summary = _("site {sites} · {findings}").format(
            sites=", ".join(sites),
            findings="; ".join(
                f"{r.asset or r.site} {term(r.category)} ({term(r.severity)})" for r in chosen
            ),
        )
        self.app.push_screen(
            NoticeForm(findings=[r.id for r in chosen], summary=summary), self.after_issue
        )

    def after_issue(self, number: Any) -> None:
        if number:
            self.marked.clear()
        self.reload()

    def after_change(self, result: Any) -> None:
        if result:
            self.reload()
