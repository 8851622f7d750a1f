"""Plain aligned columns for many rows or piped output (a rich table of 10,000 rows took 40 s).

Widths are measured in terminal cells (CJK characters count two), so columns stay aligned.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any, TextIO


def echo_columns(
    columns: Sequence[str], rows: Sequence[Sequence[Any]], *, out: TextIO | None = None
) -> None:
    from rich.cells import cell_len

    from sirenctl.i18n import translate

    columns = [translate(c) for c in columns]  # English literals, as for echo_table
    out = out or sys.stdout
    text = [["" if c is None else str(c) for c in row] for row in rows]
    widths = [cell_len(c) for c in columns]
    for row in text:
        for i, cell in enumerate(row):
            n = cell_len(cell) if not cell.isascii() else len(cell)
            if n > widths[i]:
                widths[i] = n
    last = len(columns) - 1

    def line(cells: Sequence[str]) -> str:
        parts = []
        for i, cell in enumerate(cells):
            if i == last:
                parts.append(cell)
            else:
                n = len(cell) if cell.isascii() else cell_len(cell)
                parts.append(cell + " " * (widths[i] - n))
        return "  ".join(parts).rstrip()

    chunk = [line(columns)]
    for row in text:
        chunk.append(line(row))
        if len(chunk) >= 1000:
            out.write("\n".join(chunk) + "\n")
            chunk = []
    if chunk:
        out.write("\n".join(chunk) + "\n")
    out.flush()
