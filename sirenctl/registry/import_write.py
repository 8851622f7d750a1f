"""Writing a validated CSV import (sirenctl/registry/csv_io.py makes the plan).

:func:`prepare_import` does the per-row work that needs no lock (asset values with their
defaults, each row's audit record: sirenctl/audit_bulk.py); :func:`write_import` is the only
part that holds the write lock: executemany of the assets, then the chained audit records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import Date, Table
from sqlalchemy.orm import Session

from sirenctl import audit_bulk
from sirenctl.audit_bulk import PreparedRecord
from sirenctl.i18n import N_
from sirenctl.models import Asset
from sirenctl.progress import Progress, no_progress


@dataclass
class ImportPlan:
    """What an import does: new assets and, with ``update``, field changes of existing ones."""

    added: list[str]  # tags of the new assets
    changes: dict[str, list[tuple[str, Any, Any]]]  # tag -> [(field, old, new)]
    rows: list[tuple[int, dict[str, Any]]] = field(default_factory=list, repr=False)
    sites: dict[str, tuple[int, str]] = field(default_factory=dict, repr=False)

    def diff_lines(self) -> list[str]:
        out = [f"+ {tag} (new)" for tag in self.added]
        for tag, fields in self.changes.items():
            for key, old, new in fields:
                out.append(f"~ {tag} {key}: {_show(old)} -> {_show(new)}")
        return out


def _show(value: Any) -> str:
    return "(empty)" if value is None or value == "" else repr(value)


ASSET_TABLE: Table = Asset.__table__  # type: ignore[assignment]
_ASSET_DEFAULTS = {
    "status": "in_service",
    "is_bench": False,
    "power_mains": False,
    "battery_backup": False,
    "controller_tls": False,
}


@dataclass
class PreparedImport:
    """A plan turned into insert-ready rows and prepared audit records (no lock needed)."""

    keys: tuple[str, ...]  # asset columns, in the order of each row's values
    rows: list[tuple[Any, ...]]
    const: dict[str, Any]  # columns with the same value in every row
    retired: list[int]  # indexes of rows imported as retired (retired_at: the time of writing)
    records: list[PreparedRecord]
    changes: dict[str, list[tuple[str, Any, Any]]]
    operator: str


def prepare_import(plan: ImportPlan, *, operator: str, source: str) -> PreparedImport:
    """Everything per row that needs no lock: asset values with their defaults and each row's
    ``asset.import`` audit record (every value given, the defaults, the site code).

    The plan's parsed rows move into the result (100,000 rows are held once, not twice).
    """
    pending, plan.rows = plan.rows, []
    # the sheet's columns, plus those the cross-field rules filled in on some rows only
    columns: dict[str, None] = dict.fromkeys(pending[0][1] if pending else ())
    first = columns.keys()
    for _line, values in pending:
        if values.keys() != first:
            columns.update(dict.fromkeys(values))
    sheet = [k for k in columns if k != "site"]
    keys = (*sheet, "site_id", "retired_at")
    # the defaults of columns the sheet does not have: the same for every row
    const = {k: v for k, v in _ASSET_DEFAULTS.items() if k not in columns}
    defaults = [(i, _ASSET_DEFAULTS[k]) for i, k in enumerate(sheet) if k in _ASSET_DEFAULTS]
    dates = [k for k in sheet if isinstance(ASSET_TABLE.c[k].type, Date)]
    status_at = sheet.index("status") if "status" in sheet else None
    values_of = itemgetter(*sheet) if len(sheet) > 1 else None
    message = f"from {source}"
    rows: list[tuple[Any, ...]] = []
    retired: list[int] = []
    records: list[PreparedRecord] = []
    pending.reverse()
    while pending:  # pop as we go: each parsed row is freed once it is prepared
        values = pending.pop()[1]
        site_id, site_code = plan.sites[values["site"]]
        if values_of is not None and len(values) == len(columns):
            own = values_of(values)
        else:
            own = tuple(values.get(k) for k in sheet)
        for i, default in defaults:
            if own[i] is None:
                own = (*own[:i], default, *own[i + 1 :])
        if status_at is not None and own[status_at] == "retired":
            retired.append(len(rows))
        rows.append((*own, site_id, None))
        # the record names every value given, the defaults, and the site
        after: dict[str, Any] = _ASSET_DEFAULTS | {k: v for k, v in values.items() if v is not None}
        for k in dates:
            if k in after:
                after[k] = after[k].isoformat()
        after["site"] = site_code
        records.append(
            audit_bulk.prepare(
                operator=operator, action="asset.import", object_type="asset",
                object_ref=values["tag"], after=after, message=message,
            )
        )  # fmt: skip
    return PreparedImport(keys, rows, const, retired, records, plan.changes, operator)


def write_import(
    session: Session,
    prepared: PreparedImport,
    *,
    batch: int = 5000,
    progress: Progress = no_progress,
) -> None:
    """Insert a prepared import (the only part that holds the write lock): the assets with
    executemany, then their audit records (seq, prev_hash and hash assigned now); updates
    go through :func:`edit_asset`. A tag added by someone else since the plan was made fails
    the whole import (unique tag)."""
    from sirenctl.db_bulk import insert_rows
    from sirenctl.timeutil import utcnow

    now = utcnow()
    rows, keys = prepared.rows, prepared.keys
    for i in prepared.retired:
        rows[i] = (*rows[i][:-1], now)
    conn = session.connection()
    for start in range(0, len(rows), batch):
        const = {**prepared.const, "created_at": now, "updated_at": now}
        insert_rows(conn, ASSET_TABLE, keys, rows[start : start + batch], const=const)
        progress(N_("writing assets"), min(start + batch, len(rows)), len(rows))
    audit_bulk.append(session, prepared.records, batch=batch)
    _apply_updates(session, prepared.changes, operator=prepared.operator)


def _apply_updates(
    session: Session, changes: dict[str, list[tuple[str, Any, Any]]], *, operator: str
) -> None:
    from sirenctl.registry.assets import edit_asset

    for tag, fields in changes.items():
        edit_asset(session, tag, {key: new for key, _old, new in fields}, operator=operator)
