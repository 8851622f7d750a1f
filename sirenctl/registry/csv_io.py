"""Asset CSV import (atomic, every bad row reported) and CSV/JSON export that round-trips."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from sirenctl.i18n import L_, N_
from sirenctl.models import Asset, Site
from sirenctl.progress import EVERY, Progress, no_progress
from sirenctl.registry.assets import (
    AssetFilter,
    asset_snapshot,
    asset_to_dict,
    check_asset,
    list_assets,
)
from sirenctl.registry.errors import FieldProblem, ValidationFailed
from sirenctl.registry.fields import ASSET_FIELDS, header_index, parse_values
from sirenctl.registry.import_write import ImportPlan, prepare_import, write_import

EXPORT_KEYS = tuple(spec.key for spec in ASSET_FIELDS)


# Cells a spreadsheet would take as a formula (OWASP "CSV injection"): exported text starting
# with one of these gets a leading apostrophe; import removes exactly that apostrophe again.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class DecodedFile:
    text: str
    encoding: str  # what was found, in words for the user
    delimiter: str


def read_text(path: Path) -> str:
    """The text of a CSV file (see :func:`decode_csv`), for callers that need only that."""
    return decode_csv(path.read_bytes()).text


def decode_csv(data: bytes) -> DecodedFile:
    """Read what Chinese Excel writes, or say which encoding was found and why it failed.

    UTF-8 (with or without BOM, "CSV UTF-8"), UTF-16 with BOM ("Unicode text": tab-separated),
    and GBK/GB18030 (Excel's plain "CSV" on Chinese Windows).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise _undecodable(L_("UTF-16 (byte-order mark found)"), exc) from None
        return DecodedFile(text, "UTF-16 (Excel Unicode text)", _delimiter(text))
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            text = data[3:].decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _undecodable(L_("UTF-8 (byte-order mark found)"), exc) from None
        return DecodedFile(text, "UTF-8 with BOM", _delimiter(text))
    try:
        text = data.decode("utf-8")
        return DecodedFile(text, "UTF-8", _delimiter(text))
    except UnicodeDecodeError as utf8_error:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise _undecodable(L_("neither UTF-8 nor GBK/GB18030"), utf8_error) from None
        return DecodedFile(text, "GBK/GB18030 (Excel CSV on Chinese Windows)", _delimiter(text))


def _undecodable(found: str, exc: UnicodeDecodeError) -> ValidationFailed:
    return ValidationFailed(
        [
            FieldProblem(
                "file",
                L_(
                    (
                        "cannot be read as {found}: bad byte at offset {start}; save the sheet "
                        "as 'CSV UTF-8'"
                    ),
                    found=found,
                    start=exc.start,
                ),
            )
        ]
    )


def _delimiter(text: str) -> str:
    """Tab for Excel's "Unicode text" (and any tab-separated sheet), else comma."""
    first = text.split("\n", 1)[0]
    return "\t" if first.count("\t") > first.count(",") else ","


def _unneutralise(cell: str) -> str:
    """Undo :func:`neutralise` (an apostrophe before a formula character), nothing else."""
    if len(cell) > 1 and cell[0] == "'" and cell[1] in FORMULA_START:
        return cell[1:]
    return cell


def neutralise(cell: str) -> str:
    """Prefix text a spreadsheet would run as a formula with an apostrophe (OWASP)."""
    return "'" + cell if cell.startswith(FORMULA_START) else cell


def parse_asset_csv(
    text: str, delimiter: str | None = None, *, require: bool = True,
    progress: Progress = no_progress,
) -> tuple[list[tuple[int, dict[str, Any]]], list[FieldProblem]]:  # fmt: skip
    """Rows as (line number, parsed values) and every problem found, header included.

    With ``require=False`` (updates) only the ``tag`` column is required and cells are checked
    field by field; cross-field rules run on the merged asset later.
    """
    reader = csv.reader(_lines(text), delimiter=delimiter or _delimiter(text))
    problems: list[FieldProblem] = []
    try:
        header = next(reader)
    except StopIteration:
        return [], [FieldProblem("file", L_("is empty"), 1)]
    index = header_index(ASSET_FIELDS)
    keys: list[str | None] = []
    for name in header:
        spec = index.get(name.strip().lower())
        if spec is None:
            problems.append(FieldProblem("header", L_("unknown column {name!r}", name=name), 1))
        elif spec.key in keys:
            problems.append(
                FieldProblem("header", L_("column for {key!r} appears twice", key=spec.key), 1)
            )
        keys.append(spec.key if spec else None)
    for spec in ASSET_FIELDS:
        if (spec.required if require else spec.key == "tag") and spec.key not in keys:
            problems.append(
                FieldProblem(
                    "header",
                    L_("missing required column {key!r} ({zh})", key=spec.key, zh=spec.zh),
                    1,
                )
            )
    if problems:
        return [], problems
    rows: list[tuple[int, dict[str, Any]]] = []
    lines = max(text.count("\n") - 1, 1)  # about the rows below the header, for a bar
    fields = [str(key) for key in keys]  # no unknown columns (problems above)
    for cells in reader:
        line = reader.line_num
        if line % EVERY == 0:
            progress(N_("checking rows"), min(line - 1, lines), lines)
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) > len(keys):
            problems.append(
                FieldProblem(
                    "row",
                    L_("{count} cells but {count2} columns", count=len(cells), count2=len(keys)),
                    line,
                )
            )
            continue
        if len(cells) < len(keys):
            cells += [""] * (len(keys) - len(cells))
        if "'" in "".join(cells):  # an exported formula-like cell: undo the apostrophe
            cells = [_unneutralise(cell) for cell in cells]
        raw: dict[str, str | None] = dict(zip(fields, cells, strict=False))
        values, row_problems = parse_values(ASSET_FIELDS, raw, line=line, require=require)
        if not row_problems and require:
            row_problems = check_asset(values, line)
        problems.extend(row_problems)
        rows.append((line, values))
    progress(N_("checking rows"), lines, lines)
    return rows, problems


