"""A list screen paged and filtered in SQL: search box with a typing pause, filter drop-downs,
next/previous page. Subclasses say how to load a page (in a worker) and show it."""

from __future__ import annotations

from typing import Any

from textual.binding import Binding, BindingType
from textual.timer import Timer
from textual.widgets import DataTable, Input, Select

from sirenctl.i18n import _
from sirenctl.tui.base import SirenScreen
from sirenctl.tui.data import Page

TYPING_PAUSE = 0.25  # seconds without a key press before a search runs


def paging_bindings(prefix: str) -> list[BindingType]:
    return [
        Binding("slash", "focus_search", "Search", id=f"{prefix}.search"),
        Binding("r", "refresh", "Refresh", id=f"{prefix}.refresh"),
        Binding(
            "right_square_bracket", "page(1)", "Next", key_display="]", id=f"{prefix}.next_page"
        ),
        Binding(
            "left_square_bracket", "page(-1)", "Prev", key_display="[", id=f"{prefix}.prev_page"
        ),
    ]


class PagedScreen(SirenScreen):
    SEARCH_ID = "search"

    def __init__(self) -> None:
        super().__init__()
        self.current_page: Page | None = None
        self.page_offset = 0
        self._typing: Timer | None = None

    def reload(self) -> None:
        """Load ``self.page_offset`` with the current filters (start a worker)."""
        raise NotImplementedError

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == self.SEARCH_ID:
            if self._typing is not None:
                self._typing.stop()
            self._typing = self.set_timer(TYPING_PAUSE, self.action_refresh)

    def on_select_changed(self, _event: Select.Changed) -> None:
        self.action_refresh()

    def action_refresh(self) -> None:
        self.page_offset = 0
        self.reload()

    def action_focus_search(self) -> None:
        self.query_one(f"#{self.SEARCH_ID}", Input).focus()

    def action_page(self, step: int) -> None:
        page = self.current_page
        if page is None:
            return
        offset = page.offset + step * page.limit
        if 0 <= offset < max(page.total, 1):
            self.page_offset = offset
            self.reload()
        else:
            self.notify(_("no more pages in that direction"), timeout=2)

    def highlighted(self, table_id: str) -> Any | None:
        """The row of the current page under the cursor of table ``#table_id``."""
        table = self.query_one(f"#{table_id}", DataTable)
        page = self.current_page
        if page is None or not page.rows or not 0 <= table.cursor_row < len(page.rows):
            return None
        return page.rows[table.cursor_row]

    @staticmethod
    def select_value(select: Select[Any]) -> str | None:
        value = select.value
        return None if value is Select.NULL else str(value)
