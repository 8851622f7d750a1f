"""Rectification notices (整改通知书): open / overdue / all / closed, overdue ones flagged, the
highlighted notice's findings and history; start, submit, re-check, close, edit, print.

Only the actions the status machine allows for the highlighted notice are enabled (the others are
dimmed in the footer and left out of the palette); the service checks again when saving.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static

from sirenctl.i18n import _, ngettext, translate
from sirenctl.labels import VIEW, term
from sirenctl.tui.base import SirenScreen, post_result
from sirenctl.tui.format import local_time
from sirenctl.tui.notice_action_dialog import WHAT, NoticeActionDialog
from sirenctl.tui.notice_form import NoticeForm
from sirenctl.tui.notices_data import ACTION_LABELS, VIEWS, NoticeRow, WorkflowService
from sirenctl.tui.paged import PagedScreen


class NoticesLoaded(Message):
    """The notices in the view that match the search text."""

    def __init__(self, rows: list[NoticeRow]) -> None:
        super().__init__()
        self.rows = rows


COLUMNS = (
    ("number", 12),
    ("status", 16),
    ("site", 5),
    ("deadline", 10),
    ("overdue", 7),
    ("responsible", 22),
    ("findings", 12),
)
STATUS_STYLES = {
    "open": "bold",
    "reopened": "bold yellow",
    "awaiting_recheck": "cyan",
    "closed": "green",
}
# binding action -> the status-machine actions it stands for
MACHINE = {
    "start": ("start",),
    "submit": ("submit",),
    "recheck": ("recheck_pass", "recheck_fail"),
    "close": ("close",),
}
KEYS = {"start": "s", "submit": "m", "recheck_pass": "k", "recheck_fail": "k", "close": "c"}


class NoticesScreen(SirenScreen):
    DEFAULT_CSS = """
    NoticesScreen #notices-filters { height: 1; margin: 0 1; }
    NoticesScreen #notices-filters Input { width: 1fr; }
    NoticesScreen #notices-filters Select { width: 14; margin-left: 1; }
    NoticesScreen #notices-info { height: 1; margin: 0 1; color: $text-muted; }
    NoticesScreen DataTable { height: 1fr; }
    NoticesScreen #notice-pane { height: auto; max-height: 40%; padding: 0 1;
                                 border-top: solid $primary; }
    """
    BINDINGS = [
        Binding("s", "machine('start')", "Start", id="notices.start"),
        Binding("m", "machine('submit')", "Submit", id="notices.submit"),
        Binding("k", "machine('recheck')", "Re-check", id="notices.recheck"),
        Binding("c", "machine('close')", "Close", id="notices.close"),
        Binding("e", "edit", "Edit", id="notices.edit"),
        Binding("slash", "focus_search", "Search", id="notices.search"),
        Binding("r", "refresh", "Refresh", id="notices.refresh"),
        Binding("p", "print", "Print", id="notices.print", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[NoticeRow] = []
        self.focus_number: str | None = None
        self.loaded = False

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="notices-filters"):
            yield Input(
                placeholder=_("/ search number, site, responsible…"),
                id="notices-search",
                compact=True,
            )
            yield Select(
                [(VIEW.show(v), v) for v in VIEWS],
                value="open",
                allow_blank=False,
                id="notices-view",
                compact=True,
            )
        yield Label(_("loading…"), id="notices-info")
        table: DataTable[Any] = DataTable(id="notices", cursor_type="row", zebra_stripes=True)
        yield table
        with VerticalScroll(id="notice-pane"):
            yield Static("", id="notice")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Rectification notices")
        table = self.query_one("#notices", DataTable)
        for name, width in COLUMNS:
            table.add_column(translate(name), key=str(name), width=width)
        self.reload()
        table.focus()

    def on_screen_resume(self) -> None:
        if self.loaded:
            self.reload()

    def show_number(self, number: str) -> None:
        """Highlight ``number`` once loaded (after issuing it from the Findings screen)."""
        self.focus_number = number
        self.query_one("#notices-view", Select).value = "all"
        self.reload()

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        row = self.selected()
        if row is None:
            return []
        out: list[tuple[str, str, Any]] = []
        for name, actions in MACHINE.items():
            if any(a in row.actions for a in actions):
                label = " / ".join(ACTION_LABELS[a] for a in actions)
                out.append(
                    (
                        f"{row.number}: {label}",
                        _("Notice action ({key})").format(key=KEYS[actions[0]]),
                        self._machine(name),
                    )
                )
        if row.status != "closed":
            out.append(
                (
                    _("{number}: edit deadline or responsible party").format(number=row.number),
                    _("Edit (e)"),
                    self.action_edit,
                )
            )
        out.append(
            (
                _("{number}: print preview").format(number=row.number),
                _("Printable notice (p)"),
                self.action_print,
            )
        )
        return out

    def _machine(self, name: str) -> Any:
        return lambda: self.action_machine(name)

    # ---- loading -----------------------------------------------------------------------------
    def reload(self) -> None:
        view = PagedScreen.select_value(self.query_one("#notices-view", Select)) or "open"
        text = self.query_one("#notices-search", Input).value.strip() or None
        self.load(view, text)

    def action_refresh(self) -> None:
        self.reload()

    def action_focus_search(self) -> None:
        self.query_one("#notices-search", Input).focus()

    @on(Input.Changed, "#notices-search")
    @on(Select.Changed, "#notices-view")
    def filters_changed(self) -> None:
        self.reload()

    @work(thread=True, exit_on_error=False, exclusive=True, group="notices-page")
    def load(self, view: str, text: str | None) -> None:
        post_result(self, NoticesLoaded(WorkflowService.of(self.services).notices(view, text)))

    def on_notices_loaded(self, message: NoticesLoaded) -> None:
        rows = message.rows
        table = self.query_one("#notices", DataTable)
        current = self.selected()
        keep = self.focus_number or (current.number if current else None)
        self.focus_number = None
        self.rows = rows
        self.loaded = True
        with self.app.batch_update():
            table.clear()
            for row in rows:
                table.add_row(
                    row.number,
                    Text(term(row.status), STATUS_STYLES.get(row.status, "")),
                    row.site,
                    row.deadline.isoformat(),
                    Text(_("{days} d").format(days=row.days_overdue), "bold red")
                    if row.overdue
                    else "",
                    f"{row.responsible_unit} {row.responsible_person}",
                    ", ".join(f"#{i}" for i in row.findings),
                    key=row.number,
                )
        overdue = sum(r.overdue for r in rows)
        self.query_one("#notices-info", Label).update(
            ngettext("{count} notice", "{count} notices", len(rows)).format(count=len(rows))
            + (_(" · {count} overdue").format(count=overdue) if overdue else "")
            if rows
            else _("no notices")
        )
        numbers = [r.number for r in rows]
        if keep in numbers:
            table.move_cursor(row=numbers.index(keep))
        self.show_notice()

    # ---- the highlighted notice ----------------------------------------------------------------
    def selected(self) -> NoticeRow | None:
        index = self.query_one("#notices", DataTable).cursor_row
        return self.rows[index] if 0 <= index < len(self.rows) else None

    @on(DataTable.RowHighlighted, "#notices")
    def show_notice(self) -> None:
        self.query_one("#notice", Static).update(self.describe(self.selected()))
        self.refresh_bindings()

    @staticmethod
    def describe(row: NoticeRow | None) -> str:
        if row is None:
            return ""
        late = _(" · OVERDUE {days} d").format(days=row.days_overdue) if row.overdue else ""
        phone = f" ({row.responsible_phone})" if row.responsible_phone else ""
        lines = [
            _(
                "{number} · {status}{late} · {site} {site_name} · issued {issued} by {by} · "
                "deadline {deadline}"
            ).format(
                number=row.number,
                status=term(row.status),
                late=late,
                site=row.site,
                site_name=row.site_name,
                issued=row.issued_on,
                by=row.issued_by,
                deadline=row.deadline,
            ),
            _("to {unit} {person}{phone} · findings {findings}").format(
                unit=row.responsible_unit,
                person=row.responsible_person,
                phone=phone,
                findings=", ".join(f"#{i}" for i in row.findings),
            ),
            _("required: {action}").format(action=row.required_action),
        ]
        possible = [f"{KEYS[a]} {ACTION_LABELS[a]}" for a in row.actions]
        lines.append(
            _("possible now: {actions}").format(actions=" · ".join(possible))
            if possible
            else _("possible now: nothing (a closed notice is final)")
        )
        lines.append(_("history:"))
        lines += [
            f"  {local_time(h.at, '%m-%d %H:%M')} {term(h.event)} → {term(h.to_status)} "
            f"{h.by}" + (f": {h.note}" if h.note else "")
            for h in row.history
        ]
        return "\n".join(lines)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "machine":
            row = self.selected()
            allowed = MACHINE.get(str(parameters[0]) if parameters else "", ())
            return True if row is not None and any(a in row.actions for a in allowed) else None
        if action == "edit":
            row = self.selected()
            return True if row is not None and row.status != "closed" else None
        return True

    # ---- actions -----------------------------------------------------------------------------
    def action_machine(self, name: str) -> None:
        row = self.selected()
        if row is None:
            self.notify(_("select a notice first"), severity="warning")
            return
        if not any(a in row.actions for a in MACHINE[name]):
            self.notify(
                _("{number} is {status}: {action} is not possible now").format(
                    number=row.number,
                    status=term(row.status),
                    action=_(WHAT[name][2]),
                ),
                severity="warning",
            )
            return
        self.app.push_screen(NoticeActionDialog(row, name), self.after_change)

    def action_edit(self) -> None:
        row = self.selected()
        if row is None or row.status == "closed":
            self.notify(_("select a notice that is not closed"), severity="warning")
            return
        self.app.push_screen(NoticeForm(notice=row), self.after_change)

    def action_print(self) -> None:
        row = self.selected()
        if row is None:
            self.notify(_("select a notice first"), severity="warning")
            return
        from sirenctl.tui.print_preview import PrintPreview

        self.app.push_screen(PrintPreview(row.number))

    def after_change(self, _result: Any) -> None:
        self.reload()