def _existing_tags(session: Session, tags: dict[str, int]) -> set[str]:
    """Which of ``tags`` the registry has: for a large file, every tag the registry has (one
    plain SELECT, not an IN list of 100,000 parameters)."""
    if len(tags) > 500:
        return {tag for tag in session.scalars(select(Asset.tag)) if tag in tags}
    return set(session.scalars(select(Asset.tag).where(Asset.tag.in_(list(tags)))))


def _lines(text: str) -> Iterator[str] | io.StringIO:
    """The lines of ``text`` with their endings, for :mod:`csv` (without the copy that
    ``io.StringIO`` makes: 4 bytes per character, 47 MB for a 100,000-row file)."""
    if text.count("\r") != text.count("\r\n"):  # old Mac line ends: let io do it
        return io.StringIO(text, newline="")
    return _split_lines(text)


def _split_lines(text: str) -> Iterator[str]:
    start, size = 0, len(text)
    while start < size:
        end = text.find("\n", start)
        end = size if end < 0 else end + 1
        yield text[start:end]
        start = end


def _current(asset: Asset, key: str) -> Any:
    if key == "site":
        return asset.site.code
    return getattr(asset, key)


def import_assets(
    session: Session,
    text: str,
    *,
    operator: str,
    source: str,
    delimiter: str | None = None,
    update: bool = False,
) -> list[str]:
    """Validate every row, then add all assets (returns their tags), or none (ValidationFailed)."""
    return plan_import(
        session, text, operator=operator, source=source, delimiter=delimiter, update=update
    ).added


