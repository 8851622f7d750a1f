"""Excel (.xlsx) ledgers with Chinese headers: the asset ledger (设备台账) and the inspection
ledger (巡检台账), exported and imported atomically with openpyxl.

The asset ledger goes through the CSV code (sirenctl/registry/csv_io.py): a sheet is read into
CSV text and imported by ``import_assets``, so the row validation and the line/field errors are
exactly those of a CSV import, with the sheet's row numbers as line numbers, and a bench flag
or controller settings in any row need an administrator, as in a CSV import
(sirenctl/services/assets.py). Every cell is written as text (``data_type = "s"``), so a value
such as ``=1+1`` is stored verbatim and never becomes a formula (nor gets the apostrophe a CSV
export puts before one).

The inspection ledger lists manual checks (test results of check-ins); importing one records
each row as a check-in through sirenctl/scheduling/results.py (without a work order: a paper
ledger does not answer a work order's checklist), all rows or none.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from sirenctl.config import DEFAULT_TIMEZONE
from sirenctl.i18n import L_
from sirenctl.models import Asset
from sirenctl.registry.errors import FieldProblem, ValidationFailed

if TYPE_CHECKING:
    from sirenctl.security.authn import Authenticated

CHECK_KINDS = ("manual_check", "inspection", "trial_sounding", "drill")


def _workbook(title: str, header: list[str], rows: list[list[Any]]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = title
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([None] * len(row))
        for col, value in enumerate(row, start=1):
            if value in (None, ""):
                continue
            target = ws.cell(row=ws.max_row, column=col)
            target.value = value
            if isinstance(value, str):
                target.data_type = "s"  # text, never a formula
    ws.freeze_panes = "A2"
    for col, name in enumerate(header, start=1):
        width = max([len(str(name)) * 2, *(len(str(r[col - 1] or "")) for r in rows[:200])])
        ws.column_dimensions[get_column_letter(col)].width = min(width + 2, 40)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _sheet_rows(path: Path) -> list[list[Any]]:
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zip/XML errors of a file that is not a workbook
        raise ValidationFailed(
            [
                FieldProblem(
                    "file", L_("not an Excel .xlsx workbook ({kind})", kind=type(exc).__name__)
                )
            ]
        ) from None
    ws = wb.worksheets[0]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    return rows


def _text(value: Any) -> str:
    """A cell as the text a CSV import expects."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return (
            value.date().isoformat()
            if value.time() == datetime.min.time()
            else value.isoformat(sep=" ")
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(value)
    return str(value)


def export_asset_ledger(session: Session, flt: Any = None) -> bytes:
    from sirenctl.registry.assets import AssetFilter
    from sirenctl.registry.csv_io import _unneutralise, export_assets

    text = export_assets(session, flt or AssetFilter(), "csv", chinese_headers=True)
    header, *rows = list(csv.reader(io.StringIO(text, newline="")))
    # the cells are text cells: no apostrophe before a formula character (the CSV's defence)
    return _workbook("设备台账", header, [[_unneutralise(c) for c in row] for row in rows])


def import_asset_ledger(session: Session, person: Authenticated, path: Path) -> list[str]:
    """All rows or none; returns the imported tags. Problems carry the sheet's row numbers
    (row 1 is the header). A bench flag or controller settings need an administrator."""
    from sirenctl.services.assets import import_assets

    return import_assets(session, person, asset_ledger_csv(path), source=path.name)


def asset_ledger_csv(path: Path) -> str:
    """The first sheet of an asset ledger as CSV text, one CSV line per sheet row."""
    rows = _sheet_rows(path)
    while rows and not any(v not in (None, "") for v in rows[-1]):
        rows.pop()
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        cells = [_text(v) for v in row]
        if any("\n" in c or "\r" in c for c in cells):  # keep sheet rows = CSV lines
            cells = [c.replace("\r", " ").replace("\n", " ") for c in cells]
        writer.writerow(cells)
    return out.getvalue()


# the inspection ledger's columns: (key, Chinese header)
INSPECTION_COLUMNS: tuple[tuple[str, str], ...] = (
    ("checked_at", "检查时间"),
    ("tag", "设备编号"),
    ("site", "社区"),
    ("kind", "检查类型"),
    ("result", "结果"),
    ("inspector", "检查人"),
    ("sound_heard", "听到声音"),
    ("measured_db", "实测声级(dB)"),
    ("distance_m", "测量距离(m)"),
    ("notes", "备注"),
)
PASS_WORDS = {"合格": True, "pass": True, "passed": True, "不合格": False, "fail": False}
YES_NO = {"是": True, "yes": True, "否": False, "no": False, "": None}


def export_inspection_ledger(
    session: Session, year: int | None = None, timezone: str = DEFAULT_TIMEZONE
) -> bytes:
    from sirenctl.models.scheduling import TestResult

    zone = ZoneInfo(timezone)
    query = (
        select(TestResult)
        .options(joinedload(TestResult.asset).joinedload(Asset.site))
        .where(TestResult.kind.in_(CHECK_KINDS), TestResult.operator != "scheduler")
        .order_by(TestResult.finished_at, TestResult.id)
    )
    rows = []
    for r in session.scalars(query):
        local = r.finished_at.astimezone(zone)
        if year is not None and local.year != year:
            continue
        rows.append(
            [
                local.strftime("%Y-%m-%d %H:%M"),
                r.asset.tag,
                r.asset.site.name,
                r.kind,
                "合格" if r.outcome == "pass" else "不合格",
                r.operator,
                {True: "是", False: "否"}.get(r.sound_heard, ""),  # type: ignore[arg-type]
                r.measured_db,
                r.distance_m,
                r.notes or "; ".join(f"{q}: {a}" for q, a in (r.checklist or {}).items()),
            ]
        )
    return _workbook("巡检台账", [zh for _k, zh in INSPECTION_COLUMNS], rows)


