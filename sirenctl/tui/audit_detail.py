"""The audit screen's detail pane: the whole change of the highlighted record (issue 13).

Every field of its before / after JSON (an edit as field, before, after), its message, the
local time with the zone, who (and the database login), action, object, outcome, sequence
number and hash, all wrapped to the pane's width.
"""

from __future__ import annotations

import json
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from sirenctl.i18n import _
from sirenctl.tui.audit_data import AuditRow
from sirenctl.tui.format import LOCAL


def _value(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _fields(title: str, values: dict[str, Any]) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold", box=None, expand=True)
    table.add_column(_("field"), style="dim", no_wrap=True)
    table.add_column(_("value"), overflow="fold", ratio=1)
    for key, value in values.items():
        table.add_row(key, _value(value))
    return table


def _changes(before: dict[str, Any], after: dict[str, Any]) -> Table:
    table = Table(
        title=_("change"), title_justify="left", title_style="bold", box=None, expand=True
    )
    table.add_column(_("field"), style="dim", no_wrap=True)
    table.add_column(_("before"), overflow="fold", ratio=1)
    table.add_column(_("after"), overflow="fold", ratio=1)
    for key in [*before, *(k for k in after if k not in before)]:
        old = _value(before[key]) if key in before else ""
        new = _value(after[key]) if key in after else ""
        table.add_row(key, old, Text(new, style="bold" if old != new else ""))
    return table


def audit_detail(row: AuditRow) -> RenderableType:
    """Everything the record holds, as the pane shows it."""
    local = row.at.astimezone(LOCAL)
    head = Table.grid(padding=(0, 1), expand=True)
    head.add_column(style="dim", no_wrap=True)
    head.add_column(overflow="fold", ratio=1)
    number = f"#{row.id}"
    if row.seq is not None:
        number = _("#{id} · number {seq} in the chain").format(id=row.id, seq=row.seq)
    head.add_row(_("record"), number)
    head.add_row(
        _("time"),
        f"{local:%Y-%m-%d %H:%M:%S} {local.tzname()} ({LOCAL.key}, UTC{local.isoformat()[-6:]})",
    )
    operator = row.operator
    if row.db_user and row.db_user != row.operator:
        operator += " " + _("(database login {login})").format(login=row.db_user)
    head.add_row(_("operator"), operator)
    head.add_row(_("action"), row.action)
    head.add_row(_("object"), row.object)
    head.add_row(_("outcome"), row.outcome)
    if row.message:
        head.add_row(_("message"), row.message)
    parts: list[RenderableType] = [head]
    before, after = row.before or {}, row.after or {}
    if before and after:
        parts.append(_changes(before, after))
    else:
        if before:
            parts.append(_fields(_("before"), before))
        if after:
            parts.append(_fields(_("after"), after))
    chain = Table.grid(padding=(0, 1), expand=True)
    chain.add_column(style="dim", no_wrap=True)
    chain.add_column(overflow="fold", ratio=1)
    chain.add_row(_("hash"), row.hash or _("(not chained)"))
    if row.prev_hash:
        chain.add_row(_("previous"), row.prev_hash)
    parts.append(chain)
    return Group(*parts)


class AuditDetailPane(VerticalScroll):
    """Below the list; follows the highlighted row."""

    DEFAULT_CSS = """
    AuditDetailPane {
        height: 45%;
        border-top: solid $primary;
        padding: 0 1;
    }
    """

    def compose(self) -> ComposeResult:
        yield Static("", id="audit-detail-body")

    def show(self, row: AuditRow | None) -> None:
        body = self.query_one("#audit-detail-body", Static)
        body.update(audit_detail(row) if row is not None else "")
