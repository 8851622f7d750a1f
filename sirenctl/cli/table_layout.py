"""How a CLI table fits a narrow terminal (issue 13: "readable at 80 columns").

A column of short ASCII values (ids, tags, dates, times, states) is never broken: such a word folded in two
("critic" / "al") reads as two words. Columns of text (names, notes, messages) wrap at spaces,
and CJK text, which has no spaces, between whole characters (rich measures cells). When the
unbreakable columns alone do not fit, the table's optional columns are hidden first (``--wide``
shows them), and only then are the widest words allowed to fold.

Widths are terminal cells: a CJK character counts two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

#: a text column gets at least this many cells (or its widest word, if shorter) before any
#: column is hidden: a name squeezed into 4 cells is worse than a hidden column
TEXT_MIN = 10
#: an ASCII value up to this long is one word (a local time with seconds is 19)
SHORT = 20


@dataclass(frozen=True)
class TableLayout:
    """Which columns are shown (indexes into the caller's columns) and which never wrap."""

    shown: tuple[int, ...]
    no_wrap: frozenset[int]
    hidden: tuple[int, ...] = ()


def _word_column(cells: Sequence[str]) -> bool:
    """Short ASCII values: ids, tags, codes, dates, ``2026-09-18 10:00``, states."""
    return all(c.isascii() and len(c) <= SHORT and "\n" not in c for c in cells)


def _overhead(n: int) -> int:
    """Box lines and one cell of padding either side: ``│ a │ b │`` is 3 per column + 1."""
    return 3 * n + 1


def plan_layout(
    headers: Sequence[str],
    cells: Sequence[Sequence[str]],
    width: int,
    *,
    optional: Sequence[int] = (),
) -> TableLayout:
    """The layout of a table of ``cells`` (text, one list per row) at ``width`` cells.

    ``optional`` lists columns that may be hidden, the first to go first."""
    from rich.cells import cell_len

    n = len(headers)
    columns = [[row[i] for row in cells] for i in range(n)]
    natural = [max([cell_len(headers[i]), *(cell_len(c) for c in columns[i])]) for i in range(n)]
    words = {i for i in range(n) if _word_column(columns[i])}

    def header_word(i: int) -> int:
        return max(cell_len(w) for w in headers[i].split() or [""])

    def need(shown: Sequence[int], unbroken: set[int]) -> int:
        total = _overhead(len(shown))
        for i in shown:
            if i in unbroken:
                total += natural[i]
            else:
                total += max(header_word(i), min(natural[i], TEXT_MIN))
        return total

    shown = list(range(n))
    unbroken = set(words)
    hidden: list[int] = []
    for i in optional:
        if need(shown, unbroken) <= width:
            break
        if i in shown and len(shown) > 1:
            shown.remove(i)
            hidden.append(i)
    while need(shown, unbroken) > width and unbroken & set(shown):
        widest = max(unbroken & set(shown), key=lambda i: natural[i])
        unbroken.discard(widest)
    return TableLayout(tuple(shown), frozenset(unbroken & set(shown)), tuple(hidden))