@dataclass(frozen=True)
class LedgerRow:
    line: int
    asset: Asset
    at: datetime
    inspector: str
    passed: bool
    sound_heard: bool | None
    measured_db: float | None
    distance_m: float | None
    notes: str | None


def _header(row: list[Any]) -> tuple[dict[str, int], list[FieldProblem]]:
    names = {zh: key for key, zh in INSPECTION_COLUMNS} | {k: k for k, _ in INSPECTION_COLUMNS}
    index: dict[str, int] = {}
    problems = []
    for i, name in enumerate(row):
        key = names.get(str(name or "").strip())
        if key is None:
            problems.append(FieldProblem("header", L_("unknown column {name!r}", name=name), 1))
        elif key in index:
            problems.append(
                FieldProblem("header", L_("column for {key!r} appears twice", key=key), 1)
            )
        else:
            index[key] = i
    for key in ("checked_at", "tag", "result", "inspector"):
        if key not in index:
            zh = dict(INSPECTION_COLUMNS)[key]
            problems.append(
                FieldProblem(
                    "header", L_("missing required column {key!r} ({zh})", key=key, zh=zh), 1
                )
            )
    return index, problems


def _number(value: Any, key: str, line: int, problems: list[FieldProblem]) -> float | None:
    if value in (None, ""):
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        problems.append(FieldProblem(key, L_("must be a number"), line, _text(value)))
        return None


def parse_inspection_ledger(
    session: Session, path: Path, *, now: datetime, timezone: str = DEFAULT_TIMEZONE
) -> list[LedgerRow]:
    rows = _sheet_rows(path)
    if not rows:
        raise ValidationFailed([FieldProblem("file", L_("is empty"), 1)])
    index, problems = _header(rows[0])
    if problems:
        raise ValidationFailed(problems)
    assets = {a.tag: a for a in session.scalars(select(Asset).options(joinedload(Asset.site)))}
    zone = ZoneInfo(timezone)
    parsed: list[LedgerRow] = []
    for line, row in enumerate(rows[1:], start=2):
        if not any(v not in (None, "") for v in row):
            continue

        def get(key: str, row: list[Any] = row) -> Any:
            i = index.get(key)
            return row[i] if i is not None and i < len(row) else None

        before = len(problems)
        tag = _text(get("tag")).strip()
        asset = assets.get(tag)
        if asset is None:
            problems.append(FieldProblem("tag", L_("no such asset"), line, tag))
        at_value = get("checked_at")
        at: datetime | None = None
        if isinstance(at_value, datetime):
            at = at_value.replace(tzinfo=zone)
        else:
            try:
                at = datetime.fromisoformat(_text(at_value).strip()).replace(tzinfo=zone)
            except ValueError:
                problems.append(
                    FieldProblem("checked_at", L_("write YYYY-MM-DD HH:MM"), line, _text(at_value))
                )
        if at is not None and at > now:
            problems.append(
                FieldProblem("checked_at", L_("is in the future"), line, _text(at_value))
            )
        result = _text(get("result")).strip().lower()
        if result not in PASS_WORDS:
            problems.append(FieldProblem("result", L_("write 合格 or 不合格"), line, result))
        heard_text = _text(get("sound_heard")).strip().lower()
        if heard_text not in YES_NO:
            problems.append(FieldProblem("sound_heard", L_("write 是 or 否"), line, heard_text))
        inspector = _text(get("inspector")).strip()
        if not inspector:
            problems.append(FieldProblem("inspector", L_("is required"), line))
        level = _number(get("measured_db"), "measured_db", line, problems)
        distance = _number(get("distance_m"), "distance_m", line, problems)
        if len(problems) == before and asset is not None and at is not None:
            parsed.append(
                LedgerRow(
                    line,
                    asset,
                    at,
                    inspector,
                    PASS_WORDS[result],
                    YES_NO[heard_text],
                    level,
                    distance,
                    _text(get("notes")).strip() or None,
                )
            )
    if problems:
        raise ValidationFailed(problems)
    return parsed


def import_inspection_ledger(session: Session, path: Path, *, operator: str, now: datetime) -> int:
    """Record every row as a check-in, or none (ValidationFailed names each bad row)."""
    from sirenctl.scheduling.results import CheckIn, check_in

    rows = parse_inspection_ledger(session, path, now=now)
    problems: list[FieldProblem] = []
    for row in rows:
        try:
            check_in(
                session,
                row.asset,
                CheckIn(
                    passed=row.passed,
                    sound_heard=row.sound_heard,
                    measured_db=row.measured_db,
                    distance_m=row.distance_m,
                    notes=row.notes,
                ),
                operator=row.inspector,
                work_order=None,
                started_at=row.at,
                now=row.at,
            )
        except ValidationFailed as exc:  # check_in validates before writing anything
            problems += [FieldProblem(p.field, p.message, row.line, p.value) for p in exc.problems]
    if problems:
        raise ValidationFailed(problems)  # the caller's transaction rolls every row back
    from sirenctl.audit import record

    record(  # each check-in names its inspector; this names who imported the sheet
        session,
        operator=operator,
        action="ledger.import",
        object_type="inspection_ledger",
        object_ref=path.name,
        after={"rows": len(rows)},
        at=now,
    )
    return len(rows)
