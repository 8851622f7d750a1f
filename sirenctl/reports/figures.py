"""One figure of the report: a value, how to label it, and the rows behind it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sirenctl.reports.labels import label, term


@dataclass(frozen=True)
class Figure:
    key: str  # stable id, e.g. "notices.closed_on_time"
    value: int | float | None
    rows: tuple[str, ...] = ()  # "table:id" of every record counted
    label_key: str | None = None  # a LABELS key ...
    term_value: str | None = None  # ... or a vocabulary term (category, kind, status)
    params: dict[str, Any] = field(default_factory=dict)
    ratio: bool = False  # a rate in [0, 1], shown as a percentage

    def label(self, lang: str) -> str:
        if self.label_key is not None:
            return label(self.label_key, lang, **self.params)
        if self.term_value is not None:
            return term(self.term_value, lang)
        return self.key

    def shown(self) -> str:
        if self.value is None:
            return "—"
        if self.ratio:
            return f"{self.value * 100:.1f}%"
        if isinstance(self.value, float):
            return f"{self.value:.1f}"
        return str(self.value)

    def to_json(self) -> dict[str, Any]:
        value = round(self.value, 6) if isinstance(self.value, float) else self.value
        return {"value": value, "rows": list(self.rows)}


def refs(table: str, ids: Iterable[int]) -> tuple[str, ...]:
    return tuple(f"{table}:{i}" for i in sorted(set(ids)))


def counted(key: str, table: str, ids: Iterable[int], label_key: str | None = None) -> Figure:
    """A count of records of ``table``, with the rows behind it; labelled ``label_key``
    (default: ``report.`` + ``key``)."""
    rows = refs(table, ids)
    return Figure(key, len(rows), rows, label_key=label_key or f"report.{key}")


def rate(numerator: int | float, denominator: int | float) -> float | None:
    return None if not denominator else numerator / denominator


def compress(rows: Iterable[str]) -> str:
    """``finding:1, finding:2, finding:3, asset:7`` -> ``asset:7; finding:1-3``."""
    by_table: dict[str, list[int]] = {}
    other: list[str] = []
    for row in rows:
        table, _, ident = row.partition(":")
        if ident.isdigit():
            by_table.setdefault(table, []).append(int(ident))
        else:
            other.append(row)
    parts = []
    for table in sorted(by_table):
        ids = sorted(set(by_table[table]))
        spans: list[str] = []
        start = prev = ids[0]
        for i in [*ids[1:], None]:
            if i is not None and i == prev + 1:
                prev = i
                continue
            spans.append(str(start) if start == prev else f"{start}-{prev}")
            if i is not None:
                start = prev = i
        parts.append(f"{table}:{','.join(spans)}")
    return "; ".join(parts + sorted(other))
