"""Asset CSV import (atomic, every bad row reported) and CSV/JSON export that round-trips."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sirenctl.audit import record
from sirenctl.models import Asset, Site
from sirenctl.registry.assets import (
    AssetFilter,
    asset_snapshot,
    asset_to_dict,
    check_asset,
    list_assets,
    new_asset,
)
from sirenctl.registry.errors import FieldProblem, ValidationFailed
from sirenctl.registry.fields import ASSET_FIELDS, header_index, parse_values

EXPORT_KEYS = tuple(spec.key for spec in ASSET_FIELDS)


def read_text(path: Path) -> str:
    """Read UTF-8 with or without BOM (spreadsheets on Chinese Windows write one)."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ValidationFailed(
            [
                FieldProblem(
                    "file", f"not UTF-8 text (byte {exc.start}); save the sheet as 'CSV UTF-8'"
                )
            ]
        ) from None


def parse_asset_csv(text: str) -> tuple[list[tuple[int, dict[str, Any]]], list[FieldProblem]]:
    """Rows as (line number, parsed values) and every problem found, header included."""
    reader = csv.reader(io.StringIO(text, newline=""))
    problems: list[FieldProblem] = []
    try:
        header = next(reader)
    except StopIteration:
        return [], [FieldProblem("file", "is empty", 1)]
    index = header_index(ASSET_FIELDS)
    keys: list[str | None] = []
    for name in header:
        spec = index.get(name.strip().lower())
        if spec is None:
            problems.append(FieldProblem("header", f"unknown column {name!r}", 1))
        elif spec.key in keys:
            problems.append(FieldProblem("header", f"column for {spec.key!r} appears twice", 1))
        keys.append(spec.key if spec else None)
    for spec in ASSET_FIELDS:
        if spec.required and spec.key not in keys:
            problems.append(
                FieldProblem("header", f"missing required column {spec.key!r} ({spec.zh})", 1)
            )
    if problems:
        return [], problems
    rows: list[tuple[int, dict[str, Any]]] = []
    for cells in reader:
        line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(keys):
            problems.append(
                FieldProblem("row", f"{len(cells)} cells but {len(keys)} columns", line)
            )
            continue
        raw = {key: (cells[i] if i < len(cells) else "") for i, key in enumerate(keys) if key}
        values, row_problems = parse_values(ASSET_FIELDS, raw, line=line)
        if not row_problems:
            row_problems = check_asset(values, line)
        problems.extend(row_problems)
        rows.append((line, values))
    return rows, problems


def import_assets(session: Session, text: str, *, operator: str, source: str) -> list[Asset]:
    """Validate every row, then add all assets, or add none and raise ValidationFailed."""
    rows, problems = parse_asset_csv(text)
    seen: dict[str, int] = {}
    for line, values in rows:
        tag = values.get("tag")
        if tag and tag in seen:
            problems.append(FieldProblem("tag", f"duplicate of line {seen[tag]}", line, tag))
        elif tag:
            seen[tag] = line
    existing = set(session.scalars(select(Asset.tag).where(Asset.tag.in_(list(seen)))))
    sites = {site.code: site for site in session.scalars(select(Site))}
    if not problems:
        problems.extend(_channel_problems(session, rows))
    for line, values in rows:
        if values.get("tag") in existing:
            problems.append(FieldProblem("tag", "already in the registry", line, values["tag"]))
        site = values.get("site")
        if site and site not in sites:
            problems.append(FieldProblem("site", "unknown site code", line, site))
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.field))
        raise ValidationFailed(problems)
    assets = [new_asset(session, values, sites) for _line, values in rows]
    session.add_all(assets)
    session.flush()
    for asset in assets:
        record(
            session,
            operator=operator,
            action="asset.import",
            object_type="asset",
            object_ref=asset.tag,
            after=asset_snapshot(asset),
            message=f"from {source}",
        )
    return assets


def _channel_problems(
    session: Session, rows: list[tuple[int, dict[str, Any]]]
) -> list[FieldProblem]:
    """Bench/live channel sharing, against the registry and the file's other rows."""
    from sirenctl.bench_guard import ChannelIndex, conflict_message

    with_controller = [(line, v) for line, v in rows if v.get("controller_transport")]
    if not with_controller:
        return []
    index = ChannelIndex.from_registry(session)
    index.add(v for _line, v in with_controller)
    out: list[FieldProblem] = []
    for line, values in with_controller:
        shared = index.conflicts(values)
        if shared:
            key = (
                "controller_host"
                if values.get("controller_transport") == "modbus_tcp"
                else "controller_device"
            )
            out.append(FieldProblem(key, conflict_message(values, shared), line, values.get(key)))
    return out


def _export_row(asset: Asset) -> dict[str, Any]:
    data = asset_to_dict(asset)
    return {key: data.get(key) for key in EXPORT_KEYS}


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(value)
    return str(value)


def export_assets(
    session: Session, flt: AssetFilter, fmt: str, *, chinese_headers: bool = False
) -> str:
    assets = list_assets(session, flt)
    if fmt == "json":
        return json.dumps([_export_row(a) for a in assets], ensure_ascii=False, indent=2) + "\n"
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([spec.zh if chinese_headers else spec.key for spec in ASSET_FIELDS])
    for asset in assets:
        row = _export_row(asset)
        writer.writerow([_csv_cell(row[key]) for key in EXPORT_KEYS])
    return out.getvalue()


def json_rows_to_csv(rows: list[dict[str, Any]]) -> str:
    """JSON export back to CSV text, so a JSON export can be imported too."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_KEYS)
    for row in rows:
        writer.writerow([_csv_cell(row.get(key)) for key in EXPORT_KEYS])
    return out.getvalue()