def plan_import(
    session: Session,
    text: str,
    *,
    operator: str,
    source: str,
    delimiter: str | None = None,
    update: bool = False,
    apply: bool = True,
    progress: Progress = no_progress,
) -> ImportPlan:
    """Validate every row, then apply all of them (in the caller's transaction) or none.

    With ``apply=False`` only validate (a read session will do) and return the plan for
    :func:`apply_import`, so the write lock is held only while writing.

    With ``update``, rows whose tag exists replace that asset's values (the sheet is the
    truth: an empty cell clears the field), recorded as ``asset.edit`` per asset.
    """
    rows, problems = parse_asset_csv(text, delimiter, progress=progress)
    seen: dict[str, int] = {}
    for line, values in rows:
        tag = values.get("tag")
        if tag and tag in seen:
            problems.append(
                FieldProblem("tag", L_("duplicate of line {value}", value=seen[tag]), line, tag)
            )
        elif tag:
            seen[tag] = line
    existing = _existing_tags(session, seen)
    sites = {site.code: site for site in session.scalars(select(Site))}
    updates = [(line, v) for line, v in rows if update and v.get("tag") in existing]
    rows = [(line, v) for line, v in rows if not (update and v.get("tag") in existing)]
    if not problems:
        problems.extend(_channel_problems(session, rows))
    for line, values in rows:
        if values.get("tag") in existing:
            problems.append(
                FieldProblem(
                    "tag", L_("already in the registry (use --update to change it)"), line,
                    values["tag"],
                )
            )  # fmt: skip
    for line, values in rows + updates:
        site = values.get("site")
        if site and site not in sites:
            problems.append(FieldProblem("site", L_("unknown site code"), line, site))
    changes = _plan_updates(session, updates, problems) if updates else {}
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.field))
        raise ValidationFailed(problems)
    site_refs = {code: (site.id, site.code) for code, site in sites.items()}
    plan = ImportPlan([str(v["tag"]) for _line, v in rows], changes, rows, site_refs)
    if apply:
        apply_import(session, plan, operator=operator, source=source, progress=progress)
    return plan


def apply_import(
    session: Session, plan: ImportPlan, *, operator: str, source: str,
    progress: Progress = no_progress,
) -> None:  # fmt: skip
    """Prepare and write a validated plan in the caller's write transaction (the CLI prepares
    it before the transaction instead: sirenctl/registry/import_write.py)."""
    prepared = prepare_import(plan, operator=operator, source=source)
    write_import(session, prepared, progress=progress)


def _plan_updates(
    session: Session, updates: list[tuple[int, dict[str, Any]]], problems: list[FieldProblem]
) -> dict[str, list[tuple[str, Any, Any]]]:
    from sirenctl.models import AssetStatus
    from sirenctl.registry.assets import channel_problems

    tags = [v["tag"] for _line, v in updates]
    current = {
        a.tag: a
        for a in session.scalars(
            select(Asset).options(joinedload(Asset.site)).where(Asset.tag.in_(tags))
        )
    }
    out: dict[str, list[tuple[str, Any, Any]]] = {}
    for line, values in updates:
        asset = current[values["tag"]]
        before = asset_snapshot(asset)
        changed = [
            (key, _current(asset, key), values.get(key))
            for key in EXPORT_KEYS
            if key in values and key != "tag" and values.get(key) != _current(asset, key)
        ]
        if not changed:
            continue
        keys = {key for key, _old, _new in changed}
        if "status" in keys and AssetStatus.RETIRED in (asset.status, values.get("status")):
            problems.append(
                FieldProblem(
                    "status", L_("retire with `sirenctl asset retire`"), line, values["status"]
                )
            )
            continue
        merged = {**before, "site": asset.site.code, **{k: values.get(k) for k in keys}}
        row_problems = check_asset(merged, line) or channel_problems(session, merged, line)
        problems.extend(row_problems)
        out[asset.tag] = changed
    return out


def _channel_problems(
    session: Session, rows: list[tuple[int, dict[str, Any]]]
) -> list[FieldProblem]:
    """Bench/live channel sharing, against the registry and the file's other rows."""
    from sirenctl.registry.channel_index import ChannelIndex, conflict_message

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
    if isinstance(value, int | float):
        return str(value)  # numbers (a negative longitude too) stay numbers
    return neutralise(str(value))


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
