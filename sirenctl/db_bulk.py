"""One executemany of many rows given as tuples (CSV import of 100,000 assets, issue 12).

Values are converted exactly as SQLAlchemy would convert them (each column type's bind
processor for the connection's dialect), but without its per-row dictionary handling, which
costs as much as SQLite itself for 100,000 rows. Columns whose value is the same for every
row (``const``) are converted once. ``json_text`` columns receive JSON text that the caller
already serialised (a JSON column would serialise it again); on PostgreSQL it is cast to the
column's type.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from itertools import repeat
from typing import Any

from sqlalchemy import Table, Text, bindparam, cast, insert
from sqlalchemy.engine import Connection


def insert_rows(
    conn: Connection,
    table: Table,
    keys: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    *,
    const: Mapping[str, Any] | None = None,
    json_text: Collection[str] = (),
) -> None:
    """INSERT ``rows`` (values in ``keys`` order) plus ``const`` into ``table``: one executemany."""
    if not rows:
        return
    const = dict(const or {})
    dialect = conn.dialect
    if dialect.paramstyle != "qmark":  # PostgreSQL: Core executemany ("insertmanyvalues")
        stmt = insert(table).values(
            {k: cast(bindparam(k, type_=Text), table.c[k].type) for k in json_text}
        )
        conn.execute(stmt, [dict(zip(keys, row, strict=True)) | const for row in rows])
        return
    names = [*keys, *const]
    quote = dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {dialect.identifier_preparer.format_table(table)} "
        f"({', '.join(quote(table.c[k].name) for k in names)}) "
        f"VALUES ({', '.join('?' for _ in names)})"
    )
    fixed = tuple(_processor(table, k, conn)(v) for k, v in const.items())
    procs = {
        i: p for i, k in enumerate(keys) if k not in json_text and (p := _bind(table, k, conn))
    }
    params: Sequence[tuple[Any, ...]] = rows
    if procs or fixed:  # column by column: map() and zip() loop in C
        columns: list[Iterable[Any]] = list(zip(*rows, strict=True))
        for i, proc in procs.items():
            columns[i] = map(proc, columns[i])
        params = list(zip(*columns, *(repeat(v, len(rows)) for v in fixed), strict=False))
    conn.exec_driver_sql(sql, params)


def _bind(table: Table, key: str, conn: Connection) -> Any:
    col_type = table.c[key].type
    return col_type.dialect_impl(conn.dialect).bind_processor(conn.dialect)


def _processor(table: Table, key: str, conn: Connection) -> Any:
    proc = _bind(table, key, conn)
    return proc or (lambda value: value)
