"""Column widths that fit a DataTable to its width (issue 13: a long community name is shown
whole at 120 columns).

Each column is as wide as its widest cell on the page; when the row is wider than the table,
the flexible columns (names, campaigns) give way in their order, down to their minimum, and a
row whose text no longer fits on one line wraps onto more (whole CJK characters, measured in
cells) instead of being cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from textual import events
from textual.message import Message
from textual.widgets import DataTable

from sirenctl.i18n import translate

#: DataTable's cell padding, one cell on either side
PADDING = 2


class FitTable(DataTable[Any]):
    """A DataTable that tells its screen when its width changed (the terminal was resized, a
    detail pane opened), so that the screen fits the columns again."""

    class WidthChanged(Message):
        pass

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != getattr(self, "_fitted_width", None):
            self._fitted_width = event.size.width
            self.post_message(self.WidthChanged())


def fit_widths(
    headers: Sequence[str], minimums: Sequence[int], order: Sequence[int],
    rows: Sequence[Sequence[str]], available: int,
) -> list[int]:  # fmt: skip
    """Cell widths of the columns: their natural widths, then the flexible columns (indexes in
    ``order``) narrowed in that order until the row fits; if it still does not, it scrolls."""
    from rich.cells import cell_len

    widths = [
        max([cell_len(headers[i]), *(cell_len(row[i]) for row in rows)])
        for i in range(len(headers))
    ]
    excess = sum(widths) + PADDING * len(widths) - available
    for i in order:  # the first flexible column gives way first, down to its minimum
        cut = min(excess, widths[i] - minimums[i])
        if cut > 0:
            widths[i] -= cut
            excess -= cut
    return widths


def plain(cell: Any) -> str:
    return cell.plain if hasattr(cell, "plain") else str(cell)


def fill_table(
    table: DataTable[Any],
    columns: Sequence[tuple[str, int]],
    flexible: Sequence[str],
    rows: Sequence[Sequence[Any]],
    keys: Sequence[str] | None = None,
) -> None:
    """Replace the table's rows, its columns fitted to the table's current width.

    ``columns`` are (English header, width): the ``flexible`` ones give way in that order when
    the row is too wide, never below their width; the others are as wide as their widest cell."""
    from rich.cells import cell_len

    headers = [str(translate(name)) for name, _width in columns]
    text = [[plain(cell) for cell in row] for row in rows]
    minimums = [width if name in flexible else 1 for name, width in columns]
    available = table.size.width or 10_000  # the content width: without a scrollbar shown
    names = [name for name, _width in columns]
    order = [names.index(name) for name in flexible]
    widths = fit_widths(headers, minimums, order, text, available)
    if [column.width for column in table.ordered_columns] != widths:
        table.clear(columns=True)
        for (name, _width), header, width in zip(columns, headers, widths, strict=True):
            table.add_column(header, key=name, width=width)
    else:
        table.clear()
    for n, (row, cells) in enumerate(zip(rows, text, strict=True)):
        overflows = any(cell_len(c) > w for c, w in zip(cells, widths, strict=True))
        table.add_row(*row, height=None if overflows else 1, key=keys[n] if keys else None)
