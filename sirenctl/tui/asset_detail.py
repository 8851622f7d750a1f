"""The asset detail pane: everything the registry holds, plus recent history."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from sirenctl.i18n import _
from sirenctl.labels import RESULT_OUTCOME
from sirenctl.registry.fields import ASSET_SPECS, as_entered
from sirenctl.tui.data import AssetDetail
from sirenctl.tui.format import local_time


class AssetDetailPane(VerticalScroll):
    """Shows one :class:`AssetDetail`; hidden until an asset is opened."""

    DEFAULT_CSS = """
    AssetDetailPane {
        display: none;
        width: 1fr;
        min-width: 38;
        max-width: 64;
        border-left: tall $primary;
        padding: 0 1;
    }
    AssetDetailPane.-open { display: block; }
    """
    can_focus = True

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.detail: AssetDetail | None = None

    def compose(self):  # type: ignore[no-untyped-def]
        yield Static(id="detail-body")

    def show(self, detail: AssetDetail) -> None:
        self.detail = detail
        self.border_title = detail.tag
        self.query_one("#detail-body", Static).update(render_detail(detail))
        self.add_class("-open")


def render_detail(detail: AssetDetail) -> Group:
    values = detail.values
    head = Text()
    head.append(f"{detail.tag}", style="bold")
    head.append(f"  {values.get('name') or ''}\n")
    head.append(f"{values.get('kind')} · {values.get('status')}")
    if values.get("is_bench"):
        head.append(" · " + _("BENCH"), style="bold magenta")
    head.append(
        "\n" + _("site {code} {name}").format(code=values.get("site"), name=detail.site_name)
    )
    if detail.endpoint:
        head.append("\n" + _("controller {endpoint}").format(endpoint=detail.endpoint))
    fields = Table.grid(padding=(0, 1))
    fields.add_column(style="dim", no_wrap=True, max_width=20, overflow="ellipsis")
    fields.add_column(overflow="fold", ratio=1)
    shown = {"tag", "name", "kind", "status", "site"}
    for key in ASSET_SPECS:
        value = values.get(key)
        if key in shown or value in (None, ""):
            continue
        if isinstance(value, bool):
            value = _("yes") if value else _("no")
        fields.add_row(ASSET_SPECS[key].label, as_entered(value))
    if values.get("retired_at"):
        fields.add_row(_("Retired at"), str(values["retired_at"])[:19])
    history = Table.grid(padding=(0, 1))
    history.add_column(style="dim", no_wrap=True)
    history.add_column(overflow="fold", ratio=1)
    for row in detail.history:
        line = _("{action} by {operator}").format(action=row.action, operator=row.operator)
        if row.outcome != "ok":
            line += f" [{RESULT_OUTCOME.show(row.outcome)}]"
        if row.summary:
            line += f": {row.summary}"
        history.add_row(local_time(row.at, "%m-%d %H:%M"), line)
    parts: list[object] = [head, Text(""), fields]
    if detail.history:
        parts += [Text("\n" + _("recent history"), style="bold"), history]
    return Group(*parts)  # type: ignore[arg-type]
