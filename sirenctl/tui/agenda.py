"""Agenda: upcoming, overdue, missed and done work orders; check-ins and the crank guide."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Label, Select, Static

from sirenctl.i18n import L_, _, translate
from sirenctl.labels import TASK, VIEW, WORK_ORDER_STATUS
from sirenctl.tui.agenda_data import VIEWS, OrderRow
from sirenctl.tui.approve_dialog import ApprovalAnswer, ApproveDialog
from sirenctl.tui.base import Notice, SearchInput, post_result
from sirenctl.tui.checkin_form import CheckInForm
from sirenctl.tui.data import Page
from sirenctl.tui.format import local_time
from sirenctl.tui.paged import PagedScreen, paging_bindings
from sirenctl.tui.table_fit import FitTable, fill_table

COLUMNS = (("due", 11), ("state", 8), ("task", 14), ("asset", 9), ("site", 14), ("campaign", 16))
FLEXIBLE = ("campaign", "site")  # give way in this order, down to the widths above
STATE_STYLES = {
    "overdue": "bold yellow",
    "late": "bold red",
    "missed": "bold red",
    "failed": "red",
    "unknown": "bold red",
    "done": "green",
    "refused": "yellow",
}


class AgendaPageLoaded(Message):
    """One page of work orders; ``empty`` is what the info line says when it is empty."""

    def __init__(self, page: Page, empty: str) -> None:
        super().__init__()
        self.page, self.empty = page, empty


class WorkOrderApproved(Message):
    """The approval worker recorded the approval (or found it already given)."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class AgendaScreen(PagedScreen):
    DEFAULT_CSS = """
    AgendaScreen #agenda-filters { height: 1; margin: 0 1; }
    AgendaScreen #agenda-filters Input { width: 1fr; }
    AgendaScreen #agenda-filters Select { width: 16; margin-left: 1; }
    AgendaScreen #agenda-info { height: 1; margin: 0 1; color: $text-muted; }
    AgendaScreen DataTable { height: 1fr; }
    AgendaScreen #order { height: auto; max-height: 8; padding: 0 1; border-top: solid $primary; }
    """
    BINDINGS = [
        Binding("i", "check_in", "Check-in", id="agenda.check_in"),
        Binding("k", "crank_guide", "Crank guide", id="agenda.crank_guide"),
        Binding("v", "approve", "Approve", id="agenda.approve"),
        *paging_bindings("agenda"),
    ]
    SEARCH_ID = "agenda-search"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="agenda-filters"):
            yield SearchInput(
                placeholder=_("/ search asset, site, campaign…"), id="agenda-search", compact=True
            )
            yield Select(
                [(VIEW.show(v), v) for v in VIEWS],
                value="upcoming",
                allow_blank=False,
                id="agenda-view",
                compact=True,
            )
        yield Label(_("loading…"), id="agenda-info")
        table = FitTable(id="agenda", cursor_type="row", zebra_stripes=True)
        yield table
        yield Static("", id="order")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = _("Agenda")
        table = self.query_one("#agenda", DataTable)
        for name, width in COLUMNS:
            table.add_column(translate(name), key=str(name), width=width)
        if self.services.agenda is None:
            self.query_one("#agenda-info", Label).update(
                _("this database has no work orders yet: run `sirenctl init`, then `sirenctl plan`")
            )
        else:
            self.reload()
        table.focus()

    def palette_commands(self) -> list[tuple[str, str, Any]]:
        return [
            (
                "Record check-in",
                "Check-in for the highlighted work order (i)",
                self.action_check_in,
            ),
            (
                "Crank guide for work order",
                "Timing guide for the highlighted order (k)",
                self.action_crank_guide,
            ),
            (
                "Approve work order",
                "Approve the highlighted live sounding as a second person (v)",
                self.action_approve,
            ),
        ]

    # ---- loading ---------------------------------------------------------------------------
    def filters(self) -> tuple[str, str | None]:
        view = self.select_value(self.query_one("#agenda-view", Select)) or "upcoming"
        return view, self.query_one("#agenda-search", Input).value.strip() or None

    def reload(self) -> None:
        if self.services.agenda is None:
            return
        view, text = self.filters()
        self.load_page(view, text, self.page_offset)

    @work(thread=True, exit_on_error=False, exclusive=True, group="agenda-page")
    def load_page(self, view: str, text: str | None, offset: int) -> None:
        services = self.services
        assert services.agenda is not None
        now = services.now()
        page = services.agenda.page(now, view=view, text=text, offset=offset)
        empty = ""
        if not page.total and view == "upcoming" and not text:
            following = services.agenda.next_due(now)
            empty = (
                _(
                    "nothing due in the next 14 days; the next work order is due {day}: "
                    "choose 'all' in the view list to see it"
                ).format(day=local_time(following, "%Y-%m-%d"))
                if following is not None
                else _("no work orders are planned: plan the year with `sirenctl plan --year YYYY`")
            )
        post_result(self, AgendaPageLoaded(page, empty))

    def on_agenda_page_loaded(self, message: AgendaPageLoaded) -> None:
        self.show_page(message.page, message.empty)

    _empty = ""  # what the info line says when the page is empty

    def on_fit_table_width_changed(self) -> None:
        if self.current_page is not None:  # fit the columns to the new width
            self.show_page(self.current_page, self._empty)

    def show_page(self, page: Page, empty: str = "") -> None:
        self.current_page, self._empty = page, empty
        table = self.query_one("#agenda", DataTable)
        cells = [
            (
                local_time(row.due_at, "%m-%d %H:%M"),
                Text(WORK_ORDER_STATUS.show(row.state), style=STATE_STYLES.get(row.state, "")),
                TASK.show(row.task),
                row.tag,
                f"{row.site} {row.site_name}",
                row.campaign,
            )
            for row in page.rows
        ]
        with self.app.batch_update():
            fill_table(table, COLUMNS, FLEXIBLE, cells, keys=[str(row.id) for row in page.rows])
        self.query_one("#agenda-info", Label).update(empty or page.label)
        self.show_order()

    # ---- the highlighted order -----------------------------------------------------------------
    def selected(self) -> OrderRow | None:
        row: OrderRow | None = self.highlighted("agenda")
        return row

    @on(DataTable.RowHighlighted, "#agenda")
    def show_order(self) -> None:
        order = self.selected()
        panel = self.query_one("#order", Static)
        if order is None:
            panel.update("")
            return
        lines = [
            _("#{id} {task} of {tag} ({site}) · due {due} · on time until {until}").format(
                id=order.id,
                task=TASK.show(order.task),
                tag=order.tag,
                site=order.site_name,
                due=local_time(order.due_at),
                until=local_time(order.window_end_at),
            )
        ]
        if order.programme:
            lines.append(
                (
                    _("programme {programme} · k: crank guide")
                    if order.hand_crank
                    else _(
                        "programme {programme} · played by the controller (sirenctl run-due), "
                        "not from here"
                    )
                ).format(programme=order.programme)
            )
        if order.checklist:
            lines.append(_("checklist: {items}").format(items="; ".join(order.checklist)))
        if order.can_check_in:
            lines.append(_("i: record the check-in"))
        panel.update("\n".join(lines))

    def action_check_in(self, started_at: Any = None) -> None:
        order = self.selected()
        if order is None:
            self.notify(_("select a work order first"), severity="warning")
            return
        if not order.can_check_in:
            self.notify(
                _("work order #{id} is {state}: nothing to check in").format(
                    id=order.id, state=WORK_ORDER_STATUS.show(order.state)
                ),
                severity="warning",
            )
            return
        self.app.push_screen(CheckInForm(order, started_at), self.after_check_in)

    def action_approve(self) -> None:
        order = self.selected()
        if order is None:
            self.notify(_("select a work order first"), severity="warning")
            return
        what = _("work order #{id}: {task} of {tag} ({site}), due {due}").format(
            id=order.id,
            task=TASK.show(order.task),
            tag=order.tag,
            site=order.site_name,
            due=local_time(order.due_at),
        )
        services = self.services
        dialog = ApproveDialog(
            services.operator, what, ask_passphrase=services.db.dialect == "sqlite"
        )

        def answered(answer: ApprovalAnswer | None) -> None:
            if answer is not None:
                self.approve(order.id, answer)

        self.app.push_screen(dialog, answered)

    @work(thread=True, exit_on_error=False, exclusive=True, group="agenda-approve")
    def approve(self, wo_id: int, answer: ApprovalAnswer) -> None:
        """Authenticate the approver now, then approve through the one service
        (sirenctl/services/approvals.py); any refusal is shown, nothing is half done."""
        from sirenctl.identity import Role
        from sirenctl.scheduling.library import load_library
        from sirenctl.security.authn import authenticate
        from sirenctl.services.approvals import approve_work_orders
        from sirenctl.tui.errors import describe_error

        services = self.services
        try:
            person = authenticate(
                services.db,
                services.operator,
                purpose=L_("approve work order {wo_id}", wo_id=wo_id),
                role=Role.APPROVER,
                ask=lambda _prompt: answer.passphrase,
                now=services.now(),
            )
            done = approve_work_orders(
                services.db,
                person,
                [wo_id],
                reason=answer.reason,
                library=load_library(),
                now=services.now(),
            )
        except Exception as exc:  # noqa: BLE001 - every refusal is shown, never a traceback
            message = _("not approved: {error}").format(error=describe_error(exc))
            post_result(self, Notice(message, severity="error", timeout=12))
            return
        if done:
            message = _("work order #{id} approved by {login}").format(
                id=wo_id, login=person.actor.login
            )
        else:
            message = _("work order #{id}: already approved by you").format(id=wo_id)
        post_result(self, WorkOrderApproved(message))

    def on_work_order_approved(self, message: WorkOrderApproved) -> None:
        self.notify(message.text, title=_("Approved"))
        self.reload()

    def after_check_in(self, outcome: Any) -> None:
        if outcome:
            self.reload()

    def action_crank_guide(self) -> None:
        order = self.selected()
        if order is None or not order.hand_crank or not order.programme:
            self.notify(
                _("the crank guide is for hand-crank work orders with a programme"),
                severity="warning",
            )
            return
        programmes = {p.key: p for p in self.services.extras.get("programmes", [])}
        programme = programmes.get(order.programme)
        if programme is None:
            self.notify(
                _(
                    "programme {programme!r} is not in the schedule library; "
                    "check `sirenctl programme list`"
                ).format(programme=order.programme),
                severity="error",
            )
            return
        when = self.services.now()
        self.app.open_crank_guide(
            programme,
            asset=order.tag,
            on_check_in=lambda: self._check_in_after_guide(when),
        )

    def _check_in_after_guide(self, started_at: Any) -> None:
        self.app.pop_screen()
        self.action_check_in(started_at)
